import functools

from odoo import api, models

from .mail_message import FAMILY_MODELS


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """The to-dos of the family network are the social service's own: an
        internal user outside it (finance) never finds one, even assigned."""
        if (
            not self.env.is_superuser()
            and self.env["mail.message"]._family_blind_user()
        ):
            domain = [("res_model", "not in", FAMILY_MODELS)] + list(domain)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.is_superuser() or not self.env["mail.message"]._family_blind_user():
            return result
        forbidden = result[0] if result else self.browse()
        family = (
            (self - forbidden).sudo().filtered(lambda a: a.res_model in FAMILY_MODELS)
        )
        if not family:
            return result
        forbidden += self.browse(family.ids)
        return forbidden, functools.partial(
            self.env["ir.rule"]._make_access_error, operation, forbidden
        )
