from odoo import api, fields, models


class FamilyPlanTemplate(models.Model):
    """A typical situation (housing emergency, job loss, ...) and the goals a
    plan for it usually starts from."""

    _name = "family.plan.template"
    _description = "Plan Template"
    _order = "sequence, name"

    name = fields.Char(string="Typical Situation", required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text()
    goal_template_ids = fields.Many2many(
        "family.goal.template", string="Goals", required=True
    )
    goal_count = fields.Integer(compute="_compute_goal_count", string="# Goals")

    @api.depends("goal_template_ids")
    def _compute_goal_count(self):
        for template in self:
            template.goal_count = len(template.goal_template_ids)
