from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FamilyReviewOutcome(models.Model):
    _name = "family.review.outcome"
    _description = "Joint Review Outcome"
    _inherit = "family.case.child.mixin"
    _order = "review_id, id"

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
    indicator = fields.Char(related="goal_id.indicator")
    target = fields.Char(related="goal_id.target")
    outcome = fields.Selection(
        [
            ("achieved", "Achieved"),
            ("partly", "Partly Achieved"),
            ("not_achieved", "Not Achieved"),
        ]
    )
    indicator_value = fields.Char()
    note = fields.Text()

    _sql_constraints = [
        (
            "review_goal_uniq",
            "unique (review_id, goal_id)",
            "A goal has one outcome per review.",
        )
    ]

    @api.constrains("goal_id", "review_id")
    def _check_goal_case(self):
        for outcome in self:
            if outcome.goal_id.case_id != outcome.review_id.case_id:
                raise ValidationError(
                    self.env._("The goal must belong to the reviewed family.")
                )
