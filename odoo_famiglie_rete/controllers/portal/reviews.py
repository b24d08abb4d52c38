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

    def _family_get_review(self, review_id, held=False):
        """A review the user is invited to, read as the user, or 404."""
        if not request.env.user.share:
            raise request.not_found()
        domain = [
            ("id", "=", review_id),
            ("partner_ids", "in", request.env.user.partner_id.ids),
        ]
        if held:
            domain.append(("state", "=", "done"))
        review = request.env["family.review"].search(domain, limit=1)
        if not review:
            raise request.not_found()
        return review

    def _family_review_pdf(self, review, report, filename):
        """``report`` of ``review``, rendered as the portal user: its
        content is read through the ORM as the user, so the record rules and
        the share's categories decide what it holds."""
        self._family_log(review.case_id, model="family.review")
        content, kind = request.env["ir.actions.report"]._render_qweb_pdf(
            report, review.ids
        )
        mimetype = "application/pdf" if kind == "pdf" else "text/html"
        extension = "pdf" if kind == "pdf" else "html"
        return request.make_response(
            content,
            [
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                (
                    "Content-Disposition",
                    http.content_disposition(f"{filename}-{review.id}.{extension}"),
                ),
            ],
        )

    @http.route(
        "/my/verifiche/<int:review_id>/pack", type="http", auth="user", methods=["GET"]
    )
    def portal_review_pack(self, review_id, **kw):
        """The review pack, with only what the association's share opens."""
        review = self._family_get_review(review_id)
        return self._family_review_pdf(
            review,
            "odoo_famiglie_rete.report_family_review_pack_review",
            "verifica",
        )

    @http.route(
        "/my/verifiche/<int:review_id>/verbale",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def portal_review_minutes(self, review_id, **kw):
        """The minutes of a held review: the decisions and the outcomes of the
        association's own goals, never the Comune's minutes."""
        review = self._family_get_review(review_id, held=True)
        return self._family_review_pdf(
            review, "odoo_famiglie_rete.report_family_review_minutes", "verbale"
        )

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
