from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CLOSED_RECORDS, PlanCommon


@tagged("post_install", "-at_install")
class TestFamilyReview(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Review = cls.env["family.review"]
        cls.activity_type = cls.env.ref(
            "odoo_famiglie_rete.mail_activity_type_review_overdue"
        )

    def _at(self, days, hour=10):
        """A datetime ``days`` from today (negative: in the past)."""
        return datetime.combine(self.today + timedelta(days=days), time(hour, 0))

    def _review(self, case=None, days=7, **values):
        return self.Review.with_user(self.worker).create(
            {"case_id": (case or self.case_a).id, "date": self._at(days), **values}
        )

    def _overdue_activities(self, case):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "family.case"),
                ("res_id", "=", case.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_views(self):
        self._check_views("family.review", ["form", "list", "calendar", "search"])

    # ------------------------------------------------------------------
    # Calendar meeting
    # ------------------------------------------------------------------
    def test_review_creates_meeting_with_invited(self):
        review = self._review(
            partner_ids=[Command.set((self.person_a | self.coord_a.partner_id).ids)],
            duration=1.5,
            location="Sala riunioni",
        )
        event = review.event_id
        self.assertTrue(event)
        self.assertEqual(
            event.partner_ids,
            self.person_a | self.coord_a.partner_id | self.worker.partner_id,
        )
        self.assertEqual(event.start, self._at(7))
        self.assertEqual(event.stop, self._at(7) + timedelta(hours=1.5))
        self.assertEqual(event.location, "Sala riunioni")
        self.assertEqual(event.user_id, self.worker)
        self.assertEqual(event.privacy, "private")
        self.assertEqual((event.res_model, event.res_id), ("family.review", review.id))
        # The family's name is not written in shared calendars.
        self.assertIn(self.case_a.reference, event.name)
        self.assertNotIn(self.case_a.name, event.name)
        action = review.action_open_event()
        self.assertEqual(action["res_id"], event.id)

    def test_meeting_named_in_the_comune_language(self):
        """Whoever plans it, the meeting is named in the Comune's language."""
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.env.company.partner_id.lang = "it_IT"
        self.worker.lang = "en_US"
        review = self._review()
        self.assertEqual(
            review.event_id.name, f"Verifica congiunta {self.case_a.reference}"
        )

    def test_meeting_follows_the_review(self):
        review = self._review(partner_ids=[Command.set(self.person_a.ids)])
        event = review.event_id
        # Another social worker, not invited, moves the review.
        review.with_user(self.worker_2).write(
            {
                "date": self._at(14, hour=15),
                "partner_ids": [Command.link(self.person_b.id)],
            }
        )
        self.assertEqual(review.event_id, event)
        self.assertEqual(event.start, self._at(14, hour=15))
        self.assertIn(self.person_b, event.partner_ids)
        review.with_user(self.worker).action_cancel()
        self.assertEqual(review.state, "cancelled")
        self.assertFalse(event.active, "a cancelled review archives its meeting")
        with self.assertRaisesRegex(UserError, "Only a planned review can be recorded"):
            review.action_done()
        review.unlink()
        self.assertFalse(event.exists())

    # ------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------
    def test_outcomes_update_goals(self):
        plan = self._agree(self._create_plan())
        review = self._review(days=-1)
        self.assertEqual(review.plan_id, plan)
        with self.assertRaisesRegex(
            UserError, "Record an outcome for the goals before closing"
        ):
            review.with_user(self.worker).action_done()  # no outcome yet
        review.with_user(self.worker).action_load_goals()
        review.with_user(self.worker).action_load_goals()
        self.assertEqual(review.outcome_ids.goal_id, plan.goal_ids, "no duplicates")
        job = review.outcome_ids.filtered(lambda o: o.goal_id.name == "Find a job")
        homework = review.outcome_ids - job
        self.assertEqual(job.party_id, self.comune)
        self.assertEqual(job.target, 6.0)
        job.write({"outcome": "achieved", "indicator_value": "6"})
        homework.write({"outcome": "partly", "indicator_value": "1", "note": "Late"})
        review.with_user(self.worker).write(
            {"minutes": "<p>Good progress</p>", "next_review_date": self.today}
        )
        review.with_user(self.worker).action_done()
        self.assertEqual(review.state, "done")
        self.assertEqual(job.goal_id.state, "achieved")
        self.assertEqual(job.goal_id.current_value, 6.0)
        self.assertEqual(homework.goal_id.state, "partly")
        self.assertEqual(homework.goal_id.current_value, 1.0)
        self.assertEqual(plan.state, "active", "outcomes do not reopen approval")
        with self.assertRaisesRegex(UserError, "Only a planned review can be recorded"):
            review.action_done()
        with self.assertRaisesRegex(
            UserError, "Goals can only be loaded into a planned review"
        ):
            review.action_load_goals()

    def test_outcome_goal_of_the_same_family(self):
        other_case = self.Case.create({"name": "Bianchi"})
        other_plan = self._create_plan(case=other_case)
        review = self._review()
        with self.assertRaisesRegex(
            ValidationError, "The goal must belong to the reviewed family"
        ):
            self.env["family.review.outcome"].create(
                {"review_id": review.id, "goal_id": other_plan.goal_ids[0].id}
            )

    def test_next_review_not_before_review(self):
        with self.assertRaisesRegex(ValidationError, "next review"):
            self._review(days=7, next_review_date=self.today + timedelta(days=6))
        review = self._review(days=7, next_review_date=self.today + timedelta(days=7))
        with self.assertRaisesRegex(
            ValidationError,
            "The date of the next review cannot be before the date of this review",
        ):
            review.with_user(self.worker).date = self._at(8)

    # ------------------------------------------------------------------
    # Overdue reviews
    # ------------------------------------------------------------------
    def test_next_review_date(self):
        self.assertFalse(self.case_a.next_review_date)
        held = self._review(days=-30, next_review_date=self.today - timedelta(days=5))
        held.action_done()
        self.assertEqual(self.case_a.next_review_date, self.today - timedelta(days=5))
        self.assertTrue(self.case_a.review_overdue)
        self.assertIn(self.case_a, self.Case.search([("review_overdue", "=", True)]))
        # A stale planned review, older than the last one held, is ignored.
        self._review(days=-40)
        self.assertEqual(self.case_a.next_review_date, self.today - timedelta(days=5))
        # A review planned after the last one held is the next one.
        self._review(days=3)
        self.assertEqual(self.case_a.next_review_date, self.today + timedelta(days=3))
        self.assertFalse(self.case_a.review_overdue)
        self.assertNotIn(self.case_a, self.Case.search([("review_overdue", "=", True)]))

    def test_overdue_cron_gives_one_activity(self):
        self._review(
            days=-60, next_review_date=self.today - timedelta(days=10)
        ).action_done()
        up_to_date = self.Case.create({"name": "Bianchi", "user_id": self.worker.id})
        self._review(
            case=up_to_date,
            days=-20,
            next_review_date=self.today + timedelta(days=10),
        ).action_done()
        no_review = self.Case.create({"name": "Verdi", "user_id": self.worker.id})

        mails = self.env["mail.mail"].search_count([])
        self.Case._cron_review_overdue()
        self.Case._cron_review_overdue()  # the next day: no duplicate
        self.assertEqual(
            self.env["mail.mail"].search_count([]), mails, "no e-mail with the name"
        )

        activity = self._overdue_activities(self.case_a)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.worker)
        self.assertIn(
            fields.Date.to_string(self.today - timedelta(days=10)), activity.note
        )
        self.assertFalse(self._overdue_activities(up_to_date))
        self.assertFalse(self._overdue_activities(no_review))

        # The up-to-date case becomes overdue later.
        with freeze_time(self.today + timedelta(days=11)):
            self.Case._cron_review_overdue()
        self.assertEqual(len(self._overdue_activities(up_to_date)), 1)

        # Holding a review marks the activity done, even when another social
        # worker records it.
        self._review(days=0).with_user(self.worker_2).action_done()
        self.assertFalse(self._overdue_activities(self.case_a))
        self.assertFalse(self.case_a.review_overdue)
        self.Case._cron_review_overdue()
        self.assertFalse(self._overdue_activities(self.case_a))

    def test_closed_case_cron_and_changes(self):
        review = self._review(
            days=-60, next_review_date=self.today - timedelta(days=10)
        )
        review.action_done()
        plan = self._create_plan()
        self.env["family.review.outcome"].create(
            {"review_id": review.id, "goal_id": plan.goal_ids[0].id}
        )
        self.case_a.action_close_case()
        self.Case._cron_review_overdue()
        self.assertFalse(self._overdue_activities(self.case_a), "closed: no alert")
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            review.with_user(self.worker).minutes = "<p>Changed</p>"
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self._review()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            review.outcome_ids[0].note = "Changed"
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self.env["family.review.outcome"].create(
                {"review_id": review.id, "goal_id": plan.goal_ids[1].id}
            )
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            review.unlink()
