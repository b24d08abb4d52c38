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

    def _creation_message(self):
        """The "created" message in the reader's grammar: "Cartella creata",
        not "Family Case creato" (Odoo joins the model's description and
        "created"). A model says it with ``_family_created_message``."""
        message = getattr(self, "_family_created_message", None)
        if not message:
            return super()._creation_message()
        # Odoo's own message falls back on the user's language when the
        # context has none (data loaded at install): so does this one
        env = (
            self.env
            if self.env.lang
            else self.with_context(lang=self.env.user.lang).env
        )
        return env._(message)
