from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import PlanCommon


@tagged("post_install", "-at_install")
class TestGoalIndicators(PlanCommon):
    """Goals measured with numbers: progress, series, library, closure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        cls.plan = cls._create_plan()
        cls.job = cls.plan.goal_ids.filtered(lambda g: g.name == "Find a job")
        cls.homework = cls.plan.goal_ids - cls.job
        # lower is better: months of rent arrears, from 5 to 0
        cls.arrears = cls.Goal.create(
            {
                "plan_id": cls.plan.id,
                "name": "Pay the rent arrears",
                "party_id": cls.comune.id,
                "indicator": "Months of arrears",
                "indicator_unit": "months",
                "direction": "down",
                "baseline": 5,
                "target": 0,
            }
        )

    def _review(self, days_ago, values):
        """A held review of the plan measuring ``values`` ({goal: value})."""
        review = self.env["family.review"].create(
            {
                "case_id": self.case_a.id,
                "date": fields.Datetime.now() - timedelta(days=days_ago),
                "outcome_ids": [
                    Command.create({"goal_id": goal.id, "indicator_value": value})
                    for goal, value in values.items()
                ],
            }
        )
        review.with_user(self.worker).action_done()
        return review

    def test_progress_both_directions(self):
        goals = self.job | self.arrears
        self.assertEqual(goals.mapped("progress"), ["open", "open"], "no measure yet")
        self.assertEqual(self.plan.progress, "open")
        self.assertEqual(self.plan.goal_open_count, 3)
        cases = [
            # (job: up, 0 -> 6), (arrears: down, 5 -> 0)
            ((6, 0), ("met", "met")),
            ((8, -1), ("met", "met")),
            ((3, 2), ("partly", "partly")),
            ((0, 5), ("not_met", "not_met")),
            ((-1, 7), ("not_met", "not_met")),
        ]
        for (job_value, arrears_value), expected in cases:
            with self.subTest(job=job_value, arrears=arrears_value):
                self.job.with_user(self.worker).current_value = job_value
                self.arrears.with_user(self.worker).current_value = arrears_value
                self.assertEqual((self.job.progress, self.arrears.progress), expected)
        self.assertEqual(self.job.date_measured, self.today)

        # the plan: met only when every goal is; stored, so lists filter on it
        self.homework.current_value = 2
        self.job.current_value = 6
        self.arrears.current_value = 3
        self.assertEqual(
            (
                self.plan.goal_met_count,
                self.plan.goal_partly_count,
                self.plan.goal_not_met_count,
                self.plan.goal_open_count,
            ),
            (2, 1, 0, 0),
        )
        self.assertEqual(self.plan.progress, "partly")
        Plan = self.Plan.with_user(self.worker)
        self.assertEqual(Plan.search([("progress", "=", "partly")]), self.plan)
        self.arrears.current_value = 0
        self.assertEqual(self.plan.progress, "met")
        self.assertEqual(Plan.search([("progress", "=", "met")]), self.plan)
        for goal in self.plan.goal_ids:
            goal.current_value = goal.baseline
        self.assertEqual(self.plan.progress, "not_met")
        self.assertEqual(self.plan.goal_not_met_count, 3)

    def test_series_of_measures(self):
        first = self._review(60, {self.job: 1, self.arrears: 4})
        self._review(30, {self.job: 3, self.arrears: 2})
        self.assertEqual((self.job.current_value, self.job.progress), (3, "partly"))
        # a review recorded late does not replace a newer measure
        self._review(45, {self.job: 2})
        self.assertEqual(self.job.current_value, 3)
        self.assertEqual(
            self.job.date_measured, (fields.Datetime.now() - timedelta(days=30)).date()
        )
        self.assertEqual(self.job.measure_count, 3)
        action = self.job.with_user(self.worker).action_view_measures()
        self.assertIn("graph", action["view_mode"])
        series = (
            self.env["family.review.outcome"]
            .with_user(self.worker)
            .search(action["domain"], order="date")
        )
        self.assertEqual(series.mapped("indicator_value"), [1, 2, 3])
        self.assertEqual(series.mapped("progress"), ["partly", "partly", "partly"])
        # the graph groups the measures by date
        groups = (
            self.env["family.review.outcome"]
            .with_user(self.worker)
            .read_group(
                action["domain"], ["indicator_value:avg"], ["date:day"], lazy=False
            )
        )
        self.assertEqual([g["indicator_value"] for g in groups], [1, 2, 3])
        # a new review starts from the latest measure
        review = self.env["family.review"].create(
            {"case_id": self.case_a.id, "date": fields.Datetime.now()}
        )
        review.plan_id = self.plan
        review.action_load_goals()
        loaded = {o.goal_id: o.indicator_value for o in review.outcome_ids}
        self.assertEqual(loaded[self.job], 3)
        self.assertEqual(loaded[self.homework], 0, "never measured: the baseline")
        self.assertEqual(first.outcome_ids.mapped("review_state"), ["done", "done"])

    def test_numbers_written_the_users_way(self):
        goal = self.job.with_user(self.worker)
        goal.with_context(lang="it_IT").write({"current_value": "2,5"})
        self.assertEqual(goal.current_value, 2.5)
        goal.with_context(lang="it_IT").write({"target": "1.100"})
        self.assertEqual(goal.target, 1100)
        goal.with_context(lang="it_IT").write({"target": "7.5"})
        self.assertEqual(goal.target, 7.5, "a phone's decimal point")
        goal.with_context(lang="en_US").write({"target": "1,100.5"})
        self.assertEqual(goal.target, 1100.5)
        with self.assertRaisesRegex(ValidationError, r"deve essere un numero.*abc"):
            goal.with_context(lang="it_IT").write({"current_value": "abc"})
        with self.assertRaisesRegex(ValidationError, "Target must be a number"):
            goal.with_context(lang="en_US").write({"target": "6 mesi"})
        outcome = self.env["family.review.outcome"].create(
            {
                "review_id": self.env["family.review"]
                .create({"case_id": self.case_a.id, "date": fields.Datetime.now()})
                .id,
                "goal_id": self.job.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "deve essere un numero"):
            outcome.with_context(lang="it_IT").write({"indicator_value": "tre"})
        self.assertEqual(goal.current_value, 2.5, "nothing half-saved")

    def test_templates_fill_goals(self):
        # a family whose goals no association shares yet
        family = self.Case.create(
            {"name": "Famiglia Modello", "user_id": self.worker.id}
        )
        housing = self.env.ref("odoo_famiglie_rete.need_area_housing")
        GoalTemplate = self.env["family.goal.template"].with_user(self.manager)
        arrears = GoalTemplate.create(
            {
                "name": "Sanare la morosità",
                "need_area_id": housing.id,
                "indicator": "Mensilità arretrate",
                "indicator_unit": "mensilità",
                "direction": "down",
                "baseline": 3,
                "target": 0,
            }
        )
        furniture = GoalTemplate.create(
            {
                "name": "Arredare l'alloggio",
                "need_area_id": housing.id,
                "indicator": "Stanze arredate",
                "indicator_unit": "stanze",
                "target": 3,
                "party_type": "association",
            }
        )
        template = (
            self.env["family.plan.template"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Emergenza abitativa",
                    "goal_template_ids": [Command.set((arrears | furniture).ids)],
                }
            )
        )
        with self.assertRaises(AccessError):
            self.env["family.plan.template"].with_user(self.worker).create(
                {"name": "Non mia", "goal_template_ids": [Command.set(arrears.ids)]}
            )
        plan = self.Plan.with_user(self.worker).create({"case_id": family.id})
        with self.assertRaisesRegex(UserError, "Choose a typical situation"):
            plan.action_load_template()
        plan.template_id = template
        plan.action_load_template()
        self.assertEqual(len(plan.goal_ids), 2)
        goal = plan.goal_ids.filtered(lambda g: g.template_id == arrears)
        self.assertEqual(
            (
                goal.name,
                goal.indicator,
                goal.indicator_unit,
                goal.direction,
                goal.baseline,
                goal.target,
                goal.party_id,
            ),
            (
                "Sanare la morosità",
                "Mensilità arretrate",
                "mensilità",
                "down",
                3,
                0,
                self.comune,
            ),
        )
        # no association shares the family's goals yet: the Comune takes it
        self.assertEqual(
            plan.goal_ids.filtered(lambda g: g.template_id == furniture).party_id,
            self.comune,
        )
        # with a share opening the goals, the association's goal goes to it
        self.env["family.case.share"].create(
            {
                "case_id": family.id,
                "partner_id": self.assoc_a.id,
                "legal_basis": "public_task",
                "share_goals": True,
            }
        )
        self.assertEqual(furniture._goal_values(family)["party_id"], self.assoc_a.id)
        # a goal line drafted from the library in the form
        with Form(plan.with_user(self.worker)) as form:
            with form.goal_ids.new() as line:
                line.template_id = furniture
                self.assertEqual(line.name, "Arredare l'alloggio")
                self.assertEqual(line.indicator_unit, "stanze")
                self.assertEqual(line.party_id, self.assoc_a)
        self.assertEqual(len(plan.goal_ids), 3)
        plan.action_submit()
        with self.assertRaisesRegex(UserError, "only be loaded into a draft plan"):
            plan.action_load_template()

    def test_close_case_asks_the_reason(self):
        case = self.case_a.with_user(self.worker)
        action = case.action_close_case_wizard()
        self.assertEqual(action["res_model"], "family.case.close")
        Wizard = self.env["family.case.close"].with_user(self.worker)
        wizard = Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.case_ids, self.case_a)
        with self.assertRaisesRegex(UserError, "Choose the reason for closing"):
            wizard.action_close()
        self.assertFalse(self.case_a.is_closed, "nothing closed without a reason")
        wizard.write(
            {"closure_reason": "moved", "closure_note": "Trasferiti a Bergamo"}
        )
        wizard.action_close()
        self.assertTrue(self.case_a.is_closed)
        self.assertEqual(
            (case.closure_reason, case.closure_note), ("moved", "Trasferiti a Bergamo")
        )
        groups = self.Case.with_user(self.worker).read_group(
            [("is_closed", "=", True)], ["closure_reason"], ["closure_reason"]
        )
        self.assertEqual(
            [(g["closure_reason"], g["closure_reason_count"]) for g in groups],
            [("moved", 1)],
        )
        with self.assertRaisesRegex(UserError, "already closed"):
            Wizard.with_context(**action["context"]).create(
                {"closure_reason": "other"}
            ).action_close()
        # finance never reads why a family's case closed
        finance = new_test_user(
            self.env,
            login="goal_finance",
            groups="odoo_famiglie_rete.group_family_finance",
        )
        with self.assertRaises(AccessError):
            self.case_a.with_user(finance).read(["closure_reason"])
        # reopening clears the closure
        case.action_reopen_case()
        self.assertFalse(case.closure_reason)
