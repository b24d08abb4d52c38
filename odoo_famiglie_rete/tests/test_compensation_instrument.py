from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CompensationCommon


@tagged("post_install", "-at_install")
class TestCompensationInstrument(CompensationCommon):
    """The legal instrument on the terms decides what may be paid."""

    def test_mode_implies_instrument(self):
        """Terms that name no instrument get the one their mode implies."""
        self.assertEqual(self.party_a.instrument, "contract")
        self.assertEqual(self.party_b.instrument, "convenzione")

    def test_convenzione_refuses_a_rate(self):
        """An association under a convenzione: a rate per intervention is refused."""
        party = self.party_a.with_user(self.manager)
        with self.assertRaisesRegex(
            ValidationError,
            r"Associazione Alfa: under a convenzione \(art\. 56 D\.Lgs\. 117/2017\) "
            r"the "
            r"Comune reimburses only the costs actually incurred and documented",
        ):
            party.write({"instrument": "convenzione"})
        party.write(
            {
                "instrument": "convenzione",
                "compensation_mode": "reimbursement",
                "instrument_reference": "Delibera G.C. n. 187",
                "instrument_date": date(2024, 1, 15),
            }
        )
        with self.assertRaisesRegex(ValidationError, "under a convenzione"):
            party.write(
                {"compensation_mode": "contribution", "annual_contribution": 100.0}
            )

    def test_contributo_and_contract(self):
        party = self.party_b.with_user(self.manager)
        with self.assertRaisesRegex(
            ValidationError, r"a contributo \(art\. 12 L\. 241/1990\)"
        ):
            party.instrument = "contributo"
        with self.assertRaisesRegex(
            ValidationError, "a service contract pays the agreed price per service"
        ):
            party.instrument = "contract"
        party.write(
            {
                "instrument": "contributo",
                "compensation_mode": "contribution",
                "annual_contribution": 1200.0,
            }
        )
        self.assertEqual(party.compensation_mode, "contribution")

    def test_cig_is_validated(self):
        party = self.party_a.with_user(self.manager)
        for wrong in ("123", "ABCDEFGHIJK", "ab-12345/6"):
            with self.subTest(cig=wrong):
                with self.assertRaisesRegex(
                    ValidationError, "is not valid: it is made of 10 capital letters"
                ):
                    party.cig = wrong
        party.cig = " b1234abcd5 "
        self.assertEqual(party.cig, "B1234ABCD5")

    def test_links_are_web_addresses(self):
        with self.assertRaisesRegex(ValidationError, "is not a web address"):
            self.party_a.with_user(self.manager).act_url = "javascript:alert(1)"

    def test_form_offers_the_instrument_mode(self):
        """Choosing the instrument in the form sets the one mode it allows."""
        with Form(self.party_a.with_user(self.manager)) as form:
            form.instrument = "convenzione"
            self.assertEqual(form.compensation_mode, "reimbursement")
            form.instrument_reference = "Delibera G.C. n. 187"
            form.instrument_date = date(2024, 1, 15)
        self.assertEqual(self.party_a.compensation_mode, "reimbursement")

    def test_statement_and_bill_carry_the_instrument(self):
        self.party_a.with_user(self.manager).write(
            {
                "instrument_reference": "Determinazione n. 512",
                "instrument_date": date(2023, 12, 20),
                "cig": "B1234ABCD5",
            }
        )
        self._done(self.assoc_a, date(2024, 3, 1), quantity=2)
        statement = self._statement(self.party_a)
        self.assertEqual(statement.instrument, "contract")
        self.assertIn("Determinazione n. 512", statement.instrument_label)
        self.assertEqual(statement.line_ids.instrument, "contract")
        statement.action_approve()
        narration = str(statement.move_id.narration)
        self.assertIn("Service Contract (D.Lgs. 36/2023)", narration)
        self.assertIn("Determinazione n. 512", narration)
        self.assertIn("CIG B1234ABCD5", narration)

    def test_yearly_totals_per_instrument(self):
        """The compensation analysis groups the statements by instrument."""
        self._done(self.assoc_a, date(2024, 3, 1), quantity=2)
        self._statement(self.party_a).action_approve()
        groups = (
            self.env["family.compensation"]
            .with_user(self.finance)
            .read_group(
                [("state", "!=", "cancelled")],
                ["amount_total:sum"],
                ["partner_id", "instrument", "date_from:year"],
                lazy=False,
            )
        )
        row = next(g for g in groups if g["partner_id"][0] == self.assoc_a.id)
        self.assertEqual(row["instrument"], "contract")
        self.assertEqual(row["amount_total"], 20.0)
        self.assertEqual(row["date_from:year"], "2024")

    def test_draft_statement_needs_active_terms(self):
        """Unchanged: the protocol check comes before the documents."""
        self._done(self.assoc_b, date(2024, 3, 1), quantity=1, unit_value=50)
        statement = self._statement(self.party_b)
        self.protocol.action_reset_draft()
        with self.assertRaisesRegex(UserError, "not active"):
            statement.action_approve()
