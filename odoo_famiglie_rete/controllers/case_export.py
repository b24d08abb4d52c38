"""Back office: a case's interventions as a workbook (XLSX)."""

from odoo import http
from odoo.http import request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FamilyCaseExport(http.Controller):
    @http.route(
        "/odoo_famiglie_rete/case/<int:case_id>/interventions.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def case_interventions_xlsx(self, case_id, **kw):
        """Read as the user: a case the user may not read answers 404, and
        the workbook holds only the interventions and the columns the user
        reads."""
        if request.env.user.share:
            raise request.not_found()
        case = request.env["family.case"].search([("id", "=", case_id)], limit=1)
        if not case:
            raise request.not_found()
        name, content = case._family_interventions_xlsx()
        return request.make_response(
            content,
            [
                ("Content-Type", XLSX),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(name)),
            ],
        )
