from odoo import api, models

from .family_access_log import logs_access


class FamilyAccessLoggedMixin(models.AbstractModel):
    """Writes the access log when a family's data is read or exported.

    Models holding a family's data inherit it and say which cases a set of
    their records belongs to with ``_family_logged_cases``.
    """

    _name = "family.access.logged.mixin"
    _description = "Family Data Logged on Access"

    def _family_logged_cases(self):
        return self.case_id

    @logs_access
    def read(self, fields=None, load="_classic_read"):
        return super().read(fields, load=load)

    @api.model
    @logs_access
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **kw
    ):
        return super().search_read(domain, fields, offset, limit, order, **kw)

    def _read_format(self, fnames, load="_classic_read"):
        self.env["family.access.log"]._log_rpc(self._family_logged_cases(), self._name)
        return super()._read_format(fnames, load=load)

    def export_data(self, fields_to_export):
        self.env["family.access.log"]._log(
            self._family_logged_cases(), "export", model=self._name
        )
        return super().export_data(fields_to_export)
