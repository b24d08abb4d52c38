from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from .family_plan import WORKFLOW_KEY

_lt = LazyTranslate(__name__)

GOAL_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("achieved", "Achieved"),
    ("partly", "Partly Achieved"),
    ("not_achieved", "Not Achieved"),
]

# Changing these on an agreed goal asks its party to approve again.
AGREED_FIELDS = {"name", "party_id", "indicator", "baseline", "target", "date_due"}
# Only the plan's workflow (submit, approve, reset) writes these.
APPROVAL_FIELDS = {"approval_state", "approved_by_id", "date_approved"}
# What an association updates on its own goals (the portal's goal form): the
# progress, never the agreed values, so that its update never reopens the
# plan's approval.
PORTAL_FIELDS = frozenset({"state", "current_value"})


class FamilyPlanGoal(models.Model):
    _name = "family.plan.goal"
    _description = "Plan Goal"
    _family_created_message = _lt("Goal created")
    _inherit = ["mail.thread", "family.case.child.mixin"]
    _order = "plan_id, sequence, id"

    _family_portal_write_fields = PORTAL_FIELDS

    plan_id = fields.Many2one(
        "family.plan", string="Plan", required=True, index=True, ondelete="cascade"
    )
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    case_id = fields.Many2one(related="plan_id.case_id", store=True, required=False)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Goal", required=True, tracking=True)
    party_id = fields.Many2one(
        "res.partner",
        string="Party",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_family_network_member", "=", True)],
        help="The Comune or the association in charge of this goal.",
    )
    indicator = fields.Char(tracking=True)
    baseline = fields.Char()
    target = fields.Char(tracking=True)
    current_value = fields.Char(string="Indicator Value", tracking=True)
    date_due = fields.Date(string="Due Date", tracking=True)
    state = fields.Selection(
        GOAL_STATES, default="open", required=True, index=True, tracking=True
    )
    approval_state = fields.Selection(
        [("pending", "To Approve"), ("approved", "Approved")],
        default="pending",
        required=True,
        index=True,
        copy=False,
        tracking=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_approved = fields.Date(readonly=True, copy=False)
    previous_goal_id = fields.Many2one(
        "family.plan.goal",
        string="Previous Version",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The same goal in the previous version of the plan.",
    )
    intervention_ids = fields.One2many("family.intervention", "goal_id")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.context.get(WORKFLOW_KEY):
            if any(vals.get("approval_state") == "approved" for vals in vals_list):
                raise UserError(
                    self.env._("Goals are approved with the plan's Approve button.")
                )
            # a new goal always waits for its party's approval (the web client
            # sends the field's default along with the other values)
            vals_list = [
                {
                    key: value
                    for key, value in vals.items()
                    if key not in APPROVAL_FIELDS
                }
                for vals in vals_list
            ]
        goals = super().create(vals_list)
        if "superseded" in goals.plan_id.mapped("state"):
            raise UserError(
                self.env._(
                    "A superseded plan is kept as history: goals cannot be added."
                )
            )
        goals._check_party_protocol()
        goals.filtered(lambda g: g.approval_state != "approved").plan_id.filtered(
            lambda p: p.state == "active"
        )._reopen_approval()
        return goals

    def write(self, vals):
        self._family_check_portal_fields("write", vals)
        workflow = self.env.context.get(WORKFLOW_KEY)
        if APPROVAL_FIELDS & set(vals) and not workflow and not self.env.su:
            raise UserError(
                self.env._("Goals are approved with the plan's Approve button.")
            )
        reopened = self.browse()
        if AGREED_FIELDS & set(vals) and not workflow:
            if "superseded" in self.plan_id.mapped("state"):
                raise UserError(
                    self.env._(
                        "A superseded plan is kept as history: its goals cannot be "
                        "changed."
                    )
                )
            reopened = self.filtered(
                lambda g: g.approval_state == "approved" and g._agreed_change(vals)
            )
        res = super().write(vals)
        if "party_id" in vals:
            self._check_party_protocol()
        if reopened:
            # Only the changed goals wait again, i.e. only their party.
            reopened._set_approval_pending()
            reopened.plan_id._reopen_approval()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_agreed(self):
        if any(goal.plan_id.state in ("active", "superseded") for goal in self):
            raise UserError(
                self.env._(
                    "A goal of an agreed plan cannot be deleted: make a new version "
                    "of the plan."
                )
            )

    def unlink(self):
        plans = self.plan_id
        res = super().unlink()
        # Removing the last pending goals may complete the approval.
        plans.exists()._check_agreed()
        return res

    def _agreed_change(self, vals):
        """True when ``vals`` changes one of the agreed values of the goal."""
        self.ensure_one()
        for fname in AGREED_FIELDS & set(vals):
            field = self._fields[fname]
            new = field.convert_to_record(
                field.convert_to_cache(vals[fname], self), self
            )
            if (new or False) != (self[fname] or False):
                return True
        return False

    def _set_approval_pending(self):
        self.filtered(lambda g: g.approval_state != "pending").with_context(
            **{WORKFLOW_KEY: True}
        ).write(
            {
                "approval_state": "pending",
                "approved_by_id": False,
                "date_approved": False,
            }
        )

    def _check_party_protocol(self):
        allowed = {
            (party, company): party._family_has_active_protocol(company)
            for party, company in {(goal.party_id, goal.company_id) for goal in self}
        }
        for goal in self:
            if not allowed[goal.party_id, goal.company_id]:
                raise ValidationError(
                    self.env._(
                        "%(party)s has no active protocol: it cannot be given new "
                        "goals.",
                        party=goal.party_id.display_name,
                    )
                )
