"""Routes of Odoo that may serve a family's data to a logged user.

``/web/content``, ``/web/image`` and ``/report/*`` are read-only routes in
Odoo 18: with a replica (``db_replica_host``) they run on a read-only
cursor. Serving a family's document or report to an association or finance
user writes the access log (``ir.binary``, ``ir.actions.report``), so such a
request must run on the primary: otherwise Odoo would meet the write on the
replica, roll back and run the whole request again. The routes stay
read-only for anonymous visitors (public files, images) and for reports of
other addons; nothing else changes (same URLs, same code).
"""

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.binary import Binary
from odoo.addons.web.controllers.report import ReportController

REPORT_PREFIX = "odoo_famiglie_rete."


def _family_binary_readonly(controller):
    return not request.session.uid


def _family_report_readonly(controller):
    # /report/<converter>/<reportname>[/<docids>]
    parts = request.httprequest.path.split("/")
    return not (len(parts) > 3 and parts[3].startswith(REPORT_PREFIX))


class FamilyBinary(Binary):
    @http.route(readonly=_family_binary_readonly)
    def content_common(self, *args, **kwargs):
        return super().content_common(*args, **kwargs)

    @http.route(readonly=_family_binary_readonly)
    def content_image(self, *args, **kwargs):
        return super().content_image(*args, **kwargs)


class FamilyReportController(ReportController):
    @http.route(readonly=_family_report_readonly)
    def report_routes(self, *args, **kwargs):
        return super().report_routes(*args, **kwargs)
