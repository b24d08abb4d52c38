"""Documents travel both ways: an association uploads a family's documents
on the portal, and the intervention types it is offered are its own."""

import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import family_document_file_mixin
from .common import PortalCommon, new_share

PDF = b"%PDF-1.4 ricevuta affitto"


@tagged("post_install", "-at_install")
class TestPortalDocumentUpload(PortalCommon):
    def _url(self, case=None):
        return f"/my/famiglie/{(case or self.case_a).id}"

    def _upload(self, content, name="ricevuta.pdf", case=None, description=""):
        url = self._url(case)
        # the CSRF token of a page the user may read (the case may not be)
        csrf = self._csrf("/my/account")
        return self.url_open(
            f"{url}/documenti",
            data={"csrf_token": csrf, "description": description},
            files={"file": (name, content, "application/pdf")},
        )

    def _documents(self, case=None):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "family.case"),
                ("res_id", "=", (case or self.case_a).id),
                ("name", "like", "ricevuta"),
            ]
        )

    def test_upload_reaches_the_comune_and_the_shared_associations(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._upload(PDF, description="Ricevuta affitto di marzo")
        self.assertEqual(response.status_code, 200)
        document = self._documents()
        self.assertEqual(len(document), 1)
        self.assertEqual(document.create_uid, self.coord_a)
        self.assertEqual(document.description, "Ricevuta affitto di marzo")
        self.assertIn("ricevuta.pdf", self.url_open(self._url()).text)
        # the social worker reads it in the case
        self.assertTrue(
            self.env["ir.attachment"]
            .with_user(self.worker)
            .search([("id", "=", document.id)])
        )
        # another association: only where its share opens the documents
        share = new_share(self.env, self.case_a, self.assoc_b)
        self.authenticate("coord_beta", "coord_beta")
        page = self.url_open(self._url())
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("ricevuta.pdf", page.text)
        self.assertNotFound(
            self.url_open(f"{self._url()}/documenti/{document.id}"), "ricevuta"
        )
        share.share_documents = True
        self.assertIn("ricevuta.pdf", self.url_open(self._url()).text)
        download = self.url_open(f"{self._url()}/documenti/{document.id}")
        self.assertEqual(download.content, PDF)

    def test_upload_refused_where_the_share_does_not_open_documents(self):
        self.authenticate("coord_alfa", "coord_alfa")
        # case_a2's share opens no document; case_b is not shared with A
        for case in (self.case_a2, self.case_b):
            self.assertNotFound(self._upload(PDF, case=case), "Famiglia")
            self.assertFalse(self._documents(case))

    def test_volunteer_uploads_only_to_assigned_families(self):
        self.share_a2.share_documents = True
        self.authenticate("vol_alfa", "vol_alfa")
        self.assertNotFound(self._upload(PDF, case=self.case_a2))
        self.assertFalse(self._documents(self.case_a2))
        self.assertEqual(self._upload(PDF).status_code, 200)
        self.assertTrue(self._documents())

    def test_file_type_and_size_are_checked(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._upload(b"appunti della visita", name="ricevuta.txt")
        self.assertIn("The document must be a PDF or an image", response.text)
        response = self._upload(b"", name="ricevuta.pdf")
        self.assertIn("The file is empty.", response.text)
        with patch.object(family_document_file_mixin, "DOCUMENT_MAX_BYTES", 10):
            response = self._upload(PDF)
        self.assertIn("The file is too large", response.text)
        # nothing half-saved
        self.assertFalse(self._documents())

    def test_message_with_a_file(self):
        url = self._url()
        self.authenticate("vol_alfa", "vol_alfa")
        csrf = self._csrf("/my/account")
        # a text file is refused, and the message is not sent
        response = self.url_open(
            f"{url}/messaggi",
            data={"csrf_token": csrf, "message": "Bolla di consegna"},
            files={"file": ("bolla.txt", b"appunti", "text/plain")},
        )
        self.assertIn("The document must be a PDF or an image", response.text)
        Message = self.env["mail.message"]
        self.assertFalse(Message.search([("body", "ilike", "Bolla di consegna")]))
        self.url_open(
            f"{url}/messaggi",
            data={"csrf_token": csrf, "message": "Bolla di consegna"},
            files={"file": ("bolla.pdf", PDF, "application/pdf")},
        )
        message = Message.search([("body", "ilike", "Bolla di consegna")])
        self.assertEqual(message.attachment_ids.name, "bolla.pdf")
        file_url = f"{url}/messaggi/allegati/{message.attachment_ids.id}"
        self.assertIn(file_url, self.url_open(url).text)
        self.assertEqual(self.url_open(file_url).content, PDF)
        # another association reads the message, the file only where its
        # share opens the documents
        share = new_share(self.env, self.case_a, self.assoc_b)
        self.authenticate("coord_beta", "coord_beta")
        page = self.url_open(url).text
        self.assertIn("Bolla di consegna", page)
        self.assertNotIn(file_url, page)
        self.assertNotFound(self.url_open(file_url), "bolla")
        share.share_documents = True
        self.assertIn(file_url, self.url_open(url).text)
        self.assertEqual(self.url_open(file_url).content, PDF)

    def test_files_of_own_interventions(self):
        url = f"/my/famiglie/{self.case_a.id}/interventi/{self.int_a.id}"
        Attachment = self.env["ir.attachment"]
        domain = [
            ("res_model", "=", "family.intervention"),
            ("res_id", "=", self.int_a.id),
        ]
        self.authenticate("coord_alfa", "coord_alfa")
        csrf = self._csrf("/my/account")
        response = self.url_open(
            f"{url}/allegati",
            data={"csrf_token": csrf, "description": "Bolla firmata"},
            files={"file": ("bolla.pdf", PDF, "application/pdf")},
        )
        self.assertEqual(response.status_code, 200)
        file = Attachment.search(domain)
        self.assertEqual((file.name, file.description), ("bolla.pdf", "Bolla firmata"))
        file_url = f"{url}/allegati/{file.id}"
        self.assertIn(file_url, self.url_open(url).text)
        self.assertEqual(self.url_open(file_url).content, PDF)
        # the social worker reads it with the intervention
        self.assertTrue(
            Attachment.with_user(self.worker).search([("id", "=", file.id)])
        )
        # a text file is refused, nothing saved
        response = self.url_open(
            f"{url}/allegati",
            data={"csrf_token": csrf},
            files={"file": ("nota.txt", b"testo", "text/plain")},
        )
        self.assertIn("The document must be a PDF or an image", response.text)
        self.assertEqual(Attachment.search(domain), file)
        # where the share does not open the documents: no file
        int_a2 = self._intervention(self.assoc_a, self.today, case=self.case_a2)
        self.assertNotFound(
            self.url_open(
                f"/my/famiglie/{self.case_a2.id}/interventi/{int_a2.id}/allegati",
                data={"csrf_token": csrf},
                files={"file": ("bolla.pdf", PDF, "application/pdf")},
            )
        )
        # another association, even with the documents shared: never the
        # files of another party's intervention
        new_share(self.env, self.case_a, self.assoc_b, share_documents=True)
        self.authenticate("coord_beta", "coord_beta")
        self.assertNotFound(self.url_open(file_url), "bolla")
        self.assertNotEqual(self.url_open(f"/web/content/{file.id}").content, PDF)

    def test_upload_tour(self):
        self.start_tour(
            self._url(),
            "odoo_famiglie_rete_portal_document_upload_tour",
            login="coord_alfa",
        )
        document = self._documents().filtered(
            lambda d: d.name == "ricevuta_affitto.pdf"
        )
        self.assertEqual(document.raw, b"%PDF-1.4 ricevuta")
        self.assertFalse(
            self.env["ir.attachment"].search([("name", "=", "appunti.txt")])
        )


@tagged("post_install", "-at_install")
class TestPortalInterventionTypes(PortalCommon):
    """The portal offers an association the types it provides (its catalogue,
    set by the manager), and the data layer refuses any other."""

    def test_portal_offers_only_the_association_types(self):
        self.assoc_a.family_intervention_type_ids = [
            Command.set((self.type_parcel | self.type_rent).ids)
        ]
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}/interventi/nuovo").text
        select = re.search(r'<select[^>]*name="type_id".*?</select>', page, re.S)
        offered = {int(value) for value in re.findall(r'value="(\d+)"', select.group())}
        self.assertEqual(offered, set((self.type_parcel | self.type_rent).ids))

    def test_data_layer_refuses_another_type(self):
        other = self.env["family.intervention.type"].search(
            [("id", "not in", self.type_parcel.ids)], limit=1
        )
        self.assoc_a.family_intervention_type_ids = [Command.set(self.type_parcel.ids)]
        with self.assertRaisesRegex(ValidationError, "does not provide"):
            self._intervention(self.assoc_a, self.today, type_=other)
        # an association without a catalogue gives any type
        self._intervention(self.assoc_b, self.today, type_=other, case=self.case_b)
