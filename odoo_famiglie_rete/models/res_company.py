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
    family_transparency_threshold = fields.Monetary(
        string="Transparency Threshold",
        currency_field="currency_id",
        default=1000.0,
        help="Economic advantages granted to the same association above this "
        "amount in a calendar year are published (D.Lgs. 33/2013 art. 26).",
    )
    family_transparency_office = fields.Char(
        string="Office Responsible",
        help="The office responsible for the grants, published in the "
        "transparency register (e.g. Settore Servizi Sociali).",
    )
    family_transparency_official = fields.Char(
        string="Official Responsible",
        help="The official or manager responsible for the procedure, published "
        "in the transparency register.",
    )
