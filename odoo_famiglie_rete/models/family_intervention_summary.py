from odoo import api, fields, models
from odoo.tools import SQL

from .family_intervention import STATES
from .family_intervention_type import CATEGORIES


class FamilyInterventionSummary(models.Model):
    """The interventions of a family, without what only their party may read.

    A read-only projection of ``family.intervention`` (same ids) holding what
    a share's *other parties' interventions* opens to an association: the
    type, category, dates, quantity, provider and state. Never the notes, the
    description, the amounts, the beneficiary or the goal. The record rules
    filter it by the share's ``share_other_interventions``; an association
    reads its own interventions on ``family.intervention`` itself.
    """

    _name = "family.intervention.summary"
    _description = "Intervention Summary"
    _inherit = "family.case.projection.mixin"
    _auto = False
    # what the view reads: flushed before it is queried
    _depends = {
        "family.intervention": [
            "case_id",
            "company_id",
            "type_id",
            "category",
            "provider_id",
            "date_start",
            "date_end",
            "quantity",
            "state",
        ]
    }
    _order = "date_start desc, id desc"

    type_id = fields.Many2one("family.intervention.type", string="Type", readonly=True)
    category = fields.Selection(CATEGORIES, readonly=True)
    provider_id = fields.Many2one("res.partner", string="Provider", readonly=True)
    date_start = fields.Date(string="Start Date", readonly=True)
    date_end = fields.Date(string="End Date", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    unit = fields.Char(related="type_id.unit")
    state = fields.Selection(STATES, readonly=True)

    @api.depends("type_id", "date_start")
    def _compute_display_name(self):
        for row in self:
            row.display_name = " - ".join(
                filter(None, [row.type_id.name, str(row.date_start or "")])
            )

    def _family_projection_query(self):
        return SQL(
            """
            SELECT i.id,
                   i.case_id,
                   i.company_id,
                   i.type_id,
                   i.category,
                   i.provider_id,
                   i.date_start,
                   i.date_end,
                   i.quantity,
                   i.state
              FROM family_intervention i
            """
        )
