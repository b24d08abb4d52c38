from odoo import api, fields, models
from odoo.exceptions import ValidationError

CATEGORIES = [
    ("food_goods", "Food and Goods"),
    ("money", "Money"),
    ("housing_bills", "Housing and Bills"),
    ("transport", "Accompaniment and Transport"),
    ("listening", "Listening and Support"),
    ("maternity", "Maternity and Childhood"),
    ("education", "Education"),
    ("work", "Work"),
]


class FamilyInterventionType(models.Model):
    _name = "family.intervention.type"
    _description = "Intervention Type"
    _order = "category, sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CATEGORIES, required=True, index=True)
    unit = fields.Char(
        translate=True, help="What the quantity counts: parcels, hours, euros..."
    )
    unit_value = fields.Float(
        string="Default Unit Value",
        digits="Product Price",
        default=0.0,
        aggregator=None,
    )
    is_money = fields.Boolean(
        string="Sum of Money",
        help="The help is a sum of money (a contribution, a loan, a bill paid): "
        "its interventions are entered as an amount, counted in units of 1.",
    )
    compensable = fields.Boolean(
        default=True,
        help="Interventions of this type can be compensated to the association.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "unit_value_positive",
            "CHECK (unit_value >= 0)",
            "The default unit value cannot be negative.",
        )
    ]

    @api.constrains("is_money", "unit_value")
    def _check_money_unit_value(self):
        for itype in self:
            if itype.is_money and itype.unit_value != 1:
                raise ValidationError(
                    self.env._(
                        "%(type)s is a sum of money: its unit value is 1 (the "
                        "quantity is the amount).",
                        type=itype.name,
                    )
                )

    @api.onchange("is_money")
    def _onchange_is_money(self):
        if self.is_money:
            self.unit_value = 1.0

    def write(self, vals):
        if "category" not in vals:
            return super().write(vals)
        # The interventions of these types change category: the overlap flag
        # of their neighbours, in the old and the new category, may change.
        Intervention = self.env["family.intervention"].sudo()
        interventions = Intervention.search([("type_id", "in", self.ids)])
        before = interventions._overlap_neighbours()
        res = super().write(vals)
        interventions._recompute_overlap(before | interventions._overlap_neighbours())
        return res
