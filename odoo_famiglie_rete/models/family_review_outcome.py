from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .family_plan_goal import PROGRESS, indicator_progress, parse_numbers


class FamilyReviewOutcome(models.Model):
    _name = "family.review.outcome"
    _description = "Joint Review Outcome"
    _inherit = "family.case.child.mixin"
    _order = "review_id, id"

    _family_number_fields = ("indicator_value",)

    review_id = fields.Many2one(
        "family.review", required=True, index=True, ondelete="cascade"
    )
    case_id = fields.Many2one(related="review_id.case_id", store=True, required=False)
    goal_id = fields.Many2one(
        "family.plan.goal",
        string="Goal",
        required=True,
        index=True,
        domain="[('case_id', '=', case_id)]",
    )
    party_id = fields.Many2one(related="goal_id.party_id", string="Party")
    review_state = fields.Selection(
        related="review_id.state", string="Review Status", store=True, index=True
    )
    date = fields.Datetime(
        related="review_id.date", string="Review Date", store=True, index=True
    )
    indicator = fields.Char(related="goal_id.indicator")
    indicator_unit = fields.Char(related="goal_id.indicator_unit")
    direction = fields.Selection(related="goal_id.direction")
    baseline = fields.Float(related="goal_id.baseline")
    target = fields.Float(related="goal_id.target")
    outcome = fields.Selection(
        [
            ("achieved", "Achieved"),
            ("partly", "Partly Achieved"),
            ("not_achieved", "Not Achieved"),
        ]
    )
    indicator_value = fields.Float(
        string="Measured Value",
        compute="_compute_indicator_value",
        store=True,
        readonly=False,
        aggregator="avg",
        help="The indicator measured at this review, in the goal's unit.",
    )
    progress = fields.Selection(
        PROGRESS,
        compute="_compute_progress",
        help="The measured value against the goal's baseline and target.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "review_goal_uniq",
            "unique (review_id, goal_id)",
            "A goal has one outcome per review.",
        )
    ]

    @api.depends("goal_id")
    def _compute_indicator_value(self):
        # the last measure, or the baseline: the review changes it if needed
        for outcome in self:
            goal = outcome.goal_id
            outcome.indicator_value = (
                goal.current_value if goal.date_measured else goal.baseline
            )

    @api.depends("indicator_value", "baseline", "target", "direction")
    def _compute_progress(self):
        for outcome in self:
            outcome.progress = (
                indicator_progress(
                    outcome.indicator_value,
                    outcome.baseline,
                    outcome.target,
                    outcome.direction,
                )
                if outcome.goal_id
                else "open"
            )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(
            [parse_numbers(self.env, self, vals) for vals in vals_list]
        )

    def write(self, vals):
        return super().write(parse_numbers(self.env, self, vals))

    @api.constrains("goal_id", "review_id")
    def _check_goal_case(self):
        for outcome in self:
            if outcome.goal_id.case_id != outcome.review_id.case_id:
                raise ValidationError(
                    self.env._("The goal must belong to the reviewed family.")
                )
