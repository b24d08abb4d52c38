from odoo import fields, models


class FamilyNeedArea(models.Model):
    _name = "family.need.area"
    _description = "Need Area"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A need area with this name already exists.")
    ]
