from odoo import fields, models

from .family_plan_goal import DIRECTIONS

PARTY_TYPES = [("comune", "Comune"), ("association", "Association")]


class FamilyGoalTemplate(models.Model):
    """A goal of the library: what a plan's goal usually is for a need area,
    with its indicator, unit and direction, and who usually takes it on."""

    _name = "family.goal.template"
    _description = "Goal Template"
    _order = "need_area_id, sequence, name"

    name = fields.Char(string="Goal", required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    need_area_id = fields.Many2one(
        "family.need.area", string="Need Area", required=True, index=True
    )
    indicator = fields.Char(required=True, help="What is measured.")
    indicator_unit = fields.Char(string="Unit")
    direction = fields.Selection(DIRECTIONS, default="up", required=True)
    baseline = fields.Float(help="The usual starting value; the plan adjusts it.")
    target = fields.Float(help="The usual target; the plan adjusts it.")
    party_type = fields.Selection(
        PARTY_TYPES,
        string="Responsible Party",
        default="comune",
        required=True,
        help="Association: the goal goes to the association the family's "
        "goals are shared with (the Comune when there is none).",
    )
    description = fields.Text()

    def _goal_values(self, case):
        """The values of a plan goal drafted from this template for ``case``."""
        self.ensure_one()
        party = case.company_id.partner_id
        if self.party_type == "association":
            shares = case.sudo().share_ids.filtered(
                lambda s: s.state == "active" and s.share_goals
            )
            party = shares[:1].partner_id or party
        return {
            "template_id": self.id,
            "name": self.name,
            "indicator": self.indicator,
            "indicator_unit": self.indicator_unit,
            "direction": self.direction,
            "baseline": self.baseline,
            "target": self.target,
            "party_id": party.id,
        }
