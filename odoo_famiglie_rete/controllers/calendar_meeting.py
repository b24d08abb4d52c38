from odoo import http
from odoo.http import request

from odoo.addons.calendar.controllers.main import CalendarController


class FamilyCalendarController(CalendarController):
    """Odoo's meeting pages for the joint reviews' meetings.

    Odoo's calendar routes find a meeting by an access token in sudo mode.
    A joint review's meeting is answered only to a user whom the record rules
    let read it (``ir_rule.py``: while the review is readable to them), else
    404; the token alone is not enough. Other meetings are untouched.
    """

    @staticmethod
    def _family_hidden(events):
        meetings = events.sudo().filtered("family_review_id")
        if not meetings:
            return False
        return meetings.with_env(request.env)._filtered_access("read") != meetings

    def _family_hidden_by_attendee_token(self, token):
        attendee = (
            request.env["calendar.attendee"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
        )
        return self._family_hidden(attendee.event_id)

    def _family_hidden_by_event_token(self, token):
        event = (
            request.env["calendar.event"]
            .sudo()
            .search([("access_token", "=", token)], limit=1)
        )
        return self._family_hidden(event)

    @http.route()
    def accept_meeting(self, token, id, **kwargs):
        if self._family_hidden_by_attendee_token(token):
            raise request.not_found()
        return super().accept_meeting(token, id, **kwargs)

    @http.route()
    def accept_recurrence(self, token, id, **kwargs):
        if self._family_hidden_by_attendee_token(token):
            raise request.not_found()
        return super().accept_recurrence(token, id, **kwargs)

    @http.route()
    def decline_meeting(self, token, id, **kwargs):
        if self._family_hidden_by_attendee_token(token):
            raise request.not_found()
        return super().decline_meeting(token, id, **kwargs)

    @http.route()
    def decline_recurrence(self, token, id, **kwargs):
        if self._family_hidden_by_attendee_token(token):
            raise request.not_found()
        return super().decline_recurrence(token, id, **kwargs)

    @http.route()
    def view_meeting(self, token, id, **kwargs):
        if self._family_hidden_by_attendee_token(token):
            raise request.not_found()
        return super().view_meeting(token, id, **kwargs)

    @http.route()
    def calendar_join_meeting(self, token, **kwargs):
        if self._family_hidden_by_event_token(token):
            raise request.not_found()
        return super().calendar_join_meeting(token, **kwargs)

    @http.route()
    def calendar_join_videocall(self, access_token):
        if self._family_hidden_by_event_token(access_token):
            raise request.not_found()
        return super().calendar_join_videocall(access_token)
