from odoo import api, fields, models
from odoo.exceptions import ValidationError

GOAL_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("achieved", "Achieved"),
    ("partly", "Partly Achieved"),
    ("not_achieved", "Not Achieved"),
]

# Changing these on an agreed goal asks its party to approve again.
AGREED_FIELDS = {"name", "party_id", "indicator", "baseline", "target", "date_due"}


class FamilyPlanGoal(models.Model):
    _name = "family.plan.goal"
    _description = "Plan Goal"
    _inherit = ["mail.thread"]
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "family.plan", string="Plan", required=True, index=True, ondelete="cascade"
    )
    case_id = fields.Many2one(
        related="plan_id.case_id", store=True, index=True, string="Family Case"
    )
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
    intervention_ids = fields.One2many("family.intervention", "goal_id")

    @api.model_create_multi
    def create(self, vals_list):
        goals = super().create(vals_list)
        goals.case_id._check_not_closed()
        goals._check_party_protocol()
        goals.plan_id.filtered(lambda p: p.state == "active")._reopen_approval()
        return goals

    def write(self, vals):
        self.case_id._check_not_closed()
        agreed_change = AGREED_FIELDS & set(vals) and not self.env.context.get(
            "family_approving"
        )
        if agreed_change:
            vals = dict(vals, approval_state="pending", approved_by_id=False)
        plans = self.plan_id
        res = super().write(vals)
        if "party_id" in vals:
            self._check_party_protocol()
        if agreed_change:
            plans._reopen_approval()
        return res

    def _check_party_protocol(self):
        for goal in self:
            if not goal.party_id._family_has_active_protocol():
                raise ValidationError(
                    self.env._(
                        "%(party)s has no active protocol: it cannot be given new "
                        "goals.",
                        party=goal.party_id.display_name,
                    )
                )
