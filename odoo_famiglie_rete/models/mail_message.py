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
