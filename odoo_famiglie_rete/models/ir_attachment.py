from collections import defaultdict

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .mail_message import FAMILY_MODELS

# The models whose attachments (files, binary fields) are a family's documents.
FAMILY_DOCUMENT_MODELS = (*FAMILY_MODELS, "family.review.outcome")


class IrAttachment(models.Model):
    """A family's documents follow the case's privacy, in the data layer.

    An attachment is a family's document when it belongs to a record of a
    family model (a file, or a binary field such as a share's signed consent)
    or to a message posted on one. Then:

    - internal users outside the social service (finance clerks, other
      Comune staff) never read nor find it, whatever its ``public`` flag or
      access token;
    - social workers and the manager read it when they read the record
      (Odoo's own check: restricted cases only for their case manager and
      the manager, through the record rules);
    - associations (portal users, who have no ``ir.attachment`` access in
      Odoo) are served it only when it is a document of a case whose active
      share (assigned to them, for a volunteer) opens ``share_documents``: a
      file of the case itself, a file of one of the association's own
      interventions, or the attachment of a message of the shared discussion
      they may read; never the attachment of an internal note nor a binary
      field. An access token is no key to a family's document: the
      user's rights decide (``validate_access``).
    """

    _inherit = "ir.attachment"

    @api.model
    def _family_blind_user(self):
        return self.env["mail.message"]._family_blind_user()

    def _family_documents_info(self):
        """{attachment id: (res_model, res_id, res_field, family message ids)}
        for the attachments of ``self`` that are family documents (one query).
        """
        if not self.ids:
            return {}
        self.flush_model(["res_model", "res_id", "res_field"])
        self.env["mail.message"].flush_model(["model", "res_id", "attachment_ids"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id, a.res_model, a.res_id, a.res_field,
                       ARRAY_REMOVE(ARRAY_AGG(m.id), NULL)
                  FROM ir_attachment a
             LEFT JOIN message_attachment_rel rel ON rel.attachment_id = a.id
             LEFT JOIN mail_message m
                    ON m.id = rel.message_id AND m.model IN %s
                 WHERE a.id IN %s
              GROUP BY a.id
                """,
                FAMILY_DOCUMENT_MODELS,
                tuple(self.ids),
            )
        )
        return {
            att_id: (res_model, res_id, res_field, message_ids)
            for att_id, res_model, res_id, res_field, message_ids in rows
            if res_model in FAMILY_DOCUMENT_MODELS or message_ids
        }

    def _family_document_cases(self):
        """The family cases the family documents of ``self`` belong to."""
        targets = defaultdict(set)
        info = self._family_documents_info()
        message_ids = {mid for _m, _r, _f, mids in info.values() for mid in mids}
        for res_model, res_id, _field, _mids in info.values():
            if res_model in FAMILY_DOCUMENT_MODELS and res_id:
                targets[res_model].add(res_id)
        for message in self.env["mail.message"].sudo().browse(message_ids):
            if message.model in FAMILY_DOCUMENT_MODELS and message.res_id:
                targets[message.model].add(message.res_id)
        cases = self.env["family.case"]
        for model, ids in targets.items():
            records = self.env[model].sudo().browse(ids).exists()
            cases |= records._family_logged_cases()
        return cases

    def _family_portal_readable(self):
        """The family documents among ``self`` the current portal user may
        be served (see the class docstring); read through the ORM as the
        user: the record rules of shares and messages decide."""
        info = self._family_documents_info()
        if not info or self.env.user._is_internal() or self.env.user._is_public():
            return self.browse()
        case_ids = {
            res_id
            for res_model, res_id, res_field, _mids in info.values()
            if res_model == "family.case" and res_id and not res_field
        }
        # the files of the association's own interventions (read as the user:
        # the record rules open only its own), where the share opens the
        # documents too
        intervention_ids = {
            res_id
            for res_model, res_id, res_field, _mids in info.values()
            if res_model == "family.intervention" and res_id and not res_field
        }
        own_cases = {}
        if intervention_ids:
            own = self.env["family.intervention"].search(
                [("id", "in", list(intervention_ids))]
            )
            own_cases = {
                intervention.id: intervention.case_id.id for intervention in own
            }
            case_ids |= set(own_cases.values())
        # the user's own active shares (record rules) that open the documents
        open_cases = set(
            self.env["family.case.share"]
            .search([("case_id", "in", list(case_ids)), ("share_documents", "=", True)])
            .case_id.ids
        )
        messages = self.env["mail.message"].browse(
            {mid for _m, _r, _f, mids in info.values() for mid in mids}
        )
        forbidden = messages._get_forbidden_access("read") if messages else messages
        readable_messages = set((messages - forbidden).ids)
        return self.browse(
            att_id
            for att_id, (res_model, res_id, res_field, mids) in info.items()
            if not res_field
            and all(mid in readable_messages for mid in mids)
            and (
                (res_model == "family.case" and res_id in open_cases)
                or (
                    res_model == "family.intervention"
                    and own_cases.get(res_id) in open_cases
                )
            )
        )

    def check(self, mode, values=None):
        res = super().check(mode, values=values)
        if self.env.is_superuser() or not self._family_blind_user():
            return res
        if (values and values.get("res_model") in FAMILY_DOCUMENT_MODELS) or (
            self._family_documents_info()
        ):
            raise AccessError(
                self.env._(
                    "The documents of the family cases are reserved to the "
                    "social service."
                )
            )
        return res

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.is_superuser() and self._family_blind_user():
            domain = list(domain)
            if not self.env.context.get("skip_res_field_check") and not any(
                arg[0] in ("id", "res_field") for arg in domain
            ):
                # Odoo's own default, which the leaf on ids below would turn
                # off: no attachment of a binary field unless asked for
                domain = [("res_field", "=", False), *domain]
            domain = [
                ("res_model", "not in", FAMILY_DOCUMENT_MODELS),
                (
                    "id",
                    "not in",
                    SQL(
                        """(SELECT rel.attachment_id
                              FROM message_attachment_rel rel
                              JOIN mail_message m ON m.id = rel.message_id
                             WHERE m.model IN %s)""",
                        FAMILY_DOCUMENT_MODELS,
                    ),
                ),
                *domain,
            ]
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def validate_access(self, access_token):
        self.ensure_one()
        if self.env.su or not self._family_documents_info():
            return super().validate_access(access_token)
        # A family's document: neither a token nor the public flag opens it.
        user = self.env.user
        if user._is_internal():
            self.check("read")
            return self
        if self._family_portal_readable():
            return self.sudo()
        raise AccessError(
            self.env._("Sorry, you are not allowed to access this document.")
        )
