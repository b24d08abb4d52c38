from odoo import api, models, tools


class IrDefault(models.Model):
    _inherit = "ir.default"

    @api.model
    @tools.ormcache()
    def _family_partner_lang(self):
        """The contacts' default language (the default of ``res.partner``'s
        ``lang`` for everyone), which Odoo's frontend asks for on every portal
        request (``ir.http._get_default_lang``): read once, then from the
        cache, which every change of a default clears
        (``registry.clear_cache()`` in ``create``, ``write``, ``unlink``)."""
        return self.sudo()._get("res.partner", "lang")
