import re

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install")
class TestGoalIndicatorsPortal(PortalCommon):
    """The association's side: a number in the goal's unit, only its own
    goals' measures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        cls.coord_a.lang = "it_IT"
        cls.goal_a.indicator_unit = "pacchi"
        cls.goal_comune.write({"baseline": 0, "target": 6})
        cls.outcomes = cls.env["family.review.outcome"].create(
            [
                {
                    "review_id": cls.review_a.id,
                    "goal_id": goal.id,
                    "indicator_value": value,
                }
                for goal, value in ((cls.goal_a, 3), (cls.goal_comune, 2))
            ]
        )
        # held yesterday: its outcome can be recorded
        cls.review_a.date = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        cls.review_a.action_done()

    def _update(self, value):
        self.authenticate("coord_alfa", "coord_alfa")
        url = f"/my/famiglie/{self.case_a.id}"
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', self.url_open(url).text
        ).group(1)
        return self.url_open(
            f"{url}/obiettivi/{self.goal_a.id}",
            data={"state": "in_progress", "current_value": value, "csrf_token": token},
            allow_redirects=False,
        )

    def test_portal_number_in_the_goals_unit(self):
        response = self._update("tre pacchi")
        self.assertEqual(response.status_code, 200)
        self.assertIn("deve essere un numero", response.text)
        self.assertIn("pacchi", response.text)
        self.assertEqual(
            (self.goal_a.state, self.goal_a.current_value), ("open", 3), "unchanged"
        )
        response = self._update("3,5")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.goal_a.current_value, 3.5)
        self.assertEqual(self.goal_a.date_measured, fields.Date.today())
        self.assertEqual(self.goal_a.progress, "partly")  # 0 -> 4 pacchi
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn('value="3,5"', page)

    def test_rpc_refuses_a_non_number_in_italian(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertRpcRefused(
            ValidationError,
            "deve essere un numero",
            "family.plan.goal",
            "write",
            [self.goal_a.id],
            {"current_value": "abc"},
            context={"lang": "it_IT"},  # as the web client sends it
        )
        self.assertEqual(self.goal_a.current_value, 3)
        # the date of the measure is the system's
        self.assertRpcRefused(
            AccessError,
            "date_measured",
            "family.plan.goal",
            "write",
            [self.goal_a.id],
            {"date_measured": "2020-01-01"},
        )

    def test_association_reads_only_its_goals_measures(self):
        own, comune = self.outcomes
        for login in ("coord_alfa", "vol_alfa"):
            with self.subTest(user=login):
                self.authenticate(login, login)
                rows = self.rpc(
                    "family.review.outcome",
                    "search_read",
                    [("review_id", "=", self.review_a.id)],
                    ["goal_id", "indicator_value", "indicator_unit", "progress"],
                )
                self.assertEqual([row["id"] for row in rows], own.ids)
                self.assertEqual(rows[0]["indicator_value"], 3)
                self.assertEqual(
                    self.rpc_error(
                        "family.review.outcome", "read", comune.ids, ["indicator_value"]
                    ),
                    "odoo.exceptions.AccessError",
                )
                goals = self.rpc(
                    "family.plan.goal",
                    "search_read",
                    [("case_id", "=", self.case_a.id)],
                    ["current_value", "progress", "measure_count"],
                )
                self.assertEqual([g["id"] for g in goals], self.goal_a.ids)
                self.assertEqual(goals[0]["measure_count"], 1)
                self.assertEqual(
                    self.rpc_error(
                        "family.plan.goal",
                        "read",
                        self.goal_comune.ids,
                        ["current_value"],
                    ),
                    "odoo.exceptions.AccessError",
                )
        # association B reads no measure of this family
        self.authenticate("coord_beta", "coord_beta")
        self.assertEqual(
            self.rpc(
                "family.review.outcome",
                "search_read",
                [("id", "in", self.outcomes.ids)],
                ["indicator_value"],
            ),
            [],
        )
