from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The SIUSS flow's codes (PS_PSA_SINA201812.xsd)
SIUSS_AREAS = [
    ("1", "Family and Minors"),
    ("2", "Disability and Dependency"),
    ("3", "Poverty and Social Exclusion"),
]
SIUSS_CHARACTERS = [("1", "Periodic"), ("2", "One-off")]
SIUSS_MEANS_TESTS = [
    ("1", "Subject to ISEE"),
    ("2", "Means-tested, not through ISEE"),
    ("3", "Subject to ISEE, exempted for the beneficiary"),
    ("4", "No means test"),
]

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
    # The INPS benefit this type is (SIUSS, DM 206/2014)
    siuss_code = fields.Char(
        string="INPS Benefit Code",
        help="CodicePrestazione of INPS's catalogue of social benefits (e.g. "
        "A1.02): the interventions of this type given or paid by the Comune "
        "are sent to INPS with it.",
    )
    siuss_name = fields.Char(
        string="INPS Benefit Name",
        help="DenominazionePrestazione: 10 to 200 characters.",
    )
    siuss_area = fields.Selection(SIUSS_AREAS, string="User Area")
    siuss_character = fields.Selection(
        SIUSS_CHARACTERS, string="Periodic or One-off", default="2"
    )
    siuss_means_test = fields.Selection(
        SIUSS_MEANS_TESTS, string="Means Test", default="4"
    )
    siuss_excluded = fields.Boolean(
        string="Not Sent to INPS",
        help="Not a social benefit for the SIUSS (e.g. listening): its "
        "interventions are never sent, on purpose. A type without a benefit "
        "code and without this flag stops the flow's building.",
    )

    _sql_constraints = [
        (
            "unit_value_positive",
            "CHECK (unit_value >= 0)",
            "The default unit value cannot be negative.",
        )
    ]

    @api.constrains("siuss_code", "siuss_name")
    def _check_siuss_code(self):
        for rec in self:
            if rec.siuss_code and not 5 <= len(rec.siuss_code) <= 10:
                raise ValidationError(
                    self.env._(
                        "The INPS benefit code of %(type)s has 5 to 10 characters.",
                        type=rec.name,
                    )
                )
            if rec.siuss_name and not 10 <= len(rec.siuss_name) <= 200:
                raise ValidationError(
                    self.env._(
                        "The INPS benefit name of %(type)s has 10 to 200 characters.",
                        type=rec.name,
                    )
                )

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
