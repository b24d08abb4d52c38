from odoo import api, fields, models
from odoo.tools import SQL

from .ir_rule import PARTNER_SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_family_network_member = fields.Boolean(
        string="Network Member",
        index=True,
        help="An association (or the Comune) that takes part in the family network.",
    )
    family_intervention_type_ids = fields.Many2many(
        "family.intervention.type",
        "family_intervention_type_provider_rel",
        "partner_id",
        "type_id",
        string="Intervention Types Provided",
        help="The interventions the association gives under the protocol: its "
        "portal offers only these types. Empty: the whole catalogue.",
    )
    is_family_external_service = fields.Boolean(
        string="External Service",
        compute="_compute_is_family_external_service",
        store=True,
        index=True,
        help="A specialist (or other) service that families can be referred to.",
    )
    family_member_ids = fields.One2many(
        "family.case.member",
        "partner_id",
        groups="odoo_famiglie_rete.group_family_social_worker",
    )
    is_family_person = fields.Boolean(
        compute="_compute_is_family_person",
        store=True,
        index=True,
        help="A member of a family case: only social workers see the contact.",
    )
    family_protocol_party_ids = fields.One2many(
        "family.protocol.party", "partner_id", string="Protocol Memberships"
    )
    family_protocol_count = fields.Integer(
        compute="_compute_family_protocol_count",
        string="# Protocols",
        groups="odoo_famiglie_rete.group_family_social_worker,"
        "odoo_famiglie_rete.group_family_finance",
    )

    def write(self, vals):
        res = super().write(vals)
        if {"parent_id", "is_company"} & set(vals) and (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("partner_id", "child_of", self.ids)], limit=1)
        ):
            # a user's association is their contact's commercial partner: the
            # record rules name it, so their cached domains (and their SQL)
            # are forgotten, as for a change of role
            self.env.registry.clear_cache()
        return res

    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        """Odoo's rules and the addon's domain on family persons, the latter
        as a correlated ``EXISTS`` (see ``ir.rule._family_partner_sql``)."""
        if self.env.su:
            return
        Rule = self.env["ir.rule"]
        super(ResPartner, self.with_context(**{PARTNER_SQL: True}))._apply_ir_rules(
            query, mode
        )
        query.add_where(
            Rule._family_partner_sql(
                SQL.identifier(self._table, "id"),
                SQL.identifier(self._table, "is_family_person"),
            )
        )

    def _compute_family_protocol_count(self):
        partner_ids = [pid for pid in self._origin.ids if pid]
        groups = (
            self.env["family.protocol.party"]._read_group(
                [("partner_id", "in", partner_ids)],
                ["partner_id"],
                ["protocol_id:count_distinct"],
            )
            if partner_ids
            else []
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.family_protocol_count = counts.get(partner._origin.id, 0)

    def action_view_family_protocols(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_protocol_action"
        )
        action["domain"] = [("party_ids.partner_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.depends("family_member_ids")
    def _compute_is_family_person(self):
        # one grouped query for the saved contacts (archived members count)
        saved = self.filtered("id")
        groups = (
            self.env["family.case.member"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("partner_id", "in", saved.ids)], ["partner_id"])
        )
        members = {partner.id for (partner,) in groups}
        for partner in saved:
            partner.is_family_person = partner.id in members
        for partner in self - saved:
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

    def _family_has_active_protocol(self, company=None):
        """True when the partner may be given new interventions or goals.

        The Comune (a company's partner) always may; an association only while
        it is a member of an active protocol. With ``company`` (the Comune of
        the case), only that Comune and the members of its own protocols may:
        several Comuni can share one database.
        """
        self.ensure_one()
        if company:
            if self.commercial_partner_id == company.partner_id:
                return True
        elif self._family_is_comune():
            return True
        domain = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("state", "=", "active"),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        return bool(
            self.env["family.protocol.party"].sudo().search_count(domain, limit=1)
        )

    def _family_yearly_budget(self, year):
        """The yearly budget of the association's terms in the protocols
        running in ``year``: a figure of its own, which the portal's
        monitoring page shows its coordinator (the terms themselves, with
        their accounts and rates, stay the Comune's)."""
        self.ensure_one()
        parties = (
            self.env["family.protocol.party"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("protocol_id.confirmed", "=", True),
                    ("protocol_id.date_start", "<=", f"{year}-12-31"),
                    ("protocol_id.date_end", ">=", f"{year}-01-01"),
                ]
            )
        )
        return sum(parties.mapped("budget"))

    def _family_reimburses_documented_costs(self, company=None):
        """True when the association's active terms (a convenzione) reimburse
        documented costs: the portal then asks for the receipts."""
        self.ensure_one()
        domain = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("state", "=", "active"),
            ("compensation_mode", "=", "reimbursement"),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        return bool(
            self.env["family.protocol.party"].sudo().search_count(domain, limit=1)
        )
