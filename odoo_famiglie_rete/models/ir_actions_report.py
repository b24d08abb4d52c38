from odoo import models


class IrActionsReport(models.Model):
    """A report printed on a family's records is written to the access log
    (channel *report*), whether as HTML or PDF, through ``/report/*``, the
    web client's print menu or the API."""

    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        # the PDF is made from the HTML: one entry, not two
        result = super(
            IrActionsReport, self.with_context(family_report_logged=True)
        )._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        self._family_log_report(report_ref, res_ids)
        return result

    def _render_qweb_html(self, report_ref, docids, data=None):
        result = super()._render_qweb_html(report_ref, docids, data=data)
        self._family_log_report(report_ref, docids)
        return result

    def _render_qweb_text(self, report_ref, docids, data=None):
        result = super()._render_qweb_text(report_ref, docids, data=data)
        self._family_log_report(report_ref, docids)
        return result

    def _family_log_report(self, report_ref, res_ids):
        if self.env.su or self.env.context.get("family_report_logged") or not res_ids:
            return
        log = self.env["family.access.log"]
        if not log._is_logged_user(self.env.user):
            return
        report = self._get_report(report_ref)
        Model = self.env.get(report.model)
        if Model is None or not hasattr(Model, "_family_logged_cases"):
            return
        if isinstance(res_ids, int):
            res_ids = [res_ids]
        records = Model.browse(res_ids)
        log._log(records._family_logged_cases(), "report", model=report.model)
