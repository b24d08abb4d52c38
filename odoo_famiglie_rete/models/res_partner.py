from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_family_network_member = fields.Boolean(
        string="Network Member",
        index=True,
        help="An association (or the Comune) that takes part in the family network.",
    )
    is_family_external_service = fields.Boolean(
        string="External Service",
        compute="_compute_is_family_external_service",
        store=True,
        index=True,
        help="A specialist (or other) service that families can be referred to.",
    )
    family_member_ids = fields.One2many("family.case.member", "partner_id")
    is_family_person = fields.Boolean(
        compute="_compute_is_family_person",
        store=True,
        index=True,
        help="A member of a family case: only social workers see the contact.",
    )
    family_protocol_party_ids = fields.One2many(
        "family.protocol.party", "partner_id", string="Protocol Memberships"
    )

    @api.depends("family_member_ids")
    def _compute_is_family_person(self):
        for partner in self:
            partner.is_family_person = bool(
                partner.with_context(active_test=False).sudo().family_member_ids
            )

    @api.depends("category_id")
    def _compute_is_family_external_service(self):
        category = self.env.ref(
            "odoo_famiglie_rete.partner_category_external_service",
            raise_if_not_found=False,
        )
        for partner in self:
            partner.is_family_external_service = bool(
                category and category in partner.category_id
            )

    def _family_is_comune(self):
        """True when the partner is the partner of one of the companies."""
        self.ensure_one()
        return bool(
            self.env["res.company"].sudo().search_count([("partner_id", "=", self.id)])
        )

    def _family_has_active_protocol(self):
        """True when the partner may be given new interventions or goals.

        The Comune (a company's partner) always may; an association only while
        it is a member of an active protocol.
        """
        self.ensure_one()
        if self._family_is_comune():
            return True
        return bool(
            self.env["family.protocol.party"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("protocol_id.state", "=", "active"),
                ],
                limit=1,
            )
        )
