import logging
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from .family_access_log import FORM_METHODS

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("billed", "Billed"),
    ("paid", "Paid"),
    ("cancelled", "Cancelled"),
]
# The workflow's own steps; billed and paid follow the vendor bill.
APPROVAL_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("cancelled", "Cancelled"),
]
# Interventions of a statement in these states are compensated: locked.
COMPENSATED_STATES = ("approved", "billed", "paid")
# The interventions' fields the INSERT of a statement's lines reads
# (``_family_insert_intervention_lines``), flushed before it.
INSERT_READS = ["type_id", "date_start", "date_end", "quantity", "amount", "case_id"]


class FamilyCompensation(models.Model):
    _name = "family.compensation"
    _description = "Compensation Statement"
    _family_created_message = _lt("Compensation statement created")
    _inherit = ["mail.thread", "mail.activity.mixin", "family.field.guard.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    party_id = fields.Many2one(
        "family.protocol.party",
        string="Association Terms",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain="[('compensation_mode', '!=', 'none')]",
    )
    partner_id = fields.Many2one(
        related="party_id.partner_id",
        string="Association",
        store=True,
        index=True,
    )
    protocol_id = fields.Many2one(
        related="party_id.protocol_id", string="Protocol", store=True, index=True
    )
    protocol_state = fields.Selection(related="protocol_id.state")
    compensation_mode = fields.Selection(
        related="party_id.compensation_mode", string="Mode", store=True
    )
    instrument = fields.Selection(
        related="party_id.instrument", store=True, index=True, string="Instrument"
    )
    instrument_reference = fields.Char(related="party_id.instrument_reference")
    instrument_date = fields.Date(related="party_id.instrument_date")
    cig = fields.Char(related="party_id.cig")
    instrument_label = fields.Char(
        compute="_compute_instrument_label",
        string="Legal Basis",
        help="The instrument and the act under which the association is paid; "
        "written in the vendor bill's terms.",
    )
    company_id = fields.Many2one(
        related="party_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", store=True, precompute=True
    )
    date_from = fields.Date(
        string="From", required=True, index=True, tracking=True, copy=False
    )
    date_to = fields.Date(string="To", required=True, tracking=True, copy=False)
    date = fields.Date(
        string="Statement Date",
        required=True,
        default=fields.Date.context_today,
        copy=False,
    )
    line_ids = fields.One2many(
        "family.compensation.line", "compensation_id", string="Lines", copy=False
    )
    line_count = fields.Integer(compute="_compute_line_count")
    amount_total = fields.Monetary(
        string="Total",
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        tracking=True,
    )
    approval_state = fields.Selection(
        APPROVAL_STATES, default="draft", required=True, copy=False, readonly=True
    )
    state = fields.Selection(
        STATES,
        string="Status",
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
        help="Draft, waiting for the manager (over budget), approved (draft bill), "
        "billed (bill posted), paid (bill paid) or cancelled (the bill too).",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Vendor Bill",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    bill_reference = fields.Char(related="move_id.name", string="Bill Number")
    payment_state = fields.Selection(
        related="move_id.payment_state",
        string="Payment Status",
        store=True,
        index=True,
    )
    budget = fields.Monetary(related="party_id.budget", string="Yearly Budget")
    budget_committed = fields.Monetary(
        compute="_compute_budget",
        currency_field="currency_id",
        string="Committed This Year",
        help="The other statements of the year (waiting, approved, billed, paid) "
        "and this one.",
    )
    over_budget = fields.Boolean(compute="_compute_budget")
    notes = fields.Html()
    document_ids = fields.Many2many(
        "family.compensation.document",
        compute="_compute_document_ids",
        string="Supporting Documents",
        help="The documents of the reimbursed costs: those of the interventions "
        "and the volunteers' expenses in the statement.",
    )
    document_count = fields.Integer(compute="_compute_document_ids")
    undocumented_count = fields.Integer(
        compute="_compute_document_ids",
        string="Costs without Document",
        help="Reimbursed interventions whose documents are missing or cover less "
        "than their amount: the statement cannot be approved.",
    )

    @api.depends("party_id", "instrument", "instrument_reference", "instrument_date")
    def _compute_instrument_label(self):
        for rec in self:
            rec.instrument_label = (
                rec.party_id._family_instrument_label() if rec.party_id else False
            )

    @api.depends("line_ids", "compensation_mode")
    def _compute_document_ids(self):
        Document = self.env["family.compensation.document"]
        for rec in self:
            if rec.compensation_mode != "reimbursement" or not rec.id:
                rec.document_ids = Document
                rec.document_count = 0
                rec.undocumented_count = 0
                continue
            rec.document_ids = rec._family_documents()
            rec.document_count = len(rec.document_ids)
            rec.undocumented_count = len(rec._family_undocumented_lines())

    @api.depends("line_ids")
    def _compute_line_count(self):
        counts = dict(
            self.env["family.compensation.line"]._read_group(
                [("compensation_id", "in", self.ids)],
                ["compensation_id"],
                ["__count"],
            )
        )
        for rec in self:
            rec.line_count = counts.get(rec, 0)

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for rec in self:
            rec.amount_total = sum(rec.line_ids.mapped("amount"))

    @api.depends("approval_state", "move_id.state", "move_id.payment_state")
    def _compute_state(self):
        for rec in self:
            move = rec.move_id
            if rec.approval_state != "approved" or not move:
                rec.state = rec.approval_state
            elif move.state == "cancel" or move.payment_state == "reversed":
                rec.state = "cancelled"
            elif move.payment_state in ("paid", "in_payment"):
                rec.state = "paid"
            elif move.state == "posted":
                rec.state = "billed"
            else:
                rec.state = "approved"

    @api.depends("amount_total", "party_id.budget", "date_from", "state")
    def _compute_budget(self):
        for rec in self:
            committed = rec.amount_total if rec.state != "cancelled" else 0.0
            if rec.party_id and rec.date_from:
                amounts = rec.party_id._family_budget_amounts(
                    rec.date_from.year, exclude=rec._origin
                )
                committed += amounts.get(rec.party_id.id, (0.0, 0.0, 0.0))[0]
            rec.budget_committed = committed
            rec.over_budget = bool(
                rec.budget
                and rec.currency_id.compare_amounts(committed, rec.budget) > 0
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rec in self:
            if rec.date_to < rec.date_from:
                raise ValidationError(
                    self.env._("The end of the period cannot be before its start.")
                )
            if rec.date_to.year != rec.date_from.year:
                raise ValidationError(
                    self.env._(
                        "A statement covers one calendar year at most: the budget "
                        "is yearly."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "family.compensation"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if {"party_id", "date_from", "date_to"} & set(vals) and any(
            rec.approval_state != "draft" for rec in self
        ):
            raise UserError(
                self.env._("Only a draft statement can change association or period.")
            )
        if {"party_id", "date_from", "date_to"} & set(vals):
            # its lines were for the old association or period
            self.line_ids.unlink()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(rec.state not in ("draft", "cancelled") or rec.move_id for rec in self):
            raise UserError(
                self.env._(
                    "Only draft statements can be deleted; cancel an approved one."
                )
            )

    def _family_logged_cases(self):
        """The cases the statement's lines name (printing it is logged)."""
        return self.sudo().line_ids._family_logged_cases()

    def web_read(self, specification):
        """The statement's form shows its lines: each names a family (its
        case reference, the intervention's type, dates and amount). The
        cases of the lines the form was sent are logged, as the lines'
        own form would be."""
        result = super().web_read(specification)
        if "line_ids" in specification and not self.env.su:
            log = self.env["family.access.log"]
            channel = log._call_channel(
                self._name, FORM_METHODS, server="form", external="rpc"
            )
            line_ids = [
                line["id"] if isinstance(line, dict) else line
                for record in result
                for line in record.get("line_ids") or ()
            ]
            if channel and line_ids:
                lines = self.env["family.compensation.line"].browse(line_ids)
                log._log(lines._family_logged_cases(), channel, model=lines._name)
        return result

    # ------------------------------------------------------------------
    # Building the lines
    # ------------------------------------------------------------------

    def _family_check_protocol(self):
        """An expired or draft protocol pays nothing."""
        for rec in self:
            if rec.protocol_id.state != "active":
                raise UserError(
                    self.env._(
                        "The protocol %(protocol)s is not active (it is draft or "
                        "expired): its associations cannot be compensated.",
                        protocol=rec.protocol_id.display_name,
                    )
                )
            if rec.compensation_mode == "none":
                raise UserError(
                    self.env._(
                        "%(association)s has no compensation terms in the protocol.",
                        association=rec.partner_id.display_name,
                    )
                )

    def _family_window(self):
        """The part of the period inside the protocol's validity, or None."""
        self.ensure_one()
        start = max(self.date_from, self.protocol_id.date_start)
        end = min(self.date_to, self.protocol_id.date_end)
        return (start, end) if start <= end else None

    def _family_intervention_domain(self):
        """Done, compensable, not yet in a statement, inside period and validity.

        An intervention belongs to the period in which it ends (its start date
        when it has no end), and it must have started inside the protocol's
        validity.
        """
        self.ensure_one()
        start, end = self._family_window()
        domain = [
            ("provider_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "=", "done"),
            ("compensable", "=", True),
            ("compensation_id", "=", False),
            ("date_start", ">=", self.protocol_id.date_start),
            ("date_start", "<=", end),
            "|",
            "&",
            ("date_end", "=", False),
            ("date_start", ">=", start),
            "&",
            ("date_end", ">=", start),
            ("date_end", "<=", end),
        ]
        if self.compensation_mode == "rate":
            domain.append(("type_id", "in", self.party_id.rate_ids.type_id.ids))
        return domain

    def action_compute_lines(self):
        """(Re)build the lines of draft statements.

        Their descriptions are written in the association's language.
        """
        for rec in self:
            if rec.approval_state != "draft":
                raise UserError(
                    self.env._("Only the lines of a draft statement can be computed.")
                )
        self._family_check_protocol()
        previous = self.sudo().line_ids.intervention_id
        self.line_ids.unlink()
        self._family_cache_stored_statement(previous)
        vals_list = []
        for rec in self:
            if not rec._family_window():
                continue
            rec = rec.with_context(lang=rec.partner_id.lang or self.env.lang)
            if rec.compensation_mode == "contribution":
                common = rec._family_line_common_vals()
                vals_list += [
                    {**common, **vals} for vals in rec._family_instalment_line_vals()
                ]
            else:
                rec._family_insert_intervention_lines()
            if rec.compensation_mode == "reimbursement":
                common = rec._family_line_common_vals()
                vals_list += [
                    {**common, **vals} for vals in rec._family_expense_line_vals()
                ]
        self.env["family.compensation.line"].create(vals_list)
        return True

    def _family_documents(self):
        """The supporting documents of the statement's reimbursed costs: those
        of its interventions and its volunteers' expenses (searched afresh)."""
        self.ensure_one()
        lines = self.line_ids
        return (
            self.env["family.compensation.document"].search(
                [("intervention_id", "in", lines.intervention_id.ids)]
            )
            | lines.document_id
        )

    def _family_expense_line_vals(self):
        """The association's documented costs that are no intervention (its
        volunteers' expenses) dated in the period and not yet reimbursed."""
        self.ensure_one()
        start, end = self._family_window()
        documents = self.env["family.compensation.document"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("expense_type", "=", "volunteer"),
                ("document_date", ">=", start),
                ("document_date", "<=", end),
                ("line_ids", "not any", [("state", "!=", "cancelled")]),
            ],
            order="document_date, id",
        )
        return [
            {
                "document_id": document.id,
                "name": self.env._(
                    "Volunteers' expenses: %(document)s",
                    document=document.display_name,
                ),
                "date": document.document_date,
                "quantity": 1.0,
                "unit_price": document.amount,
                "amount": document.amount,
            }
            for document in documents
        ]

    def _family_undocumented_lines(self):
        """The reimbursed interventions whose documents are missing or cover
        less than the amount paid (one grouped query)."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda line: line.intervention_id
            and self.currency_id.compare_amounts(line.amount, 0) > 0
        )
        if not lines:
            return lines
        documented = dict(
            self.env["family.compensation.document"]
            .sudo()
            ._read_group(
                [("intervention_id", "in", lines.intervention_id.ids)],
                ["intervention_id"],
                ["amount:sum"],
            )
        )
        return lines.filtered(
            lambda line: self.currency_id.compare_amounts(
                documented.get(line.intervention_id, 0.0), line.amount
            )
            < 0
        )

    def _family_check_documents(self):
        """Under a convenzione every reimbursed cost carries its document."""
        for rec in self.filtered(lambda r: r.compensation_mode == "reimbursement"):
            missing = rec._family_undocumented_lines()
            if not missing:
                continue
            names = [
                line.intervention_id.sudo()._family_compensation_label()
                for line in missing[:10]
            ]
            if len(missing) > 10:
                names.append(self.env._("and %(count)s more", count=len(missing) - 10))
            raise UserError(
                self.env._(
                    "%(name)s reimburses documented costs (convenzione, art. 56 "
                    "D.Lgs. 117/2017): these interventions have no supporting "
                    "document, or their documents cover less than the amount: "
                    "%(interventions)s. Ask %(association)s to upload the "
                    "receipts on the portal, or attach them to the interventions.",
                    name=rec.name,
                    interventions="; ".join(names),
                    association=rec.partner_id.display_name,
                )
            )

    def _family_line_common_vals(self):
        self.ensure_one()
        return {
            "compensation_id": self.id,
            "party_id": self.party_id.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "state": self.state,
            "instrument": self.instrument,
        }

    def _family_cache_stored_statement(self, interventions):
        """Put the statement and state stored for ``interventions`` in the
        cache, read in SQL (nothing flushed), after their lines were deleted.

        The ORM then recomputes them once the lines are rebuilt and writes
        only those whose statement or state changed. Without it a rebuild
        wrote every intervention twice: reset when the old lines went (the
        deletion empties the cache), set again after the insert; 10,000
        rows each time, the larger part of a statement's time.
        """
        if not interventions:
            return
        Intervention = self.env["family.intervention"]
        rows = self.env.execute_query(
            SQL(
                "SELECT id, compensation_id, compensated FROM family_intervention"
                " WHERE id = ANY(%s)",
                interventions.ids,
            )
        )
        records = Intervention.browse([row[0] for row in rows])
        cache = self.env.cache
        cache.update(
            records, Intervention._fields["compensation_id"], [row[1] for row in rows]
        )
        cache.update(
            records, Intervention._fields["compensated"], [bool(row[2]) for row in rows]
        )

    def _family_insert_intervention_lines(self):
        """One line per intervention, written in one INSERT ... SELECT.

        A statement may hold 10,000 interventions: creating their lines one
        by one through the ORM takes longer than the 5 s the design allows.
        The interventions are searched through the ORM (record rules apply),
        the values are copied in the database, and the ORM is then told what
        changed. The exclusion constraint of the lines still guarantees that
        no intervention is in two statements.
        """
        self.ensure_one()
        Line = self.env["family.compensation.line"]
        Intervention = self.env["family.intervention"]
        Line.flush_model()
        # what the INSERT reads; not the interventions' statement, whose
        # recomputation (the old lines are gone) waits for the new lines
        Intervention.flush_model(INSERT_READS)
        # "not yet in a statement" read from the lines themselves: the stored
        # ``compensation_id`` in the domain would be flushed first, written
        # False on every intervention the statement had, then set again
        not_in_statement = ("compensation_id", "=", False)
        domain = [
            leaf
            for leaf in self._family_intervention_domain()
            if leaf != not_in_statement
        ]
        interventions = Intervention._search(domain)
        interventions.add_where(
            SQL(
                "NOT EXISTS (SELECT 1 FROM family_compensation_line l"
                " WHERE l.intervention_id = %s AND l.state != 'cancelled')",
                SQL.identifier(interventions.table, "id"),
            )
        )
        rates = self.party_id._family_rates()
        if self.compensation_mode == "rate":
            unit_price = SQL("r.rate")
            amount = SQL(
                "ROUND(i.quantity::numeric * r.rate, %s)",
                self.currency_id.decimal_places,
            )
        else:
            unit_price = SQL(
                "CASE WHEN i.quantity <> 0 THEN i.amount / i.quantity::numeric "
                "ELSE i.amount END"
            )
            amount = SQL("i.amount")
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO family_compensation_line (
                    compensation_id, party_id, partner_id, company_id, currency_id,
                    state, instrument, intervention_id, type_id, name, date,
                    case_reference, quantity, unit_price, amount,
                    create_uid, write_uid, create_date, write_date
                )
                SELECT %(statement)s, %(party)s, %(partner)s, %(company)s,
                       %(currency)s, %(state)s, %(instrument)s, i.id, i.type_id,
                       COALESCE(t.name->>%(lang)s, t.name->>'en_US'),
                       COALESCE(i.date_end, i.date_start), c.reference, i.quantity,
                       %(unit_price)s, %(amount)s,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM family_intervention i
                  JOIN family_case c ON c.id = i.case_id
                  JOIN family_intervention_type t ON t.id = i.type_id
             LEFT JOIN unnest(%(type_ids)s::int[], %(rates)s::numeric[])
                       AS r(type_id, rate) ON r.type_id = i.type_id
                 WHERE i.id IN %(interventions)s
              ORDER BY COALESCE(i.date_end, i.date_start), i.id
             RETURNING id, intervention_id
                """,
                statement=self.id,
                party=self.party_id.id,
                partner=self.partner_id.id,
                company=self.company_id.id,
                currency=self.currency_id.id,
                state=self.state,
                instrument=self.instrument,
                lang=self.env.lang or "en_US",
                unit_price=unit_price,
                amount=amount,
                uid=self.env.uid,
                now=self.env.cr.now(),
                type_ids=list(rates),
                rates=list(rates.values()),
                interventions=interventions.subselect(),
            )
        )
        # Tell the ORM: the statement's total, the interventions' link
        self.invalidate_recordset(["line_ids"])
        Intervention.invalidate_model(["compensation_line_ids"])
        self.modified(["line_ids"])
        Intervention.browse([row[1] for row in rows]).modified(
            ["compensation_line_ids"]
        )
        return Line.browse([row[0] for row in rows])

    def _family_instalments(self):
        """[(year, number, last day, amount)] of the contribution in the window."""
        self.ensure_one()
        start, end = self._family_window()
        count = int(self.party_id.instalments or 1)
        months = 12 // count
        annual = self.party_id.annual_contribution
        share = self.currency_id.round(annual / count)
        instalments = []
        for year in range(start.year, end.year + 1):
            for number in range(1, count + 1):
                last_day = date(year, 1, 1) + relativedelta(
                    months=months * number, days=-1
                )
                if not start <= last_day <= end:
                    continue
                amount = (
                    self.currency_id.round(annual - share * (count - 1))
                    if number == count
                    else share
                )
                instalments.append((year, number, last_day, amount))
        return instalments

    def _family_instalment_line_vals(self):
        """The instalments due in the period and not yet in another statement."""
        self.ensure_one()
        taken = {
            (line.instalment_year, line.instalment_number)
            for line in self.env["family.compensation.line"].search_fetch(
                [
                    ("party_id", "=", self.party_id.id),
                    ("instalment_number", "!=", False),
                    ("state", "!=", "cancelled"),
                ],
                ["instalment_year", "instalment_number"],
            )
        }
        count = int(self.party_id.instalments or 1)
        vals_list = []
        for year, number, last_day, amount in self._family_instalments():
            if (year, number) in taken:
                continue
            vals_list.append(
                {
                    "compensation_id": self.id,
                    "party_id": self.party_id.id,
                    "name": self.env._(
                        "Contribution %(year)s, instalment %(number)s of %(count)s",
                        year=year,
                        number=number,
                        count=count,
                    ),
                    "date": last_day,
                    "instalment_year": year,
                    "instalment_number": number,
                    "quantity": 1.0,
                    "unit_price": amount,
                    "amount": amount,
                }
            )
        return vals_list

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def _family_is_manager(self):
        return self.env.user.has_group("odoo_famiglie_rete.group_family_manager")

    def _family_check_lines_current(self):
        """The interventions still say what the lines were computed from."""
        self.ensure_one()
        lines = self.line_ids.filtered("intervention_id")
        lines.intervention_id.fetch(["state", "type_id", "quantity", "amount"])
        for line in lines:
            intervention = line.intervention_id
            if (
                intervention.state != "done"
                or intervention.type_id != line.type_id
                or intervention.quantity != line.quantity
                or (
                    self.compensation_mode == "reimbursement"
                    and self.currency_id.compare_amounts(
                        intervention.amount, line.amount
                    )
                )
            ):
                raise UserError(
                    self.env._(
                        "An intervention of %(case)s changed after the statement "
                        "was computed: compute the lines again.",
                        case=line.case_reference,
                    )
                )

    def action_approve(self):
        """Approve, or send to the manager when the year's budget is exceeded.

        The approval creates the vendor bill to the association.
        """
        is_manager = self._family_is_manager()
        for rec in self:
            if rec.approval_state == "to_approve" and not is_manager:
                raise AccessError(
                    self.env._(
                        "%(name)s is over the association's yearly budget: only "
                        "the social service manager can approve it.",
                        name=rec.name,
                    )
                )
            if rec.approval_state not in ("draft", "to_approve"):
                raise UserError(
                    self.env._("%(name)s is already approved.", name=rec.name)
                )
            rec._family_check_protocol()
            if not rec.line_ids or rec.currency_id.is_zero(rec.amount_total):
                raise UserError(
                    self.env._(
                        "%(name)s has nothing to pay: compute its lines first.",
                        name=rec.name,
                    )
                )
            rec._family_check_lines_current()
            rec._family_check_documents()
            if rec.over_budget and not is_manager:
                rec.approval_state = "to_approve"
                rec._family_ask_managers()
                rec.message_post(
                    body=self.env._(
                        "Over the yearly budget (%(committed)s committed of "
                        "%(budget)s): the social service manager must approve it.",
                        committed=rec.currency_id.format(rec.budget_committed),
                        budget=rec.currency_id.format(rec.budget),
                    )
                )
                continue
            rec.approval_state = "approved"
            rec._family_create_bill()
        self._family_managers_answered()
        return True

    def _family_ask_managers(self):
        """A to-do for the managers of the Comune: the statement waits for them."""
        self.ensure_one()
        managers = self.env.ref("odoo_famiglie_rete.group_family_manager").users
        managers = managers.filtered(
            lambda u: not u._is_superuser()
            and u._is_internal()
            and self.company_id in u.company_ids
        )
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Over budget: approve the statement"),
            )

    def _family_managers_answered(self):
        """The managers' to-dos end once the statement leaves *To Approve*."""
        done = self.filtered(lambda rec: rec.approval_state != "to_approve")
        done.activity_unlink(["mail.mail_activity_data_todo"])

    def action_submit(self):
        """Alias of the approval for the finance clerk's button."""
        return self.action_approve()

    def action_reset_draft(self):
        for rec in self:
            if rec.approval_state != "to_approve":
                raise UserError(
                    self.env._(
                        "Only a statement waiting for approval goes back to draft."
                    )
                )
        self.approval_state = "draft"
        self._family_managers_answered()
        return True

    def action_cancel(self):
        """Cancel the statement and its bill: the interventions are free again."""
        for rec in self:
            move = rec.move_id
            if move and move.payment_state in ("paid", "in_payment", "partial"):
                raise UserError(
                    self.env._(
                        "The bill of %(name)s has payments: reverse it with a "
                        "credit note instead.",
                        name=rec.name,
                    )
                )
            if move.state == "posted":
                move.button_draft()
            if move and move.state != "cancel":
                move.button_cancel()
        self.approval_state = "cancelled"
        self._family_managers_answered()
        return True

    def _family_report_summary(self):
        """The statement's totals by intervention type, or its instalments."""
        self.ensure_one()
        if self.compensation_mode == "contribution":
            return [
                {
                    "name": line.name,
                    "count": 1,
                    "quantity": 1,
                    "amount": line.amount,
                }
                for line in self.line_ids.sorted("date")
            ]
        groups = self.env["family.compensation.line"]._read_group(
            [("compensation_id", "=", self.id)],
            ["type_id"],
            ["__count", "quantity:sum", "amount:sum"],
        )
        return sorted(
            (
                {
                    "name": type_.name,
                    "count": count,
                    "quantity": quantity,
                    "amount": amount,
                }
                if type_
                else {
                    "name": self.env._("Volunteers' expenses"),
                    "count": count,
                    "quantity": quantity,
                    "amount": amount,
                }
                for type_, count, quantity, amount in groups
            ),
            key=lambda group: group["name"] or "",
        )

    def action_open_interventions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Interventions"),
            "res_model": "family.intervention",
            "view_mode": "list,form",
            "domain": [("id", "in", self.line_ids.intervention_id.ids)],
            "context": {"create": False},
        }
