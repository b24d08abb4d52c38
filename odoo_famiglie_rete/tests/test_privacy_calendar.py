from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .test_privacy_partner import ACCESS_DENIED, FINANCE, SW, PrivacyRpcMixin

ATTENDEE_REFUSED = "You are not allowed to access 'Calendar Attendee Information'"


@tagged("post_install", "-at_install")
class TestPrivacyReviewMeeting(PrivacyRpcMixin, HttpCase):
    """A review's meeting is read by an association only while the review is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = fields.Date.today()
        cls.association = env["res.partner"].create(
            {
                "name": "Associazione Calendario",
                "is_company": True,
                "is_family_network_member": True,
            }
        )
        protocol = env["family.protocol"].create(
            {
                "name": "Protocollo calendario",
                "date_start": cls.today - timedelta(days=365),
                "date_end": cls.today + timedelta(days=365),
                "party_ids": [Command.create({"partner_id": cls.association.id})],
            }
        )
        protocol.action_confirm()
        cls.worker = new_test_user(env, login="cal_sw", password="cal_sw", groups=SW)
        cls.finance = new_test_user(
            env, login="cal_fin", password="cal_fin", groups=FINANCE
        )
        cls.coordinator = new_test_user(
            env,
            login="cal_coord",
            password="cal_coord",
            groups="base.group_portal",
        )
        cls.coordinator.partner_id.parent_id = cls.association
        cls.coordinator.family_portal_role = "coordinator"
        cls.case = env["family.case"].create(
            {"name": "Famiglia Calendario", "user_id": cls.worker.id}
        )
        cls.share = env["family.case.share"].create(
            {
                "case_id": cls.case.id,
                "partner_id": cls.association.id,
                "legal_basis": "consent",
                "consent_date": cls.today,
            }
        )
        cls.review = env["family.review"].create(
            {
                "case_id": cls.case.id,
                "user_id": cls.worker.id,
                "date": fields.Datetime.now() + timedelta(days=7),
                "location": "Sala riunioni dei servizi sociali",
                "partner_ids": [Command.link(cls.coordinator.partner_id.id)],
            }
        )
        cls.event = cls.review.event_id
        cls.attendee = cls.event.attendee_ids.filtered(
            lambda a: a.partner_id == cls.coordinator.partner_id
        )

    def _meeting_rows(self):
        return self._ok(
            "calendar.event",
            "search_read",
            [("id", "=", self.event.id)],
            fields=["name", "start", "location", "partner_ids"],
        )

    def _view_meeting(self):
        return self.url_open(
            f"/calendar/meeting/view?token={self.attendee.access_token}"
            f"&id={self.event.id}"
        )

    def assertMeetingReadable(self):
        self.authenticate(self.coordinator.login, self.coordinator.login)
        rows = self._meeting_rows()
        self.assertEqual(len(rows), 1)
        self.assertIn(self.case.reference, rows[0]["name"])
        self.assertEqual(rows[0]["location"], "Sala riunioni dei servizi sociali")
        rows = self._ok("calendar.event", "read", [self.event.id], ["name"])
        self.assertEqual(rows[0]["id"], self.event.id)
        response = self.url_open(f"/my/verifiche/{self.review.id}/ics")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"BEGIN:VCALENDAR", response.content)
        response = self._view_meeting()
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"Sala riunioni", response.content)

    def assertMeetingHidden(self):
        self.authenticate(self.coordinator.login, self.coordinator.login)
        self.assertEqual(self._meeting_rows(), [])
        self._refused(
            ACCESS_DENIED, "calendar.event", "read", [self.event.id], ["name"]
        )
        found = self._ok(
            "calendar.event", "name_search", self.case.reference, [], "ilike"
        )
        self.assertEqual(found, [])
        # associations never read attendees (Odoo's access rights)
        self._refused(
            ATTENDEE_REFUSED,
            "calendar.attendee",
            "search_read",
            [("event_id", "=", self.event.id)],
            fields=["partner_id"],
        )
        response = self.url_open(f"/my/verifiche/{self.review.id}/ics")
        self.assertEqual(response.status_code, 404)
        response = self._view_meeting()
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"Sala riunioni", response.content)
        response = self.url_open(
            f"/calendar/meeting/accept?token={self.attendee.access_token}"
            f"&id={self.event.id}"
        )
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(self.attendee.state, "accepted")

    def test_active_share_reads_the_meeting(self):
        self.assertEqual(self.event.family_review_id, self.review)
        self.assertMeetingReadable()

    def test_revoked_share_hides_the_meeting(self):
        self.share.action_revoke()
        self.assertEqual(self.share.state, "revoked")
        self.assertMeetingHidden()

    def test_ended_share_hides_the_meeting(self):
        self.share.write(
            {
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today - timedelta(days=1),
            }
        )
        self.assertEqual(self.share.state, "expired")
        self.assertMeetingHidden()

    def test_share_not_started_hides_the_meeting(self):
        self.share.date_start = self.today + timedelta(days=3)
        self.assertEqual(self.share.state, "scheduled")
        self.assertMeetingHidden()

    def test_closed_case_hides_the_meeting(self):
        self.case.action_close_case()
        self.assertTrue(self.case.is_closed)
        self.assertMeetingHidden()

    def test_reactivated_share_reads_the_meeting_again(self):
        self.share.date_start = self.today + timedelta(days=3)
        self.assertMeetingHidden()
        self.share.date_start = self.today
        self.assertEqual(self.share.state, "active")
        self.assertMeetingReadable()

    def test_finance_reads_no_family_meeting(self):
        self.authenticate(self.finance.login, self.finance.login)
        self.assertEqual(self._meeting_rows(), [])
        self._refused(
            ACCESS_DENIED, "calendar.event", "read", [self.event.id], ["name"]
        )
        rows = self._ok(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", self.event.id)],
            fields=["partner_id"],
        )
        self.assertEqual(rows, [])
        self._refused(
            ACCESS_DENIED,
            "calendar.attendee",
            "read",
            self.event.attendee_ids.ids,
            ["partner_id"],
        )
        # the finance clerk's own meetings are untouched
        own = self.env["calendar.event"].create(
            {
                "name": "Chiusura di bilancio",
                "start": fields.Datetime.now(),
                "stop": fields.Datetime.now() + timedelta(hours=1),
                "partner_ids": [Command.link(self.finance.partner_id.id)],
            }
        )
        rows = self._ok(
            "calendar.event", "search_read", [("id", "=", own.id)], fields=["name"]
        )
        self.assertEqual(rows[0]["name"], "Chiusura di bilancio")
        rows = self._ok(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", own.id)],
            fields=["partner_id"],
        )
        self.assertEqual(len(rows), 1)

    def test_case_worker_reads_meeting_and_attendees(self):
        self.authenticate(self.worker.login, self.worker.login)
        self.assertEqual(len(self._meeting_rows()), 1)
        rows = self._ok(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", self.event.id)],
            fields=["partner_id"],
        )
        self.assertIn(
            self.coordinator.partner_id.id, [row["partner_id"][0] for row in rows]
        )
