from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    family_compensation_ids = fields.One2many(
        "family.compensation",
        "move_id",
        string="Compensation Statements",
        groups="odoo_famiglie_rete.group_family_finance",
    )

    def button_draft(self):
        """A bill cancelled with its statement stays cancelled.

        Its interventions were freed and may be in another statement now.
        """
        cancelled = self.sudo().family_compensation_ids.filtered(
            lambda statement: statement.state == "cancelled"
        )
        if cancelled:
            raise UserError(
                self.env._(
                    "This bill was cancelled with the compensation statement "
                    "%(statement)s, whose interventions are free again: make a new "
                    "statement instead of resetting the bill.",
                    statement=cancelled[0].name,
                )
            )
        return super().button_draft()
