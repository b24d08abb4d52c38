"""Portal: the association's compensation statements (coordinators)."""

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from .common import FamilyPortalCommon


class FamilyPortalStatements(FamilyPortalCommon):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "family_compensation_count" in counters:
            values["family_compensation_count"] = (
                self._family_counter("family.compensation", [])
                if self._family_statements_available()
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # Statements (coordinators)
    # ------------------------------------------------------------------
    @staticmethod
    def _family_statements_available():
        return (
            request.env.user.share
            and request.env.user.family_portal_role == "coordinator"
        )

    @http.route(
        ["/my/rendiconti", "/my/rendiconti/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_statements(self, page=1, **kw):
        if not self._family_statements_available():
            raise request.not_found()
        # read as the coordinator: the record rule keeps to the association's
        # approved, billed and paid statements
        Compensation = request.env["family.compensation"]
        domain = [("partner_id", "=", self._family_association().id)]
        pager = portal_pager(
            url="/my/rendiconti",
            total=Compensation.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        statements = Compensation.search(
            domain,
            order="date_from desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "statements": statements,
                "states": dict(
                    Compensation._fields["state"]._description_selection(request.env)
                ),
                "payment_states": dict(
                    Compensation._fields["payment_state"]._description_selection(
                        request.env
                    )
                ),
                "pager": pager,
                "page_name": "family_statements",
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_statements", values)

    @http.route(
        "/my/rendiconti/<int:statement_id>/pdf",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def portal_statement_pdf(self, statement_id, **kw):
        """The PDF of one statement of the coordinator's association."""
        if not self._family_statements_available():
            raise request.not_found()
        statement = request.env["family.compensation"].search(
            [
                ("id", "=", statement_id),
                ("partner_id", "=", self._family_association().id),
            ],
            limit=1,
        )
        if not statement:
            raise request.not_found()
        # The statement was found by the ORM as the coordinator: its one
        # document is rendered in sudo mode (the report reads the lines'
        # types and case references, which portal users do not read directly).
        name, content, mimetype = statement.sudo()._family_statement_file()
        return request.make_response(
            content,
            [
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(name)),
            ],
        )
