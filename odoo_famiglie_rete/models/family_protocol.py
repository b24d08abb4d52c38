from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class FamilyProtocol(models.Model):
    _name = "family.protocol"
    _description = "Protocol of Understanding"
    _family_created_message = _lt("Protocol of understanding created")
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(string="Valid From", required=True, tracking=True)
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    date_signed = fields.Date(string="Signed On", copy=False)
    confirmed = fields.Boolean(readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("expired", "Expired")],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    predecessor_id = fields.Many2one(
        "family.protocol",
        string="Renewal Of",
        index="btree_not_null",
        check_company=True,
        copy=False,
    )
    successor_ids = fields.One2many(
        "family.protocol", "predecessor_id", string="Renewed By"
    )
    party_ids = fields.One2many(
        "family.protocol.party", "protocol_id", string="Member Associations", copy=True
    )
    party_count = fields.Integer(compute="_compute_party_count")
    description = fields.Html(string="Terms")
    document = fields.Binary(string="Signed Document", attachment=True, copy=False)
    document_name = fields.Char(copy=False)
    successor_count = fields.Integer(compute="_compute_successor_count")
    compensation_count = fields.Integer(
        compute="_compute_compensation_count", string="Statements"
    )

    @api.depends("confirmed", "date_start", "date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for protocol in self:
            if protocol.date_end and protocol.date_end < today and protocol.confirmed:
                protocol.state = "expired"
            elif (
                protocol.confirmed
                and protocol.date_start
                and protocol.date_start <= today
            ):
                protocol.state = "active"
            else:
                protocol.state = "draft"

    @api.depends("party_ids")
    def _compute_party_count(self):
        for protocol in self:
            protocol.party_count = len(protocol.party_ids)

    @api.depends("successor_ids")
    def _compute_successor_count(self):
        for protocol in self:
            protocol.successor_count = len(protocol.successor_ids)

    def _compute_compensation_count(self):
        if not self.env["family.compensation"].has_access("read"):
            self.compensation_count = 0
            return
        counts = dict(
            self.env["family.compensation"]._read_group(
                [("protocol_id", "in", self.ids)], ["protocol_id"], ["__count"]
            )
        )
        for protocol in self:
            protocol.compensation_count = counts.get(protocol, 0)

    def action_open_compensations(self):
        """The protocol's statements by association and year."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_compensation_action_analysis"
        )
        action["domain"] = [("protocol_id", "=", self.id)]
        action["context"] = {"search_default_not_cancelled": 1}
        return action

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for protocol in self:
            if protocol.date_end < protocol.date_start:
                raise ValidationError(
                    self.env._("The end of validity cannot be before its start.")
                )

    @api.constrains("predecessor_id")
    def _check_predecessor(self):
        if self._has_cycle("predecessor_id"):
            raise ValidationError(self.env._("A protocol cannot renew itself."))

    def action_confirm(self):
        for protocol in self:
            if not protocol.party_ids:
                raise UserError(
                    self.env._("Add the member associations before confirming.")
                )
        self.write({"confirmed": True})
        return True

    def action_reset_draft(self):
        expired = self.filtered(lambda p: p.state == "expired")
        if expired:
            raise UserError(
                self.env._(
                    "%(name)s has expired: it stays as the record of what was "
                    "agreed. Renew it instead.",
                    name=expired[0].name,
                )
            )
        self.write({"confirmed": False})
        return True

    def action_renew(self):
        """Create the renewal: same members and terms, validity to be set."""
        self.ensure_one()
        if self.successor_ids:
            raise UserError(
                self.env._(
                    "%(name)s has already been renewed by %(renewal)s.",
                    name=self.name,
                    renewal=", ".join(self.successor_ids.mapped("name")),
                )
            )
        start = fields.Date.add(self.date_end, days=1)
        renewal = self.copy(
            {
                "name": self.env._("%(name)s (renewal)", name=self.name),
                "predecessor_id": self.id,
                "date_start": start,
                "date_end": fields.Date.add(start, years=1, days=-1),
            }
        )
        return renewal._get_form_action()

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_predecessor(self):
        self.ensure_one()
        return self.predecessor_id._get_form_action()

    def action_open_successors(self):
        self.ensure_one()
        if len(self.successor_ids) == 1:
            return self.successor_ids._get_form_action()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Renewals"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("predecessor_id", "=", self.id)],
        }

    @api.model
    def _cron_update_state(self):
        """Move protocols between draft, active and expired as the dates pass.

        Only the confirmed protocols whose stored state no longer matches the
        date are touched. Marking their dates as modified recomputes the state
        and whatever depends on it (the members' state, for instance).
        """
        today = fields.Date.context_today(self)
        protocols = self.search(
            [
                ("confirmed", "=", True),
                "|",
                "|",
                "&",
                ("state", "=", "draft"),
                ("date_start", "<=", today),
                "&",
                ("state", "=", "active"),
                ("date_end", "<", today),
                "&",
                ("state", "=", "expired"),
                ("date_end", ">=", today),
            ]
        )
        if protocols:
            protocols.modified(["date_start", "date_end"])
            protocols.flush_recordset()
            self.env["family.protocol.party"].flush_model(["state"])
        return protocols
