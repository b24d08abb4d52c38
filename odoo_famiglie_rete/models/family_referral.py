from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class FamilyReferral(models.Model):
    _name = "family.referral"
    _description = "Referral to Another Service"
    _family_created_message = _lt("Referral created")
    _inherit = ["mail.thread", "family.case.child.mixin"]
    _order = "date_sent desc, id desc"

    member_id = fields.Many2one(
        "family.case.member",
        string="Member",
        index="btree_not_null",
        domain="[('case_id', '=', case_id)]",
    )
    service_id = fields.Many2one(
        "res.partner",
        string="Service",
        required=True,
        index=True,
        domain=[("is_family_external_service", "=", True)],
    )
    reason = fields.Text(required=True)
    user_id = fields.Many2one(
        "res.users", string="Sent By", default=lambda self: self.env.user, index=True
    )
    date_sent = fields.Date(
        string="Sent On", required=True, default=fields.Date.context_today, index=True
    )
    date_answer = fields.Date(string="Answered On")
    date_end = fields.Date(string="Completed On")
    state = fields.Selection(
        [
            ("sent", "Sent"),
            ("accepted", "Accepted"),
            ("refused", "Refused"),
            ("completed", "Completed"),
        ],
        default="sent",
        required=True,
        index=True,
        tracking=True,
    )
    outcome = fields.Text()

    @api.depends("service_id", "date_sent")
    def _compute_display_name(self):
        for referral in self:
            referral.display_name = self.env._(
                "Referral to %(service)s",
                service=referral.service_id.display_name or "",
            )

    @api.constrains("date_sent", "date_answer", "date_end")
    def _check_dates(self):
        for referral in self:
            sent, answer, end = (
                referral.date_sent,
                referral.date_answer,
                referral.date_end,
            )
            if sent and answer and answer < sent:
                raise ValidationError(
                    self.env._(
                        "The service cannot answer before the referral was sent."
                    )
                )
            if sent and end and end < sent:
                raise ValidationError(
                    self.env._("The referral cannot be completed before it was sent.")
                )
            if answer and end and end < answer:
                raise ValidationError(
                    self.env._(
                        "The referral cannot be completed before the service answered."
                    )
                )

    @api.constrains("service_id")
    def _check_service(self):
        for referral in self:
            if not referral.service_id.is_family_external_service:
                raise ValidationError(
                    self.env._(
                        "%(service)s is not an external service: add the "
                        "'Specialist service' tag to the contact.",
                        service=referral.service_id.display_name,
                    )
                )

    @api.constrains("member_id", "case_id")
    def _check_member(self):
        for referral in self:
            if referral.member_id and referral.member_id.case_id != referral.case_id:
                raise ValidationError(
                    self.env._("The member must belong to the referred family.")
                )

    def _set_state(self, state, allowed_from, date_field):
        today = fields.Date.context_today(self)
        for referral in self:
            if referral.state not in allowed_from:
                raise UserError(
                    self.env._(
                        "The referral to %(service)s is %(state)s: it cannot be "
                        "moved to this status.",
                        service=referral.service_id.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[referral.state],
                    )
                )
            referral.write({"state": state, date_field: referral[date_field] or today})

    def action_accept(self):
        self._set_state("accepted", ("sent",), "date_answer")

    def action_refuse(self):
        self._set_state("refused", ("sent",), "date_answer")

    def action_complete(self):
        self._set_state("completed", ("accepted",), "date_end")

    def action_reset_sent(self):
        """Undo an answer recorded by mistake."""
        for referral in self:
            if referral.state not in ("accepted", "refused"):
                raise UserError(
                    self.env._("Only an answered referral can go back to sent.")
                )
        self.write({"state": "sent", "date_answer": False})
