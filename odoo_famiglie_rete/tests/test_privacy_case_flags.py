from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AccessCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestInterventionCaseFlags(JsonRpcMixin, AccessCommon, HttpCase):
    """The social workers' rule on interventions reads the case's restriction
    and case manager copied on the intervention (``case_restricted``,
    ``case_user_id``): the copy follows the case, and what a social worker
    reads follows it too, over the ORM and over HTTP."""

    def _orm_sees(self, user, intervention):
        Intervention = self.env["family.intervention"].with_user(user)
        return bool(Intervention.search([("id", "=", intervention.id)]))

    def _http_sees(self, user, intervention):
        self._login(user)
        found = self.rpc(
            "family.intervention",
            "web_search_read",
            [("id", "=", intervention.id)],
            {"display_name": {}},
        )
        count = self.rpc(
            "family.intervention", "search_count", [("id", "=", intervention.id)]
        )
        self.assertEqual(found["length"], count)
        return bool(found["records"])

    def _sees(self, user, intervention):
        """What ``user`` reads of ``intervention``, the same over both ways."""
        orm = self._orm_sees(user, intervention)
        self.assertEqual(self._http_sees(user, intervention), orm)
        return orm

    @mute_logger("odoo.http")
    def test_restricting_the_case_closes_its_interventions(self):
        intervention = self.int_a
        self.assertFalse(intervention.case_restricted)
        self.assertEqual(intervention.case_user_id, self.worker)
        self.assertTrue(self._sees(self.worker_2, intervention))

        self.case_a.restricted = True
        self.assertFalse(self._sees(self.worker_2, intervention))
        self.assertTrue(self._sees(self.worker, intervention))
        self.assertTrue(intervention.case_restricted)
        self._login(self.worker_2)
        self.assertRpcRefused(
            AccessError,
            "Intervention",
            "family.intervention",
            "read",
            intervention.ids,
            ["date_start"],
        )

        self.case_a.restricted = False
        self.assertFalse(intervention.case_restricted)
        self.assertTrue(self._sees(self.worker_2, intervention))

    def test_changing_case_manager_moves_the_restricted_interventions(self):
        self.case_a.restricted = True
        intervention = self.int_a
        self.assertFalse(self._sees(self.worker_2, intervention))

        self.case_a.user_id = self.worker_2
        self.assertEqual(intervention.case_user_id, self.worker_2)
        self.assertTrue(self._sees(self.worker_2, intervention))
        self.assertFalse(self._sees(self.worker, intervention))
        # the manager reads every case's interventions
        self.assertTrue(self._sees(self.manager, intervention))

    def test_moving_an_intervention_to_a_restricted_case(self):
        intervention = self.int_b
        self.assertTrue(self._sees(self.worker_2, intervention))
        intervention.case_id = self.case_restricted
        self.assertTrue(intervention.case_restricted)
        self.assertEqual(intervention.case_user_id, self.case_restricted.user_id)
        self.assertFalse(self._sees(self.worker_2, intervention))
        self.assertTrue(self._sees(self.worker, intervention))

    def test_the_rule_reads_the_copy(self):
        """The rule's SQL reads the intervention's own columns: no join of
        the cases."""
        Intervention = self.env["family.intervention"].with_user(self.worker_2)
        sql = Intervention._search([]).select().code
        self.assertIn('"family_intervention"."case_restricted"', sql)
        self.assertNotIn("family_case", sql)
