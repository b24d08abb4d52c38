from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    family_retention_years = fields.Integer(
        string="Retention of Closed Cases (years)",
        default=10,
        help="Closed family cases are anonymised after this many years.",
    )
    family_access_log_months = fields.Integer(
        string="Keep the Access Log (months)",
        default=24,
        help="Entries of the access log older than this are removed; 0 keeps them.",
    )

    @api.constrains("family_retention_years", "family_access_log_months")
    def _check_family_periods(self):
        for company in self:
            company._family_check_periods(
                company.family_retention_years, company.family_access_log_months
            )

    @api.model
    def _family_check_periods(self, years, months):
        """Refuse a negative retention (the manager's settings form too)."""
        if years < 0 or months < 0:
            raise ValidationError(
                self.env._(
                    "The retention of closed cases and of the access log cannot "
                    "be negative (0 keeps them for ever)."
                )
            )
