import base64
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CSRF, PortalCommon

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FINANCE = "odoo_famiglie_rete.group_family_finance"


@tagged("post_install", "-at_install")
class TestCompensationDocumentsPortal(PortalCommon):
    """The receipts of a convenzione, uploaded on the portal: read by the
    association that uploaded them, the social service and finance; never by
    another association, and they open no other document of the family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._under_convenzione(cls.party_a)
        cls.int_a.write({"state": "done", "quantity": 1, "unit_value": 12.5})
        cls.finance = new_test_user(
            cls.env, login="fin_docs", password="fin_docs", groups=FINANCE
        )
        cls.receipt = cls.env["family.compensation.document"].create(
            {
                "intervention_id": cls.int_a.id,
                "document_type": "receipt",
                "document_number": "R-7",
                "amount": 12.5,
                "file": base64.b64encode(PDF + b"ricevuta alfa"),
                "file_name": "ricevuta_alfa.pdf",
            }
        )
        cls.receipt_attachment = cls.env["ir.attachment"].search(
            [
                ("res_model", "=", "family.compensation.document"),
                ("res_id", "=", cls.receipt.id),
                ("res_field", "=", "file"),
            ]
        )

    def _url(self, intervention=None, case=None):
        intervention = intervention or self.int_a
        case = case or self.case_a
        return f"/my/famiglie/{case.id}/interventi/{intervention.id}"

    def _upload(self, content, amount="12,50", url=None, filename="scontrino.pdf"):
        page = self.url_open(self._url())
        token = CSRF.search(page.text).group(1)
        return self.url_open(
            (url or self._url()) + "/giustificativi",
            data={
                "csrf_token": token,
                "document_type": "ticket",
                "document_number": "T-1",
                "document_date": "2024-05-02",
                "amount": amount,
            },
            files={"file": (filename, content)},
        )

    def _documents(self, number="T-1"):
        return self.env["family.compensation.document"].search(
            [("document_number", "=", number)]
        )

    def test_coordinator_uploads_and_downloads(self):
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(self._url())
        self.assertIn("Supporting documents", page.text)
        self.assertIn("R-7", page.text)
        response = self._upload(PDF)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The document was saved", response.text)
        document = self._documents()
        self.assertEqual(
            (document.partner_id, document.intervention_id, document.amount),
            (self.assoc_a, self.int_a, 12.5),
        )
        download = self.url_open(
            f"/web/content/family.compensation.document/{document.id}/file"
        )
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, PDF)

    def test_bad_files_are_refused_whole(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._upload(b"MZ\x90\x00 not a document", filename="x.exe")
        self.assertIn("The document must be a PDF or an image", response.text)
        response = self._upload(PDF + b"0" * (10 * 1024 * 1024 + 1))
        self.assertIn("The file is too large", response.text)
        response = self._upload(PDF, amount="0")
        self.assertIn("The amount must be more than zero", response.text)
        self.assertFalse(self._documents())

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_another_association_cannot_see_it(self):
        """Over HTTP, as association B: the receipt of A is not served by
        /web/content (by record or by attachment), RPC finds nothing, and B
        cannot upload against A's intervention."""
        self.authenticate("coord_beta", "coord_beta")
        for url in (
            f"/web/content/family.compensation.document/{self.receipt.id}/file",
            f"/web/content/{self.receipt_attachment.id}",
            f"/web/content/{self.receipt_attachment.id}?download=true",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(b"ricevuta alfa", response.content)
        self.assertEqual(
            self.rpc("family.compensation.document", "search_read", [], ["id"]), []
        )
        self.assertRpcRefused(
            AccessError,
            "",
            "family.compensation.document",
            "read",
            self.receipt.ids,
            ["amount"],
        )
        self.assertRpcRefused(
            AccessError,
            "",
            "family.compensation.document",
            "create",
            {
                "intervention_id": self.int_a.id,
                "amount": 1.0,
                "document_date": "2024-05-02",
                "file": base64.b64encode(PDF).decode(),
            },
        )
        token = CSRF.search(self.url_open(f"/my/famiglie/{self.case_b.id}").text)
        response = self.url_open(
            self._url() + "/giustificativi",
            data={"csrf_token": token.group(1), "amount": "1"},
            files={"file": ("x.pdf", PDF)},
        )
        self.assertEqual(response.status_code, 404)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_unassigned_volunteer_cannot_see_it(self):
        self.authenticate("vol_alfa2", "vol_alfa2")
        response = self.url_open(
            f"/web/content/family.compensation.document/{self.receipt.id}/file"
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"ricevuta alfa", response.content)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_association_cannot_set_what_decides_payment(self):
        """The association sets its document, not whose it is."""
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertRpcRefused(
            AccessError,
            "(partner_id)",
            "family.compensation.document",
            "create",
            {
                "partner_id": self.assoc_b.id,
                "expense_type": "volunteer",
                "amount": 1.0,
                "document_date": "2024-05-02",
                "file": base64.b64encode(PDF).decode(),
            },
        )
        self.assertRpcRefused(
            AccessError,
            "",
            "family.compensation.document",
            "write",
            self.receipt.ids,
            {"amount": 99.0},
        )

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_finance_reads_the_receipt_not_the_family_documents(self):
        """Finance downloads the receipt (an accounting document); the
        family's own documents stay closed to it."""
        self.authenticate("fin_docs", "fin_docs")
        response = self.url_open(
            f"/web/content/family.compensation.document/{self.receipt.id}/file"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"ricevuta alfa", response.content)
        response = self.url_open(f"/web/content/{self.document_a.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"documento condiviso", response.content)
        # the coordinator of B still does not get A's family documents either
        self.authenticate("coord_beta", "coord_beta")
        response = self.url_open(f"/web/content/{self.document_a.id}")
        self.assertNotIn(b"documento condiviso", response.content)

    def test_upload_tour(self):
        self.start_tour(
            self._url(), "odoo_famiglie_rete_portal_document_tour", login="coord_alfa"
        )
        document = self._documents("0042")
        self.assertEqual(len(document), 1)
        self.assertEqual(
            (document.document_type, document.amount, document.file_name),
            ("ticket", 12.5, "scontrino.pdf"),
        )
        self.assertFalse(
            self.env["family.compensation.document"].search(
                [("file_name", "=", "programma.exe")]
            )
        )


@tagged("post_install", "-at_install")
class TestVolunteerExpensesPortal(PortalCommon):
    """/my/spese: under a convenzione the association passes on its
    volunteers' own expenses only as documented costs; the coordinator
    uploads each receipt, nobody else of the network sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._under_convenzione(cls.party_a)

    def _post(self, content, amount="23,40", number="C-77", filename="benzina.pdf"):
        token = CSRF.search(self.url_open("/my/spese").text).group(1)
        return self.url_open(
            "/my/spese",
            data={
                "csrf_token": token,
                "document_type": "receipt",
                "document_number": number,
                "document_date": "2024-05-02",
                "amount": amount,
                "name": "Carburante per la consegna della spesa",
            },
            files={"file": (filename, content)},
        )

    def _expenses(self):
        return self.env["family.compensation.document"].search(
            [("expense_type", "=", "volunteer")]
        )

    def test_coordinator_passes_on_an_expense(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertIn("/my/spese", self.url_open("/my").text)
        response = self._post(PDF)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The document was saved", response.text)
        expense = self._expenses()
        self.assertEqual(
            (expense.partner_id, expense.intervention_id, expense.amount),
            (self.assoc_a, self.env["family.intervention"], 23.4),
        )
        self.assertIn("C-77", self.url_open("/my/spese").text)
        # the next statement of Alfa reimburses it as a documented cost
        statement = self._statement(self.party_a, date_from=date(2024, 5, 1))
        self.assertIn(expense, statement.line_ids.document_id)

    def test_bad_input_saves_nothing(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._post(b"MZ\x90\x00 not a document", filename="x.exe")
        self.assertIn("The document must be a PDF or an image", response.text)
        response = self._post(PDF, amount="dieci")
        self.assertIn("Enter a number.", response.text)
        # what was typed is kept in the form
        self.assertIn("Carburante per la consegna della spesa", response.text)
        response = self._post(PDF, amount="0")
        self.assertIn("The amount must be more than zero", response.text)
        self.assertFalse(self._expenses())

    @mute_logger("odoo.http")
    def test_only_the_coordinator_of_a_convenzione(self):
        """A volunteer, and the coordinator of an association whose terms
        reimburse no documented cost, get no such page (404)."""
        self.party_b.compensation_mode = "none"
        for login in ("vol_alfa", "coord_beta"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(self.url_open("/my/spese").status_code, 404)
                self.assertNotIn("/my/spese", self.url_open("/my").text)
        self.authenticate("vol_alfa", "vol_alfa")
        response = self.url_open(
            "/my/spese",
            data={
                "csrf_token": CSRF.search(
                    self.url_open(f"/my/famiglie/{self.case_a.id}").text
                ).group(1)
            },
            files={"file": ("x.pdf", PDF)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._expenses())

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_another_association_neither_sees_nor_removes_it(self):
        expense = self.env["family.compensation.document"].create(
            {
                "partner_id": self.assoc_a.id,
                "expense_type": "volunteer",
                "amount": 8.0,
                "document_date": date(2024, 5, 2),
                "file": base64.b64encode(PDF + b"scontrino alfa"),
            }
        )
        # Beta is reimbursed its documented costs too: it has the page
        self.authenticate("coord_beta", "coord_beta")
        page = self.url_open("/my/spese")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(
            f"/web/content/family.compensation.document/{expense.id}/", page.text
        )
        response = self.url_open(
            f"/my/spese/{expense.id}/elimina",
            data={"csrf_token": CSRF.search(page.text).group(1)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(expense.exists())

    def test_expense_tour(self):
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_expense_tour", login="coord_alfa"
        )
        self.assertFalse(self._expenses())
