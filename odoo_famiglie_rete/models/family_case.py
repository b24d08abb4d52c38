import io
import logging
from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index
from odoo.tools.misc import xlsxwriter
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

RISK_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]

# Why a case is closed (asked by the Close case button, grouped in the
# analysis).
CLOSURE_REASONS = [
    ("goals_met", "Goals met"),
    ("moved", "Moved away"),
    ("other_service", "Taken over by another service"),
    ("refused", "Refused by the family"),
    ("other", "Other"),
]

# The columns of a case's interventions workbook, each only for who reads it.
EXPORT_COLUMNS = (
    "date_start",
    "date_end",
    "type_id",
    "category",
    "provider_id",
    "member_id",
    "goal_id",
    "name",
    "quantity",
    "unit",
    "unit_value",
    "amount",
    "state",
    "compensable",
    "compensated",
    "notes",
)

# Fields that stay writable on a closed case (the closure itself, the chatter,
# retention).
CLOSED_WRITABLE = {
    "active",
    "message_main_attachment_id",
    "message_follower_ids",
    "activity_ids",
    "date_closed",
    "anonymized",
    "closure_reason",
    "closure_note",
}

# SINBA (the minors taken in charge, INPS's codes in SINBA.xsd): who
# reported the family, and the social service's assessment of the family.
SINBA_REPORT_SOURCES = [
    ("1", "Juvenile justice social service"),
    ("2", "Another social service (family centre, other district...)"),
    ("3", "Health services, GP or paediatrician"),
    ("4", "Third sector, volunteers"),
    ("5", "Police"),
    ("6", "The beneficiary"),
    ("7", "Foster parents or guardian"),
    ("8", "Parents, siblings or other cohabiting relatives"),
    ("9", "Relatives not living together"),
    ("10", "Ordinary court"),
    ("11", "Juvenile judicial authorities"),
    ("12", "Private professional"),
    ("13", "School"),
    ("14", "Neighbours or acquaintances"),
]
SINBA_FAMILY_ASSESSMENTS = [
    ("1", "Nothing specific"),
    ("2", "Parental fragility, socio-educational and relational problems"),
    ("3", "Addiction"),
    ("4", "Psychiatric problems"),
    ("5", "Other health problems"),
    ("6", "Serious family conflict"),
    ("7", "Maltreating family"),
    ("8", "Abusing family"),
    ("9", "Judicial problems"),
    ("10", "Failed pre-adoptive fostering in the first year"),
    ("11", "Health obligations not met"),
    ("12", "Economic difficulties"),
    ("13", "Housing difficulties"),
]

# What only the Comune's social service reads on a case (the manager's group
# implies it). Associations read the name through family.case.identity and the
# need areas through family.case.needs, where the shares' categories decide.
SOCIAL_SERVICE = "odoo_famiglie_rete.group_family_social_worker"
# The case lists sort by priority and report date for everyone who opens them
# (finance included): neither names nor describes the family.
LISTS = f"{SOCIAL_SERVICE},odoo_famiglie_rete.group_family_finance"


class FamilyCase(models.Model):
    _name = "family.case"
    _description = "Family Case"
    _family_created_message = _lt("Family case created")
    _inherit = [
        "family.thread.mixin",
        "family.access.logged.mixin",
        "family.field.guard.mixin",
        "family.portal.write.mixin",
    ]
    # Not the priority and the report date: associations and finance users may
    # not read them, and a search as them sorts by the default order. The
    # social service's lists sort by priority and report date (the views'
    # default_order, served by family_case_list_order_index).
    _order = "id desc"
    _rec_names_search = ["name", "reference"]
    _check_company_auto = True

    reference = fields.Char(
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    name = fields.Char(
        string="Family",
        required=True,
        groups=SOCIAL_SERVICE,
        tracking=True,
        index="trigram",
        help="How the family unit is called, e.g. the reference person's surname.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # stored: the lists and the kanban show amounts in it, and reading it
    # from the company would load the company's whole record on every page
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    stage_id = fields.Many2one(
        "family.case.stage",
        string="Stage",
        required=True,
        index=True,
        tracking=True,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage_id(),
        copy=False,
    )
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, index=True, string="Closed"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Case Manager",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain=lambda self: [
            (
                "groups_id",
                "in",
                self.env.ref("odoo_famiglie_rete.group_family_social_worker").id,
            )
        ],
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Urgent")],
        default="0",
        index=True,
        groups=LISTS,
    )
    color = fields.Integer(groups=SOCIAL_SERVICE)
    restricted = fields.Boolean(
        index=True,
        groups=SOCIAL_SERVICE,
        tracking=True,
        help="Court orders, violence: only the case manager and the manager see it.",
    )
    need_area_ids = fields.Many2many(
        "family.need.area",
        string="Need Areas",
        groups=SOCIAL_SERVICE,
    )
    risk_level = fields.Selection(
        RISK_LEVELS,
        default="low",
        tracking=True,
        index=True,
        groups=SOCIAL_SERVICE,
    )
    isee_value = fields.Monetary(
        string="ISEE Value",
        currency_field="currency_id",
        groups=SOCIAL_SERVICE,
    )
    isee_expiry = fields.Date(
        string="ISEE Expiry",
        index="btree_not_null",
        groups=SOCIAL_SERVICE,
    )
    isee_expired = fields.Boolean(
        string="ISEE Expired",
        compute="_compute_isee_expired",
        search="_search_isee_expired",
        groups=SOCIAL_SERVICE,
    )
    date_intake = fields.Date(
        string="Report Date",
        default=fields.Date.context_today,
        required=True,
        index=True,
        groups=LISTS,
    )
    report_source = fields.Char(
        string="Reported By",
        groups=SOCIAL_SERVICE,
        help="Who reported the family (the 'segnalazione').",
    )
    sinba_report_source = fields.Selection(
        SINBA_REPORT_SOURCES,
        string="Source of the Report (INPS)",
        groups=SOCIAL_SERVICE,
        help="Who reported the family, in INPS's coding: the SINBA flow of "
        "the minors taken in charge needs it.",
    )
    sinba_family_assessment = fields.Selection(
        SINBA_FAMILY_ASSESSMENTS,
        string="Assessment of the Minors' Family",
        groups=SOCIAL_SERVICE,
        help="The social service's assessment of the family of the minors, "
        "in INPS's coding (SINBA flow).",
    )
    description = fields.Html(string="Situation", groups=SOCIAL_SERVICE)
    date_closed = fields.Date(
        readonly=True, copy=False, index="btree_not_null", groups=SOCIAL_SERVICE
    )
    anonymized = fields.Boolean(
        readonly=True, copy=False, index=True, groups=SOCIAL_SERVICE
    )
    closure_reason = fields.Selection(
        CLOSURE_REASONS,
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
        groups=SOCIAL_SERVICE,
        help="Why the case was closed, asked by the Close case button.",
    )
    closure_note = fields.Text(
        string="Closure Outcome",
        readonly=True,
        copy=False,
        groups=SOCIAL_SERVICE,
        help="The outcome of the path with the family, in a few words.",
    )

    member_ids = fields.One2many(
        "family.case.member",
        "case_id",
        string="Members",
        groups=SOCIAL_SERVICE,
    )
    share_ids = fields.One2many(
        "family.case.share",
        "case_id",
        string="Shares",
        groups=SOCIAL_SERVICE,
    )
    member_count = fields.Integer(
        compute="_compute_counts", string="# Members", groups=SOCIAL_SERVICE
    )
    plan_ids = fields.One2many(
        "family.plan", "case_id", string="Plans", groups=SOCIAL_SERVICE
    )
    current_plan_id = fields.Many2one(
        "family.plan",
        compute="_compute_current_plan_id",
        store=True,
        index=True,
        string="Current Plan",
        groups=SOCIAL_SERVICE,
    )
    # Associations whose share opens the goals read the plan's state on the
    # plan itself (family.plan), not here.
    current_plan_state = fields.Selection(
        related="current_plan_id.state", string="Plan Status", groups=SOCIAL_SERVICE
    )
    goal_ids = fields.One2many(
        related="current_plan_id.goal_ids",
        string="Current Goals",
        readonly=True,
        groups=SOCIAL_SERVICE,
    )
    intervention_ids = fields.One2many(
        "family.intervention",
        "case_id",
        string="Interventions",
        groups=SOCIAL_SERVICE,
    )
    intervention_count = fields.Integer(
        compute="_compute_counts", groups=SOCIAL_SERVICE
    )
    review_ids = fields.One2many(
        "family.review", "case_id", string="Reviews", groups=SOCIAL_SERVICE
    )
    review_count = fields.Integer(compute="_compute_counts", groups=SOCIAL_SERVICE)
    referral_ids = fields.One2many(
        "family.referral", "case_id", string="Referrals", groups=SOCIAL_SERVICE
    )
    referral_count = fields.Integer(compute="_compute_counts", groups=SOCIAL_SERVICE)
    next_review_date = fields.Date(
        compute="_compute_next_review_date",
        store=True,
        index=True,
        groups=SOCIAL_SERVICE,
        help="Date of the next joint review, planned or agreed at the last one.",
    )
    review_overdue = fields.Boolean(
        compute="_compute_review_overdue",
        search="_search_review_overdue",
        groups=SOCIAL_SERVICE,
    )
    amount_total = fields.Monetary(
        compute="_compute_amount_total",
        store=True,
        currency_field="currency_id",
        string="Total Value",
        groups=SOCIAL_SERVICE,
    )
    provider_ids = fields.Many2many(
        "res.partner",
        compute="_compute_provider_ids",
        store=True,
        string="Parties",
        relation="family_case_provider_rel",
        column1="case_id",
        column2="partner_id",
        help="The network members with interventions for this family.",
        groups=SOCIAL_SERVICE,
    )
    has_overlap = fields.Boolean(
        compute="_compute_has_overlap",
        store=True,
        index=True,
        string="Overlapping Help",
        help="Two parties give the same kind of help in the same period.",
        groups=SOCIAL_SERVICE,
    )
    totals_html = fields.Html(
        compute="_compute_totals_html",
        string="Totals",
        sanitize=False,
        groups=SOCIAL_SERVICE,
    )

    _sql_constraints = [
        (
            "reference_uniq",
            "unique (company_id, reference)",
            "The case reference must be unique per Comune.",
        )
    ]

    def init(self):
        # The default order of the case lists: lets PostgreSQL read the first
        # page from the index instead of sorting 100,000 cases.
        create_index(
            self.env.cr,
            "family_case_list_order_index",
            self._table,
            ["priority DESC", "date_intake DESC", "id DESC"],
        )
        # The kanban counts the Comune's cases by stage (its columns) and by
        # stage and risk level (its progress bars): an index-only scan instead
        # of reading every case; the social workers' rule reads restricted and
        # user_id, also in the index.
        create_index(
            self.env.cr,
            "family_case_kanban_count_index",
            self._table,
            ["company_id", "stage_id", "risk_level", "restricted", "user_id"],
            where="active",
        )
        # The finance clerk's kanban logs every case behind its groups: their
        # ids gathered from the index alone (at 300,000 cases, 22 ms instead
        # of 52 ms of a sequential scan).
        create_index(
            self.env.cr,
            "family_case_active_company_id_index",
            self._table,
            ["company_id", "id"],
            where="active",
        )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------
    @api.model
    def _default_stage_id(self):
        return self.env["family.case.stage"].search([], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    # ------------------------------------------------------------------
    # Counts (family.case.count: kept by the database, exact)
    # ------------------------------------------------------------------
    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """The kanban's columns (their counts and totals) and progress bars,
        and any count grouped by stage, risk level or case manager, read from
        ``family.case.count`` when the domain and the user's rules allow it
        (the same checks first: access rights and the field guard)."""
        if groupby and not having:
            self.browse().check_access("read")
            self._family_guard_read_group(groupby, aggregates, having, order)
            self._family_guard_domain(domain)
            groups = self.env["family.case.count"]._family_read_group(
                self, domain, groupby, aggregates, order, offset, limit
            )
            if groups is not None:
                return groups
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    @api.model
    def search_count(self, domain, limit=None):
        """A count of cases from ``family.case.count`` when the domain and the
        user's rules allow it, else counted on the cases."""
        self.browse().check_access("read")
        self._family_guard_domain(domain)
        count = self.env["family.case.count"]._family_count(self, domain)
        if count is None:
            return super().search_count(domain, limit=limit)
        return min(count, limit) if limit else count

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("isee_expiry")
    def _compute_isee_expired(self):
        today = fields.Date.context_today(self)
        for case in self:
            case.isee_expired = bool(case.isee_expiry and case.isee_expiry < today)

    def _search_isee_expired(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.context_today(self)
        domain = [("isee_expiry", "!=", False), ("isee_expiry", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["|", ("isee_expiry", "=", False), ("isee_expiry", ">=", today)]

    def _origin_ids(self):
        """The database ids behind ``self`` (new records in a form have none)."""
        return [case_id for case_id in self._origin.ids if case_id]

    def _compute_counts(self):
        counts = {}
        case_ids = self._origin_ids()
        for model, field in (
            ("family.case.member", "member_count"),
            ("family.intervention", "intervention_count"),
            ("family.review", "review_count"),
            ("family.referral", "referral_count"),
        ):
            groups = (
                self.env[model]._read_group(
                    [("case_id", "in", case_ids)], ["case_id"], ["__count"]
                )
                if case_ids
                else []
            )
            counts[field] = {case.id: count for case, count in groups}
        for case in self:
            for field, by_case in counts.items():
                case[field] = by_case.get(case._origin.id, 0)

    @api.depends("plan_ids.state", "plan_ids.version")
    def _compute_current_plan_id(self):
        for case in self:
            plans = case.plan_ids.filtered(lambda p: p.state != "superseded")
            case.current_plan_id = plans.sorted("version")[-1:] if plans else False

    @api.depends("review_ids.state", "review_ids.date", "review_ids.next_review_date")
    def _compute_next_review_date(self):
        """The earliest review planned after the last one held.

        Without such a planned review, the next review date agreed at the last
        review held. A planned review older than the last review held is stale
        and ignored.
        """
        for case in self:
            done = case.review_ids.filtered(lambda r: r.state == "done" and r.date)
            last = done.sorted("date")[-1:]
            planned = case.review_ids.filtered(
                lambda r, last=last: r.state == "planned"
                and r.date
                and (not last or r.date > last.date)
            )
            dates = [fields.Date.to_date(r.date) for r in planned]
            if not dates and last.next_review_date:
                dates.append(last.next_review_date)
            case.next_review_date = min(dates) if dates else False

    @api.depends("next_review_date", "is_closed")
    def _compute_review_overdue(self):
        today = fields.Date.context_today(self)
        for case in self:
            case.review_overdue = bool(
                not case.is_closed
                and case.next_review_date
                and case.next_review_date < today
            )

    def _search_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("is_closed", "=", False), ("next_review_date", "<", today)]
        # Written out: a negated "<" would leave out the cases without a date.
        return [
            "|",
            "|",
            ("is_closed", "=", True),
            ("next_review_date", "=", False),
            ("next_review_date", ">=", today),
        ]

    @api.depends("intervention_ids.amount", "intervention_ids.state")
    def _compute_amount_total(self):
        groups = self.env["family.intervention"]._read_group(
            [("case_id", "in", self.ids), ("state", "!=", "cancelled")],
            ["case_id"],
            ["amount:sum"],
        )
        totals = {case.id: amount for case, amount in groups}
        for case in self:
            case.amount_total = totals.get(case.id, 0.0)

    @api.depends("intervention_ids.provider_id")
    def _compute_provider_ids(self):
        for case in self:
            case.provider_ids = case.intervention_ids.provider_id

    @api.depends("intervention_ids.has_overlap")
    def _compute_has_overlap(self):
        """One of the family's interventions overlaps another party's.

        Stored: the kanban's badge, the lists and the filter read a column.
        Saved cases are counted in one query in sudo mode (the flag must not
        depend on who saves); a form being edited looks at its own lines.
        """
        saved = self.filtered(lambda case: isinstance(case.id, int))
        groups = (
            self.env["family.intervention"]
            .sudo()
            ._read_group(
                [("case_id", "in", saved.ids), ("has_overlap", "=", True)],
                ["case_id"],
            )
            if saved
            else []
        )
        overlapping = {case.id for (case,) in groups}
        for case in saved:
            case.has_overlap = case.id in overlapping
        for case in self - saved:
            case.has_overlap = any(case.intervention_ids.mapped("has_overlap"))

    def _compute_totals_html(self):
        totals = self._get_totals_by_case()
        render = self.env["ir.qweb"]._render
        for case in self:
            case.totals_html = render(
                "odoo_famiglie_rete.family_case_totals",
                {"case": case, "totals": totals[case.id]},
            )

    def _get_totals(self):
        """Sums of the non-cancelled interventions by party and by category."""
        self.ensure_one()
        return self._get_totals_by_case()[self.id]

    def _get_totals_by_case(self):
        """Totals of every case of ``self``, in two queries for the whole batch.

        :return: {case id: {"by_party": [...], "by_category": [...], "count": n,
            "amount": a}}, each line a dict with the name, the amount and the
            number of interventions.
        """
        Intervention = self.env["family.intervention"]
        totals = {
            case.id: {"by_party": [], "by_category": [], "count": 0, "amount": 0.0}
            for case in self
        }
        case_ids = self._origin_ids()
        if not case_ids:
            return totals
        domain = [("case_id", "in", case_ids), ("state", "!=", "cancelled")]
        by_party = Intervention._read_group(
            domain,
            ["case_id", "provider_id"],
            ["amount:sum", "__count"],
            order="case_id, amount:sum desc",
        )
        by_category = Intervention._read_group(
            domain,
            ["case_id", "category"],
            ["amount:sum", "__count"],
            order="case_id, amount:sum desc",
        )
        categories = dict(
            Intervention._fields["category"]._description_selection(self.env)
        )
        # In a form, the records are new ones whose origin is the stored case.
        key = defaultdict(list)
        for case in self:
            key[case._origin.id].append(case.id)
        for case, party, amount, count in by_party:
            for case_id in key[case.id]:
                totals[case_id]["by_party"].append(
                    {"name": party.display_name, "amount": amount, "count": count}
                )
                totals[case_id]["count"] += count
                totals[case_id]["amount"] += amount
        for case, category, amount, count in by_category:
            for case_id in key[case.id]:
                totals[case_id]["by_category"].append(
                    {
                        "name": categories.get(category, category),
                        "amount": amount,
                        "count": count,
                    }
                )
        return totals

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("reference") or vals["reference"] == self.env._("New"):
                vals["reference"] = self.env["ir.sequence"].next_by_code(
                    "family.case"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - CLOSED_WRITABLE - {"stage_id"}:
            self._check_not_closed()
        if "stage_id" in vals:
            stage = self.env["family.case.stage"].browse(vals["stage_id"])
            closing = (
                self.filtered(lambda c: not c.is_closed) if stage.is_closed else ()
            )
            reopening = self.filtered("is_closed") if not stage.is_closed else ()
            if closing and not self.env.context.get("family_close_action"):
                # a card dragged to the closing stage, the status bar, an
                # import: the reason and the outcome are asked first
                reason = vals.get("closure_reason")
                if not reason and any(not case.closure_reason for case in closing):
                    raise UserError(
                        self.env._(
                            "Closing a case asks for the reason and the outcome: "
                            'use the "Close Case" button on the case.'
                        )
                    )
            if stage.is_closed:
                vals.setdefault("date_closed", fields.Date.context_today(self))
            elif reopening:
                vals.update(date_closed=False, closure_reason=False, closure_note=False)
            res = super().write(vals)
            if closing:
                closing._on_close()
            return res
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_write_pending_access_log(self):
        """The access-log entries still pending in a batch (a large grouped
        view, ``family.access.log.batch``) are written before a case goes:
        the case keeps them, and like any case an association or finance
        user opened, it can no longer be deleted. Without this, a case
        deleted in the minute before the expansion would lose its entries."""
        Batch = self.env["family.access.log.batch"].sudo()
        while Batch._cron_expand():
            pass

    def _message_post_after_hook(self, message, msg_values):
        """A message of the social service to the associations (a public
        comment of the shared discussion) notifies the association users who
        follow the family: unread on the portal, and an e-mail without
        personal data. Internal notes and the associations' own messages do
        not."""
        res = super()._message_post_after_hook(message, msg_values)
        author_users = message.sudo().author_id.user_ids
        if (
            len(self) == 1
            and message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and not message.is_internal
            and author_users
            and not any(author_users.mapped("share"))
        ):
            Users = self.env["res.users"]
            Users._family_notify(
                self, "message", Users._family_case_users(self), message=message
            )
        return res

    @api.depends("reference", "name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        show_name = self._may_see_personal_data()
        for case in self:
            case.display_name = (
                f"{case.reference} - {case.name}"
                if show_name and case.name
                else case.reference
            )

    @api.model
    def _may_see_personal_data(self):
        """Only the social service reads the family's name on the case.

        Finance users never see it; associations read it through
        ``family.case.identity``, where their share opens it.
        """
        return self.env.user.has_groups(SOCIAL_SERVICE)

    @api.model
    def _search_display_name(self, operator, value):
        if self._may_see_personal_data():
            return super()._search_display_name(operator, value)
        return [("reference", operator, value)]

    _family_case_field = "id"

    def _family_logged_cases(self):
        return self

    def _check_not_closed(self):
        if self.env.su and self.env.context.get("family_allow_closed"):
            # the retention job anonymises closed cases (as superuser: a
            # context alone, which any RPC caller can send, is not enough)
            return
        closed = self.filtered("is_closed")
        if closed:
            raise UserError(
                self.env._(
                    "The case %(case)s is closed: it can no longer be changed.",
                    case=closed[0].display_name,
                )
            )

    def _family_take_in_charge(self, plan):
        """The plan is agreed: a case still before "Taken in Charge" (reported,
        being assessed) moves there, and its chatter says why.

        Done as the system (the last approval may come from an association's
        coordinator on the portal): only the stage changes.
        """
        stage = self.env.ref(
            "odoo_famiglie_rete.stage_in_charge", raise_if_not_found=False
        )
        if not stage:
            return
        earlier = self.sudo().filtered(
            lambda c: not c.is_closed
            and (c.stage_id.sequence, c.stage_id.id) < (stage.sequence, stage.id)
        )
        if not earlier:
            return
        earlier.stage_id = stage
        for case in earlier:
            case.message_post(
                body=self.env._(
                    "%(plan)s is agreed by every party: the case moves to %(stage)s.",
                    plan=plan.display_name,
                    stage=stage.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _on_close(self):
        """Closing a case ends all its shares (the case is closed already)."""
        self.sudo().with_context(family_allow_closed=True).share_ids._end()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _action_open_related(self, model, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            f"odoo_famiglie_rete.{model.replace('.', '_')}_action"
        )
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {"default_case_id": self.id}
        action["name"] = name
        return action

    def action_view_interventions(self):
        return self._action_open_related(
            "family.intervention", self.env._("Interventions")
        )

    def action_view_reviews(self):
        return self._action_open_related("family.review", self.env._("Joint Reviews"))

    def action_view_referrals(self):
        return self._action_open_related("family.referral", self.env._("Referrals"))

    def action_view_members(self):
        return self._action_open_related("family.case.member", self.env._("Members"))

    def action_close_case(self):
        """Move the cases to the first closing stage."""
        stage = self.env["family.case.stage"].search(
            [("is_closed", "=", True)], limit=1
        )
        if not stage:
            raise UserError(
                self.env._("There is no closing stage: ask the manager to add one.")
            )
        self.filtered(lambda c: not c.is_closed).with_context(
            family_close_action=True
        ).stage_id = stage

    def action_close_case_wizard(self):
        """The Close case button: ask the reason and the outcome first."""
        self._check_not_closed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Case"),
            "res_model": "family.case.close",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_print_review_pack(self):
        """The pack for the next joint review, as the reader may read it."""
        return self.env.ref(
            "odoo_famiglie_rete.action_report_family_review_pack"
        ).report_action(self)

    def action_export_interventions(self):
        """A workbook of the case's interventions (the route below reads
        them as the user: the record rules and field groups decide)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/odoo_famiglie_rete/case/{self.id}/interventions.xlsx",
            "target": "download",
        }

    def _family_interventions_xlsx(self):
        """(file name, content): the interventions of the case the user
        reads, with the columns the user may read, as an XLSX workbook."""
        self.ensure_one()
        self.check_access("read")
        Intervention = self.env["family.intervention"]
        interventions = Intervention.search(
            [("case_id", "=", self.id)], order="date_start, id"
        )
        self.env["family.access.log"]._log(self, "export", model="family.intervention")
        columns = [
            name
            for name in EXPORT_COLUMNS
            if Intervention._fields[name].is_accessible(self.env)
        ]
        rows = interventions.read(columns)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Interventions")[:31])
        bold = workbook.add_format({"bold": True})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write(0, 0, self.env._("Case"), bold)
        sheet.write(0, 1, self.reference)
        for col, name in enumerate(columns):
            field = Intervention._fields[name]
            sheet.write(2, col, field._description_string(self.env), bold)
            sheet.set_column(col, col, 16)
        labels = {
            name: dict(Intervention._fields[name]._description_selection(self.env))
            for name in columns
            if Intervention._fields[name].type == "selection"
        }
        for line, row in enumerate(rows, start=3):
            for col, name in enumerate(columns):
                field = Intervention._fields[name]
                value = row[name]
                if field.type == "many2one":
                    sheet.write(line, col, value[1] if value else "")
                elif field.type == "selection":
                    sheet.write(line, col, labels[name].get(value, ""))
                elif field.type == "date":
                    if value:
                        sheet.write_datetime(
                            line,
                            col,
                            datetime.combine(value, datetime.min.time()),
                            day,
                        )
                elif field.type == "monetary":
                    sheet.write_number(line, col, value or 0.0, money)
                elif field.type in ("float", "integer"):
                    sheet.write_number(line, col, value or 0)
                elif field.type == "boolean":
                    sheet.write(line, col, self.env._("Yes") if value else "")
                else:
                    sheet.write(line, col, value or "")
        if rows and "amount" in columns:
            col = columns.index("amount")
            total_line = len(rows) + 3
            sheet.write(total_line, 0, self.env._("Total"), bold)
            sheet.write_number(
                total_line, col, sum(row["amount"] for row in rows), money
            )
        workbook.close()
        name = self.env._("Interventions %(case)s", case=self.reference)
        return f"{name.replace('/', '-')}.xlsx", output.getvalue()

    def action_reopen_case(self):
        """Move closed cases back to the last stage that is not a closing one."""
        stage = self.env["family.case.stage"].search(
            [("is_closed", "=", False)], order="sequence desc, id desc", limit=1
        )
        if not stage:
            raise UserError(
                self.env._("There is no open stage: ask the manager to add one.")
            )
        self.filtered("is_closed").stage_id = stage

    def action_open_current_plan(self):
        self.ensure_one()
        if not self.current_plan_id:
            return self.action_new_plan()
        return {
            "type": "ir.actions.act_window",
            "res_model": "family.plan",
            "res_id": self.current_plan_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_new_plan(self):
        """Create the first plan, or a new version of the current one."""
        self.ensure_one()
        self._check_not_closed()
        if self.current_plan_id:
            plan = self.current_plan_id.action_new_version_record()
        else:
            plan = self.env["family.plan"].create({"case_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "family.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _cron_review_overdue(self):
        """Give the case manager a to-do when the case's joint review is overdue.

        One activity per case: a case that already has an open one is skipped.
        The activity is marked done when a review is held. No e-mail is sent
        for it (the family's name would leave Odoo): the to-do shows in the
        case manager's activities.
        """
        activity_type = self.env.ref(
            "odoo_famiglie_rete.mail_activity_type_review_overdue"
        )
        cases = self.search([("review_overdue", "=", True), ("user_id", "!=", False)])
        if not cases:
            return
        groups = self.env["mail.activity"]._read_group(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", cases.ids),
                ("activity_type_id", "=", activity_type.id),
            ],
            ["res_id"],
        )
        has_activity = {res_id for (res_id,) in groups}
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary,
                    "note": self.env._(
                        "The joint review due on %(date)s has not been held.",
                        date=fields.Date.to_string(case.next_review_date),
                    ),
                    "user_id": case.user_id.id,
                    "date_deadline": today,
                    "automated": True,
                }
                for case in cases
                if case.id not in has_activity
            ]
        )
