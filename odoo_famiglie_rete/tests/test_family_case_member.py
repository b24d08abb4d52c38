from datetime import timedelta

from dateutil.relativedelta import relativedelta
from stdnum.it import codicefiscale

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import NetworkCommon

# Valid codici fiscali (the check letter computed by python-stdnum).
CF_MARIO = "RSSMRA80A01F205X"
CF_ANNA = "RSSNNA85M41F205" + codicefiscale.calc_check_digit("RSSNNA85M41F205")
CF_LUCA = "RSSLCU10A01F205" + codicefiscale.calc_check_digit("RSSLCU10A01F205")


@tagged("post_install", "-at_install")
class TestFamilyCaseMember(NetworkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Member = cls.env["family.case.member"].with_user(cls.worker)
        cls.partner_c = cls.env["res.partner"].create({"name": "Luca Rossi"})
        cls.case = cls.CaseW.create({"name": "Rossi"})
        cls.other_case = cls.CaseW.create({"name": "Rossi bis"})

    def _member(self, case, partner, code=None, **values):
        return self.Member.create(
            dict(
                {"case_id": case.id, "partner_id": partner.id, "fiscal_code": code},
                **values,
            )
        )

    # ------------------------------------------------------------------
    # Codice fiscale
    # ------------------------------------------------------------------
    def test_fixture_codes_are_valid(self):
        for code in (CF_MARIO, CF_ANNA, CF_LUCA):
            self.assertTrue(codicefiscale.is_valid(code), code)

    def test_invalid_fiscal_code_refused(self):
        invalid = ("RSSMRA80A01F205Y", "RSSMRA80A01", "12345678901", "X" * 16)
        for code in invalid:
            with (
                self.subTest(code=code),
                self.assertRaisesRegex(ValidationError, "not valid"),
            ):
                self._member(self.case, self.person_a, code)

    def test_invalid_fiscal_code_refused_on_write(self):
        member = self._member(self.case, self.person_a, CF_MARIO)
        with self.assertRaisesRegex(ValidationError, "not valid"):
            member.fiscal_code = "RSSMRA80A01F205Y"

    def test_fiscal_code_is_normalised(self):
        member = self._member(self.case, self.person_a, " rssmra80a01f205x ")
        self.assertEqual(member.fiscal_code, CF_MARIO)
        member.fiscal_code = CF_MARIO.lower()
        self.assertEqual(member.fiscal_code, CF_MARIO)

    def test_same_fiscal_code_twice_in_a_case(self):
        self._member(self.case, self.person_a, CF_MARIO)
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            self._member(self.case, self.person_b, CF_MARIO)

    def test_same_fiscal_code_twice_in_one_create(self):
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            self.CaseW.create(
                {
                    "name": "Bianchi",
                    "member_ids": [
                        Command.create(
                            {"partner_id": partner.id, "fiscal_code": CF_MARIO}
                        )
                        for partner in (self.person_a, self.person_b)
                    ],
                }
            )

    def test_same_fiscal_code_allowed_once_archived(self):
        old = self._member(self.case, self.person_a, CF_MARIO)
        old.active = False
        self._member(self.case, self.person_b, CF_MARIO)
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            old.active = True

    def test_same_person_twice_in_a_case(self):
        self._member(self.case, self.person_a)
        with self.assertRaisesRegex(ValidationError, "appears twice"):
            self._member(self.case, self.person_a)

    def test_same_fiscal_code_in_another_case_is_allowed(self):
        self._member(self.case, self.person_a, CF_MARIO)
        member = self._member(self.other_case, self.person_b, CF_MARIO)
        self.assertEqual(member.other_case_ids, self.case)

    # ------------------------------------------------------------------
    # Sex, read from the codice fiscale (day of birth + 40: female)
    # ------------------------------------------------------------------
    def test_gender_from_fiscal_code_on_create(self):
        mario = self._member(self.case, self.person_a, CF_MARIO)
        anna = self._member(self.case, self.person_b, CF_ANNA.lower())
        self.assertEqual((mario.gender, anna.gender), ("male", "female"))
        # a value given is kept; no code, no guess
        luca = self._member(self.other_case, self.partner_c, CF_LUCA, gender="female")
        self.assertEqual(luca.gender, "female")
        self.assertFalse(self._member(self.other_case, self.person_a).gender)

    def test_gender_from_fiscal_code_onchange(self):
        new = self.Member.new({"case_id": self.case.id, "partner_id": self.person_b.id})
        new.fiscal_code = CF_ANNA
        new._onchange_fiscal_code()
        self.assertEqual(new.gender, "female")
        self.assertEqual(str(new.birthdate), "1985-08-01")
        # an invalid code tells nothing
        new = self.Member.new({"case_id": self.case.id, "fiscal_code": "RSSNNA85M41"})
        new._onchange_fiscal_code()
        self.assertFalse(new.gender)

    # ------------------------------------------------------------------
    # Warning at intake: the person is already in another open case
    # ------------------------------------------------------------------
    def test_other_open_case_warning_onchange(self):
        self._member(self.case, self.person_a, CF_MARIO)
        new = self.Member.new(
            {
                "case_id": self.other_case.id,
                "partner_id": self.person_b.id,
                "fiscal_code": CF_MARIO.lower(),
            }
        )
        result = new._onchange_fiscal_code()
        self.assertEqual(new.fiscal_code, CF_MARIO)
        self.assertEqual(new.other_case_ids._origin, self.case)
        self.assertEqual(result["warning"]["title"], "Person already in charge")
        self.assertIn(self.case.display_name, result["warning"]["message"])

    def test_other_open_case_warning_in_the_case_form(self):
        """At intake, in the case form: a warning, and the line shows the case."""
        self._member(self.case, self.person_a, CF_MARIO)
        form = Form(self.CaseW)
        form.name = "Bianchi"
        with (
            self.assertLogs("odoo.tests.form.onchange", level="WARNING") as logs,
            form.member_ids.new() as line,
        ):
            line.partner_id = self.partner_c
            line.fiscal_code = CF_MARIO
            self.assertEqual(line.other_case_ids[:], self.case)
        self.assertIn(self.case.display_name, logs.output[0])
        self.assertIn("already a member of another open case", logs.output[0])
        # A warning, not an error: the case is saved.
        case = form.save()
        self.assertEqual(case.member_ids.fiscal_code, CF_MARIO)
        self.assertEqual(case.member_ids.other_case_ids, self.case)
        action = case.member_ids.action_open_other_case()
        self.assertEqual(action["res_model"], "family.case")
        self.assertEqual(action["res_id"], self.case.id)

    def test_same_person_in_other_case_warning(self):
        """Without a codice fiscale, the same contact is recognised too."""
        self._member(self.case, self.person_a)
        new = self.Member.new(
            {"case_id": self.other_case.id, "partner_id": self.person_a.id}
        )
        result = new._onchange_fiscal_code()
        self.assertIn(self.case.display_name, result["warning"]["message"])

    def test_no_warning_for_own_case(self):
        """Editing a member of a case does not warn about that same case."""
        member = self._member(self.case, self.person_a, CF_MARIO)
        with self.assertNoLogs("odoo.tests.form.onchange", level="WARNING"):
            form = Form(self.case.with_user(self.worker))
            with form.member_ids.edit(0) as line:
                line.fiscal_code = CF_MARIO.lower()
                self.assertFalse(line.other_case_ids[:])
            form.save()
        self.assertFalse(member.other_case_ids)
        new = self.Member.new(origin=member)
        new.fiscal_code = CF_MARIO
        self.assertIsNone(new._onchange_fiscal_code())

    def test_no_warning_for_closed_case(self):
        self._member(self.case, self.person_a, CF_MARIO)
        self.case.action_close_case()
        new = self.Member.new(
            {
                "case_id": self.other_case.id,
                "partner_id": self.person_b.id,
                "fiscal_code": CF_MARIO,
            }
        )
        self.assertIsNone(new._onchange_fiscal_code())
        self.assertFalse(new.other_case_ids)

    def test_open_several_other_cases(self):
        self._member(self.case, self.person_a, CF_MARIO)
        self._member(self.other_case, self.person_a, CF_MARIO)
        third = self.CaseW.create({"name": "Rossi ter"})
        member = self._member(third, self.person_a, CF_MARIO)
        self.assertEqual(member.other_case_ids, self.case | self.other_case)
        action = member.action_open_other_case()
        self.assertEqual(action["domain"], [("id", "in", member.other_case_ids.ids)])

    def test_other_cases_in_a_batch(self):
        m1 = self._member(self.case, self.person_a, CF_MARIO)
        m2 = self._member(self.case, self.person_b, CF_ANNA)
        m3 = self._member(self.other_case, self.partner_c, CF_MARIO)
        members = (m1 | m2 | m3).with_user(self.worker)
        members.invalidate_recordset()
        self.assertEqual(m1.other_case_ids, self.other_case)
        self.assertFalse(m2.other_case_ids)
        self.assertEqual(m3.other_case_ids, self.case)

    # ------------------------------------------------------------------
    # Date of birth, age, minors
    # ------------------------------------------------------------------
    def test_birthdate_not_in_the_future(self):
        with self.assertRaisesRegex(ValidationError, "future"):
            self._member(
                self.case, self.person_a, birthdate=self.today + timedelta(days=1)
            )
        member = self._member(self.case, self.person_a, birthdate=self.today)
        self.assertEqual(member.age, 0)

    def test_birthdate_from_fiscal_code(self):
        new = self.Member.new({"case_id": self.case.id, "partner_id": self.person_a.id})
        new.fiscal_code = CF_MARIO
        new._onchange_fiscal_code()
        self.assertEqual(str(new.birthdate), "1980-01-01")

    def test_age_and_minor(self):
        adult = self._member(
            self.case, self.person_a, birthdate=self.today - relativedelta(years=40)
        )
        just_adult = self._member(
            self.case, self.person_b, birthdate=self.today - relativedelta(years=18)
        )
        minor = self._member(
            self.case,
            self.partner_c,
            birthdate=self.today - relativedelta(years=18) + timedelta(days=1),
        )
        unknown = self._member(self.other_case, self.person_a, birthdate=False)
        self.assertEqual(adult.age, 40)
        self.assertFalse(adult.is_minor)
        self.assertEqual(just_adult.age, 18)
        self.assertFalse(just_adult.is_minor)
        self.assertEqual(minor.age, 17)
        self.assertTrue(minor.is_minor)
        self.assertFalse(unknown.is_minor)

        members = adult | just_adult | minor | unknown
        domain = [("id", "in", members.ids)]
        self.assertEqual(self.Member.search(domain + [("is_minor", "=", True)]), minor)
        self.assertEqual(
            self.Member.search(domain + [("is_minor", "=", False)]),
            adult | just_adult | unknown,
        )
        self.assertEqual(
            self.Member.search(domain + [("is_minor", "!=", True)]),
            adult | just_adult | unknown,
        )
        with self.assertRaisesRegex(UserError, "Operation not supported"):
            self.Member.search([("is_minor", "in", [True])])

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------
    def test_member_views_load(self):
        views = self.Member.get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )["views"]
        self.assertIn("action_open_other_case", views["form"]["arch"])
        form = Form(self.Member)
        form.case_id = self.case
        form.partner_id = self.person_a
        form.fiscal_code = CF_MARIO
        member = form.save()
        self.assertEqual(str(member.birthdate), "1980-01-01")
        self.assertEqual(self.case.member_count, 1)
