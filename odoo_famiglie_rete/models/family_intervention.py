from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index, format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

STATES = [
    ("planned", "Planned"),
    ("active", "Active"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

# Interventions that count for the overlap alert.
OVERLAP_STATES = ("planned", "active")
# What a compensation paid for: frozen once the intervention is compensated.
COMPENSATION_LOCKED_FIELDS = {
    "amount",
    "quantity",
    "unit_value",
    "type_id",
    "provider_id",
    "date_start",
    "date_end",
    "case_id",
    "state",
    "compensable",
}
# What an association writes on its own interventions: exactly what the
# portal's form offers (controllers/portal/), never what decides payment
# (compensable, unit value, provider, the statement) nor the Comune's fields.
PORTAL_WRITE_FIELDS = frozenset(
    {
        "type_id",
        "name",
        "date_start",
        "date_end",
        "quantity",
        "amount",
        "member_id",
        "goal_id",
        "state",
    }
)
# On a new intervention, also the family (actively shared with the
# association: the record rules check it) and the provider (the association
# itself: checked in create).
PORTAL_CREATE_FIELDS = PORTAL_WRITE_FIELDS | {"case_id", "provider_id"}
# Fields whose change moves the overlap flag of the other interventions.
OVERLAP_FIELDS = {
    "case_id",
    "type_id",
    "provider_id",
    "date_start",
    "date_end",
    "state",
}


# The SIUSS data of an intervention (the Comune's social service only): the
# application, the ISEE declaration, the shares of the cost.
SIUSS_FIELDS = frozenset(
    {
        "siuss_application_ref",
        "siuss_dsu_number",
        "siuss_dsu_year",
        "siuss_dsu_date",
        "siuss_taken_in_charge",
        "siuss_user_share",
        "siuss_health_share",
        "siuss_comune_share",
        "siuss_monthly_hours",
    }
)
SOCIAL_WORKER = "odoo_famiglie_rete.group_family_social_worker"


class FamilyIntervention(models.Model):
    _name = "family.intervention"
    _description = "Intervention"
    _family_created_message = _lt("Intervention created")
    _inherit = ["mail.thread", "family.case.child.mixin"]
    _order = "date_start desc, id desc"

    _family_portal_write_fields = PORTAL_WRITE_FIELDS
    _family_portal_create_fields = PORTAL_CREATE_FIELDS

    name = fields.Char(
        string="Description",
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # The case's restriction and case manager, kept on the intervention: the
    # social workers' rule (``family_intervention_rule_social_worker``) reads
    # them here instead of joining the cases for every intervention of a list
    # or a count. Related and stored, the ORM rewrites them when the case is
    # restricted or changes case manager, and when an intervention moves case.
    # Indexed with the company in ``family_intervention_rule_index`` (init).
    case_restricted = fields.Boolean(
        string="Restricted Case",
        related="case_id.restricted",
        store=True,
        groups=SOCIAL_WORKER,
    )
    case_user_id = fields.Many2one(
        string="Case Manager",
        related="case_id.user_id",
        store=True,
        index="btree_not_null",
        groups=SOCIAL_WORKER,
    )
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
    is_money = fields.Boolean(related="type_id.is_money")
    unit_value = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_unit_value",
        store=True,
        readonly=False,
        precompute=True,
        aggregator=None,
        help="Proposed by the type; it can be changed.",
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        currency_field="currency_id",
        tracking=True,
        help="Quantity × unit value; it can be changed.",
    )
    state = fields.Selection(
        STATES, default="planned", required=True, index=True, tracking=True
    )
    compensable = fields.Boolean(
        compute="_compute_compensable", store=True, readonly=False, precompute=True
    )
    notes = fields.Text(
        groups="odoo_famiglie_rete.group_family_social_worker,base.group_portal"
    )
    has_overlap = fields.Boolean(
        compute="_compute_overlap", store=True, index=True, string="Overlap"
    )
    # Once found, an overlap stays on record: the protocol's dashboard counts
    # the overlaps detected and those resolved (no longer overlapping while
    # the help is not done: its dates moved, or it was cancelled).
    overlap_detected = fields.Boolean(
        compute="_compute_overlap", store=True, index=True, readonly=True
    )
    # ... and stays resolved once it stops overlapping before the help is done
    overlap_resolved = fields.Boolean(
        compute="_compute_overlap", store=True, readonly=True
    )
    # names the other parties: the Comune's social service only (an
    # association reads ``_portal_overlap_warning``)
    overlap_warning = fields.Char(
        compute="_compute_overlap_warning",
        groups="odoo_famiglie_rete.group_family_social_worker",
    )
    compensation_line_ids = fields.One2many(
        "family.compensation.line",
        "intervention_id",
        string="Statement Lines",
        groups="odoo_famiglie_rete.group_family_finance",
    )
    compensation_id = fields.Many2one(
        "family.compensation",
        string="Statement",
        compute="_compute_compensation",
        store=True,
        index="btree_not_null",
        groups="odoo_famiglie_rete.group_family_finance",
        help="The statement, not cancelled, that pays this intervention.",
    )
    compensated = fields.Boolean(
        compute="_compute_compensation",
        store=True,
        index=True,
        help="In an approved, billed or paid statement: it can no longer change.",
    )

    # SIUSS (INPS): what the flow needs beyond the type, dates and amount
    siuss_application_ref = fields.Char(
        string="Application Protocol",
        groups=SOCIAL_WORKER,
        help="The protocol number of the application (ProtocolloDomanda).",
    )
    siuss_dsu_number = fields.Char(
        string="DSU Protocol Number",
        groups=SOCIAL_WORKER,
        help="The ISEE declaration (DSU), when the benefit is subject to ISEE.",
    )
    siuss_dsu_year = fields.Integer(
        string="DSU Year", groups=SOCIAL_WORKER, aggregator=None
    )
    siuss_dsu_date = fields.Date(string="DSU Date", groups=SOCIAL_WORKER)
    siuss_taken_in_charge = fields.Boolean(
        string="Taken in Charge",
        compute="_compute_siuss_taken_in_charge",
        store=True,
        readonly=False,
        precompute=True,
        groups=SOCIAL_WORKER,
        help="The beneficiary is taken in charge by the social service "
        "(PresaCarico): proposed from the case's stage.",
    )
    siuss_user_share = fields.Monetary(
        string="User's Share",
        currency_field="currency_id",
        groups=SOCIAL_WORKER,
        help="What the beneficiary pays of the amount.",
    )
    siuss_health_share = fields.Monetary(
        string="Health Service's Share",
        currency_field="currency_id",
        groups=SOCIAL_WORKER,
        help="What the national health service pays of the amount.",
    )
    siuss_comune_share = fields.Monetary(
        string="Comune's Share",
        currency_field="currency_id",
        compute="_compute_siuss_comune_share",
        groups=SOCIAL_WORKER,
        help="The amount less the user's and the health service's shares.",
    )
    siuss_monthly_hours = fields.Float(
        string="Monthly Hours of Service", groups=SOCIAL_WORKER, aggregator=None
    )

    def init(self):
        # An association's interventions ending in the coming days (the to-do
        # of ``/my`` and of the family list): one index range, not the
        # provider's every intervention crossed with every date.
        create_index(
            self.env.cr,
            "family_intervention_provider_date_end_index",
            self._table,
            ["provider_id", "date_end"],
        )
        # The social workers' rule filters on the company and the copy of the
        # case's restriction and case manager: their list's count (which
        # stops at 10,001) is read from this index alone, not from the table.
        create_index(
            self.env.cr,
            "family_intervention_rule_index",
            self._table,
            ["company_id", "case_restricted", "case_user_id"],
        )

    @api.depends("case_id")
    def _compute_siuss_taken_in_charge(self):
        """Proposed from the case's stage when the intervention is recorded."""
        in_charge = self.env.ref(
            "odoo_famiglie_rete.stage_in_charge", raise_if_not_found=False
        )
        for rec in self:
            stage = rec.case_id.stage_id
            rec.siuss_taken_in_charge = bool(
                in_charge and stage and stage.sequence >= in_charge.sequence
            )

    @api.depends("amount", "siuss_user_share", "siuss_health_share")
    def _compute_siuss_comune_share(self):
        for rec in self:
            rec.siuss_comune_share = (
                rec.amount - rec.siuss_user_share - rec.siuss_health_share
            )

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

    @api.depends("compensation_line_ids.state")
    def _compute_compensation(self):
        """One query for the whole batch (a statement holds thousands)."""
        lines = (
            self.env["family.compensation.line"]
            .sudo()
            .search_fetch(
                [
                    ("intervention_id", "in", self._origin.ids),
                    ("state", "!=", "cancelled"),
                ],
                ["intervention_id", "compensation_id", "state"],
            )
        )
        found = {
            line.intervention_id.id: (line.compensation_id.id, line.state)
            for line in lines
        }
        for rec in self:
            statement_id, state = found.get(rec._origin.id, (False, False))
            rec.compensation_id = statement_id
            rec.compensated = state in ("approved", "billed", "paid")

    def _family_compensation_label(self):
        """Type, date and case reference: no description (it may be personal)."""
        self.ensure_one()
        return (
            f"{self.type_id.name} {format_date(self.env, self.date_start)} "
            f"({self.case_id.reference})"
        )

    def _check_compensation_lock(self, vals):
        """Nothing that was paid for changes after the approval."""
        locked = COMPENSATION_LOCKED_FIELDS & set(vals)
        if not locked:
            return
        for rec in self.filtered("compensated"):
            for fname in locked:
                field = self._fields[fname]
                if field.convert_to_cache(vals[fname], rec) != field.convert_to_cache(
                    rec[fname], rec
                ):
                    raise UserError(
                        self.env._(
                            "The intervention %(intervention)s has been compensated "
                            "to the association: its %(field)s cannot change any "
                            "more.",
                            intervention=rec._family_compensation_label(),
                            field=field._description_string(self.env),
                        )
                    )

    @api.depends("type_id")
    def _compute_compensable(self):
        for rec in self:
            rec.compensable = rec.type_id.compensable

    @api.depends("type_id")
    def _compute_unit_value(self):
        for rec in self:
            rec.unit_value = rec.type_id.unit_value

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

        One query for the whole batch reads the periods of the planned and
        active interventions of the same families and categories; the
        comparison is then done on plain values.
        """
        detected, resolved = self._overlap_before()
        live = self.filtered(
            lambda r: r.state in OVERLAP_STATES and r.case_id and r.category
        )
        (self - live).has_overlap = False
        if live:
            periods = self._overlap_periods(live)
            for rec in live:
                rec.has_overlap = bool(rec._overlap_providers(periods))
        for rec in self:
            was_detected = rec.id in detected
            rec.overlap_detected = rec.has_overlap or was_detected
            rec.overlap_resolved = not rec.has_overlap and (
                rec.id in resolved or (was_detected and rec.state != "done")
            )

    def _overlap_before(self):
        """Ids of the records whose overlap was detected, and resolved,
        already: saved (one query) or computed earlier in this transaction
        and not yet saved."""
        cache = self.env.cache
        detected, resolved = set(), set()
        for name, found in (
            ("overlap_detected", detected),
            ("overlap_resolved", resolved),
        ):
            field = self._fields[name]
            found.update(rec.id for rec in self if cache.get(rec, field, default=False))
        saved = [rec.id for rec in self if isinstance(rec.id, int)]
        if saved:
            self.env.cr.execute(
                SQL(
                    "SELECT id, overlap_resolved FROM family_intervention "
                    "WHERE id IN %s AND overlap_detected",
                    tuple(saved),
                )
            )
            for rec_id, was_resolved in self.env.cr.fetchall():
                detected.add(rec_id)
                if was_resolved:
                    resolved.add(rec_id)
        return detected, resolved

    @api.depends(
        "has_overlap",
        "case_id",
        "category",
        "provider_id",
        "date_start",
        "date_end",
        "state",
    )
    @api.depends_context("lang")
    def _compute_overlap_warning(self):
        """The warning, in the reader's language (it is not stored)."""
        flagged = self.filtered("has_overlap")
        (self - flagged).overlap_warning = False
        if not flagged:
            return
        periods = self._overlap_periods(flagged)
        found = {rec: rec._overlap_providers(periods) for rec in flagged}
        partners = self.env["res.partner"].browse(
            {pid for providers in found.values() for pid in providers}
        )
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        categories = dict(self._fields["category"]._description_selection(self.env))
        for rec, providers in found.items():
            if not providers:
                rec.overlap_warning = False
                continue
            rec.overlap_warning = self.env._(
                "In the same period, %(parties)s also gives this family help of "
                "the category %(category)s.",
                parties=", ".join(sorted(names[pid] for pid in providers)),
                category=categories.get(rec.category, rec.category),
            )

    def _overlap_key(self):
        """(family, category, provider, start, end) of one intervention.

        Works on new records too (a form being edited): it uses the ids of
        the saved records they stand for.
        """
        self.ensure_one()
        return (
            self.case_id._origin.id,
            self.category,
            self.provider_id._origin.id,
            self.date_start,
            self.date_end or date.max,
        )

    @api.model
    def _overlap_periods(self, records):
        """Periods of the live interventions of the families of ``records``.

        Returns {(case id, category): [(id, provider id, start, end), ...]}
        read in one query without filling the record cache (a family can have
        hundreds of interventions). Read as superuser: the flag must not
        depend on what the current user may see.
        """
        Intervention = self.sudo()
        query = Intervention._search(
            [
                ("case_id", "in", records.case_id._origin.ids),
                ("category", "in", list(set(records.mapped("category")))),
                ("state", "in", list(OVERLAP_STATES)),
            ]
        )
        fnames = ["id", "case_id", "category", "provider_id", "date_start", "date_end"]
        rows = self.env.execute_query(
            query.select(
                *[Intervention._field_to_sql(query.table, fname) for fname in fnames]
            )
        )
        periods = defaultdict(list)
        for rec_id, case_id, category, provider_id, start, end in rows:
            periods[case_id, category].append(
                (rec_id, provider_id, start, end or date.max)
            )
        return periods

    def _overlap_providers(self, periods):
        """Ids of the other providers whose live help overlaps this one."""
        self.ensure_one()
        own_id = self._origin.id or self.id
        case_id, category, provider_id, start, end = self._overlap_key()
        if not start:
            return set()
        return {
            o_provider
            for o_id, o_provider, o_start, o_end in periods.get((case_id, category), ())
            if o_id != own_id
            and o_provider != provider_id
            and o_start <= end
            and start <= o_end
        }

    def _overlap_neighbours(self):
        """The other live interventions whose flag depends on these ones.

        Those of the same families and categories, by another provider, whose
        period meets the period of one of ``self`` as it is now (call it
        before and after a change). Only planned and active interventions
        carry the flag, and only those that overlap can gain or lose it.
        """
        records = self.filtered(
            lambda r: r.state in OVERLAP_STATES and r.case_id and r.category
        )
        if not records:
            return self.browse()
        periods = self._overlap_periods(records)
        own = set(self.ids)
        neighbour_ids = set()
        for rec in records:
            case_id, category, provider_id, start, end = rec._overlap_key()
            if not start:
                continue
            neighbour_ids.update(
                o_id
                for o_id, o_provider, o_start, o_end in periods.get(
                    (case_id, category), ()
                )
                if o_id not in own
                and o_provider != provider_id
                and o_start <= end
                and start <= o_end
            )
        return self.browse(neighbour_ids)

    def _recompute_overlap(self, neighbours):
        neighbours = neighbours.exists()
        if neighbours:
            self.env.add_to_compute(self._fields["has_overlap"], neighbours)
            # add_to_compute marks nothing that depends on the flag: the
            # families' own flag is marked here too (a deletion may have
            # saved it already, from these interventions' old flags)
            cases = neighbours.sudo().case_id
            self.env.add_to_compute(cases._fields["has_overlap"], cases)

    def _recompute_overlap_of_neighbours(self):
        """Other interventions of the same families may gain or lose the flag."""
        self._recompute_overlap(self._overlap_neighbours())

    def _family_portal_writable(self, operation):
        """Once compensated, what was paid for is no association's to change."""
        allowed = super()._family_portal_writable(operation)
        if operation == "write" and self.sudo().filtered("compensated"):
            allowed = allowed - COMPENSATION_LOCKED_FIELDS
        return allowed

    def _family_check_portal_provider(self, vals_list):
        """An association records interventions it gives, not another party's."""
        if not self._family_is_association_user():
            return
        association = self.env.user.commercial_partner_id
        default = self.default_get(["provider_id"]).get("provider_id")
        for vals in vals_list:
            provider = vals.get("provider_id") or default
            if provider != association.id:
                raise AccessError(
                    self.env._(
                        "An association can only record its own interventions: "
                        "the provider must be %(association)s.",
                        association=association.name,
                    )
                )

    @api.model
    def _family_money_quantity(self, vals, itype, unit_value):
        """The quantity of a sum of money entered as its amount: quantity ×
        unit value stays the amount (statements pay quantities by rate and
        amounts by reimbursement alike)."""
        if itype.is_money and "amount" in vals:
            return vals["amount"] / (unit_value or 1.0)
        return None

    @api.model_create_multi
    def create(self, vals_list):
        self._family_check_portal_provider(vals_list)
        Type = self.env["family.intervention.type"]
        default_type = self.default_get(["type_id"]).get("type_id")
        for vals in vals_list:
            itype = Type.browse(vals.get("type_id") or default_type)
            quantity = self._family_money_quantity(
                vals, itype, vals.get("unit_value") or itype.unit_value
            )
            if quantity is not None:
                vals["quantity"] = quantity
        records = super().create(vals_list)
        records._check_provider_protocol()
        records._recompute_overlap_of_neighbours()
        return records

    def _family_split_money_write(self, vals):
        """{quantity or None: records}: where ``vals`` sets the amount of a
        sum of money, the quantity each group of records takes with it."""
        groups = defaultdict(self.browse)
        new_type = (
            self.env["family.intervention.type"].browse(vals["type_id"])
            if "type_id" in vals
            else None
        )
        for rec in self:
            itype = rec.type_id if new_type is None else new_type
            unit_value = vals.get("unit_value") or (
                itype.unit_value if new_type is not None else rec.unit_value
            )
            groups[self._family_money_quantity(vals, itype, unit_value)] |= rec
        return groups

    def write(self, vals):
        if "amount" in vals:
            groups = self._family_split_money_write(vals)
            if len(groups) > 1:
                # rare (a list edited at once): one write per quantity
                for quantity, records in groups.items():
                    records.write(
                        vals if quantity is None else dict(vals, quantity=quantity)
                    )
                return True
            quantity = next(iter(groups), None)
            if quantity is not None:
                vals = dict(vals, quantity=quantity)
        self._family_check_portal_fields("write", vals)
        self._check_compensation_lock(vals)
        overlap_change = bool(OVERLAP_FIELDS & set(vals))
        # Neighbours before the change lose the flag if the family or the
        # category moves away from them.
        before = self._overlap_neighbours() if overlap_change else self.browse()
        res = super().write(vals)
        if "provider_id" in vals:
            self._check_provider_protocol()
        if overlap_change:
            self._recompute_overlap(before | self._overlap_neighbours())
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_statement(self):
        in_statement = self.sudo().filtered("compensation_line_ids")
        if in_statement:
            raise UserError(
                self.env._(
                    "The intervention %(intervention)s is in a compensation "
                    "statement: cancel it instead of deleting it.",
                    intervention=in_statement[0]._family_compensation_label(),
                )
            )

    def unlink(self):
        # the other interventions whose overlap flag depended on these
        neighbours = self._overlap_neighbours()
        res = super().unlink()
        self._recompute_overlap(neighbours)
        return res

    def _check_provider_protocol(self):
        """Only the Comune and the associations of its active protocols.

        Checked once per provider and Comune, not once per intervention.
        """
        for provider, company in {(rec.provider_id, rec.company_id) for rec in self}:
            if not provider._family_has_active_protocol(company):
                raise ValidationError(
                    self.env._(
                        "%(provider)s has no active protocol: it cannot be given "
                        "new interventions.",
                        provider=provider.display_name,
                    )
                )

    @api.constrains("type_id", "provider_id")
    def _check_type_provided(self):
        """An association records only the types it provides (its catalogue,
        set by the manager; none set: the whole catalogue)."""
        for rec in self.sudo():
            provided = rec.provider_id.family_intervention_type_ids
            if provided and rec.type_id not in provided:
                raise ValidationError(
                    self.env._(
                        "%(association)s does not provide interventions of type "
                        "%(type)s: choose one of its types.",
                        association=rec.provider_id.name,
                        type=rec.type_id.name,
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
                    self.env._(
                        "Quantities, unit values and amounts cannot be negative."
                    )
                )

    @api.constrains("member_id", "goal_id", "case_id")
    def _check_same_case(self):
        # an integrity check, as superuser: an association may keep on its
        # intervention a beneficiary whose identity it is not shown
        for rec in self.sudo():
            if rec.member_id and rec.member_id.case_id != rec.case_id:
                raise ValidationError(
                    self.env._("The beneficiary must be a member of the same family.")
                )
            if rec.goal_id and rec.goal_id.case_id != rec.case_id:
                raise ValidationError(
                    self.env._("The goal must belong to the same family's plan.")
                )

    @api.depends("type_id", "name", "date_start")
    @api.depends_context("uid")
    def _compute_display_name(self):
        """Type, description and date, in the reader's date format; the
        description only for those who may read it (not finance)."""
        # the real user's groups: Odoo reads a many2one's display name as
        # superuser (a statement line's intervention, for finance)
        show_name = self._fields["name"].is_accessible(self.env(su=False))
        for rec in self:
            rec.display_name = " - ".join(
                filter(
                    None,
                    [
                        rec.type_id.name,
                        rec.name if show_name else False,
                        format_date(self.env, rec.date_start)
                        if rec.date_start
                        else False,
                    ],
                )
            )

    def _portal_overlap_warning(self, show_parties=False):
        """The overlap warning of one intervention for the portal (see below)."""
        self.ensure_one()
        return self._portal_overlap_warnings(show_parties).get(self.id, False)

    def _portal_overlap_warnings(self, show_parties=False):
        """The overlap warnings for an association's portal page, by id.

        A warning names the other parties only when ``show_parties`` and the
        user reads their overlapping interventions on
        ``family.intervention.summary`` (the share opens the other parties'
        interventions: the record rules decide, no superuser read); otherwise
        it tells only the category of the help. One search for the batch.
        """
        flagged = self.filtered("has_overlap")
        if not flagged:
            return {}
        categories = dict(self._fields["category"]._description_selection(self.env))
        Summary = self.env["family.intervention.summary"]
        others, names = Summary, {}
        if show_parties:
            others = Summary.search_fetch(
                [
                    ("case_id", "in", flagged.case_id.ids),
                    ("category", "in", list(set(flagged.mapped("category")))),
                    ("state", "in", list(OVERLAP_STATES)),
                ],
                ["case_id", "category", "provider_id", "date_start", "date_end"],
            )
            # the providers' names as the ORM gives them with the summary's
            # many2one (associations do not read other parties' contacts)
            names = {
                row["id"]: row["provider_id"][1] for row in others.read(["provider_id"])
            }
        warnings = {}
        for rec in flagged:
            start, end = rec.date_start, rec.date_end or date.max
            parties = sorted(
                {
                    names[other.id]
                    for other in others
                    if other.id != rec.id
                    and other.case_id == rec.case_id
                    and other.category == rec.category
                    and other.provider_id.id != rec.provider_id.id
                    and other.date_start <= end
                    and start <= (other.date_end or date.max)
                }
            )
            category = categories.get(rec.category, rec.category)
            if parties:
                warnings[rec.id] = self.env._(
                    "In the same period, %(parties)s also gives this family help "
                    "of the category %(category)s.",
                    parties=", ".join(parties),
                    category=category,
                )
            else:
                warnings[rec.id] = self.env._(
                    "In the same period, another party also gives this family "
                    "help of the category %(category)s.",
                    category=category,
                )
        return warnings

    def action_start(self):
        self.write({"state": "active"})
        return True

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reset_planned(self):
        self.write({"state": "planned"})
        return True
