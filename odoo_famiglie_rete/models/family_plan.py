from odoo import api, fields, models
from odoo.exceptions import UserError

STATES = [
    ("draft", "Draft"),
    ("approval", "Awaiting Approval"),
    ("active", "Agreed"),
    ("superseded", "Superseded"),
]


class FamilyPlan(models.Model):
    _name = "family.plan"
    _description = "Integrated Plan"
    _inherit = ["mail.thread"]
    _order = "case_id, version desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "family.case",
        string="Family Case",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    version = fields.Integer(default=1, readonly=True, copy=False)
    state = fields.Selection(
        STATES, default="draft", required=True, index=True, tracking=True, copy=False
    )
    date_start = fields.Date(string="Start Date", default=fields.Date.context_today)
    date_end = fields.Date(string="End Date")
    date_agreed = fields.Date(readonly=True, copy=False)
    description = fields.Html(string="Plan")
    goal_ids = fields.One2many("family.plan.goal", "plan_id", string="Goals", copy=True)
    previous_plan_id = fields.Many2one(
        "family.plan", string="Previous Version", readonly=True, index="btree_not_null"
    )
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

    @api.depends("case_id", "version")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "Plan v%(version)s - %(case)s",
                version=plan.version,
                case=plan.case_id.display_name or "",
            )

    @api.depends("goal_ids.party_id", "goal_ids.approval_state")
    @api.depends_context("uid")
    def _compute_party_status(self):
        my_parties = self._my_parties()
        for plan in self:
            plan.party_ids = plan.goal_ids.party_id
            pending = plan.goal_ids.filtered(
                lambda g: g.approval_state != "approved"
            ).party_id
            plan.pending_party_ids = pending
            plan.can_approve = plan.state == "approval" and bool(pending & my_parties)

    def _my_parties(self):
        """The parties the current user approves for.

        Comune staff approve for the company's partner; an association user for
        the association.
        """
        user = self.env.user
        parties = self.env["res.partner"]
        if user.has_group("odoo_famiglie_rete.group_family_social_worker"):
            parties |= self.env.company.partner_id
        commercial = user.partner_id.commercial_partner_id
        if commercial.is_family_network_member:
            parties |= commercial
        return parties

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("case_id") and "version" not in vals:
                last = self.search(
                    [("case_id", "=", vals["case_id"])], order="version desc", limit=1
                )
                vals["version"] = last.version + 1 if last else 1
        plans = super().create(vals_list)
        plans.case_id._check_not_closed()
        return plans

    def write(self, vals):
        self.case_id._check_not_closed()
        return super().write(vals)

    def action_submit(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be submitted."))
            if not plan.goal_ids:
                raise UserError(self.env._("Add at least one goal before submitting."))
        self.write({"state": "approval"})
        self.goal_ids.write({"approval_state": "pending"})
        self._check_agreed()

    def action_approve(self, party=None):
        """Approve the goals of ``party`` (default: the current user's parties)."""
        for plan in self:
            if plan.state not in ("approval", "active"):
                raise UserError(
                    self.env._("Only a plan awaiting approval can be approved.")
                )
            parties = party or plan._my_parties()
            goals = plan.goal_ids.filtered(
                lambda g, p=parties: g.party_id in p and g.approval_state != "approved"
            )
            if not goals:
                raise UserError(self.env._("There are no goals for you to approve."))
            goals.with_context(family_approving=True).write(
                {
                    "approval_state": "approved",
                    "approved_by_id": self.env.user.id,
                    "date_approved": fields.Date.context_today(self),
                }
            )
        self._check_agreed()

    def _check_agreed(self):
        """A plan is agreed once every party has approved all its goals."""
        for plan in self.filtered(lambda p: p.state == "approval"):
            if plan.goal_ids and all(
                g.approval_state == "approved" for g in plan.goal_ids
            ):
                plan.write(
                    {"state": "active", "date_agreed": fields.Date.context_today(plan)}
                )
                older = plan.case_id.plan_ids.filtered(
                    lambda p, cur=plan: p != cur
                    and p.version < cur.version
                    and p.state != "superseded"
                )
                older.write({"state": "superseded"})

    def _reopen_approval(self):
        """An agreed plan whose goal changed waits again for that party."""
        self.filtered(lambda p: p.state == "active").write({"state": "approval"})

    def action_reset_draft(self):
        self.write({"state": "draft"})
        self.goal_ids.write({"approval_state": "pending"})

    def action_new_version_record(self):
        """Copy the plan into a new draft version; the old one stays as history."""
        self.ensure_one()
        return self.copy({"previous_plan_id": self.id, "case_id": self.case_id.id})

    def action_new_version(self):
        plan = self.action_new_version_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": "family.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
