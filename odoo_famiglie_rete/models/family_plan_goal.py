import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from .family_plan import PROGRESS, WORKFLOW_KEY

_lt = LazyTranslate(__name__)

GOAL_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("achieved", "Achieved"),
    ("partly", "Partly Achieved"),
    ("not_achieved", "Not Achieved"),
]

DIRECTIONS = [("up", "Higher is better"), ("down", "Lower is better")]

# Changing these on an agreed goal asks its party to approve again.
AGREED_FIELDS = {
    "name",
    "party_id",
    "indicator",
    "indicator_unit",
    "direction",
    "baseline",
    "target",
    "date_due",
}
# The goal's numbers: a text sent for them (the portal's form, an RPC call)
# is read as a number written the user's way ("1.100,5" in Italian).
NUMBER_FIELDS = ("baseline", "target", "current_value")
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
    template_id = fields.Many2one(
        "family.goal.template",
        string="From Template",
        index="btree_not_null",
        ondelete="set null",
        groups="odoo_famiglie_rete.group_family_social_worker",
        help="The goal of the library this goal was drafted from.",
    )
    indicator = fields.Char(
        tracking=True, help="What is measured, e.g. Food parcels a month."
    )
    indicator_unit = fields.Char(string="Unit", help="e.g. parcels, €, months.")
    direction = fields.Selection(
        DIRECTIONS,
        default="up",
        required=True,
        help="Whether a higher value of the indicator is better (up) or a lower "
        "one (down), e.g. months of rent arrears.",
    )
    baseline = fields.Float(help="The indicator's value when the plan starts.")
    target = fields.Float(tracking=True)
    current_value = fields.Float(
        string="Indicator Value", tracking=True, help="The latest measure."
    )
    date_measured = fields.Date(
        string="Measured On",
        readonly=True,
        copy=False,
        help="When the indicator value was last recorded (a review or the "
        "party's update).",
    )
    progress = fields.Selection(
        PROGRESS,
        compute="_compute_progress",
        store=True,
        index=True,
        help="The latest measure against the baseline and the target: met when "
        "it reaches the target, partly met when it improved on the baseline.",
    )
    outcome_ids = fields.One2many("family.review.outcome", "goal_id", string="Measures")
    measure_count = fields.Integer(
        compute="_compute_measure_count", string="# Measures"
    )
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

    @api.depends("current_value", "date_measured", "baseline", "target", "direction")
    def _compute_progress(self):
        for goal in self:
            goal.progress = (
                indicator_progress(
                    goal.current_value, goal.baseline, goal.target, goal.direction
                )
                if goal.date_measured
                else "open"
            )

    @api.depends("outcome_ids.review_id.state")
    def _compute_measure_count(self):
        counts = dict(
            self.env["family.review.outcome"]._read_group(
                [("goal_id", "in", self.ids), ("review_state", "=", "done")],
                ["goal_id"],
                ["__count"],
            )
        )
        for goal in self:
            goal.measure_count = counts.get(goal, 0)

    def action_view_measures(self):
        """The goal's measures, one per held review, drawn as a line."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_review_outcome_measure_action"
        )
        action["domain"] = [("goal_id", "=", self.id), ("review_state", "=", "done")]
        action["display_name"] = self.env._(
            "Measures of %(goal)s", goal=self.display_name
        )
        return action

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.update(self.template_id._goal_values(self.plan_id.case_id))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [parse_numbers(self.env, self, vals) for vals in vals_list]
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
        vals = parse_numbers(self.env, self, vals)
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
        if "current_value" in vals and "date_measured" not in vals:
            # the date of the measure is the system's, whoever sent the value
            self.sudo().write({"date_measured": fields.Date.context_today(self)})
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


def indicator_progress(value, baseline, target, direction):
    """met, partly or not_met: ``value`` against ``baseline`` and ``target``.

    ``direction`` ``up``: higher is better; ``down``: lower is better.
    """
    sign = -1 if direction == "down" else 1
    if sign * value >= sign * target:
        return "met"
    if sign * value > sign * baseline:
        return "partly"
    return "not_met"


def parse_number(env, text):
    """The number written in ``text`` the user's way, or None.

    The language's separators decide ("1.100,5" in Italian, "1,100.5" in
    English); a single point followed by other than three digits is a
    decimal point in any language, as phones often type it.
    """
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    lang = env["res.lang"]._get_data(code=env.lang or "en_US")
    decimal = (lang and lang.decimal_point) or "."
    thousands = (lang and lang.thousands_sep) or ""
    if (
        decimal == ","
        and "," not in text
        and not re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", text)
    ):
        thousands, decimal = "", "."
    if thousands:
        text = text.replace(thousands, "")
    text = text.replace(decimal, ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    return float(text)


def parse_numbers(env, records, vals):
    """``vals`` with the texts sent for the numeric indicator fields read as
    numbers; a text that is not a number is refused, naming the field."""
    fnames = [
        name
        for name in getattr(records, "_family_number_fields", NUMBER_FIELDS)
        if isinstance(vals.get(name), str)
    ]
    if not fnames:
        return vals
    vals = dict(vals)
    for name in fnames:
        text = vals[name].strip()
        number = parse_number(env, text) if text else 0.0
        if number is None:
            raise ValidationError(
                env._(
                    "%(field)s must be a number (for example 3 or 2.5): "
                    "\u201c%(value)s\u201d is not.",
                    field=records._fields[name]._description_string(env),
                    value=text,
                )
            )
        vals[name] = number
    return vals


def format_number(env, value):
    """``value`` written the user's way, without useless decimals."""
    text = f"{value or 0.0:.2f}".rstrip("0").rstrip(".")
    lang = env["res.lang"]._get_data(code=env.lang or "en_US")
    return text.replace(".", (lang and lang.decimal_point) or ".")
