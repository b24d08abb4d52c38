import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools.translate import LazyTranslate

from .family_case import CLOSED_WRITABLE

SOCIAL_SERVICE = "odoo_famiglie_rete.group_family_social_worker"
_lt = LazyTranslate(__name__)

STATES = [
    ("draft", "Draft"),
    ("approval", "Awaiting Approval"),
    ("active", "Agreed"),
    ("superseded", "Superseded"),
]

# A goal's latest measure against its baseline and target; a plan's summary.
PROGRESS = [
    ("open", "Not Measured"),
    ("met", "Met"),
    ("partly", "Partly Met"),
    ("not_met", "Not Met"),
]

# Context key set by the workflow methods: only they move a plan between states
# and record approvals.
WORKFLOW_KEY = "family_plan_workflow"


class FamilyPlan(models.Model):
    _name = "family.plan"
    _description = "Integrated Plan"
    _family_created_message = _lt("Integrated plan created")
    _inherit = ["mail.thread", "family.case.child.mixin"]
    _order = "case_id, version desc"
    # A plan is found by its case (the reference, and the family's name for
    # who may read it: the case's own name search decides) or its version.
    _rec_names_search = ["case_id"]

    is_case_closed = fields.Boolean(related="case_id.is_closed", string="Case Closed")
    version = fields.Integer(default=1, readonly=True, copy=False)
    state = fields.Selection(
        STATES, default="draft", required=True, index=True, tracking=True, copy=False
    )
    date_start = fields.Date(string="Start Date", default=fields.Date.context_today)
    date_end = fields.Date(string="End Date")
    date_agreed = fields.Date(readonly=True, copy=False, index="btree_not_null")
    description = fields.Html(
        string="Plan", groups="odoo_famiglie_rete.group_family_social_worker"
    )
    goal_ids = fields.One2many("family.plan.goal", "plan_id", string="Goals", copy=True)
    goal_count = fields.Integer(compute="_compute_goal_count", string="# Goals")
    template_id = fields.Many2one(
        "family.plan.template",
        string="Typical Situation",
        ondelete="set null",
        groups=SOCIAL_SERVICE,
        help="A plan template for a typical situation: Load template adds its "
        "goals.",
    )
    # The goals' progress, counted over every party's goals: the Comune's.
    progress = fields.Selection(
        PROGRESS,
        compute="_compute_progress",
        store=True,
        index=True,
        groups=SOCIAL_SERVICE,
        help="Met: every goal reached its target; partly met: some goals "
        "reached or got closer to their target; not met: none did; not "
        "measured: no goal has a measure yet.",
    )
    goal_met_count = fields.Integer(
        compute="_compute_progress",
        store=True,
        string="Goals Met",
        groups=SOCIAL_SERVICE,
    )
    goal_partly_count = fields.Integer(
        compute="_compute_progress",
        store=True,
        string="Goals Partly Met",
        groups=SOCIAL_SERVICE,
    )
    goal_not_met_count = fields.Integer(
        compute="_compute_progress",
        store=True,
        string="Goals Not Met",
        groups=SOCIAL_SERVICE,
    )
    goal_open_count = fields.Integer(
        compute="_compute_progress",
        store=True,
        string="Goals Not Measured",
        groups=SOCIAL_SERVICE,
    )
    previous_plan_id = fields.Many2one(
        "family.plan", string="Previous Version", readonly=True, index="btree_not_null"
    )
    is_latest_version = fields.Boolean(compute="_compute_is_latest_version")
    party_ids = fields.Many2many(
        "res.partner", compute="_compute_party_status", string="Parties"
    )
    pending_party_ids = fields.Many2many(
        "res.partner",
        compute="_compute_party_status",
        string="Parties Yet to Approve",
    )
    can_approve = fields.Boolean(compute="_compute_party_status")

    _sql_constraints = [
        (
            "case_version_uniq",
            "unique (case_id, version)",
            "A case cannot have two plans with the same version.",
        )
    ]

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("case_id", "version")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Plan v%(version)s - %(case)s",
                version=plan.version,
                case=plan.case_id.display_name or "",
            )

    @api.model
    def _search_display_name(self, operator, value):
        """The case's name search, or the version typed as "v2" or "2"."""
        domain = super()._search_display_name(operator, value)
        version = (
            isinstance(value, str)
            and operator in ("ilike", "=ilike", "=")
            and re.fullmatch(r"\s*v?(\d{1,4})\s*", value, re.IGNORECASE)
        )
        if version:
            domain = expression.OR([domain, [("version", "=", int(version[1]))]])
        return domain

    @api.depends("goal_ids")
    def _compute_goal_count(self):
        for plan in self:
            plan.goal_count = len(plan.goal_ids)

    @api.depends("goal_ids.progress")
    def _compute_progress(self):
        for plan in self:
            counts = dict.fromkeys(("met", "partly", "not_met", "open"), 0)
            for goal in plan.sudo().goal_ids:
                counts[goal.progress or "open"] += 1
            plan.goal_met_count = counts["met"]
            plan.goal_partly_count = counts["partly"]
            plan.goal_not_met_count = counts["not_met"]
            plan.goal_open_count = counts["open"]
            measured = counts["met"] + counts["partly"] + counts["not_met"]
            if not measured:
                plan.progress = "open"
            elif counts["met"] == len(plan.sudo().goal_ids):
                plan.progress = "met"
            elif counts["met"] or counts["partly"]:
                plan.progress = "partly"
            else:
                plan.progress = "not_met"

    @api.depends("version", "case_id.plan_ids.version")
    def _compute_is_latest_version(self):
        case_ids = [cid for cid in self.case_id._origin.ids if cid]
        latest = {}
        if case_ids:
            groups = self._read_group(
                [("case_id", "in", case_ids)], ["case_id"], ["version:max"]
            )
            latest = {case.id: version for case, version in groups}
        for plan in self:
            plan.is_latest_version = plan.version >= latest.get(
                plan.case_id._origin.id, 0
            )

    @api.depends("state", "goal_ids.party_id", "goal_ids.approval_state")
    @api.depends_context("uid")
    def _compute_party_status(self):
        for plan in self:
            plan.party_ids = plan.goal_ids.party_id
            pending = plan.goal_ids.filtered(
                lambda g: g.approval_state != "approved"
            ).party_id
            plan.pending_party_ids = pending
            plan.can_approve = plan.state == "approval" and bool(
                pending & plan._my_parties()
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_start and plan.date_end and plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._(
                        "The end date of %(plan)s cannot be before its start date.",
                        plan=plan.display_name,
                    )
                )

    def _my_parties(self):
        """The parties the current user approves for.

        Comune staff (social workers) approve for the partner of the plan's
        company; an association user for their association (the commercial
        partner of their contact).
        """
        user = self.env.user
        parties = self.env["res.partner"]
        if user.has_group("odoo_famiglie_rete.group_family_social_worker"):
            parties |= (self.company_id or self.env.company).partner_id
        commercial = user.partner_id.commercial_partner_id
        if commercial.is_family_network_member:
            parties |= commercial
        return parties

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        next_version = {}
        for vals in vals_list:
            if vals.get("case_id") and "version" not in vals:
                case_id = vals["case_id"]
                if case_id not in next_version:
                    last = self.search(
                        [("case_id", "=", case_id)], order="version desc", limit=1
                    )
                    next_version[case_id] = last.version + 1
                vals["version"] = next_version[case_id]
                next_version[case_id] += 1
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get(WORKFLOW_KEY) and not self.env.su:
            if {"state", "date_agreed"} & set(vals):
                raise UserError(
                    self.env._("Use the buttons to change the state of a plan.")
                )
            if set(vals) - CLOSED_WRITABLE and "superseded" in self.mapped("state"):
                raise UserError(
                    self.env._(
                        "A superseded plan is kept as history and cannot be changed."
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed(self):
        if any(plan.state in ("active", "superseded") for plan in self):
            raise UserError(
                self.env._(
                    "An agreed plan is part of the family's history and cannot be "
                    "deleted."
                )
            )

    def _workflow_write(self, vals):
        return self.with_context(**{WORKFLOW_KEY: True}).write(vals)

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_submit(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be submitted."))
            if not plan.goal_ids:
                raise UserError(self.env._("Add at least one goal before submitting."))
        self._workflow_write({"state": "approval"})
        self.goal_ids._set_approval_pending()
        self._check_agreed()
        self._family_notify_approval()

    def _family_notify_approval(self):
        """The coordinators of the associations with goals to approve in a
        submitted plan are told, where their share opens the goals."""
        Users = self.env["res.users"]
        for plan in self.filtered(lambda p: p.state == "approval"):
            goals = plan.goal_ids.filtered(lambda g: g.approval_state == "pending")
            shares = (
                self.env["family.case.share"]
                .sudo()
                .search(
                    [
                        ("case_id", "=", plan.case_id.id),
                        ("state", "=", "active"),
                        ("share_goals", "=", True),
                        ("partner_id", "in", goals.party_id.ids),
                    ]
                )
            )
            if shares:
                users = Users._family_case_users(
                    plan.case_id, shares.partner_id, coordinators_only=True
                )
                Users._family_notify(plan.case_id, "approval", users)

    def action_approve(self, party=None):
        """Approve the goals of ``party`` (default: the current user's parties).

        Approving for another party is for the manager (and for the portal,
        which calls it in sudo mode for the user's own association).
        """
        if isinstance(party, int):
            party = self.env["res.partner"].browse(party)
        today = fields.Date.context_today(self)
        for plan in self:
            if plan.state != "approval":
                raise UserError(
                    self.env._("Only a plan awaiting approval can be approved.")
                )
            mine = plan._my_parties()
            parties = party or mine
            if (
                party
                and not self.env.su
                and party - mine
                and not self.env.user.has_group(
                    "odoo_famiglie_rete.group_family_manager"
                )
            ):
                raise AccessError(
                    self.env._(
                        "Only the social service manager can approve goals on behalf "
                        "of another party."
                    )
                )
            goals = plan.goal_ids.filtered(
                lambda g, p=parties: g.party_id in p and g.approval_state != "approved"
            )
            if not goals:
                raise UserError(self.env._("There are no goals for you to approve."))
            goals.with_context(**{WORKFLOW_KEY: True}).write(
                {
                    "approval_state": "approved",
                    "approved_by_id": self.env.user.id,
                    "date_approved": today,
                }
            )
            plan.message_post(
                body=self.env._(
                    "Goals of %(parties)s approved by %(user)s.",
                    parties=", ".join(goals.party_id.mapped("display_name")),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._check_agreed()

    def _check_agreed(self):
        """A plan is agreed once every party has approved all its goals.

        The older versions of the same case then become history.
        """
        today = fields.Date.context_today(self)
        for plan in self.filtered(lambda p: p.state == "approval"):
            if plan.goal_ids and all(
                g.approval_state == "approved" for g in plan.goal_ids
            ):
                plan._workflow_write({"state": "active", "date_agreed": today})
                plan.case_id._family_take_in_charge(plan)
                older = plan.case_id.plan_ids.filtered(
                    lambda p, cur=plan: (
                        p.version < cur.version and p.state != "superseded"
                    )
                )
                older._workflow_write({"state": "superseded"})

    def _reopen_approval(self):
        """An agreed plan whose goal changed waits again for that party."""
        self.filtered(lambda p: p.state == "active")._workflow_write(
            {"state": "approval"}
        )

    def action_reset_draft(self):
        for plan in self:
            if plan.state not in ("draft", "approval"):
                raise UserError(
                    self.env._(
                        "Only a plan awaiting approval can go back to draft: make a "
                        "new version of an agreed plan instead."
                    )
                )
        self._workflow_write({"state": "draft"})
        self.goal_ids._set_approval_pending()

    def action_new_version_record(self):
        """Copy the plan into a new draft version; the old one stays as history.

        Goals are copied, except those of parties that no longer have an active
        protocol (the new plan's chatter lists them).
        """
        self.ensure_one()
        if not self.is_latest_version:
            raise UserError(
                self.env._(
                    "Only the latest version of the plan can be copied into a new "
                    "version."
                )
            )
        today = fields.Date.context_today(self)
        plan = self.copy(
            {
                "previous_plan_id": self.id,
                "case_id": self.case_id.id,
                "goal_ids": [],
                "date_start": today,
                "date_end": self.date_end
                if self.date_end and self.date_end >= today
                else False,
            }
        )
        allowed = {
            party: party._family_has_active_protocol(self.company_id)
            for party in self.goal_ids.party_id
        }
        goals = self.goal_ids.filtered(lambda g: allowed[g.party_id])
        self.env["family.plan.goal"].create(
            [
                dict(vals, plan_id=plan.id, previous_goal_id=goal.id)
                for goal, vals in zip(goals, goals.copy_data(), strict=True)
            ]
        )
        dropped = self.goal_ids - goals
        if dropped:
            plan.message_post(
                body=self.env._(
                    "Goals not copied because their party has no active protocol: "
                    "%(goals)s",
                    goals=", ".join(
                        f"{g.name} ({g.party_id.display_name})" for g in dropped
                    ),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return plan

    def action_new_version(self):
        plan = self.action_new_version_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": "family.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_load_template(self):
        """Add the goals of the plan template (its typical situation)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("A template can only be loaded into a draft plan.")
                )
            if not plan.template_id:
                raise UserError(self.env._("Choose a typical situation first."))
            self.env["family.plan.goal"].create(
                [
                    dict(
                        goal_template._goal_values(plan.case_id),
                        plan_id=plan.id,
                        sequence=index,
                    )
                    for index, goal_template in enumerate(
                        plan.template_id.goal_template_ids, start=10
                    )
                ]
            )

    def action_view_previous_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "family.plan",
            "res_id": self.previous_plan_id.id,
            "view_mode": "form",
            "target": "current",
        }
