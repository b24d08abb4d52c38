from odoo import fields, models


class FamilyCaseStage(models.Model):
    _name = "family.case.stage"
    _description = "Family Case Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Cases in this stage are closed: read-only, and their shares end.",
    )
    description = fields.Text(translate=True)
