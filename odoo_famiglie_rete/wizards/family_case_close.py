from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.family_case import CLOSURE_REASONS


class FamilyCaseClose(models.TransientModel):
    """Close cases: the reason and the outcome are asked, and kept."""

    _name = "family.case.close"
    _description = "Close a Case"

    case_ids = fields.Many2many(
        "family.case",
        string="Cases",
        required=True,
        default=lambda self: self._default_case_ids(),
    )
    closure_reason = fields.Selection(CLOSURE_REASONS, string="Reason")
    closure_note = fields.Text(
        string="Outcome", help="The outcome of the path with the family."
    )

    @api.model
    def _default_case_ids(self):
        if self.env.context.get("active_model") != "family.case":
            return self.env["family.case"]
        return self.env["family.case"].browse(self.env.context.get("active_ids", []))

    def action_close(self):
        self.ensure_one()
        if not self.closure_reason:
            raise UserError(self.env._("Choose the reason for closing the case."))
        cases = self.case_ids.filtered(lambda c: not c.is_closed)
        if not cases:
            raise UserError(self.env._("These cases are already closed."))
        # the reason first: the closed case is read-only, the closure aside
        cases.write(
            {
                "closure_reason": self.closure_reason,
                "closure_note": (self.closure_note or "").strip() or False,
            }
        )
        cases.action_close_case()
        return {"type": "ir.actions.act_window_close"}
