import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

COMPENSATION_MODES = [
    ("none", "No Compensation"),
    ("contribution", "Annual Contribution in Instalments"),
    ("rate", "Rate per Intervention Type"),
    ("reimbursement", "Reimbursement of Documented Costs"),
]

INSTALMENTS = [
    ("1", "One (Yearly)"),
    ("2", "Two (Half-Yearly)"),
    ("4", "Four (Quarterly)"),
    ("12", "Twelve (Monthly)"),
]

# The legal instrument behind a payment, and the compensation modes it allows.
INSTRUMENTS = [
    ("convenzione", "Convenzione (art. 56 D.Lgs. 117/2017)"),
    ("contributo", "Contributo (art. 12 L. 241/1990)"),
    ("contract", "Service Contract (D.Lgs. 36/2023)"),
]
INSTRUMENT_MODES = {
    # CTS art. 56: only the costs actually incurred and documented
    "convenzione": ("reimbursement",),
    # the Comune's regulation and the resolution that grants it
    "contributo": ("contribution",),
    # a price per service, under an award with its CIG
    "contract": ("rate",),
}
# The instrument a mode implies, for terms that do not name one yet.
MODE_INSTRUMENT = {
    mode: instrument for instrument, modes in INSTRUMENT_MODES.items() for mode in modes
}
# The economic advantages of D.Lgs. 33/2013 art. 26: a contract's price is a
# consideration, published with its CIG under art. 37 instead.
ADVANTAGE_INSTRUMENTS = ("convenzione", "contributo")
CIG_PATTERN = re.compile(r"^[0-9A-Z]{10}$")

# Statements that use the budget of their year.
BUDGET_STATES = ("to_approve", "approved", "billed", "paid")


class FamilyProtocolParty(models.Model):
    _name = "family.protocol.party"
    _description = "Protocol Member Association"
    _order = "protocol_id, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    protocol_id = fields.Many2one(
        "family.protocol", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="protocol_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Association",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
    )
    date_join = fields.Date(string="Joined On")
    state = fields.Selection(related="protocol_id.state", store=True, index=True)
    notes = fields.Text()

    # The legal instrument, which decides what may be paid
    instrument = fields.Selection(
        INSTRUMENTS,
        compute="_compute_instrument",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="The act under which the Comune pays the association: a convenzione "
        "with a volunteer or social-promotion association reimburses only "
        "documented costs; a contributo follows the Comune's regulation and the "
        "resolution granting it; a service contract pays a price per service.",
    )
    instrument_reference = fields.Char(
        string="Act",
        help="The resolution or determination: e.g. Delibera G.C. n. 187.",
    )
    instrument_date = fields.Date(string="Act Date")
    cig = fields.Char(
        string="CIG",
        help="Codice Identificativo Gara of the award (10 letters and digits).",
    )
    act_url = fields.Char(
        string="Link to the Act",
        help="Where the act is published (the Comune's Albo or Amministrazione "
        "trasparente): shown in the transparency register.",
    )
    project_url = fields.Char(
        string="Link to the Project",
        help="The project the association carries out: shown in the "
        "transparency register (D.Lgs. 33/2013 art. 27).",
    )
    selection_method = fields.Char(
        string="How the Beneficiary Was Chosen",
        help="E.g. public notice for expressions of interest, direct award: "
        "shown in the transparency register.",
    )

    # Compensation terms
    currency_id = fields.Many2one(related="company_id.currency_id")
    compensation_mode = fields.Selection(
        COMPENSATION_MODES,
        default="none",
        required=True,
        help="How the Comune compensates the association: a yearly contribution "
        "paid in instalments, a rate for each intervention of a given type, or "
        "the documented costs of its interventions.",
    )
    annual_contribution = fields.Monetary(currency_field="currency_id")
    instalments = fields.Selection(INSTALMENTS, default="4")
    rate_ids = fields.One2many(
        "family.protocol.party.rate", "party_id", string="Rates", copy=True
    )
    budget = fields.Monetary(
        string="Yearly Budget",
        currency_field="currency_id",
        help="Compensation foreseen for one calendar year. A statement that takes "
        "the year's total above it needs the manager's approval. Zero: no budget.",
    )
    expense_account_id = fields.Many2one(
        "account.account",
        string="Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        check_company=True,
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Purchase Journal",
        check_company=True,
        domain="[('type', '=', 'purchase')]",
    )
    compensation_ids = fields.One2many(
        "family.compensation", "party_id", string="Statements"
    )
    # Budget use of the current year (the protocol's dashboard)
    budget_year = fields.Integer(compute="_compute_budget_use", string="Year")
    amount_committed = fields.Monetary(
        compute="_compute_budget_use",
        currency_field="currency_id",
        string="Committed",
        help="Statements of the year waiting for approval, approved, billed or paid.",
    )
    amount_billed = fields.Monetary(
        compute="_compute_budget_use",
        currency_field="currency_id",
        string="Billed",
    )
    amount_paid = fields.Monetary(
        compute="_compute_budget_use", currency_field="currency_id", string="Paid"
    )
    budget_use = fields.Float(
        compute="_compute_budget_use",
        string="Budget Use (%)",
        help="Committed amount of the year over the yearly budget.",
    )

    _sql_constraints = [
        (
            "protocol_partner_uniq",
            "unique (protocol_id, partner_id)",
            "An association is listed once per protocol.",
        ),
        (
            "compensation_amounts_positive",
            "CHECK (annual_contribution >= 0 AND budget >= 0)",
            "Contributions and budgets cannot be negative.",
        ),
    ]

    @api.depends("compensation_mode")
    def _compute_instrument(self):
        """Terms that name no instrument get the one their mode implies.

        An instrument once named stays: a mode it does not allow is then
        refused (``_check_instrument``), never silently followed.
        """
        for party in self:
            if not party.instrument:
                party.instrument = MODE_INSTRUMENT.get(party.compensation_mode)

    @api.onchange("instrument")
    def _onchange_instrument(self):
        """The form offers the mode the instrument allows."""
        allowed = INSTRUMENT_MODES.get(self.instrument)
        if allowed and self.compensation_mode not in allowed:
            self.compensation_mode = allowed[0]

    @api.constrains("instrument", "compensation_mode")
    def _check_instrument(self):
        for party in self:
            allowed = INSTRUMENT_MODES.get(party.instrument)
            if not allowed or party.compensation_mode in (*allowed, "none"):
                continue
            modes = dict(
                self._fields["compensation_mode"]._description_selection(self.env)
            )
            raise ValidationError(
                {
                    "convenzione": self.env._(
                        "%(association)s: under a convenzione (art. 56 D.Lgs. "
                        "117/2017) the Comune reimburses only the costs actually "
                        "incurred and documented; %(mode)s is not allowed.",
                        association=party.partner_id.display_name,
                        mode=modes[party.compensation_mode],
                    ),
                    "contributo": self.env._(
                        "%(association)s: a contributo (art. 12 L. 241/1990) is "
                        "the annual contribution the Comune's regulation and "
                        "resolution grant; %(mode)s is not allowed.",
                        association=party.partner_id.display_name,
                        mode=modes[party.compensation_mode],
                    ),
                    "contract": self.env._(
                        "%(association)s: a service contract pays the agreed price "
                        "per service (rates per intervention type); %(mode)s is "
                        "not allowed.",
                        association=party.partner_id.display_name,
                        mode=modes[party.compensation_mode],
                    ),
                }[party.instrument]
            )

    @api.constrains("cig")
    def _check_cig(self):
        for party in self:
            if party.cig and not CIG_PATTERN.match(party.cig):
                raise ValidationError(
                    self.env._(
                        "The CIG %(cig)s of %(association)s is not valid: it is "
                        "made of 10 capital letters and digits.",
                        cig=party.cig,
                        association=party.partner_id.display_name,
                    )
                )

    @api.constrains("act_url", "project_url")
    def _check_urls(self):
        for party in self:
            for url in (party.act_url, party.project_url):
                if url and not url.startswith(("https://", "http://")):
                    raise ValidationError(
                        self.env._(
                            "The link %(url)s is not a web address: it starts "
                            "with https://.",
                            url=url,
                        )
                    )

    def _family_instrument_label(self):
        """The instrument and its act, for a bill's narration and the register:
        "Convenzione (art. 56 D.Lgs. 117/2017) - Delibera G.C. n. 187 del
        14/12/2017 - CIG ..."."""
        self.ensure_one()
        if not self.instrument:
            return ""
        names = dict(self._fields["instrument"]._description_selection(self.env))
        act = self.instrument_reference or ""
        if act and self.instrument_date:
            act = self.env._(
                "%(act)s of %(date)s",
                act=act,
                date=format_date(self.env, self.instrument_date),
            )
        parts = [names[self.instrument], act]
        if self.cig:
            parts.append(f"CIG {self.cig}")
        return " - ".join(part for part in parts if part)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("cig"):
                vals["cig"] = vals["cig"].strip().upper()
        parties = super().create(vals_list)
        parties.partner_id.filtered(lambda p: not p.is_family_network_member).write(
            {"is_family_network_member": True}
        )
        return parties

    @api.depends_context("family_budget_year")
    def _compute_budget_use(self):
        year = self.env.context.get("family_budget_year") or fields.Date.today().year
        amounts = self._family_budget_amounts(year)
        for party in self:
            committed, billed, paid = amounts.get(party.id, (0.0, 0.0, 0.0))
            party.budget_year = year
            party.amount_committed = committed
            party.amount_billed = billed
            party.amount_paid = paid
            party.budget_use = 100.0 * committed / party.budget if party.budget else 0.0

    def _family_budget_amounts(self, year, exclude=None):
        """{party id: (committed, billed, paid)} of one calendar year.

        One grouped query for all the parties, whatever their number.
        """
        parties = self.filtered("id")
        if not parties:
            return {}
        domain = [
            ("party_id", "in", parties.ids),
            ("state", "in", BUDGET_STATES),
            ("date_from", ">=", fields.Date.to_date(f"{year}-01-01")),
            ("date_from", "<=", fields.Date.to_date(f"{year}-12-31")),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = (
            self.env["family.compensation"]
            .sudo()
            ._read_group(domain, ["party_id", "state"], ["amount_total:sum"])
        )
        amounts = {}
        for party, state, total in groups:
            committed, billed, paid = amounts.get(party.id, (0.0, 0.0, 0.0))
            committed += total
            if state in ("billed", "paid"):
                billed += total
            if state == "paid":
                paid += total
            amounts[party.id] = (committed, billed, paid)
        return amounts

    @api.constrains("compensation_mode", "annual_contribution", "rate_ids")
    def _check_compensation_terms(self):
        for party in self:
            if (
                party.compensation_mode == "contribution"
                and not party.annual_contribution
            ):
                raise ValidationError(
                    self.env._(
                        "Set the annual contribution of %(association)s.",
                        association=party.partner_id.display_name,
                    )
                )

    def write(self, vals):
        if vals.get("cig"):
            vals = dict(vals, cig=vals["cig"].strip().upper())
        return super().write(vals)

    def _family_rates(self):
        """{intervention type id: rate} of this association's terms."""
        self.ensure_one()
        return {rate.type_id.id: rate.rate for rate in self.rate_ids}

    def action_open_compensations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_compensation_action"
        )
        action["domain"] = [("party_id", "=", self.id)]
        action["context"] = {"default_party_id": self.id}
        return action
