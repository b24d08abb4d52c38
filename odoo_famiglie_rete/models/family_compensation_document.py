from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# What a supporting document may be: a scan or a photo of the paper (the
# checks of the file are the family documents' own, in the mixin).
from .family_document_file_mixin import (  # noqa: F401
    DOCUMENT_MAX_BYTES,
    DOCUMENT_MIMETYPES,
)

DOCUMENT_TYPES = [
    ("receipt", "Receipt"),
    ("invoice", "Invoice"),
    ("ticket", "Ticket"),
]
EXPENSE_TYPES = [
    ("intervention", "Cost of an Intervention"),
    ("volunteer", "Volunteers' Expenses"),
]
# What an association sets when it uploads a document (the portal's form).
PORTAL_CREATE_FIELDS = frozenset(
    {
        "intervention_id",
        "expense_type",
        "document_type",
        "document_number",
        "document_date",
        "name",
        "amount",
        "file",
        "file_name",
    }
)


class FamilyCompensationDocument(models.Model):
    """A supporting document of a reimbursed cost (receipt, invoice, ticket).

    Under a convenzione (art. 56 D.Lgs. 117/2017) the Comune reimburses only
    costs actually incurred and documented. The association uploads each
    document against its intervention, or, for its volunteers' own expenses,
    as a cost of its own that the next statement reimburses. The file is a
    binary field of this model: whoever reads the record reads the file (the
    association that gave the cost, the social service, finance), and nobody
    else; it never opens any other document of the family.
    """

    _name = "family.compensation.document"
    _description = "Supporting Document of a Reimbursed Cost"
    # a document of an intervention names its family by the case's reference
    _inherit = [
        "family.access.logged.mixin",
        "family.portal.write.mixin",
        "family.document.file.mixin",
    ]
    _order = "document_date desc, id desc"
    _check_company_auto = True

    _family_portal_create_fields = PORTAL_CREATE_FIELDS

    name = fields.Char(string="Description")
    partner_id = fields.Many2one(
        "res.partner",
        string="Association",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        domain=[("is_family_network_member", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    expense_type = fields.Selection(
        EXPENSE_TYPES,
        string="Cost",
        required=True,
        default="intervention",
        help="The cost of one of the association's interventions, or its "
        "volunteers' own expenses, which it passes on to the Comune.",
    )
    intervention_id = fields.Many2one(
        "family.intervention",
        string="Intervention",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    document_type = fields.Selection(
        DOCUMENT_TYPES, string="Document", required=True, default="receipt"
    )
    document_number = fields.Char(string="Number")
    document_date = fields.Date(
        string="Date", required=True, default=fields.Date.context_today, index=True
    )
    amount = fields.Monetary(currency_field="currency_id", required=True)
    file = fields.Binary(attachment=True, required=True)
    file_name = fields.Char()
    line_ids = fields.One2many(
        "family.compensation.line", "document_id", string="Statement Lines"
    )
    locked = fields.Boolean(
        compute="_compute_locked",
        help="Its cost is in an approved, billed or paid statement.",
    )

    _sql_constraints = [
        ("amount_positive", "CHECK (amount > 0)", "A document's amount is positive."),
    ]

    @api.depends("intervention_id")
    def _compute_partner_id(self):
        """The intervention's provider; without one, an association's own
        user uploads for their association."""
        own = self.env.user.commercial_partner_id
        for doc in self:
            if doc.intervention_id:
                doc.partner_id = doc.intervention_id.sudo().provider_id
            elif not doc.partner_id and own.is_family_network_member:
                doc.partner_id = own

    @api.depends("intervention_id")
    def _compute_company_id(self):
        for doc in self:
            if doc.intervention_id:
                doc.company_id = doc.intervention_id.sudo().company_id
            elif not doc.company_id:
                doc.company_id = self.env.company

    @api.depends("intervention_id.compensated", "line_ids.state")
    def _compute_locked(self):
        for doc in self.sudo():
            doc.locked = doc.intervention_id.compensated or any(
                line.state in ("approved", "billed", "paid") for line in doc.line_ids
            )

    # A document of an intervention names the family's case: reading it is
    # logged for association and finance users, like a statement's line.
    def _family_logged_cases(self):
        return self.sudo().intervention_id.case_id

    @api.model
    def _family_cases_sql(self, query):
        return SQL(
            "SELECT case_id FROM family_intervention WHERE id IN (%s)",
            query.select(SQL.identifier(self._table, "intervention_id")),
        )

    @api.depends("document_type", "document_number", "document_date", "name")
    def _compute_display_name(self):
        types = dict(self._fields["document_type"]._description_selection(self.env))
        for doc in self:
            doc.display_name = " ".join(
                filter(
                    None,
                    [
                        types.get(doc.document_type),
                        doc.document_number,
                        doc.name and f"- {doc.name}",
                    ],
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._family_check_file(vals.get("file"))
        docs = super().create(vals_list)
        docs._family_check_open()
        return docs

    def write(self, vals):
        if "file" in vals:
            self._family_check_file(vals["file"])
        self._family_check_open()
        res = super().write(vals)
        self._family_check_open()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._family_check_open()

    def _family_check_open(self):
        """A cost already paid for keeps its documents as they are (the
        retention job, superuser only, still removes their description)."""
        if self.env.su and self.env.context.get("family_allow_closed"):
            return
        locked = self.filtered("locked")
        if locked:
            raise UserError(
                self.env._(
                    "The document %(document)s is in an approved statement: it "
                    "can no longer change.",
                    document=locked[0].display_name,
                )
            )

    @api.constrains("expense_type", "intervention_id", "partner_id")
    def _check_intervention(self):
        for doc in self.sudo():
            if doc.expense_type == "intervention" and not doc.intervention_id:
                raise ValidationError(
                    self.env._("Choose the intervention whose cost it documents.")
                )
            if doc.expense_type != "intervention" and doc.intervention_id:
                raise ValidationError(
                    self.env._(
                        "Volunteers' expenses are a cost of the association, not "
                        "of an intervention."
                    )
                )
            if (
                doc.intervention_id
                and doc.intervention_id.provider_id != doc.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "A document is given by the association that gave the "
                        "intervention."
                    )
                )
