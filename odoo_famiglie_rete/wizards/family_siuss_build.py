from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class FamilySiussBuild(models.TransientModel):
    """Build the SIUSS flows of a period (the social service manager)."""

    _name = "family.siuss.build"
    _description = "Build the SIUSS Flows"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date(1, 1)
    )
    flow_type = fields.Selection(
        [
            ("PS_PSA_SINA", "Social benefits (PS-PSA-SINA)"),
            ("SINBA", "Minors taken in charge (SINBA)"),
            ("all", "Both"),
        ],
        string="Flows",
        required=True,
        default="PS_PSA_SINA",
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: self._default_date(12, 31)
    )

    @api.model
    def _default_date(self, month, day):
        """Last year: the flow the Comune owes INPS for the closed year."""
        return date(fields.Date.context_today(self).year - 1, month, day)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(self.env._("The period ends before it starts."))

    def action_build(self):
        self.ensure_one()
        Flow = self.env["family.siuss.flow"]
        flows = Flow.browse()
        builds = []
        if self.flow_type in ("PS_PSA_SINA", "all"):
            builds.append(Flow._siuss_build)
        if self.flow_type in ("SINBA", "all"):
            builds.append(Flow._sinba_build)
        # every flow type's problems in one report; nothing saved if any
        problems = []
        for build in builds:
            try:
                with self.env.cr.savepoint():
                    flows |= build(self.company_id, self.date_from, self.date_to)
            except UserError as error:
                problems.append(error.args[0])
        if problems:
            raise UserError("\n\n".join(problems))
        if not flows:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "Nothing new to send: every benefit of the period is "
                        "already in a flow."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_siuss_flow_action"
        )
        action["domain"] = [("id", "in", flows.ids)]
        action["context"] = {}
        return action
