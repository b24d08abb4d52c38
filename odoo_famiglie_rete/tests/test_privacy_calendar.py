from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import AccessCommon, JsonRpcMixin

ACCESS_DENIED = "doesn't have 'read' access to"
ATTENDEE_REFUSED = "You are not allowed to access 'Calendar Attendee Information'"


@tagged("post_install", "-at_install")
class TestPrivacyReviewMeeting(JsonRpcMixin, AccessCommon, HttpCase):
    """A review's meeting is read by an association only while the review is:
    ``case_a``'s, shared with association A (``share_a``), its coordinator
    invited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review = cls.env["family.review"].create(
            {
                "case_id": cls.case_a.id,
                "user_id": cls.worker.id,
                "date": fields.Datetime.now() + timedelta(days=7),
                "location": "Sala riunioni dei servizi sociali",
                "partner_ids": [Command.link(cls.coord_a.partner_id.id)],
            }
        )
        cls.event = cls.review.event_id
        cls.attendee = cls.event.attendee_ids.filtered(
            lambda a: a.partner_id == cls.coord_a.partner_id
        )

    def _meeting_rows(self):
        return self.rpc(
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
        self._login(self.coord_a)
        rows = self._meeting_rows()
        self.assertEqual(len(rows), 1)
        self.assertIn(self.case_a.reference, rows[0]["name"])
        self.assertEqual(rows[0]["location"], "Sala riunioni dei servizi sociali")
        rows = self.rpc("calendar.event", "read", [self.event.id], ["name"])
        self.assertEqual(rows[0]["id"], self.event.id)
        response = self.url_open(f"/my/verifiche/{self.review.id}/ics")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"BEGIN:VCALENDAR", response.content)
        response = self._view_meeting()
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"Sala riunioni", response.content)

    def _assertEventClosedTo(self, user):
        """As ``user``: the meeting is in no list and its read is refused."""
        self._login(user)
        self.assertEqual(self._meeting_rows(), [])
        self.assertRpcRefused(
            AccessError,
            ACCESS_DENIED,
            "calendar.event",
            "read",
            [self.event.id],
            ["name"],
        )

    def assertMeetingHidden(self):
        self._assertEventClosedTo(self.coord_a)
        found = self.rpc(
            "calendar.event", "name_search", self.case_a.reference, [], "ilike"
        )
        self.assertEqual(found, [])
        # associations never read attendees (Odoo's access rights)
        self.assertRpcRefused(
            AccessError,
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
        self.share_a.action_revoke()
        self.assertEqual(self.share_a.state, "revoked")
        self.assertMeetingHidden()

    def test_ended_share_hides_the_meeting(self):
        self.share_a.write(
            {
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today - timedelta(days=1),
            }
        )
        self.assertEqual(self.share_a.state, "expired")
        self.assertMeetingHidden()

    def test_share_not_started_hides_the_meeting(self):
        self.share_a.date_start = self.today + timedelta(days=3)
        self.assertEqual(self.share_a.state, "scheduled")
        self.assertMeetingHidden()

    def test_closed_case_hides_the_meeting(self):
        self.case_a.action_close_case()
        self.assertTrue(self.case_a.is_closed)
        self.assertMeetingHidden()

    def test_reactivated_share_reads_the_meeting_again(self):
        self.share_a.date_start = self.today + timedelta(days=3)
        self.assertMeetingHidden()
        self.share_a.date_start = self.today
        self.assertEqual(self.share_a.state, "active")
        self.assertMeetingReadable()

    def test_finance_reads_no_family_meeting(self):
        self._assertEventClosedTo(self.finance)
        rows = self.rpc(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", self.event.id)],
            fields=["partner_id"],
        )
        self.assertEqual(rows, [])
        self.assertRpcRefused(
            AccessError,
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
        rows = self.rpc(
            "calendar.event", "search_read", [("id", "=", own.id)], fields=["name"]
        )
        self.assertEqual(rows[0]["name"], "Chiusura di bilancio")
        rows = self.rpc(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", own.id)],
            fields=["partner_id"],
        )
        self.assertEqual(len(rows), 1)

    def test_case_worker_reads_meeting_and_attendees(self):
        self._login(self.worker)
        self.assertEqual(len(self._meeting_rows()), 1)
        rows = self.rpc(
            "calendar.attendee",
            "search_read",
            [("event_id", "=", self.event.id)],
            fields=["partner_id"],
        )
        self.assertIn(
            self.coord_a.partner_id.id, [row["partner_id"][0] for row in rows]
        )
