"""The back office on the first day: what a social worker and the manager
meet on a case, a member, a plan and a protocol."""

from datetime import date

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PlanCommon

VALID_CODE = "RSSMRA80A01F205X"


@tagged("post_install", "-at_install")
class TestDailyUse(PlanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        cls.stage_reported = cls.env.ref("odoo_famiglie_rete.stage_reported")
        cls.stage_assessment = cls.env.ref("odoo_famiglie_rete.stage_assessment")
        cls.stage_in_charge = cls.env.ref("odoo_famiglie_rete.stage_in_charge")
        cls.stage_monitoring = cls.env.ref("odoo_famiglie_rete.stage_monitoring")

    def _arch(self, model, user=None):
        Model = self.env[model].with_user(user or self.worker)
        return etree.fromstring(Model.get_view(view_type="form")["arch"])

    # ------------------------------------------------------------------
    # Unknown values show empty
    # ------------------------------------------------------------------
    def test_unknown_isee_and_age_show_empty(self):
        arch = self._arch("family.case")
        isee = arch.find(".//field[@name='isee_value']")
        self.assertEqual(isee.get("widget"), "family_optional_monetary")
        self.assertIn("isee_expiry", isee.get("options"))
        for path in (
            ".//field[@name='member_ids']/list/field[@name='age']",
            ".//field[@name='member_ids']/list/field[@name='is_minor']",
        ):
            self.assertEqual(arch.find(path).get("invisible"), "not birthdate")
        member_list = etree.fromstring(
            self.env["family.case.member"]
            .with_user(self.worker)
            .get_view(view_type="list")["arch"]
        )
        self.assertEqual(
            member_list.find(".//field[@name='age']").get("invisible"),
            "not birthdate",
        )
        member = self.env["family.case.member"].create(
            {"case_id": self.case_a.id, "partner_id": self.person_a.id}
        )
        self.assertEqual((member.age, member.is_minor), (0, False), "unknown")

    # ------------------------------------------------------------------
    # The codice fiscale is marked as it is typed
    # ------------------------------------------------------------------
    def test_invalid_fiscal_code_marked_while_typing(self):
        Member = self.env["family.case.member"].with_user(self.worker)
        typed = Member.new(
            {"case_id": self.case_a.id, "fiscal_code": "RSSMRA80A01F205Y"}
        )
        self.assertTrue(typed.fiscal_code_invalid)
        self.assertFalse(Member.new({"fiscal_code": VALID_CODE}).fiscal_code_invalid)
        self.assertFalse(Member.new({}).fiscal_code_invalid, "nothing typed yet")
        # in the form and in the case's members, next to the field
        arch = self._arch("family.case.member")
        self.assertEqual(
            arch.find(".//field[@name='fiscal_code']").get("decoration-danger"),
            "fiscal_code_invalid",
        )
        self.assertIsNotNone(arch.find(".//span[@invisible='not fiscal_code_invalid']"))
        case_arch = self._arch("family.case")
        self.assertEqual(
            case_arch.find(
                ".//field[@name='member_ids']/list/field[@name='fiscal_code']"
            ).get("decoration-danger"),
            "fiscal_code_invalid",
        )
        # saving still refuses it
        with self.assertRaisesRegex(ValidationError, "non è valido"):
            Member.with_context(lang="it_IT").create(
                {
                    "case_id": self.case_a.id,
                    "partner_id": self.person_a.id,
                    "fiscal_code": "RSSMRA80A01F205Y",
                }
            )

    # ------------------------------------------------------------------
    # An agreed plan takes the case in charge
    # ------------------------------------------------------------------
    def test_agreed_plan_takes_the_case_in_charge(self):
        self.case_a.stage_id = self.stage_reported
        plan = self._create_plan()
        plan.with_user(self.worker).action_submit()
        self.assertEqual(self.case_a.stage_id, self.stage_reported, "not agreed yet")
        plan.with_user(self.worker).action_approve()
        self.assertEqual(plan.state, "approval", "the association has not approved")
        self.assertEqual(self.case_a.stage_id, self.stage_reported)
        # the association's coordinator approves its goals on the portal
        plan.sudo().action_approve(party=self.assoc_a)
        self.assertEqual(plan.state, "active")
        self.assertEqual(self.case_a.stage_id, self.stage_in_charge)
        note = self.case_a.message_ids.filtered(
            lambda m: "Presa in carico" in (m.body or "")
            or "Taken in Charge" in (m.body or "")
        )
        self.assertEqual(len(note), 1, "the chatter says why")
        self.assertTrue(note.subtype_id.internal, "an internal note")

    def test_agreed_plan_leaves_a_later_stage(self):
        self.case_a.stage_id = self.stage_monitoring
        self._agree(self._create_plan())
        self.assertEqual(self.case_a.stage_id, self.stage_monitoring)
        assessed = self.Case.create(
            {"name": "Bianchi", "stage_id": self.stage_assessment.id}
        )
        self._agree(self._create_plan(case=assessed))
        self.assertEqual(assessed.stage_id, self.stage_in_charge)

    # ------------------------------------------------------------------
    # The chatter reads Italian
    # ------------------------------------------------------------------
    def test_created_messages_in_italian(self):
        env = self.env(context=dict(self.env.context, lang="it_IT"))
        env = env(context=dict(env.context, tracking_disable=False))
        case = env["family.case"].create({"name": "Verdi"})
        protocol = env["family.protocol"].create(
            {
                "name": "Protocollo di prova",
                "date_start": date(2020, 1, 1),
                "date_end": date(2020, 12, 31),
            }
        )
        self.assertIn("Cartella creata", " ".join(case.message_ids.mapped("body")))
        self.assertIn(
            "Protocollo d'intesa creato",
            " ".join(protocol.message_ids.mapped("body")),
        )
        # data loaded without a language in the context (the demo, at install):
        # the user's language, as Odoo's own message does
        self.worker.lang = "it_IT"
        bare = self.env(context={}, user=self.worker)
        self.assertFalse(bare.lang)
        other = bare["family.case"].create({"name": "Neri"})
        self.assertIn("Cartella creata", " ".join(other.message_ids.mapped("body")))

    # ------------------------------------------------------------------
    # An expired protocol stays as it was
    # ------------------------------------------------------------------
    def test_expired_protocol_not_reset_to_draft(self):
        protocol = self.env["family.protocol"].create(
            {
                "name": "Protocollo 2014-2017",
                "date_start": date(2014, 1, 1),
                "date_end": date(2017, 12, 31),
                "party_ids": [(0, 0, {"partner_id": self.assoc_a.id})],
            }
        )
        protocol.action_confirm()
        self.assertEqual(protocol.state, "expired")
        with self.assertRaisesRegex(UserError, "scaduto"):
            protocol.with_user(self.manager).with_context(
                lang="it_IT"
            ).action_reset_draft()
        self.assertTrue(protocol.confirmed)
        button = self._arch("family.protocol", self.manager).find(
            ".//button[@name='action_reset_draft']"
        )
        self.assertIn("state == 'expired'", button.get("invisible"))
