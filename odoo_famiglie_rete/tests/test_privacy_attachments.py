import base64
import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCommon

READ_REFUSED = "doesn't have 'read' access to:"
RESERVED = "The documents of the family cases are reserved to the social service."


@tagged("post_install", "-at_install")
class TestPrivacyAttachments(PortalCommon):
    """A family's documents follow the case's privacy, on every channel.

    Tried over real HTTP from the side of those who must not see: a finance
    clerk, a coordinator whose share does not open the documents, another
    association, a volunteer not assigned, a social worker on someone
    else's restricted case.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Attachment = cls.env["ir.attachment"]
        cls.document_a2 = Attachment.create(
            {
                "name": "documento_gamma.txt",
                "datas": base64.b64encode(b"documento gamma"),
                "res_model": "family.case",
                "res_id": cls.case_a2.id,
            }
        )
        cls.document_restricted = Attachment.create(
            {
                "name": "decreto.txt",
                "datas": base64.b64encode(b"decreto del tribunale"),
                "res_model": "family.case",
                "res_id": cls.case_restricted.id,
            }
        )
        # a file posted in the shared discussion, and one in an internal note
        cls.shared_file = cls._post(cls.case_a, "allegato_condiviso.txt", "mt_comment")
        cls.note_file = cls._post(cls.case_a, "allegato_nota.txt", "mt_note")
        cls.shared_file_a2 = cls._post(cls.case_a2, "allegato_gamma.txt", "mt_comment")
        # the share's signed consent, a binary field
        cls.share_a.consent_document = base64.b64encode(b"consenso firmato")
        cls.consent = Attachment.search(
            [
                ("res_model", "=", "family.case.share"),
                ("res_id", "=", cls.share_a.id),
                ("res_field", "=", "consent_document"),
            ]
        )
        # the Comune shares links (the tokens are what Odoo hands out)
        cls.tokens = {
            att: att.generate_access_token()[0]
            for att in (
                cls.document_a,
                cls.document_a2,
                cls.document_restricted,
                cls.shared_file,
                cls.note_file,
                cls.shared_file_a2,
                cls.consent,
            )
        }

    @classmethod
    def _post(cls, case, name, subtype):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(name.encode()),
                "res_model": "family.case",
                "res_id": case.id,
            }
        )
        case.with_user(cls.worker).message_post(
            body=f"Messaggio con {name}",
            message_type="comment",
            subtype_xmlid=f"mail.{subtype}",
            attachment_ids=attachment.ids,
        )
        return attachment

    # ------------------------------------------------------------------
    def _content(self, attachment, token=False, route="content"):
        url = f"/web/{route}/{attachment.id}"
        if token:
            url += f"?access_token={self.tokens[attachment]}"
        with mute_logger("odoo.http"):
            return self.url_open(url)

    def assertRefused(self, attachment, token=False, route="content"):
        response = self._content(attachment, token=token, route=route)
        if route == "image":
            # /web/image answers a refused image with Odoo's placeholder
            self.assertEqual(response.headers["Content-Type"], "image/png")
        else:
            self.assertIn(response.status_code, (403, 404), response.url)
        self.assertNotIn(attachment.name.encode(), response.content)
        self.assertNotIn(attachment.raw, response.content)

    def assertServed(self, attachment, token=False):
        response = self._content(attachment, token=token)
        self.assertEqual(response.status_code, 200, response.url)
        self.assertEqual(response.content, attachment.raw)

    # ------------------------------------------------------------------
    def test_finance_never_reads_documents(self):
        self._login(self.finance)
        for attachment in self.tokens:
            with self.subTest(attachment=attachment.name):
                self.assertRefused(attachment)
                self.assertRefused(attachment, token=True)
                self.assertRefused(attachment, route="image")
        # the share's consent through its binary field
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/content/family.case.share/{self.share_a.id}/consent_document"
            )
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"consenso firmato", response.content)
        # search_read over JSON-RPC finds none of them (the finance user's
        # own attachments stay)
        own = (
            self.env["ir.attachment"]
            .with_user(self.finance)
            .create({"name": "nota_finanza.txt", "raw": b"mio"})
        )
        rows = self.rpc(
            "ir.attachment",
            "search_read",
            [("name", "like", ".txt")],
            fields=["name", "res_model"],
        )
        self.assertEqual([row["id"] for row in rows], own.ids)
        rows = self.rpc(
            "ir.attachment",
            "search_read",
            [("id", "in", [att.id for att in self.tokens])],
            fields=["name"],
        )
        self.assertEqual(rows, [])
        message = self.assertRpcRefused(
            AccessError,
            "doesn't have 'read' access to",
            "ir.attachment",
            "read",
            self.document_a.ids,
            ["datas"],
        )
        self.assertIn("(ir.attachment)", message)
        # the chatter's data route lists no document of the case
        data = self.make_jsonrpc_request(
            "/mail/thread/data",
            {
                "thread_model": "family.case",
                "thread_id": self.case_a.id,
                "request_list": ["attachments"],
            },
        )
        self.assertTrue(data["mail.thread"][0]["hasReadAccess"])
        self.assertEqual(data["mail.thread"][0]["attachments"], [])
        text = json.dumps(data)
        for attachment in self.tokens:
            self.assertNotIn(attachment.name, text)
        self.assertFalse(self._logs(self.finance, "download"))

    def test_finance_orm(self):
        Attachment = self.env["ir.attachment"].with_user(self.finance)
        self.assertFalse(Attachment.search([("res_model", "=", "family.case")]))
        self.assertFalse(Attachment.search([("id", "=", self.shared_file.id)]))
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, READ_REFUSED):
            self.document_a.with_user(self.finance).read(["name"])
        with self.assertRaisesRegex(AccessError, RESERVED):
            self.document_a.with_user(self.finance).check("read")
        # not even when the document was made public
        self.document_a.public = True
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, READ_REFUSED):
            self.document_a.with_user(self.finance).read(["name"])
        with self.assertRaisesRegex(AccessError, RESERVED):
            self.document_a.with_user(self.finance).check("read")
        self.assertFalse(Attachment.search([("id", "=", self.document_a.id)]))

    def test_restricted_case_documents(self):
        """Only the case manager and the manager, from the record rules."""
        doc = self.document_restricted
        self.env.invalidate_all()
        with self.assertRaisesRegex(AccessError, READ_REFUSED):
            doc.with_user(self.worker_2).read(["name"])
        with self.assertRaisesRegex(AccessError, "'read' access to"):
            doc.with_user(self.worker_2).check("read")
        self.assertTrue(doc.with_user(self.worker).read(["name"]))
        self.assertTrue(doc.with_user(self.manager).read(["name"]))
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.worker_2)
            .search([("res_model", "=", "family.case"), ("res_id", "=", doc.res_id)])
        )
        self._login(self.worker_2)
        self.assertRefused(doc)
        self.assertRefused(doc, token=True)
        self._login(self.worker)
        self.assertServed(doc)

    def test_coordinator_documents_follow_the_share(self):
        self.authenticate("coord_alfa", "coord_alfa")
        # case_a opens the documents: its files and the shared messages' files
        self.assertServed(self.document_a)
        self.assertServed(self.document_a, token=True)
        self.assertServed(self.shared_file, token=True)
        downloads = self._logs(self.coord_a, "download")
        self.assertEqual(len(downloads), 3)
        self.assertEqual(downloads.case_id, self.case_a)
        self.assertEqual(downloads.partner_id, self.assoc_a)
        self.assertEqual(set(downloads.mapped("model")), {"ir.attachment"})
        # never an internal note's file, nor the signed consent
        self.assertRefused(self.note_file)
        self.assertRefused(self.note_file, token=True)
        self.assertRefused(self.consent, token=True)
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/content/family.case.share/{self.share_a.id}/consent_document"
            )
        self.assertIn(response.status_code, (403, 404))
        # case_a2's share does not open the documents
        self.assertRefused(self.document_a2)
        self.assertRefused(self.document_a2, token=True)
        self.assertRefused(self.shared_file_a2, token=True)
        self.assertNotFound(
            self.url_open(
                f"/my/famiglie/{self.case_a2.id}/documenti/{self.document_a2.id}"
            )
        )
        # another association's, and a restricted case's
        self.assertRefused(self.document_b)
        self.assertRefused(self.document_restricted, token=True)
        self.assertEqual(len(self._logs(self.coord_a, "download")), 3)
        # no direct access to ir.attachment
        self.assertRpcRefused(
            AccessError, "(ir.attachment)", "ir.attachment", "search_read", [], ["name"]
        )

    def test_other_association_and_volunteers(self):
        self.authenticate("coord_beta", "coord_beta")
        for attachment in (self.document_a, self.shared_file):
            self.assertRefused(attachment)
            self.assertRefused(attachment, token=True)
        self.assertNotFound(
            self.url_open(
                f"/my/famiglie/{self.case_a.id}/documenti/{self.document_a.id}"
            )
        )
        # a volunteer reads the documents of the families assigned to them
        self.authenticate("vol_alfa", "vol_alfa")
        self.assertServed(self.document_a, token=True)
        self.assertEqual(self._logs(self.vol_a, "download").case_id, self.case_a)
        self.authenticate("vol_alfa2", "vol_alfa2")
        self.assertRefused(self.document_a, token=True)
        self.assertRefused(self.shared_file, token=True)
        # an anonymous visitor with the link
        self.authenticate(None, None)
        self.assertRefused(self.document_a, token=True)

    def test_portal_chatter_hands_out_no_closed_document(self):
        """The portal's chatter lists a message's files (with a token) only
        where the share opens the documents."""
        self.authenticate("coord_alfa", "coord_alfa")

        def fetch(case):
            data = self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {"thread_model": "family.case", "thread_id": case.id, "limit": 30},
            )
            return {
                att["id"]
                for message in data["data"]["mail.message"]
                for att in message.get("attachment_ids", [])
            }

        self.assertEqual(fetch(self.case_a), set(self.shared_file.ids))
        self.assertEqual(fetch(self.case_a2), set())

        def thread_messages(case):
            data = self.make_jsonrpc_request(
                "/mail/thread/messages",
                {"thread_model": "family.case", "thread_id": case.id},
            )["data"]
            listed = {
                att_id
                for message in data.get("mail.message", [])
                for att_id in message.get("attachment_ids", [])
            }
            return listed, {att["name"] for att in data.get("ir.attachment", [])}

        self.assertEqual(
            thread_messages(self.case_a),
            (set(self.shared_file.ids), {self.shared_file.name}),
        )
        self.assertEqual(thread_messages(self.case_a2), (set(), set()))
        # the page's documents: the case's files, not the messages'
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn(self.document_a.name, page)
        self.assertNotIn(self.note_file.name, page)

    def test_portal_document_route_logs_the_download(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self.url_open(
            f"/my/famiglie/{self.case_a.id}/documenti/{self.document_a.id}"
        )
        self.assertEqual(response.status_code, 200)
        entry = self._logs(self.coord_a, "download")
        self.assertEqual(
            (entry.case_id, entry.channel, entry.model, entry.partner_id),
            (self.case_a, "download", "ir.attachment", self.assoc_a),
        )
        # the shared discussion's file is no page document (the chatter has it)
        self.assertNotFound(
            self.url_open(
                f"/my/famiglie/{self.case_a.id}/documenti/{self.shared_file.id}"
            )
        )

    def test_volunteer_assignment_opens_documents(self):
        self.share_a.volunteer_user_ids = [Command.link(self.vol_a2.id)]
        self.authenticate("vol_alfa2", "vol_alfa2")
        self.assertServed(self.document_a)
