from odoo import fields, models

SOCIAL_SERVICE = "odoo_famiglie_rete.group_family_social_worker"


class FamilyThreadMixin(models.AbstractModel):
    """The discussion and the to-dos of a family record: the social service's.

    Odoo opens the activity and follower fields of ``mail.thread`` and
    ``mail.activity.mixin`` to every internal user, and computes several of
    them as superuser (``activity_summary``, ``activity_type_id``...), so a
    finance clerk would read the case's to-dos through them although
    ``mail.activity`` itself refuses them. Here they are the social
    service's; associations and finance read the shared discussion through
    ``mail.message``'s own rules.
    """

    _name = "family.thread.mixin"
    _description = "Family Discussion and To-dos"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    activity_ids = fields.One2many(groups=SOCIAL_SERVICE)
    activity_state = fields.Selection(groups=SOCIAL_SERVICE)
    activity_user_id = fields.Many2one(groups=SOCIAL_SERVICE)
    activity_type_id = fields.Many2one(groups=SOCIAL_SERVICE)
    activity_type_icon = fields.Char(groups=SOCIAL_SERVICE)
    activity_date_deadline = fields.Date(groups=SOCIAL_SERVICE)
    my_activity_date_deadline = fields.Date(groups=SOCIAL_SERVICE)
    activity_summary = fields.Char(groups=SOCIAL_SERVICE)
    activity_exception_decoration = fields.Selection(groups=SOCIAL_SERVICE)
    activity_exception_icon = fields.Char(groups=SOCIAL_SERVICE)
    activity_calendar_event_id = fields.Many2one(groups=SOCIAL_SERVICE)
    message_follower_ids = fields.One2many(groups=SOCIAL_SERVICE)
    message_partner_ids = fields.Many2many(groups=SOCIAL_SERVICE)
    message_attachment_count = fields.Integer(groups=SOCIAL_SERVICE)
