from odoo import api, fields, models
from odoo.exceptions import AccessError


class FamilySettings(models.TransientModel):
    """The addon's own settings, for the social service manager.

    Odoo's Settings (``res.config.settings``) are for administrators only
    (its access and its ``execute``). This form shows the same two periods of
    the manager's company and writes them, and nothing else, as the system:
    the manager needs no right on the company itself.
    """

    _name = "family.settings"
    _description = "Family Network Settings"

    company_id = fields.Many2one(
        "res.company",
        string="Comune",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    family_retention_years = fields.Integer(
        string="Retention of Closed Cases (years)",
        default=lambda self: self.env.company.family_retention_years,
        help="Closed cases are anonymised after this many years (0: never). "
        "Intervention types, dates and amounts stay for statistics.",
    )
    family_access_log_months = fields.Integer(
        string="Keep the Access Log (months)",
        default=lambda self: self.env.company.family_access_log_months,
        help="Entries of the access log older than this are removed (0: kept for "
        "ever).",
    )

    family_report_min_count = fields.Integer(
        string="Minimum Count in Reports",
        default=lambda self: self.env.company.family_report_min_count,
        help="In the yearly monitoring report, a cell counting fewer families or "
        "interventions than this is suppressed (5 by default).",
    )

    @api.constrains("family_report_min_count")
    def _check_min_count(self):
        for settings in self:
            self.env["res.company"]._family_check_min_count(
                settings.family_report_min_count
            )

    @api.constrains("family_retention_years", "family_access_log_months")
    def _check_periods(self):
        for settings in self:
            self.env["res.company"]._family_check_periods(
                settings.family_retention_years, settings.family_access_log_months
            )

    @api.model
    def _family_check_manager(self, company):
        if not self.env.user.has_group("odoo_famiglie_rete.group_family_manager"):
            raise AccessError(
                self.env._("Only the social service manager changes these settings.")
            )
        if company not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You can only change the settings of your own Comune.")
            )

    def action_save(self):
        self.ensure_one()
        self._family_check_manager(self.company_id)
        self.company_id.sudo().write(
            {
                "family_retention_years": self.family_retention_years,
                "family_access_log_months": self.family_access_log_months,
                "family_report_min_count": self.family_report_min_count,
            }
        )
        return {"type": "ir.actions.act_window_close"}
