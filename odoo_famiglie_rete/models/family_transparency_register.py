from odoo import api, fields, models
from odoo.exceptions import UserError

from .family_protocol_party import ADVANTAGE_INSTRUMENTS

# Statements whose amount was granted: the act of approval was taken.
GRANTED_STATES = ("approved", "billed", "paid")


class FamilyTransparencyRegister(models.Model):
    """The economic advantages granted in one year (D.Lgs. 33/2013 arts. 26-27).

    Every economic advantage granted to the same beneficiary above the
    threshold (€1,000 by default, on the company) in a calendar year is
    published in the Comune's "Amministrazione trasparente"; publication is a
    condition of its efficacy. The register of a year is computed from the
    approved, billed and paid statements of the convenzioni and contributi
    (a service contract's price is published with its CIG under art. 37
    instead), one grant per association and instrument, and published by an
    explicit act of the manager. Its grants hold the beneficiary's data only:
    associations, never a family, a case or a person assisted.
    """

    _name = "family.transparency.register"
    _description = "Transparency Register of Economic Advantages"
    _inherit = ["mail.thread"]
    _order = "year desc, company_id"
    _rec_name = "year"
    _check_company_auto = True

    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year - 1,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    threshold = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The threshold of the company when the register was computed: "
        "advantages to one beneficiary above it in the year are published.",
    )
    grant_ids = fields.One2many(
        "family.transparency.grant", "register_id", string="Grants"
    )
    amount_total = fields.Monetary(
        compute="_compute_amount_total", currency_field="currency_id", string="Total"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    date_published = fields.Datetime(string="Published On", readonly=True, copy=False)
    published_by_id = fields.Many2one(
        "res.users", string="Published By", readonly=True, copy=False
    )
    public_url = fields.Char(compute="_compute_public_url", string="Public Page")

    _sql_constraints = [
        (
            "company_year_uniq",
            "unique (company_id, year)",
            "A Comune has one transparency register per year.",
        ),
    ]

    @api.depends("grant_ids.amount")
    def _compute_amount_total(self):
        for register in self:
            register.amount_total = sum(register.grant_ids.mapped("amount"))

    @api.depends("year")
    def _compute_public_url(self):
        base = self.get_base_url()
        for register in self:
            register.public_url = f"{base}/trasparenza/contributi/{register.year}"

    @api.depends("year", "company_id")
    def _compute_display_name(self):
        for register in self:
            register.display_name = self.env._(
                "Economic advantages %(year)s - %(company)s",
                year=register.year,
                company=register.company_id.name,
            )

    # What publishing and withdrawing write; anything else waits for a draft.
    _family_publication_fields = frozenset(
        {"state", "date_published", "published_by_id"}
    )

    def write(self, vals):
        if not self._family_publication_fields.issuperset(vals):
            self._family_check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        self._family_check_draft()

    def _family_check_draft(self):
        if any(register.state == "published" for register in self):
            raise UserError(
                self.env._(
                    "The register is published: withdraw its publication before "
                    "changing it."
                )
            )

    def action_compute(self):
        """The year's grants from the statements' totals (one grouped query).

        Only amounts and the associations' terms are read: no statement line,
        no intervention, no case.
        """
        self._family_check_draft()
        Grant = self.env["family.transparency.grant"]
        for register in self:
            company = register.company_id
            register.grant_ids.unlink()
            threshold = company.family_transparency_threshold
            groups = (
                self.env["family.compensation"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "=", company.id),
                        ("state", "in", GRANTED_STATES),
                        ("instrument", "in", ADVANTAGE_INSTRUMENTS),
                        ("date_from", ">=", f"{register.year}-01-01"),
                        ("date_from", "<=", f"{register.year}-12-31"),
                    ],
                    ["partner_id", "party_id"],
                    ["amount_total:sum"],
                )
            )
            by_partner = {}
            for partner, party, amount in groups:
                by_partner.setdefault(partner, []).append((party, amount))
            vals_list = []
            for partner, rows in by_partner.items():
                if (
                    company.currency_id.compare_amounts(
                        sum(amount for _party, amount in rows), threshold
                    )
                    <= 0
                ):
                    continue
                for party, amount in rows:
                    vals_list.append(
                        register._family_grant_vals(partner, party, amount)
                    )
            Grant.create(vals_list)
            register.threshold = threshold
        return True

    def _family_grant_vals(self, partner, party, amount):
        """What art. 27 asks, copied: the register says what was published."""
        self.ensure_one()
        company = self.company_id
        return {
            "register_id": self.id,
            "partner_id": partner.id,
            "beneficiary": partner.name,
            "tax_code": partner.vat or partner.company_registry or False,
            "amount": amount,
            "instrument": party.instrument,
            # in the Comune's language: the public page is read by its citizens
            "legal_basis": party.with_context(
                lang=company.partner_id.lang or self.env.lang
            )._family_instrument_label(),
            "office": company.family_transparency_office,
            "official": company.family_transparency_official,
            "selection_method": party.selection_method,
            "act_url": party.act_url,
            "project_url": party.project_url,
        }

    def action_publish(self):
        """Publication, the condition of the grants' efficacy: an explicit act."""
        for register in self:
            if register.state == "published":
                continue
            if not register.grant_ids:
                raise UserError(
                    self.env._(
                        "The register of %(year)s has no grant: compute it first.",
                        year=register.year,
                    )
                )
            missing = register.grant_ids.filtered(
                lambda grant: not grant.office or not grant.official
            )
            if missing:
                raise UserError(
                    self.env._(
                        "Set the office and the official responsible in the "
                        "settings (Rete Famiglie, Transparency) and compute the "
                        "register again: art. 27 of D.Lgs. 33/2013 asks for them."
                    )
                )
        self.filtered(lambda r: r.state == "draft").write(
            {
                "state": "published",
                "date_published": fields.Datetime.now(),
                "published_by_id": self.env.uid,
            }
        )
        return True

    def action_unpublish(self):
        self.write(
            {"state": "draft", "date_published": False, "published_by_id": False}
        )
        return True

    def action_open_public_page(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.public_url, "target": "new"}

    # ------------------------------------------------------------------
    # What the public page and the exports show: the grants' own fields
    # ------------------------------------------------------------------
    @api.model
    def _family_public_grants(self, year):
        """The published grants of ``year``, read in sudo mode: the grants hold
        only the beneficiaries' data, and only published registers count."""
        return (
            self.env["family.transparency.grant"]
            .sudo()
            .search(
                [("register_id.state", "=", "published"), ("year", "=", year)],
                order="company_id, beneficiary, id",
            )
        )

    @api.model
    def _family_public_years(self):
        registers = self.sudo().search_fetch([("state", "=", "published")], ["year"])
        return sorted(set(registers.mapped("year")), reverse=True)
