import base64
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CompensationCommon

# The smallest PDF and PNG the type check recognises.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    "AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestCompensationDocuments(CompensationCommon):
    """Under a convenzione each reimbursed cost carries its document."""

    def _document(self, intervention, amount, content=PDF, **vals):
        return (
            self.env["family.compensation.document"]
            .with_user(self.finance)
            .create(
                {
                    "intervention_id": intervention.id,
                    "document_type": "receipt",
                    "document_date": intervention.date_start,
                    "amount": amount,
                    "file": base64.b64encode(content),
                    "file_name": "scontrino.pdf",
                    **vals,
                }
            )
        )

    def test_approval_waits_for_every_document(self):
        rent = self._done(
            self.assoc_b,
            date(2024, 5, 1),
            type_=self.type_rent,
            quantity=1,
            unit_value=420.5,
        )
        parcel = self._done(self.assoc_b, date(2024, 5, 2), quantity=3, unit_value=12)
        statement = self._statement(self.party_b)
        self.assertEqual(statement.undocumented_count, 2)
        with self.assertRaisesRegex(
            UserError,
            r"reimburses documented costs \(convenzione, art\. 56 D\.Lgs\. "
            r"117/2017\): these interventions have no supporting document.*"
            r"Rent.*05/01/2024",
        ):
            statement.action_approve()
        self._document(rent, 420.5)
        # a document that covers less than the amount is not enough
        self._document(parcel, 20.0, content=PNG)
        statement.invalidate_recordset(["undocumented_count"])
        self.assertEqual(statement.undocumented_count, 1)
        with self.assertRaisesRegex(UserError, r"Food.*05/02/2024") as caught:
            statement.action_approve()
        self.assertNotIn("Rent", str(caught.exception))
        self.assertEqual(statement.state, "draft")
        self._document(parcel, 16.0, document_type="invoice")
        statement.action_approve()
        self.assertEqual(statement.state, "approved")
        # the documents go with the bill
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", statement.move_id.id)]
        )
        self.assertEqual(len(attachments), 4)  # the statement and 3 documents
        self.assertIn(PNG, attachments.mapped("raw"))
        self.assertIn(
            "Convenzione (art. 56 D.Lgs. 117/2017)", str(statement.move_id.narration)
        )
        # a paid-for cost keeps its documents
        with self.assertRaisesRegex(UserError, "is in an approved statement"):
            rent_doc = statement.document_ids.filtered(
                lambda d: d.intervention_id == rent
            )
            rent_doc.unlink()

    def test_rate_statements_need_no_document(self):
        self._done(self.assoc_a, date(2024, 3, 1), quantity=2)
        statement = self._statement(self.party_a)
        statement.action_approve()
        self.assertEqual(statement.state, "approved")

    def test_volunteers_expenses_are_documented_costs(self):
        """The volunteers' own expenses come only as documents, on the
        statement of a convenzione; never on a rate's statement."""
        Document = self.env["family.compensation.document"].with_user(self.finance)
        expense = Document.create(
            {
                "partner_id": self.assoc_b.id,
                "expense_type": "volunteer",
                "document_type": "ticket",
                "document_date": date(2024, 6, 3),
                "name": "Biglietti del treno dei volontari",
                "amount": 38.4,
                "file": base64.b64encode(PDF),
            }
        )
        Document.create(
            {
                "partner_id": self.assoc_a.id,
                "expense_type": "volunteer",
                "document_date": date(2024, 6, 3),
                "amount": 10.0,
                "file": base64.b64encode(PDF),
            }
        )
        statement = self._statement(self.party_b)
        self.assertEqual(statement.line_ids.document_id, expense)
        self.assertEqual(statement.amount_total, 38.4)
        statement.action_approve()
        self.assertIn(
            "Volunteers' expenses",
            statement.move_id.invoice_line_ids.mapped("name")[0],
        )
        # once, never twice
        second = self._statement(self.party_b)
        self.assertFalse(second.line_ids)
        rate = self._statement(self.party_a)
        self.assertFalse(rate.line_ids.document_id)
        with self.assertRaisesRegex(
            ValidationError, "Volunteers' expenses are a cost of the association"
        ):
            parcel = self._done(self.assoc_b, date(2024, 5, 2))
            Document.create(
                {
                    "intervention_id": parcel.id,
                    "expense_type": "volunteer",
                    "document_date": date(2024, 6, 3),
                    "amount": 10.0,
                    "file": base64.b64encode(PDF),
                }
            )

    def test_only_pdf_and_images_not_too_large(self):
        parcel = self._done(self.assoc_b, date(2024, 5, 2), quantity=1)
        Document = self.env["family.compensation.document"]
        with self.assertRaisesRegex(
            ValidationError,
            r"The document must be a PDF or an image \(PDF, JPEG, PNG, WEBP\)",
        ):
            self._document(parcel, 5.0, content=b"MZ\x90\x00 an executable")
        with self.assertRaisesRegex(ValidationError, "The file is too large"):
            self._document(parcel, 5.0, content=PDF + b"0" * (10 * 1024 * 1024))
        self.assertFalse(Document.search([("intervention_id", "=", parcel.id)]))
        with self.assertRaisesRegex(ValidationError, "The document must be a PDF"):
            self._document(parcel, 5.0).write(
                {"file": base64.b64encode(b"<html>no</html>")}
            )

    def test_social_worker_reads_but_does_not_write(self):
        parcel = self._done(self.assoc_b, date(2024, 5, 2), quantity=1)
        document = self._document(parcel, 5.0)
        self.assertEqual(document.with_user(self.worker).amount, 5.0)
        with self.assertRaises(AccessError):
            document.with_user(self.worker).amount = 1.0
