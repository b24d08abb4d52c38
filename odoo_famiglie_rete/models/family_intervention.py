from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

STATES = [
    ("planned", "Planned"),
    ("active", "Active"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class FamilyIntervention(models.Model):
    _name = "family.intervention"
    _description = "Intervention"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Description",
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal",
    )
    case_id = fields.Many2one(
        "family.case",
        string="Family Case",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    provider_id = fields.Many2one(
        "res.partner",
        string="Provider",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_family_network_member", "=", True)],
        default=lambda self: self._default_provider_id(),
        help="The network member (the Comune or an association) giving the help.",
    )
    type_id = fields.Many2one(
        "family.intervention.type",
        string="Type",
        required=True,
        index=True,
        tracking=True,
    )
    category = fields.Selection(related="type_id.category", store=True, index=True)
    member_id = fields.Many2one(
        "family.case.member",
        string="Beneficiary",
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal",
        index="btree_not_null",
        domain="[('case_id', '=', case_id)]",
    )
    goal_id = fields.Many2one(
        "family.plan.goal",
        string="Goal",
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal",
        index="btree_not_null",
        domain="[('case_id', '=', case_id), ('party_id', '=', provider_id)]",
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        index=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(string="End Date", index=True)
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    unit = fields.Char(related="type_id.unit")
    unit_value = fields.Monetary(currency_field="currency_id")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        currency_field="currency_id",
        tracking=True,
    )
    state = fields.Selection(
        STATES, default="planned", required=True, index=True, tracking=True
    )
    compensable = fields.Boolean(
        compute="_compute_compensable", store=True, readonly=False
    )
    notes = fields.Text(
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal"
    )
    has_overlap = fields.Boolean(
        compute="_compute_overlap", store=True, index=True, string="Overlap"
    )
    overlap_warning = fields.Char(compute="_compute_overlap", store=True)

    @api.model
    def _default_provider_id(self):
        partner = self.env.user.partner_id.commercial_partner_id
        if partner.is_family_network_member:
            return partner
        return self.env.company.partner_id

    @api.depends("quantity", "unit_value")
    def _compute_amount(self):
        for rec in self:
            rec.amount = rec.quantity * rec.unit_value

    @api.depends("type_id")
    def _compute_compensable(self):
        for rec in self:
            rec.compensable = rec.type_id.compensable

    @api.onchange("type_id")
    def _onchange_type_id(self):
        if self.type_id and not self.unit_value:
            self.unit_value = self.type_id.unit_value

    @api.depends(
        "case_id",
        "category",
        "provider_id",
        "date_start",
        "date_end",
        "state",
    )
    def _compute_overlap(self):
        """Flag help of the same category given by another party in the same period.

        One query for the whole batch: the candidates are the active (or
        planned) interventions of the same cases and categories.
        """
        candidates = self.search(
            [
                ("case_id", "in", self.case_id.ids),
                ("category", "in", list(set(self.mapped("category")))),
                ("state", "in", ("planned", "active")),
            ]
        )
        categories = dict(self._fields["category"]._description_selection(self.env))
        for rec in self:
            others = (
                candidates.filtered(lambda o, r=rec: r._overlaps(o))
                if rec.state in ("planned", "active")
                else self.browse()
            )
            rec.has_overlap = bool(others)
            rec.overlap_warning = (
                self.env._(
                    "Another party already gives help of the category %(category)s "
                    "to this family in the same period.",
                    category=categories.get(rec.category, rec.category),
                )
                if others
                else False
            )

    def _overlaps(self, other):
        self.ensure_one()
        if other == self or other.case_id != self.case_id:
            return False
        if other.category != self.category or other.provider_id == self.provider_id:
            return False
        start, end = self.date_start, self.date_end or date.max
        o_start, o_end = other.date_start, other.date_end or date.max
        return bool(start and o_start and start <= o_end and o_start <= end)

    def _recompute_overlap_of_neighbours(self):
        """Other interventions of the same families may gain or lose the flag."""
        neighbours = self.search(
            [
                ("case_id", "in", self.case_id.ids),
                ("category", "in", list(set(self.mapped("category")))),
                ("id", "not in", self.ids),
            ]
        )
        if neighbours:
            self.env.add_to_compute(self._fields["has_overlap"], neighbours)
            self.env.add_to_compute(self._fields["overlap_warning"], neighbours)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.case_id._check_not_closed()
        records._check_provider_protocol()
        records._recompute_overlap_of_neighbours()
        return records

    def write(self, vals):
        self.case_id._check_not_closed()
        res = super().write(vals)
        if {"provider_id", "date_start"} & set(vals):
            self._check_provider_protocol()
        if {"case_id", "type_id", "provider_id", "date_start", "date_end", "state"} & set(
            vals
        ):
            self._recompute_overlap_of_neighbours()
        return res

    def unlink(self):
        self.case_id._check_not_closed()
        neighbours = self.search(
            [
                ("case_id", "in", self.case_id.ids),
                ("category", "in", list(set(self.mapped("category")))),
                ("id", "not in", self.ids),
            ]
        )
        res = super().unlink()
        if neighbours:
            self.env.add_to_compute(self._fields["has_overlap"], neighbours)
            self.env.add_to_compute(self._fields["overlap_warning"], neighbours)
        return res

    def _check_provider_protocol(self):
        for rec in self:
            if not rec.provider_id._family_has_active_protocol():
                raise ValidationError(
                    self.env._(
                        "%(provider)s has no active protocol: it cannot be given "
                        "new interventions.",
                        provider=rec.provider_id.display_name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for rec in self:
            if rec.date_end and rec.date_start and rec.date_end < rec.date_start:
                raise ValidationError(
                    self.env._("The end date cannot be before the start date.")
                )

    @api.constrains("quantity", "unit_value", "amount")
    def _check_amounts(self):
        for rec in self:
            if rec.quantity < 0 or rec.unit_value < 0 or rec.amount < 0:
                raise ValidationError(
                    self.env._("Quantities, unit values and amounts cannot be negative.")
                )

    @api.constrains("member_id", "goal_id", "case_id")
    def _check_same_case(self):
        for rec in self:
            if rec.member_id and rec.member_id.case_id != rec.case_id:
                raise ValidationError(
                    self.env._("The beneficiary must be a member of the same family.")
                )
            if rec.goal_id and rec.goal_id.case_id != rec.case_id:
                raise ValidationError(
                    self.env._("The goal must belong to the same family's plan.")
                )

    @api.depends("type_id", "case_id", "date_start")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = " - ".join(
                filter(None, [rec.type_id.name, rec.name, str(rec.date_start or "")])
            )

    def web_read(self, specification):
        self.env["family.access.log"]._log(
            self.case_id, "form", model="family.intervention"
        )
        return super().web_read(specification)

    def export_data(self, fields_to_export):
        self.env["family.access.log"]._log(
            self.case_id, "export", model="family.intervention"
        )
        return super().export_data(fields_to_export)

    def action_start(self):
        self.write({"state": "active"})

    def action_done(self):
        self.write({"state": "done"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_reset_planned(self):
        self.write({"state": "planned"})
