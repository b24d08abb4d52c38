from odoo import models

from .ir_attachment import FAMILY_DOCUMENT_MODELS


class IrBinary(models.AbstractModel):
    """Every download of a family's document is written to the access log.

    ``_record_to_stream`` is where Odoo turns a record into the file it
    serves, for ``/web/content``, ``/web/image`` and the portal's document
    route alike; the access was checked before (``_find_record``,
    ``ir.attachment.validate_access``).
    """

    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        stream = super()._record_to_stream(record, field_name)
        self._family_log_download(record)
        return stream

    def _family_log_download(self, record):
        log = self.env["family.access.log"]
        if self.env.su or not log._is_logged_user(self.env.user):
            return
        if record._name == "ir.attachment":
            cases = record.sudo()._family_document_cases()
        elif record._name in FAMILY_DOCUMENT_MODELS:
            cases = record._family_logged_cases()
        else:
            return
        log._log(cases, "download", model=record._name)
