"""Portal: the joint reviews the association is invited to, and their calendar files."""

from odoo import http
from odoo.http import request

from .common import FamilyPortalCommon


class FamilyPortalReviews(FamilyPortalCommon):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        user = request.env.user
        if "family_review_count" in counters:
            values["family_review_count"] = (
                self._family_counter(
                    "family.review", [("partner_ids", "in", user.partner_id.ids)]
                )
                if user.share
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    @http.route(
        "/my/verifiche", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_my_reviews(self, **kw):
        if not request.env.user.share:
            raise request.not_found()
        reviews = request.env["family.review"].search(
            [("partner_ids", "in", request.env.user.partner_id.ids)],
            order="date desc, id desc",
            limit=200,
        )
        self._family_log(reviews.case_id, model="family.review")
        upcoming, past = reviews._family_split_upcoming()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "reviews_upcoming": upcoming,
                "reviews_past": past,
                "page_name": "family_reviews",
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_reviews", values)

    @http.route(
        "/my/verifiche/<int:review_id>/ics", type="http", auth="user", methods=["GET"]
    )
    def portal_review_ics(self, review_id, **kw):
        if not request.env.user.share:
            raise request.not_found()
        review = request.env["family.review"].search(
            [
                ("id", "=", review_id),
                ("partner_ids", "in", request.env.user.partner_id.ids),
            ],
            limit=1,
        )
        if not review or not review.event_id:
            raise request.not_found()
        self._family_log(review.case_id, model="family.review")
        # The review was read by the ORM as the user: its single (private)
        # meeting is exported in sudo mode.
        event = review.sudo().event_id
        content = event._get_ics_file().get(event.id)
        if not content:
            raise request.not_found()
        return request.make_response(
            content,
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", len(content)),
                (
                    "Content-Disposition",
                    http.content_disposition(f"verifica-{review.id}.ics"),
                ),
            ],
        )
