from odoo import api, models

# The family network's documents: their messages may hold personal data.
FAMILY_MODELS = (
    "family.case",
    "family.case.member",
    "family.case.share",
    "family.intervention",
    "family.plan",
    "family.plan.goal",
    "family.review",
    "family.referral",
)


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        """A family's message names its case by the reference.

        Odoo stores the record's display name on the message (``record_name``,
        also the subject of its notifications) as the poster sees it: for a
        social worker "NF/2026/00002 - El Amrani". Whoever reads the message
        (an association without the identity, an e-mail) must not learn the
        name from it.
        """
        for vals in vals_list:
            if vals.get("model") in FAMILY_MODELS and vals.get("res_id"):
                record = self.env[vals["model"]].sudo().browse(vals["res_id"])
                case = record if record._name == "family.case" else record.case_id
                vals["record_name"] = case.reference
        return super().create(vals_list)

    @api.model
    def _family_blind_user(self):
        """Internal users outside the social service (finance clerks, other
        Comune staff) never read the messages of the family network."""
        user = self.env.user
        return user._is_internal() and not user.has_group(
            "odoo_famiglie_rete.group_family_social_worker"
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.is_superuser() and self._family_blind_user():
            domain = [("model", "not in", FAMILY_MODELS)] + list(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _get_forbidden_access(self, operation):
        forbidden = super()._get_forbidden_access(operation)
        if self.env.is_superuser():
            return forbidden
        family = (self - forbidden).filtered(lambda m: m.sudo().model in FAMILY_MODELS)
        if not family:
            return forbidden
        if self._family_blind_user():
            return forbidden + family
        if not self.env.user._is_internal():
            # associations: never a log note or an internal message, whatever
            # its message type (the standard check only covers comments)
            internal = family.sudo().filtered(
                lambda m: m.is_internal or not m.subtype_id or m.subtype_id.internal
            )
            forbidden += self.browse(internal.ids)
        return forbidden

    def _portal_message_format(self, properties_names, options=None):
        """The portal's chatter lists only the attachments the user may be
        served (``ir.attachment._family_portal_readable``): on a family's
        discussion, the share must open the documents."""
        with_attachments = "attachment_ids" in properties_names
        vals_list = super()._portal_message_format(properties_names, options=options)
        user = self.env.user
        if not with_attachments or user._is_internal():
            return vals_list
        # also when the chatter is read in sudo mode (a record's token)
        family_ids = [
            att["id"]
            for vals in vals_list
            if vals.get("model") in FAMILY_MODELS
            for att in vals.get("attachment_ids") or []
        ]
        if not family_ids:
            return vals_list
        Attachment = self.env["ir.attachment"].sudo(False)
        readable = set(Attachment.browse(family_ids)._family_portal_readable().ids)
        for vals in vals_list:
            if vals.get("model") in FAMILY_MODELS:
                vals["attachment_ids"] = [
                    att for att in vals["attachment_ids"] if att["id"] in readable
                ]
        return vals_list

    def _to_store(self, store, /, **kwargs):
        """The discuss chatter's data (``/mail/thread/messages`` and co.)
        carries, for an association, only the attachments it may be served:
        Odoo adds a readable message's files in sudo mode."""
        res = super()._to_store(store, **kwargs)
        if not self.env.user._is_internal():
            self._family_hide_attachments(store)
        return res

    def _family_hide_attachments(self, store):
        messages = self.sudo().filtered(lambda m: m.model in FAMILY_MODELS)
        attachments = messages.attachment_ids
        if not attachments:
            return
        Attachment = self.env["ir.attachment"].sudo(False)
        readable = Attachment.browse(attachments.ids)._family_portal_readable()
        hidden = set(attachments.ids) - set(readable.ids)
        if not hidden:
            return
        stored_messages = store.data.get("mail.message", {})
        for message_id in messages.ids:
            values = stored_messages.get((message_id,))
            if values and "attachment_ids" in values:
                values["attachment_ids"] = [
                    att
                    for att in values["attachment_ids"]
                    if (att.get("id") if isinstance(att, dict) else att) not in hidden
                ]
        stored_attachments = store.data.get("ir.attachment", {})
        for attachment_id in hidden:
            stored_attachments.pop((attachment_id,), None)
