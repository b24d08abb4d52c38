"""A joint review in daily use: its plan, its title, its dates."""

from datetime import datetime, time, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PlanCommon


@tagged("post_install", "-at_install")
class TestReviewPlanLink(PlanCommon):
    """A review is linked to the case's current plan by itself, also while
    the plan waits for approval, so that its goals can be loaded."""

    def _review(self, days=7, **values):
        return (
            self.env["family.review"]
            .with_user(self.worker)
            .create(
                {
                    "case_id": self.case_a.id,
                    "date": datetime.combine(
                        self.today + timedelta(days=days), time(10, 0)
                    ),
                    **values,
                }
            )
        )

    def test_plan_awaiting_approval(self):
        plan = self._create_plan()
        plan.action_submit()
        self.assertEqual(plan.state, "approval")
        review = self._review()
        self.assertEqual(review.plan_id, plan)
        review.action_load_goals()
        self.assertEqual(review.outcome_ids.goal_id, plan.goal_ids)

    def test_planned_review_follows_the_current_plan(self):
        review = self._review()
        self.assertFalse(review.plan_id, "no plan yet")
        plan = self._create_plan()
        self.assertEqual(review.plan_id, plan, "the plan drafted after the review")
        held = self._review(days=-1)
        held.action_load_goals()
        held.action_done()
        self._agree(plan)
        new_version = plan.action_new_version_record()
        self.assertEqual(review.plan_id, new_version)
        self.assertEqual(held.plan_id, plan, "a held review keeps its plan")

    def test_plan_of_another_family_refused(self):
        other = self._create_plan(case=self.Case.create({"name": "Bianchi"}))
        with self.assertRaisesRegex(ValidationError, "same family"):
            self._review(plan_id=other.id)

    def test_plan_name_search(self):
        plan = self._create_plan()
        Plan = self.env["family.plan"].with_user(self.worker)
        for typed in ("Alfa", self.case_a.reference, "v1", "1"):
            with self.subTest(typed=typed):
                self.assertIn(plan.id, [pid for pid, _name in Plan.name_search(typed)])
        self.assertFalse(Plan.name_search("Verdi"))
        self.assertFalse(Plan.name_search("v7"))
        # an association finds a plan by the case's reference, never by the
        # family's name (the case's own name search decides)
        self.case_a.share_ids.create(
            {
                "case_id": self.case_a.id,
                "partner_id": self.assoc_a.id,
                "legal_basis": "public_task",
                "share_goals": True,
                "volunteer_user_ids": [(4, self.vol_a.id)],
            }
        )
        self.vol_a.family_portal_role = "volunteer"
        Portal = self.env["family.plan"].with_user(self.vol_a)
        self.assertEqual(
            [pid for pid, _name in Portal.name_search(self.case_a.reference)],
            plan.ids,
        )
        self.assertFalse(Portal.name_search("Alfa"))

    def test_review_form_links_automatically(self):
        """The plan is shown, never typed: no create nor search in the form."""
        arch = self.env["family.review"].get_view(view_type="form")["arch"]
        self.assertRegex(arch, r'<field name="plan_id"[^>]*readonly="(1|True)"')


@tagged("post_install", "-at_install")
class TestReviewTitleAndDates(PlanCommon):
    def setUp(self):
        super().setUp()
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )

    def test_title_in_the_reader_date_format(self):
        review = self.env["family.review"].create(
            {"case_id": self.case_a.id, "date": datetime(2026, 12, 10, 9, 0)}
        )
        reference = self.case_a.reference
        rome = {"tz": "Europe/Rome"}
        self.assertEqual(
            review.with_user(self.worker)
            .with_context(lang="it_IT", **rome)
            .display_name,
            f"Verifica congiunta del 10/12/2026 - {reference}",
        )
        self.assertEqual(
            review.with_user(self.worker)
            .with_context(lang="en_US", **rome)
            .display_name,
            f"Joint review of 12/10/2026 - {reference}",
        )
        # half past midnight in Rome, still the day before in UTC: the
        # reader's day
        late = self.env["family.review"].create(
            {"case_id": self.case_a.id, "date": datetime(2026, 12, 10, 23, 30)}
        )
        self.assertIn(
            "11/12/2026",
            late.with_user(self.worker).with_context(lang="it_IT", **rome).display_name,
        )

    def test_title_without_a_date(self):
        Review = self.env["family.review"].with_context(lang="it_IT")
        new = Review.new({"case_id": self.case_a.id})
        self.assertEqual(
            new.display_name, f"Verifica congiunta - {self.case_a.reference}"
        )
        self.assertNotIn(" del ", new.display_name)
        self.assertEqual(Review.new({}).display_name, "Nuova verifica congiunta")

    def test_not_held_before_its_day(self):
        tomorrow = datetime.combine(self.today + timedelta(days=1), time(10, 0))
        review = (
            self.env["family.review"]
            .with_user(self.worker)
            .with_context(lang="it_IT")
            .create({"case_id": self.case_a.id, "date": tomorrow})
        )
        with self.assertRaisesRegex(UserError, "non si è ancora svolta"):
            review.action_done()
        self.assertEqual(review.state, "planned")
        # on its day, even before its hour, the outcome can be recorded
        review.date = datetime.combine(self.today, time(23, 0))
        review.action_done()
        self.assertEqual(review.state, "done")
