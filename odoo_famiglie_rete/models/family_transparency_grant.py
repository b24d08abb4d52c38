from odoo import api, fields, models

from .family_protocol_party import INSTRUMENTS

# The columns of the open-data exports (CSV, JSON), in order: what art. 27 of
# D.Lgs. 33/2013 asks, and nothing else. The keys are Italian, as the Comune's
# other open data.
PUBLIC_COLUMNS = (
    "anno",
    "ente_erogatore",
    "beneficiario",
    "codice_fiscale",
    "importo",
    "titolo_attribuzione",
    "ufficio_responsabile",
    "funzionario_responsabile",
    "modalita_individuazione",
    "link_atto",
    "link_progetto",
    "data_pubblicazione",
)


class FamilyTransparencyGrant(models.Model):
    """One economic advantage of the register: an association, an instrument.

    Its values are copies taken when the register was computed (what was
    published stays as it was). It holds an association's data only: no
    family, case or person assisted can be in it.
    """

    _name = "family.transparency.grant"
    _description = "Published Economic Advantage"
    _order = "register_id, beneficiary, id"
    _check_company_auto = True

    register_id = fields.Many2one(
        "family.transparency.register",
        string="Register",
        required=True,
        index=True,
        ondelete="cascade",
    )
    year = fields.Integer(related="register_id.year", store=True, index=True)
    company_id = fields.Many2one(
        related="register_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Association", required=True, index=True
    )
    beneficiary = fields.Char(required=True)
    tax_code = fields.Char()
    amount = fields.Monetary(currency_field="currency_id", required=True)
    instrument = fields.Selection(INSTRUMENTS)
    legal_basis = fields.Char()
    office = fields.Char(string="Office Responsible")
    official = fields.Char(string="Official Responsible")
    selection_method = fields.Char(string="How the Beneficiary Was Chosen")
    act_url = fields.Char(string="Link to the Act")
    project_url = fields.Char(string="Link to the Project")

    # What was published stays as it was published: a grant changes only in a
    # draft register (the manager withdraws the publication first).
    @api.model_create_multi
    def create(self, vals_list):
        grants = super().create(vals_list)
        grants.register_id._family_check_draft()
        return grants

    def write(self, vals):
        self.register_id._family_check_draft()
        res = super().write(vals)
        if "register_id" in vals:
            self.register_id._family_check_draft()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        self.register_id._family_check_draft()

    def _family_public_row(self):
        """The grant as the public page and the exports show it: the grant's
        own fields only (``PUBLIC_COLUMNS``)."""
        self.ensure_one()
        published = self.register_id.date_published
        return {
            "anno": self.year,
            "ente_erogatore": self.company_id.name,
            "beneficiario": self.beneficiary,
            "codice_fiscale": self.tax_code or "",
            "importo": self.currency_id.round(self.amount),
            "titolo_attribuzione": self.legal_basis or "",
            "ufficio_responsabile": self.office or "",
            "funzionario_responsabile": self.official or "",
            "modalita_individuazione": self.selection_method or "",
            "link_atto": self.act_url or "",
            "link_progetto": self.project_url or "",
            "data_pubblicazione": fields.Date.to_string(published.date())
            if published
            else "",
        }
