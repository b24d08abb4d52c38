import base64
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import CompensationCommon, refused_by_acl, refused_fields


@tagged("post_install", "-at_install")
class TestFamilyCompensation(CompensationCommon):
    def test_rate_mode_lines_and_bill(self):
        """One line per done compensable intervention, the bill one per type."""
        parcel_1 = self._done(self.assoc_a, date(2024, 2, 1), quantity=2)
        parcel_2 = self._done(self.assoc_a, date(2024, 3, 1), quantity=1)
        voucher = self._done(self.assoc_a, date(2024, 3, 5), type_=self.type_voucher)
        # it belongs to the period in which it ends
        spanning = self._done(self.assoc_a, date(2023, 12, 20), end=date(2024, 1, 10))
        # left out: planned, not compensable, other association, out of the
        # period, a type without a rate
        self._intervention(self.assoc_a, date(2024, 4, 1))
        self._done(self.assoc_a, date(2024, 4, 2), compensable=False)
        self._done(self.assoc_b, date(2024, 4, 3))
        self._done(self.assoc_a, date(2023, 12, 31))
        self._done(self.assoc_a, date(2024, 4, 4), type_=self.type_rent)

        statement = self._statement(self.party_a)
        self.assertEqual(
            set(statement.line_ids.intervention_id.ids),
            {parcel_1.id, parcel_2.id, voucher.id, spanning.id},
        )
        self.assertEqual(statement.amount_total, 2 * 10 + 10 + 25 + 10)
        self.assertEqual(statement.state, "draft")
        self.assertEqual(parcel_1.compensation_id, statement)
        self.assertFalse(parcel_1.compensated, "a draft statement pays nothing yet")

        statement.action_approve()
        self.assertEqual(statement.state, "approved")
        move = statement.move_id
        self.assertRecordValues(
            move,
            [
                {
                    "move_type": "in_invoice",
                    "partner_id": self.assoc_a.id,
                    "journal_id": self.journal.id,
                    "amount_total": 65.0,
                    "amount_tax": 0.0,
                    "ref": statement.name,
                    "state": "draft",
                }
            ],
        )
        lines = move.invoice_line_ids.sorted("price_subtotal")
        self.assertRecordValues(
            lines,
            [
                {"quantity": 1.0, "price_unit": 25.0, "price_subtotal": 25.0},
                {"quantity": 4.0, "price_unit": 10.0, "price_subtotal": 40.0},
            ],
        )
        self.assertEqual(lines.account_id, self.expense_account)
        # the period in the user's date format, not ISO
        self.assertIn("01/01/2024 - 12/31/2024", lines[0].name)
        for line in lines:
            self.assertEqual(line.analytic_distribution, {str(self.analytic.id): 100})
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", move.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertIn(statement.name.replace("/", "_"), attachment.name)
        self.assertTrue(parcel_1.compensated)

    def test_intervention_in_a_statement_is_not_deleted(self):
        parcel = self._done(self.assoc_b, date(2024, 5, 2), quantity=3, unit_value=12)
        statement = self._statement(self.party_b)
        self.assertIn(parcel, statement.line_ids.intervention_id)
        with self.assertRaisesRegex(
            UserError,
            "is in a compensation statement: cancel it instead of deleting it",
        ):
            parcel.unlink()

    def test_reimbursement_mode(self):
        """The documented costs: the interventions' amounts."""
        rent = self._done(
            self.assoc_b,
            date(2024, 5, 1),
            type_=self.type_rent,
            quantity=1,
            unit_value=420.5,
        )
        parcel = self._done(self.assoc_b, date(2024, 5, 2), quantity=3, unit_value=12)
        # a convenzione: each cost with its receipt
        # (tests/test_compensation_documents.py)
        for intervention in rent | parcel:
            self.env["family.compensation.document"].create(
                {
                    "intervention_id": intervention.id,
                    "amount": intervention.amount,
                    "file": base64.b64encode(b"%PDF-1.4 ricevuta"),
                }
            )
        statement = self._statement(self.party_b)
        self.assertEqual(statement.amount_total, 420.5 + 36)
        self.assertEqual(
            statement.line_ids.filtered(
                lambda line: line.intervention_id == rent
            ).amount,
            420.5,
        )
        statement.action_approve()
        move = statement.move_id
        self.assertEqual(move.amount_total, 456.5)
        self.assertEqual(len(move.invoice_line_ids), 2)
        self.assertTrue(parcel.compensated)

    def test_contribution_mode_instalments(self):
        """The instalments due in the period, each paid once."""
        party = self.party_b
        party.write(
            {
                "instrument": "contributo",
                "compensation_mode": "contribution",
                "annual_contribution": 1000.0,
                "instalments": "12",
            }
        )
        half = self._statement(party, date(2024, 1, 1), date(2024, 6, 30))
        self.assertEqual(len(half.line_ids), 6)
        self.assertEqual(half.amount_total, 6 * 83.33)
        whole = self._statement(party, date(2024, 1, 1), date(2024, 12, 31))
        self.assertEqual(whole.line_ids.mapped("instalment_number"), list(range(7, 13)))
        self.assertAlmostEqual(half.amount_total + whole.amount_total, 1000.0)
        whole.action_approve()
        self.assertEqual(len(whole.move_id.invoice_line_ids), 6)
        self.assertAlmostEqual(whole.move_id.amount_total, 1000.0 - 6 * 83.33)
        # the same instalment cannot be put twice by hand either
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["family.compensation.line"].create(
                    {
                        "compensation_id": half.id,
                        "name": "again",
                        "instalment_year": 2024,
                        "instalment_number": 12,
                    }
                )

    def test_intervention_never_in_two_statements(self):
        intervention = self._done(self.assoc_a, date(2024, 2, 1))
        first = self._statement(self.party_a)
        second = self._statement(self.party_a)
        self.assertEqual(first.line_ids.intervention_id, intervention)
        self.assertFalse(second.line_ids, "already in a statement")
        with self.assertRaisesRegex(ValidationError, "cannot be paid twice"):
            self.env["family.compensation.line"].create(
                {
                    "compensation_id": second.id,
                    "intervention_id": intervention.id,
                    "name": "twice",
                }
            )

    def test_database_refuses_a_second_line(self):
        """The exclusion constraint holds even when the Python check is skipped."""
        intervention = self._done(self.assoc_a, date(2024, 2, 1))
        first = self._statement(self.party_a)
        second = self._statement(self.party_a)
        self.assertTrue(first.line_ids)
        self.env.flush_all()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO family_compensation_line "
                        "(compensation_id, intervention_id, name, state) "
                        "VALUES (%s, %s, %s, %s)",
                        second.id,
                        intervention.id,
                        "twice",
                        "draft",
                    )
                )
        # once the first statement is cancelled the intervention is free again
        first.action_cancel()
        self.assertEqual(first.state, "cancelled")
        self.assertFalse(intervention.compensation_id)
        second.action_compute_lines()
        self.assertEqual(second.line_ids.intervention_id, intervention)

    def test_only_inside_the_protocol_validity(self):
        """Interventions before or after the protocol's validity are left out."""
        with freeze_time("2022-06-15"):
            protocol = self.env["family.protocol"].create(
                {
                    "name": "Protocollo 2022",
                    "date_start": date(2022, 3, 1),
                    "date_end": date(2022, 9, 30),
                    "party_ids": [
                        Command.create(
                            {
                                "partner_id": self.assoc_a.id,
                                "compensation_mode": "reimbursement",
                                "journal_id": self.journal.id,
                                "expense_account_id": self.expense_account.id,
                            }
                        )
                    ],
                }
            )
            protocol.action_confirm()
            self.assertEqual(protocol.state, "active")
            before = self._done(self.assoc_a, date(2022, 2, 20))
            inside = self._done(self.assoc_a, date(2022, 4, 1), end=date(2022, 4, 30))
            ends_after = self._done(
                self.assoc_a, date(2022, 9, 20), end=date(2022, 10, 5)
            )
            after = self._done(self.assoc_a, date(2022, 10, 10))
            statement = self._statement(
                protocol.party_ids, date(2022, 1, 1), date(2022, 12, 31)
            )
            self.assertEqual(statement.line_ids.intervention_id, inside)
            for left_out in before | ends_after | after:
                self.assertFalse(left_out.compensation_id)
        with freeze_time("2022-10-15"):
            protocol._cron_update_state()
            self.assertEqual(protocol.state, "expired")
            with self.assertRaisesRegex(UserError, "not active"):
                statement.action_approve()
            with self.assertRaisesRegex(UserError, "not active"):
                statement.action_compute_lines()

    def test_draft_protocol_cannot_be_billed(self):
        self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        self.protocol.action_reset_draft()
        with self.assertRaisesRegex(UserError, "not active"):
            statement.action_approve()

    def test_over_budget_needs_the_manager(self):
        self.party_a.budget = 50.0
        self._done(self.assoc_a, date(2024, 2, 1), quantity=6)  # 60
        statement = self._statement(self.party_a)
        self.assertTrue(statement.over_budget)
        statement.action_approve()
        self.assertEqual(statement.state, "to_approve")
        self.assertFalse(statement.move_id)
        # the manager is asked, with a to-do
        self.assertIn(self.manager, statement.activity_ids.user_id)
        self.assertNotIn(self.finance, statement.activity_ids.user_id)
        with self.assertRaisesRegex(
            AccessError,
            "over the association's yearly budget: only the social service manager",
        ):
            statement.action_approve()
        statement.with_user(self.manager).action_approve()
        self.assertEqual(statement.state, "approved")
        self.assertFalse(statement.activity_ids, "answered: no to-do left")
        self.assertEqual(statement.move_id.amount_total, 60.0)
        # the budget's use shows on the protocol's member
        party = self.party_a.with_context(family_budget_year=2024)
        self.assertEqual(party.amount_committed, 60.0)
        self.assertEqual(party.budget_use, 120.0)

    def test_within_budget_across_statements(self):
        """The budget is yearly: earlier statements of the year count."""
        self.party_a.budget = 100.0
        self._done(self.assoc_a, date(2024, 2, 1), quantity=6)  # 60
        first = self._statement(self.party_a, date(2024, 1, 1), date(2024, 3, 31))
        first.action_approve()
        self.assertEqual(first.state, "approved")
        self._done(self.assoc_a, date(2024, 5, 1), quantity=5)  # 50
        second = self._statement(self.party_a, date(2024, 4, 1), date(2024, 6, 30))
        self.assertEqual(second.budget_committed, 110.0)
        second.action_approve()
        self.assertEqual(second.state, "to_approve")

    def test_payment_state_follows_the_bill(self):
        self._done(self.assoc_a, date(2024, 2, 1), quantity=2)
        statement = self._statement(self.party_a)
        statement.action_approve()
        move = statement.move_id.with_user(self.finance)
        move.action_post()
        self.assertEqual(statement.state, "billed")
        self.assertEqual(statement.payment_state, "not_paid")
        self.env["account.payment.register"].with_user(self.finance).with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": date(2025, 1, 15)})._create_payments()
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(statement.payment_state, move.payment_state)
        self.assertEqual(statement.state, "paid")
        with self.assertRaisesRegex(UserError, "credit note"):
            statement.action_cancel()

    def test_cancelling_the_bill_frees_the_interventions(self):
        intervention = self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        statement.action_approve()
        move = statement.move_id.with_user(self.finance)
        move.action_post()
        self.assertTrue(intervention.compensated)
        move.button_draft()
        self.assertEqual(statement.state, "approved")
        move.button_cancel()
        self.assertEqual(statement.state, "cancelled")
        self.assertFalse(intervention.compensated)
        self.assertFalse(intervention.compensation_id)
        self.assertEqual(statement.line_ids.state, "cancelled")
        # the bill of a cancelled statement stays cancelled
        with self.assertRaisesRegex(UserError, "new statement"):
            move.button_draft()
        again = self._statement(self.party_a)
        self.assertEqual(again.line_ids.intervention_id, intervention)

    def test_compensated_intervention_is_frozen(self):
        intervention = self._done(self.assoc_a, date(2024, 2, 1), quantity=2)
        statement = self._statement(self.party_a)
        intervention.with_user(self.worker).quantity = 3  # still a draft
        with self.assertRaisesRegex(UserError, "compute the lines again"):
            statement.action_approve()
        statement.action_compute_lines()
        statement.action_approve()
        worker_view = intervention.with_user(self.worker)
        for vals in (
            {"amount": 1.0},
            {"quantity": 9.0},
            {"unit_value": 1.0},
            {"type_id": self.type_voucher.id},
            {"provider_id": self.assoc_b.id},
            {"date_start": date(2024, 2, 2)},
            {"state": "cancelled"},
        ):
            with self.assertRaisesRegex(UserError, "compensated"):
                worker_view.write(vals)
        # the message names it by type and date in the user's format
        with self.assertRaisesRegex(UserError, "02/01/2024"):
            worker_view.write({"quantity": 9.0})
        worker_view.write({"quantity": 3.0, "notes": "Consegnato"})
        with self.assertRaisesRegex(UserError, "compensation statement"):
            intervention.unlink()

    def test_finance_whole_path_without_personal_data(self):
        """From the interventions to a paid bill, never reading a name."""
        self._done(self.assoc_a, date(2024, 2, 1), quantity=2)
        statement = self._statement(self.party_a, user=self.finance)
        self.assertEqual(statement.line_ids.case_reference, self.case_a.reference)
        self.assertEqual(
            statement.line_ids.intervention_id.case_id.with_user(
                self.finance
            ).display_name,
            self.case_a.reference,
        )
        with self.assertRaisesRegex(
            AccessError, refused_fields("family.intervention", "name")
        ):
            statement.line_ids.intervention_id.with_user(self.finance).read(["name"])
        html = (
            self.env["ir.actions.report"]
            .with_user(self.finance)
            ._render_qweb_html(
                "odoo_famiglie_rete.action_report_family_compensation", statement.ids
            )[0]
        )
        self.assertIn(self.case_a.reference, html.decode())
        self.assertNotIn(self.case_a.name, html.decode())
        self.assertNotIn(self.member_a.name, html.decode())
        statement.with_user(self.finance).action_approve()
        move = statement.move_id.with_user(self.finance)
        move.action_post()
        self.env["account.payment.register"].with_user(self.finance).with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self.assertEqual(statement.state, "paid")

    def test_social_worker_has_no_statements(self):
        self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("read", "family.compensation")
        ):
            statement.with_user(self.worker).read(["name"])
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("create", "family.compensation")
        ):
            self.env["family.compensation"].with_user(self.worker).create(
                {
                    "party_id": self.party_a.id,
                    "date_from": date(2024, 1, 1),
                    "date_to": date(2024, 1, 31),
                }
            )

    def test_changing_the_period_drops_the_lines(self):
        intervention = self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        self.assertTrue(statement.line_ids)
        statement.date_from = date(2024, 3, 1)
        self.assertFalse(statement.line_ids)
        self.assertFalse(intervention.compensation_id)

    def test_statement_period_in_one_year(self):
        with self.assertRaisesRegex(ValidationError, "one calendar year"):
            self._statement(self.party_a, date(2023, 12, 1), date(2024, 1, 31))
