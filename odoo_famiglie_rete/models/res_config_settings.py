from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    family_retention_years = fields.Integer(
        related="company_id.family_retention_years", readonly=False
    )
    family_access_log_months = fields.Integer(
        related="company_id.family_access_log_months", readonly=False
    )
    family_transparency_threshold = fields.Monetary(
        related="company_id.family_transparency_threshold",
        currency_field="currency_id",
        readonly=False,
    )
    family_transparency_office = fields.Char(
        related="company_id.family_transparency_office", readonly=False
    )
    family_transparency_official = fields.Char(
        related="company_id.family_transparency_official", readonly=False
    )
