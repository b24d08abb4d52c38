from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import FamilyCommon


@tagged("post_install", "-at_install")
class TestFamilyCase(FamilyCommon):
    def test_reference_from_sequence(self):
        case = self.Case.create({"name": "Rossi"})
        self.assertTrue(case.reference.startswith("NF/"))
        other = self.Case.create({"name": "Bianchi"})
        self.assertNotEqual(case.reference, other.reference)
        self.assertEqual(case.display_name, f"{case.reference} - Rossi")

    def test_closed_case_is_read_only(self):
        case = self.Case.create({"name": "Rossi"})
        case.stage_id = self.env.ref("odoo_famiglie_rete.stage_closed")
        self.assertTrue(case.is_closed)
        self.assertTrue(case.date_closed)
        with self.assertRaises(UserError):
            case.name = "Verdi"
        with self.assertRaises(UserError):
            self.env["family.case.member"].create(
                {"case_id": case.id, "partner_id": self.partner_a.id}
            )

    def test_invalid_fiscal_code_refused(self):
        case = self.Case.create({"name": "Rossi"})
        with self.assertRaises(ValidationError):
            self.env["family.case.member"].create(
                {
                    "case_id": case.id,
                    "partner_id": self.partner_a.id,
                    "fiscal_code": "RSSMRA80A01F205Y",
                }
            )

    def test_manager_may_be_social_worker_only(self):
        worker = new_test_user(
            self.env,
            login="sw_case",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        case = self.Case.with_user(worker).create({"name": "Neri"})
        self.assertEqual(case.user_id, worker)
