import base64
import json

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import AccessCommon, NetworkCommon

REPORT = "odoo_famiglie_rete.report_family_member_data"
EXPORT_REFUSED = "Only social workers and the manager can export a person's data"


@tagged("post_install", "-at_install")
class TestPersonalData(AccessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_a.partner_id.write(
            {"email": "mario.rossi@example.com", "city": "Cernusco sul Naviglio"}
        )
        cls.member_a.write(
            {
                "fiscal_code": "RSSMRA80A01F205X",
                "relation": "reference",
                "gender": "male",
                "notes": "Disoccupato da due anni",
            }
        )
        cls.int_a.write({"member_id": cls.member_a.id, "quantity": 2, "unit_value": 30})
        cls.referral = cls.env["family.referral"].create(
            {
                "case_id": cls.case_a.id,
                "member_id": cls.member_a.id,
                "service_id": cls.service.id,
                "reason": "Ricerca di lavoro",
            }
        )
        # the same person in a second case
        cls.env["family.case.member"].create(
            {"case_id": cls.case_b.id, "partner_id": cls.member_a.partner_id.id}
        )
        cls.case_a.with_user(cls.coord_a).web_read({"reference": {}})
        # the receipt of the intervention's cost (a convenzione)
        cls.env["family.compensation.document"].create(
            {
                "intervention_id": cls.int_a.id,
                "document_type": "receipt",
                "document_number": "R-12",
                "amount": 60.0,
                "file": base64.b64encode(b"%PDF-1.4\n%%EOF\n"),
                "name": "Bolletta luce di Mario",
            }
        )

    def _export(self, members, user):
        action = members.with_user(user).action_export_personal_data()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].endswith("?download=true"))
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertEqual(attachment.mimetype, "application/json")
        return json.loads(base64.b64decode(attachment.datas))

    def test_json_export(self):
        data = self._export(self.member_a, self.worker)
        self.assertEqual(data["generated_by"], self.worker.name)
        self.assertEqual(len(data["persons"]), 1)
        person = data["persons"][0]
        self.assertEqual(person["person"]["name"], "Mario Alfa")
        self.assertEqual(person["person"]["fiscal_code"], "RSSMRA80A01F205X")
        self.assertEqual(person["person"]["email"], "mario.rossi@example.com")
        by_case = {m["case"]["reference"]: m for m in person["memberships"]}
        self.assertEqual(set(by_case), {self.case_a.reference, self.case_b.reference})
        membership = by_case[self.case_a.reference]
        self.assertEqual(membership["notes"], "Disoccupato da due anni")
        self.assertEqual(membership["relation"], "Reference Person")
        self.assertEqual(membership["gender"], "Male")
        # only the interventions where the person is the beneficiary
        self.assertEqual(len(membership["interventions"]), 1)
        self.assertEqual(
            membership["interventions"][0]["provider"], "Associazione Alfa"
        )
        self.assertEqual(membership["interventions"][0]["amount"], 60)
        # with what its supporting documents say (not their files)
        self.assertEqual(
            membership["interventions"][0]["documents"],
            [
                {
                    "type": "Receipt",
                    "number": "R-12",
                    "date": membership["interventions"][0]["documents"][0]["date"],
                    "amount": 60.0,
                    "description": "Bolletta luce di Mario",
                }
            ],
        )
        self.assertEqual(membership["referrals"][0]["reason"], "Ricerca di lavoro")
        self.assertEqual(
            [s["association"] for s in membership["shares"]], ["Associazione Alfa"]
        )
        self.assertIn("Identity and Contacts", membership["shares"][0]["categories"])
        self.assertEqual(
            [(e["user"], e["association"]) for e in membership["access_log"]],
            [(self.coord_a.name, "Associazione Alfa")],
        )
        other = by_case[self.case_b.reference]
        self.assertFalse(other["interventions"])
        self.assertEqual(other["shares"][0]["association"], "Associazione Beta")

    def test_export_follows_the_access_rules(self):
        """A social worker exports only what they may see; the manager all."""
        self.case_b.write({"restricted": True, "user_id": self.worker_2.id})
        person = self._export(self.member_a, self.worker)["persons"][0]
        self.assertEqual(
            [m["case"]["reference"] for m in person["memberships"]],
            [self.case_a.reference],
        )
        person = self._export(self.member_a, self.manager)["persons"][0]
        self.assertEqual(len(person["memberships"]), 2)

    def test_only_social_workers_export(self):
        for user in (self.finance, self.coord_a, self.vol_a):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(AccessError, EXPORT_REFUSED),
            ):
                self.member_a.with_user(user).action_export_personal_data()
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(AccessError, EXPORT_REFUSED),
            ):
                self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                    REPORT, self.member_a.ids
                )
        # the coordinator may read the member, but not export the person
        self.assertTrue(self.member_a.with_user(self.coord_a).read(["name"]))
        with self.assertRaisesRegex(AccessError, EXPORT_REFUSED):
            self.member_a.with_user(self.coord_a).action_print_personal_data()

    def test_report_renders(self):
        action = self.member_a.with_user(self.worker).action_print_personal_data()
        self.assertEqual(action["report_name"], REPORT)
        html, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            ._render_qweb_html(REPORT, self.member_a.ids)
        )
        self.assertEqual(report_type, "html")
        html = html.decode()
        for text in (
            "Mario Alfa",
            "RSSMRA80A01F205X",
            self.case_a.reference,
            self.case_b.reference,
            "Associazione Alfa",
            "Ricerca di lavoro",
            "Centro per l&#39;impiego",
            "Bolletta luce di Mario",
        ):
            self.assertIn(text, html)

    def test_member_views_show_the_buttons_to_social_workers(self):
        for view_type in ("form", "list"):
            arch = (
                self.env["family.case.member"]
                .with_user(self.worker)
                .get_views([(False, view_type)])["views"][view_type]["arch"]
            )
            self.assertIn("action_export_personal_data", arch)
            self.assertIn("action_print_personal_data", arch)

    def test_actions_are_bound_for_social_workers(self):
        server_action = self.env.ref(
            "odoo_famiglie_rete.family_case_member_action_export_personal_data"
        )
        report = self.env.ref(
            "odoo_famiglie_rete.family_case_member_report_personal_data"
        )
        self.assertEqual(server_action.binding_model_id.model, "family.case.member")
        self.assertEqual(report.binding_model_id.model, "family.case.member")
        bindings = (
            self.env["ir.actions.actions"]
            .with_user(self.worker)
            .get_bindings("family.case.member")
        )
        self.assertIn(server_action.id, [a["id"] for a in bindings["action"]])
        self.assertIn(report.id, [a["id"] for a in bindings["report"]])
        bindings = (
            self.env["ir.actions.actions"]
            .with_user(self.coord_a)
            .get_bindings("family.case.member")
        )
        self.assertFalse(bindings.get("action"))
        self.assertFalse(bindings.get("report"))
        action = (
            server_action.with_user(self.worker)
            .with_context(
                active_model="family.case.member",
                active_ids=self.member_a.ids,
                active_id=self.member_a.id,
            )
            .run()
        )
        self.assertEqual(action["type"], "ir.actions.act_url")


@tagged("post_install", "-at_install")
class TestPersonalDataPdf(NetworkCommon, HttpCase):
    """wkhtmltopdf fetches the report's assets from the test server."""

    def test_report_pdf(self):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.member_a.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
