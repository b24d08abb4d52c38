from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    family_retention_years = fields.Integer(
        string="Retention of Closed Cases (years)",
        default=10,
        help="Closed family cases are anonymised after this many years.",
    )
