from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.odoo_famiglie_rete.models import family_access_log

from .common import AccessCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestAccessLogBatch(JsonRpcMixin, AccessCommon, HttpCase):
    """A read of more families than ``BATCH_THRESHOLD`` (lowered to 2 here:
    the fixture has three cases) writes one ``family.access.log.batch`` row;
    the cron expands it into one access-log entry per case and deletes it."""

    def setUp(self):
        super().setUp()
        patcher = patch.object(family_access_log, "BATCH_THRESHOLD", 2)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.Batch = self.env["family.access.log.batch"]
        self.cron = self.env.ref("odoo_famiglie_rete.ir_cron_family_access_log_expand")
        self.all_cases = self.case_a | self.case_b | self.case_restricted

    def _batches(self):
        """The pending batches: (user, channel, model, partner, sorted ids)."""
        self.env.cr.execute(
            "SELECT user_id, channel, model, partner_id, case_ids, date"
            "  FROM family_access_log_batch ORDER BY id"
        )
        return [
            (user, channel, model, partner, sorted(ids), date)
            for user, channel, model, partner, ids, date in self.env.cr.fetchall()
        ]

    def _triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])

    def _group_over_http(self, user, domain=()):
        self._login(user)
        return self.rpc(
            "family.case",
            "web_read_group",
            domain=list(domain),
            fields=[],
            groupby=["stage_id"],
        )

    def test_large_grouped_view_writes_one_batch(self):
        """The finance clerk's kanban over the three cases: one batch, no
        entry yet, the expansion triggered."""
        triggers = self._triggers()
        groups = self._group_over_http(self.finance)
        self.assertTrue(groups["groups"])
        self.assertFalse(self._logs(self.finance))
        batches = self._batches()
        self.assertEqual(len(batches), 1)
        user, channel, model, partner, ids, _date = batches[0]
        self.assertEqual(
            (user, channel, model, partner, ids),
            (self.finance.id, "group", "family.case", None, sorted(self.all_cases.ids)),
        )
        self.assertGreater(len(self._triggers()), len(triggers))

    def test_deleting_a_case_writes_its_pending_entries_first(self):
        """A case the finance clerk's large grouped view counted is in a
        pending batch: deleting it writes the entries first, and the entries
        keep the case, as for any case a logged user opened."""
        self._group_over_http(self.finance)
        self.assertTrue(self._batches())
        self._login(self.manager)
        with mute_logger("odoo.sql_db", "odoo.http"):
            answer = self._call_kw("family.case", "unlink", self.case_b.ids)
        self.assertIn("error", answer, "the case was deleted")
        self.assertIn("another model requires", answer["error"]["data"]["message"])
        self.assertTrue(self.case_b.exists())
        # the deletion was refused as a whole: the batch is still pending
        self.assertEqual(len(self._batches()), 1)
        self.assertFalse(self._logs(self.finance))

    def test_expansion_writes_one_entry_per_case_once(self):
        self._group_over_http(self.finance)
        (_user, _channel, _model, _partner, _ids, date) = self._batches()[0]
        written = self.Batch._cron_expand()
        self.assertEqual(written, 3)
        self.assertFalse(self._batches())
        entries = self._logs(self.finance)
        self.assertEqual(entries.case_id, self.all_cases)
        self.assertEqual(len(entries), 3)
        for entry in entries:
            self.assertEqual(entry.channel, "group")
            self.assertEqual(entry.model, "family.case")
            self.assertEqual(entry.date, date)
            self.assertEqual(entry.case_reference, entry.case_id.reference)
            self.assertFalse(entry.partner_id)
        # a second run writes nothing more
        self.assertEqual(self.Batch._cron_expand(), 0)
        self.assertEqual(len(self._logs(self.finance)), 3)

    def test_portal_batch_keeps_the_association(self):
        """A batch of an association user keeps the association, and the
        cases as the rules let the user see them."""
        self.env["family.access.log"].with_user(self.coord_a)._log(
            SQL("SELECT id FROM family_case"), "group", model="family.case"
        )
        ((user, channel, _model, partner, ids, _date),) = self._batches()
        self.assertEqual(
            (user, channel, partner), (self.coord_a.id, "group", self.assoc_a.id)
        )
        self.assertEqual(ids, sorted(self.all_cases.ids))
        self.Batch._cron_expand()
        entries = self._logs(self.coord_a)
        self.assertEqual(entries.partner_id, self.assoc_a)
        self.assertEqual(entries.case_id, self.all_cases)

    def test_grouped_interventions_batch_each_case_once(self):
        """Grouped by anything but the case, a child model's groups open the
        cases of its records: each once in the batch (case_a has two
        interventions)."""
        self._login(self.finance)
        with patch.object(family_access_log, "BATCH_THRESHOLD", 1):
            self.rpc(
                "family.intervention",
                "web_read_group",
                domain=[],
                fields=[],
                groupby=["state"],
            )
        ((user, channel, model, _partner, ids, _date),) = self._batches()
        self.assertEqual(
            (user, channel, model, ids),
            (
                self.finance.id,
                "group",
                "family.intervention",
                sorted((self.case_a | self.case_b).ids),
            ),
        )
        self.Batch._cron_expand()
        entries = self._logs(self.finance, "group")
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries.case_id, self.case_a | self.case_b)

    def test_ids_over_the_threshold_are_batched(self):
        """A list of cases known in Python (an export, a large read) too."""
        self.env["family.access.log"].with_user(self.finance)._log(
            self.all_cases, "export", model="family.case"
        )
        self.assertFalse(self._logs(self.finance))
        ((_user, channel, _model, _partner, ids, _date),) = self._batches()
        self.assertEqual((channel, ids), ("export", sorted(self.all_cases.ids)))
        self.Batch._cron_expand()
        self.assertEqual(self._logs(self.finance, "export").case_id, self.all_cases)

    def test_small_sets_written_at_once(self):
        """Up to the threshold the request writes the entries itself."""
        self._group_over_http(
            self.finance, [("id", "in", (self.case_a | self.case_b).ids)]
        )
        self.assertFalse(self._batches())
        self.assertEqual(
            self._logs(self.finance, "group").case_id, self.case_a | self.case_b
        )
        self.env["family.access.log"].with_user(self.finance)._log(
            self.case_a | self.case_b, "export", model="family.case"
        )
        self.assertFalse(self._batches())
        self.assertEqual(
            self._logs(self.finance, "export").case_id, self.case_a | self.case_b
        )

    def test_the_cron_expands(self):
        """The scheduled action runs the expansion (as Odoo's cron runs it)."""
        self._group_over_http(self.finance)
        self.cron.method_direct_trigger()
        self.assertFalse(self._batches())
        self.assertEqual(self._logs(self.finance).case_id, self.all_cases)

    def test_ids_are_stored_without_compression(self):
        """The ids are written as they are: PostgreSQL does not first try to
        compress them (in the request of the user whose view is logged)."""
        self.env.cr.execute(
            """
            SELECT attstorage
              FROM pg_attribute
             WHERE attrelid = 'family_access_log_batch'::regclass
               AND attname = 'case_ids'
            """
        )
        self.assertEqual(self.env.cr.fetchone()[0], "e")

    @mute_logger("odoo.http")
    def test_nobody_reads_or_changes_the_batches(self):
        self._group_over_http(self.finance)
        (batch,) = self.Batch.search([])
        for user in (self.finance, self.coord_a, self.manager, self.worker):
            self._login(user)
            with self.subTest(user=user.login):
                for method, args, kwargs in (
                    ("search_read", [[]], {"fields": ["user_id"]}),
                    ("read", [batch.ids, ["user_id"]], {}),
                    (
                        "web_read_group",
                        [],
                        {"domain": [], "fields": [], "groupby": ["channel"]},
                    ),
                    ("write", [batch.ids, {"channel": "form"}], {}),
                    ("unlink", [batch.ids], {}),
                    (
                        "create",
                        [
                            {
                                "date": fields.Datetime.to_string(
                                    fields.Datetime.now()
                                ),
                                "user_id": user.id,
                                "channel": "group",
                            }
                        ],
                        {},
                    ),
                    ("_cron_expand", [], {}),
                ):
                    answer = self._call_kw(
                        "family.access.log.batch", method, *args, **kwargs
                    )
                    self.assertIn("error", answer, f"{method} was not refused")
                    name = answer["error"]["data"]["name"]
                    self.assertEqual(
                        name,
                        "odoo.exceptions.AccessError",
                        f"{method}: {answer['error']['data']['message']}",
                    )
        self.assertEqual(len(self._batches()), 1)
        self.assertFalse(self._logs(self.finance))
        with self.assertRaises(AccessError):
            self.Batch.with_user(self.manager).search([])
