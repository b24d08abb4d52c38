from odoo import fields, models


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
