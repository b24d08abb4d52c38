import base64
import binascii

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.mimetypes import guess_mimetype

# What a family's document may be: a scan or a photo of the paper.
DOCUMENT_MIMETYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class FamilyDocumentFileMixin(models.AbstractModel):
    """The checks of a file an association uploads: a PDF or an image, not
    too large, refused before anything is written (the supporting documents
    of reimbursed costs, the documents of a shared family)."""

    _name = "family.document.file.mixin"
    _description = "Family Document File Checks"

    @api.model
    def _family_check_file(self, value):
        """Refuse, before anything is written, a file that is no document
        (``value``: the file in base64)."""
        if not value:
            raise ValidationError(self.env._("Attach the document's file."))
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError, TypeError) as exc:
            raise ValidationError(
                self.env._("The file could not be read: upload it again.")
            ) from exc
        if len(raw) > DOCUMENT_MAX_BYTES:
            raise ValidationError(
                self.env._(
                    "The file is too large (%(size)s MB): the limit is "
                    "%(limit)s MB. Scan it at a lower resolution.",
                    size=round(len(raw) / 1024 / 1024, 1),
                    limit=DOCUMENT_MAX_BYTES // 1024 // 1024,
                )
            )
        if guess_mimetype(raw) not in DOCUMENT_MIMETYPES:
            raise ValidationError(
                self.env._(
                    "The document must be a PDF or an image (%(types)s).",
                    types=", ".join(DOCUMENT_MIMETYPES.values()),
                )
            )
