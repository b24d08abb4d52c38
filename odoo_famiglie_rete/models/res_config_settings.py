from odoo import fields, models

MANAGER = "odoo_famiglie_rete.group_family_manager"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    family_retention_years = fields.Integer(
        related="company_id.family_retention_years", readonly=False
    )
    family_access_log_months = fields.Integer(
        related="company_id.family_access_log_months", readonly=False
    )
    family_report_min_count = fields.Integer(
        related="company_id.family_report_min_count", readonly=False
    )
    family_siuss_ente_code = fields.Char(
        related="company_id.family_siuss_ente_code", readonly=False, groups=MANAGER
    )
    family_siuss_belfiore_code = fields.Char(
        related="company_id.family_siuss_belfiore_code", readonly=False, groups=MANAGER
    )
    family_siuss_istat_code = fields.Char(
        related="company_id.family_siuss_istat_code", readonly=False, groups=MANAGER
    )
    family_siuss_operator_fiscal_code = fields.Char(
        related="company_id.family_siuss_operator_fiscal_code",
        readonly=False,
        groups=MANAGER,
    )
    family_siuss_schema_dir = fields.Char(
        related="company_id.family_siuss_schema_dir", readonly=False, groups=MANAGER
    )
    family_siuss_waas_token = fields.Char(
        related="company_id.family_siuss_waas_token",
        readonly=False,
        groups="base.group_system",
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
