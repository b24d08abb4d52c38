from odoo import api, fields, models
from odoo.exceptions import UserError


class FamilyCaseShareRevoke(models.TransientModel):
    _name = "family.case.share.revoke"
    _description = "Revoke a Share"

    share_ids = fields.Many2many(
        "family.case.share",
        string="Shares",
        required=True,
        default=lambda self: self._default_share_ids(),
    )
    reason = fields.Text(
        required=True, help="Why the share is revoked, e.g. the consent was withdrawn."
    )

    @api.model
    def _default_share_ids(self):
        if self.env.context.get("active_model") != "family.case.share":
            return self.env["family.case.share"]
        return self.env["family.case.share"].browse(
            self.env.context.get("active_ids", [])
        )

    def action_revoke(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for the revocation."))
        shares = self.share_ids.filtered(lambda s: s.state in ("active", "scheduled"))
        if not shares:
            raise UserError(self.env._("These shares are already ended or revoked."))
        shares.write({"revoke_reason": reason})
        shares.action_revoke()
        return {"type": "ir.actions.act_window_close"}
