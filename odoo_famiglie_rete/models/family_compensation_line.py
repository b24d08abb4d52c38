from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .family_compensation import STATES
from .family_protocol_party import INSTRUMENTS

# A line's copy of its statement's value (see party_id below).
FROM_STATEMENT = {
    "compute": "_compute_from_statement",
    "store": True,
    "readonly": False,
    "precompute": True,
    "index": True,
}


class FamilyCompensationLine(models.Model):
    _name = "family.compensation.line"
    _description = "Compensation Statement Line"
    # a line names its family by the case's reference: reading it is logged
    _inherit = ["family.access.logged.mixin", "family.field.guard.mixin"]
    _order = "compensation_id, date, id"

    compensation_id = fields.Many2one(
        "family.compensation",
        string="Statement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    # Copies of the statement's values, for the record rules and the
    # constraints. The statement gives them when it makes its lines (thousands
    # at once) so that they are not computed line by line; they follow the
    # statement afterwards.
    party_id = fields.Many2one("family.protocol.party", **FROM_STATEMENT)
    partner_id = fields.Many2one("res.partner", string="Association", **FROM_STATEMENT)
    company_id = fields.Many2one("res.company", **FROM_STATEMENT)
    currency_id = fields.Many2one("res.currency", **(FROM_STATEMENT | {"index": False}))
    state = fields.Selection(STATES, **FROM_STATEMENT)
    instrument = fields.Selection(INSTRUMENTS, **FROM_STATEMENT)
    name = fields.Char(string="Description", required=True)
    date = fields.Date(
        help="When the intervention ended (or the instalment fell due): the "
        "month the compensation belongs to."
    )
    intervention_id = fields.Many2one(
        "family.intervention",
        string="Intervention",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
    )
    type_id = fields.Many2one(
        "family.intervention.type", string="Intervention Type", readonly=True
    )
    document_id = fields.Many2one(
        "family.compensation.document",
        string="Supporting Document",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="A documented cost of the association that is not an intervention "
        "(its volunteers' expenses).",
    )
    case_reference = fields.Char(
        string="Case",
        readonly=True,
        help="The family case's reference: statements never carry names.",
    )
    instalment_year = fields.Integer(readonly=True)
    instalment_number = fields.Integer(readonly=True)
    quantity = fields.Float(readonly=True)
    # Plain floats rounded by the statement (in the currency): a Monetary
    # field looks its currency up value by value, which 10,000 lines feel.
    unit_price = fields.Float(readonly=True)
    amount = fields.Float(readonly=True)

    _sql_constraints = [
        (
            "intervention_once",
            "EXCLUDE (intervention_id WITH =) "
            "WHERE (state IS DISTINCT FROM 'cancelled')",
            "An intervention can be in one statement only (unless it is cancelled).",
        ),
        (
            "document_once",
            "EXCLUDE (document_id WITH =) "
            "WHERE (state IS DISTINCT FROM 'cancelled')",
            "A documented cost can be in one statement only (unless it is "
            "cancelled).",
        ),
        (
            "instalment_once",
            "EXCLUDE (party_id WITH =, instalment_year WITH =, "
            "instalment_number WITH =) "
            "WHERE (state IS DISTINCT FROM 'cancelled' "
            "AND instalment_number IS NOT NULL)",
            "An instalment can be in one statement only (unless it is cancelled).",
        ),
    ]

    def _family_logged_cases(self):
        # instalments of a yearly contribution name no family
        return self.sudo().intervention_id.case_id

    @api.model
    def _family_cases_sql(self, query):
        return SQL(
            "SELECT case_id FROM family_intervention WHERE id IN (%s)",
            query.select(SQL.identifier(self._table, "intervention_id")),
        )

    @api.depends(
        "compensation_id.party_id",
        "compensation_id.partner_id",
        "compensation_id.company_id",
        "compensation_id.currency_id",
        "compensation_id.state",
        "compensation_id.instrument",
    )
    def _compute_from_statement(self):
        for line in self:
            statement = line.compensation_id
            line.party_id = statement.party_id
            line.partner_id = statement.partner_id
            line.company_id = statement.company_id
            line.currency_id = statement.currency_id
            line.state = statement.state
            line.instrument = statement.instrument

    @api.model_create_multi
    def create(self, vals_list):
        self._check_not_paid_twice(vals_list)
        return super().create(vals_list)

    @api.model
    def _check_not_paid_twice(self, vals_list):
        """Clear message before the database's own guarantee (the constraints)."""
        ids = [
            vals["intervention_id"] for vals in vals_list if vals.get("intervention_id")
        ]
        if not ids:
            return
        if len(ids) != len(set(ids)):
            raise ValidationError(
                self.env._("An intervention appears twice in the statement lines.")
            )
        taken = self.sudo().search_fetch(
            [("intervention_id", "in", ids), ("state", "!=", "cancelled")],
            ["compensation_id", "case_reference"],
            limit=1,
        )
        if taken:
            raise ValidationError(
                self.env._(
                    "An intervention of %(case)s is already in the statement "
                    "%(statement)s: it cannot be paid twice.",
                    case=taken.case_reference,
                    statement=taken.compensation_id.name,
                )
            )

    def write(self, vals):
        if set(vals) - {"state", "name"} and any(
            line.compensation_id.approval_state != "draft" for line in self
        ):
            raise UserError(
                self.env._("The lines of an approved statement cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.compensation_id.approval_state != "draft" for line in self):
            raise UserError(
                self.env._("The lines of an approved statement cannot be deleted.")
            )
