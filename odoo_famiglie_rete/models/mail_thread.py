from odoo import models
from odoo.exceptions import AccessError

from .mail_message import FAMILY_MODELS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """On a family's records an association follows itself, nobody else:
        a follower is notified, by e-mail too, of what is posted there."""
        user = self.env.user
        if (
            self._name in FAMILY_MODELS
            and not self.env.su
            and user.share
            and set(partner_ids or ()) - set(user.partner_id.ids)
        ):
            raise AccessError(
                self.env._("An association can only follow a record itself.")
            )
        return super().message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )
