from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FamilyReferral(models.Model):
    _name = "family.referral"
    _description = "Referral to Another Service"
    _inherit = ["mail.thread"]
    _order = "date_sent desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "family.case",
        string="Family Case",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
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
            for later in (referral.date_answer, referral.date_end):
                if later and referral.date_sent and later < referral.date_sent:
                    raise ValidationError(
                        self.env._(
                            "The answer and completion dates cannot be before the "
                            "date the referral was sent."
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

    @api.model_create_multi
    def create(self, vals_list):
        referrals = super().create(vals_list)
        referrals.case_id._check_not_closed()
        return referrals

    def write(self, vals):
        self.case_id._check_not_closed()
        return super().write(vals)

    def action_accept(self):
        self.write({"state": "accepted", "date_answer": fields.Date.context_today(self)})

    def action_refuse(self):
        self.write({"state": "refused", "date_answer": fields.Date.context_today(self)})

    def action_complete(self):
        self.write({"state": "completed", "date_end": fields.Date.context_today(self)})
