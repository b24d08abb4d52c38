from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    @api.model_create_multi
    def create(self, vals_list):
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
