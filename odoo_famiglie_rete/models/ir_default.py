from odoo import api, models, tools


class IrDefault(models.Model):
    _inherit = "ir.default"

    @api.model
    def _get(
        self, model_name, field_name, user_id=False, company_id=False, condition=False
    ):
        # The contacts' default language for everyone: Odoo's frontend asks
        # for it on every page of the portal (http_routing's
        # ir.http._get_default_lang), where it cost a search and a read.
        if (model_name, field_name, user_id, company_id, condition) == (
            "res.partner",
            "lang",
            False,
            False,
            False,
        ):
            return self._family_partner_lang()
        return super()._get(
            model_name,
            field_name,
            user_id=user_id,
            company_id=company_id,
            condition=condition,
        )

    @api.model
    @tools.ormcache()
    def _family_partner_lang(self):
        """The contacts' default language (a code), read once, then from the
        cache, which every change of a default clears
        (``registry.clear_cache()`` in ``create``, ``write``, ``unlink``)."""
        return super(IrDefault, self.sudo())._get("res.partner", "lang")
