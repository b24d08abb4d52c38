from odoo import api, fields, models


class FamilyProtocolParty(models.Model):
    _name = "family.protocol.party"
    _description = "Protocol Member Association"
    _order = "protocol_id, sequence, id"
    _rec_name = "partner_id"

    protocol_id = fields.Many2one(
        "family.protocol", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="protocol_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Association",
        required=True,
        index=True,
        domain=[("is_company", "=", True)],
    )
    date_join = fields.Date(string="Joined On")
    state = fields.Selection(related="protocol_id.state", store=True, index=True)
    notes = fields.Text()

    _sql_constraints = [
        (
            "protocol_partner_uniq",
            "unique (protocol_id, partner_id)",
            "An association is listed once per protocol.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        parties = super().create(vals_list)
        parties.partner_id.filtered(lambda p: not p.is_family_network_member).write(
            {"is_family_network_member": True}
        )
        return parties
