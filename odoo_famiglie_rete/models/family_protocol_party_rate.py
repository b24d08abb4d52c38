from odoo import fields, models


class FamilyProtocolPartyRate(models.Model):
    _name = "family.protocol.party.rate"
    _description = "Compensation Rate per Intervention Type"
    _order = "party_id, type_id"

    party_id = fields.Many2one(
        "family.protocol.party",
        string="Association",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="party_id.company_id")
    currency_id = fields.Many2one(related="party_id.currency_id")
    type_id = fields.Many2one(
        "family.intervention.type", string="Intervention Type", required=True
    )
    unit = fields.Char(related="type_id.unit")
    rate = fields.Monetary(
        currency_field="currency_id",
        required=True,
        help="Paid for each unit of quantity of a done intervention of this type.",
    )

    _sql_constraints = [
        (
            "party_type_uniq",
            "unique (party_id, type_id)",
            "An intervention type has one rate per association.",
        ),
        ("rate_positive", "CHECK (rate >= 0)", "A rate cannot be negative."),
    ]
