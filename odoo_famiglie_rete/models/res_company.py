from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "odoo_famiglie_rete.group_family_manager"


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
    family_report_min_count = fields.Integer(
        string="Minimum Count in Reports",
        default=5,
        help="In the yearly monitoring report, a cell counting fewer families "
        "or interventions than this is suppressed, so that no family can be "
        "recognised.",
    )
    # The Comune as INPS knows it, for the SIUSS flows (DM 206/2014).
    family_siuss_ente_code = fields.Char(
        string="SIUSS Ente Code",
        groups=MANAGER,
        help="The Comune's code in INPS's access system (Ente/@Codice of the "
        "flow, and the first part of each flow's identifier).",
    )
    family_siuss_belfiore_code = fields.Char(
        string="Belfiore Code",
        size=4,
        groups=MANAGER,
        help="The cadastral code of the Comune (e.g. C523 for Cernusco sul "
        "Naviglio): the e-service's codice_ente and the Ente's address.",
    )
    family_siuss_istat_code = fields.Char(
        string="ISTAT Code", size=6, groups=MANAGER, help="Six digits."
    )
    family_siuss_operator_fiscal_code = fields.Char(
        string="Operator's Codice Fiscale",
        size=16,
        groups=MANAGER,
        help="The codice fiscale of the person who sends the flows for the Comune.",
    )
    family_siuss_schema_dir = fields.Char(
        string="SIUSS Schema Folder",
        groups=MANAGER,
        help="The folder on the server where the Comune keeps INPS's schemas "
        "(PS_PSA_SINA201812.xsd, SINBA.xsd), downloaded from INPS.",
    )
    family_siuss_waas_token = fields.Char(
        string="SIUSS E-service Token",
        groups="base.group_system",
        copy=False,
        help="The bearer token INPS (through PDND's gateway) presents to the "
        "e-service /waas/v1; empty: the e-service refuses every call.",
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

    @api.constrains("family_siuss_belfiore_code", "family_siuss_istat_code")
    def _check_family_siuss_codes(self):
        for company in self.sudo():
            belfiore = company.family_siuss_belfiore_code
            if belfiore and not (
                len(belfiore) == 4 and belfiore[0].isalpha() and belfiore[1:].isdigit()
            ):
                raise ValidationError(
                    self.env._(
                        "The Belfiore code is a letter and three digits (e.g. C523)."
                    )
                )
            istat = company.family_siuss_istat_code
            if istat and not (len(istat) == 6 and istat.isdigit()):
                raise ValidationError(self.env._("The ISTAT code has six digits."))

    @api.constrains("family_retention_years", "family_access_log_months")
    def _check_family_periods(self):
        for company in self:
            company._family_check_periods(
                company.family_retention_years, company.family_access_log_months
            )

    @api.constrains("family_report_min_count")
    def _check_family_report_min_count(self):
        for company in self:
            company._family_check_min_count(company.family_report_min_count)

    @api.model
    def _family_check_min_count(self, minimum):
        if minimum < 1:
            raise ValidationError(
                self.env._(
                    "The minimum count of the reports is at least 1 (5 is the "
                    "usual one)."
                )
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
