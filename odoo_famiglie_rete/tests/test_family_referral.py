from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CLOSED_RECORDS, PlanCommon


@tagged("post_install", "-at_install")
class TestFamilyReferral(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Referral = cls.env["family.referral"]
        cls.service_tag = cls.env.ref(
            "odoo_famiglie_rete.partner_category_external_service"
        )

    def _referral(self, **values):
        return self.Referral.with_user(self.worker).create(
            {
                "case_id": self.case_a.id,
                "service_id": self.service.id,
                "reason": "Parenting support",
                **values,
            }
        )

    def test_views(self):
        self._check_views("family.referral", ["form", "list", "search"])

    def test_only_external_services(self):
        self.assertTrue(self.service.is_family_external_service)
        with self.assertRaisesRegex(ValidationError, "not an external service"):
            self._referral(service_id=self.person_a.id)
        referral = self._referral()
        with self.assertRaisesRegex(ValidationError, "is not an external service"):
            referral.with_user(self.worker).service_id = self.assoc_a
        # Tagging the contact makes it a service.
        self.person_a.category_id = [Command.link(self.service_tag.id)]
        self.assertTrue(self.person_a.is_family_external_service)
        referral.with_user(self.worker).service_id = self.person_a
        self.assertEqual(referral.service_id, self.person_a)
        self.assertIn("Mario Rossi", referral.display_name)

    def test_dates(self):
        sent = self.today - timedelta(days=10)
        with self.assertRaisesRegex(ValidationError, "answer before"):
            self._referral(date_sent=sent, date_answer=sent - timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "completed before it was sent"):
            self._referral(date_sent=sent, date_end=sent - timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "before the service answered"):
            self._referral(
                date_sent=sent,
                date_answer=sent + timedelta(days=5),
                date_end=sent + timedelta(days=4),
            )
        referral = self._referral(
            date_sent=sent,
            date_answer=sent + timedelta(days=5),
            date_end=sent + timedelta(days=5),
        )
        self.assertEqual(referral.state, "sent")

    def test_states(self):
        referral = self._referral(date_sent=self.today - timedelta(days=3))
        with self.assertRaisesRegex(
            UserError, "is Sent: it cannot be moved to this status"
        ):
            referral.with_user(self.worker).action_complete()  # not accepted yet
        referral.with_user(self.worker).action_refuse()
        self.assertEqual(referral.state, "refused")
        self.assertEqual(referral.date_answer, self.today)
        with self.assertRaisesRegex(
            UserError, "is Refused: it cannot be moved to this status"
        ):
            referral.with_user(self.worker).action_accept()
        referral.with_user(self.worker).action_reset_sent()
        self.assertEqual(referral.state, "sent")
        self.assertFalse(referral.date_answer)
        referral.with_user(self.worker).action_accept()
        self.assertEqual(referral.state, "accepted")
        referral.with_user(self.worker).write({"outcome": "Taken in charge"})
        referral.with_user(self.worker).action_complete()
        self.assertEqual(referral.state, "completed")
        self.assertEqual(referral.date_end, self.today)
        with self.assertRaisesRegex(
            UserError, "Only an answered referral can go back to sent"
        ):
            referral.with_user(self.worker).action_reset_sent()

    def test_member_of_the_family(self):
        other_case = self.Case.create({"name": "Bianchi"})
        stranger = self.env["family.case.member"].create(
            {"case_id": other_case.id, "partner_id": self.person_b.id}
        )
        with self.assertRaisesRegex(
            ValidationError, "The member must belong to the referred family"
        ):
            self._referral(member_id=stranger.id)
        member = self.env["family.case.member"].create(
            {"case_id": self.case_a.id, "partner_id": self.person_a.id}
        )
        self.assertEqual(self._referral(member_id=member.id).member_id, member)

    def test_closed_case_blocks_referrals(self):
        referral = self._referral()
        self.case_a.action_close_case()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self._referral()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            referral.with_user(self.worker).outcome = "Changed"
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            referral.with_user(self.worker).action_accept()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            referral.unlink()
