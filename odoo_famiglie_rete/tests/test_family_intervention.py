from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NetworkCommon, refused_by_acl


@tagged("post_install", "-at_install")
class TestFamilyIntervention(NetworkCommon):
    # ------------------------------------------------------------------
    # Amounts and dates
    # ------------------------------------------------------------------
    def test_amount_is_quantity_times_unit_value(self):
        rec = self._intervention(self.assoc_a, date(2024, 1, 1), quantity=3)
        # The type proposes its unit value (25 for a food parcel).
        self.assertEqual(rec.unit_value, 25)
        self.assertEqual(rec.amount, 75)
        self.assertEqual(rec.unit, self.type_parcel.unit)
        self.assertEqual(rec.category, "food_goods")
        rec.quantity = 4
        self.assertEqual(rec.amount, 100)
        rec.unit_value = 10
        self.assertEqual(rec.amount, 40)

    def test_amount_is_editable(self):
        rec = self._intervention(
            self.assoc_a, date(2024, 1, 1), quantity=2, unit_value=30, amount=45
        )
        self.assertEqual(rec.unit_value, 30)
        self.assertEqual(rec.amount, 45, "An explicit amount wins over the product.")
        rec.amount = 50
        self.assertEqual(rec.amount, 50)
        self.assertEqual(rec.quantity, 2)

    def test_form_proposes_type_values(self):
        with Form(self.env["family.intervention"].with_user(self.worker)) as form:
            form.case_id = self.case_a
            form.provider_id = self.assoc_a
            form.type_id = self.type_voucher
            self.assertEqual(form.unit_value, 50)
            form.quantity = 2
            self.assertEqual(form.amount, 100)
            form.type_id = self.type_parcel
            self.assertEqual(form.unit_value, 25)
            self.assertEqual(form.amount, 50)
        self.assertEqual(form.record.amount, 50)

    def test_negative_values_refused(self):
        for vals in ({"quantity": -1}, {"unit_value": -5}, {"amount": -10}):
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(
                    ValidationError,
                    "Quantities, unit values and amounts cannot be negative",
                ),
            ):
                self._intervention(self.assoc_a, date(2024, 1, 1), **vals)
        rec = self._intervention(self.assoc_a, date(2024, 1, 1))
        with self.assertRaisesRegex(
            ValidationError, "Quantities, unit values and amounts cannot be negative"
        ):
            rec.quantity = -2

    def test_end_before_start_refused(self):
        with self.assertRaisesRegex(
            ValidationError, "The end date cannot be before the start date"
        ):
            self._intervention(self.assoc_a, date(2024, 3, 1), date(2024, 2, 1))
        rec = self._intervention(self.assoc_a, date(2024, 3, 1), date(2024, 3, 1))
        with self.assertRaisesRegex(
            ValidationError, "The end date cannot be before the start date"
        ):
            rec.date_end = date(2024, 2, 28)

    def test_beneficiary_of_the_same_family(self):
        other_case = self.Case.create({"name": "Bianchi", "user_id": self.worker.id})
        stranger = self.env["family.case.member"].create(
            {"case_id": other_case.id, "partner_id": self.person_b.id}
        )
        rec = self._intervention(
            self.assoc_a, date(2024, 1, 1), member_id=self.member_a.id
        )
        self.assertEqual(rec.member_id, self.member_a)
        with self.assertRaisesRegex(
            ValidationError, "The beneficiary must be a member of the same family"
        ):
            rec.member_id = stranger

    def test_states(self):
        rec = self._intervention(self.assoc_a, date(2024, 1, 1))
        self.assertEqual(rec.state, "planned")
        rec.action_start()
        self.assertEqual(rec.state, "active")
        rec.action_done()
        self.assertEqual(rec.state, "done")
        rec.action_reset_planned()
        self.assertEqual(rec.state, "planned")
        rec.action_cancel()
        self.assertEqual(rec.state, "cancelled")

    # ------------------------------------------------------------------
    # Overlap alert
    # ------------------------------------------------------------------
    def test_overlap_flags_both_interventions(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        self.assertFalse(first.has_overlap)
        self.assertFalse(self.case_a.has_overlap)
        # Another party, another type of the same category, an active state.
        second = self._intervention(
            self.assoc_b,
            date(2024, 3, 1),
            date(2024, 4, 30),
            type_=self.type_voucher,
            state="active",
        )
        self.assertTrue(second.has_overlap, "It never blocks: it warns.")
        self.assertTrue(first.has_overlap, "The earlier one is flagged too.")
        self.assertIn(self.assoc_a.name, second.overlap_warning)
        self.assertIn(self.assoc_b.name, first.overlap_warning)
        self.assertIn("Food and Goods", first.overlap_warning)
        # Regression: the warning speaks the reader's language, whoever
        # triggered the check.
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"]
        )
        italian = first.with_context(lang="it_IT")
        self.assertIn("Alimenti e beni", italian.overlap_warning)
        self.assertIn(
            "Food and Goods", first.with_context(lang="en_US").overlap_warning
        )
        self.case_a.invalidate_recordset(["has_overlap"])
        self.assertTrue(self.case_a.has_overlap)
        overlapping = self.env["family.intervention"].search(
            [("case_id", "=", self.case_a.id), ("has_overlap", "=", True)]
        )
        self.assertEqual(overlapping, first | second)

    def test_no_overlap_for_same_provider(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(
            self.assoc_a, date(2024, 2, 1), type_=self.type_voucher
        )
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)
        self.assertFalse(self.case_a.has_overlap)

    def test_no_overlap_for_other_category(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(
            self.assoc_b, date(2024, 2, 1), type_=self.type_rent
        )
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)

    def test_no_overlap_for_disjoint_periods(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 1, 31))
        second = self._intervention(self.assoc_b, date(2024, 2, 1), date(2024, 2, 29))
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)
        # Touching on one day is an overlap.
        second.date_start = date(2024, 1, 31)
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)

    def test_no_overlap_with_other_family(self):
        other_case = self.Case.create({"name": "Bianchi", "user_id": self.worker.id})
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(
            self.assoc_b, date(2024, 1, 1), date(2024, 3, 31), case_id=other_case.id
        )
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)
        # Moving it into the family raises the flag on both sides ...
        second.case_id = self.case_a
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)
        # ... and moving it away clears it on the one left behind.
        second.case_id = other_case
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)

    def test_open_ended_periods(self):
        # No end date: the help is still going on.
        first = self._intervention(self.assoc_a, date(2024, 1, 1))
        second = self._intervention(self.assoc_b, date(2030, 6, 1), date(2030, 6, 30))
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)
        # Both open-ended.
        second.date_end = False
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)
        # An open-ended one that starts after the other ended.
        first.date_end = date(2024, 12, 31)
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)

    def test_overlap_cleared_when_cancelled(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(self.assoc_b, date(2024, 2, 1), date(2024, 2, 29))
        self.assertTrue(first.has_overlap)
        second.action_cancel()
        self.assertFalse(second.has_overlap)
        self.assertFalse(second.overlap_warning)
        self.assertFalse(first.has_overlap, "The neighbour loses the flag too.")
        self.assertFalse(first.overlap_warning)
        self.case_a.invalidate_recordset(["has_overlap"])
        self.assertFalse(self.case_a.has_overlap)
        # Back to planned: the flag returns on both sides.
        second.action_reset_planned()
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)
        # A new intervention overlapping a cancelled one is not flagged.
        second.action_cancel()
        third = self._intervention(self.assoc_b, date(2025, 1, 1), date(2025, 1, 31))
        cancelled = self._intervention(
            self.assoc_a, date(2025, 1, 1), date(2025, 1, 31), state="cancelled"
        )
        self.assertFalse(third.has_overlap)
        self.assertFalse(cancelled.has_overlap)

    def test_overlap_follows_done_and_dates(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(self.assoc_b, date(2024, 2, 1), date(2024, 2, 29))
        self.assertTrue(first.has_overlap)
        # Done help is history: it no longer raises the alert.
        first.action_done()
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)
        first.action_reset_planned()
        self.assertTrue(second.has_overlap)
        # Its dates move away, then back.
        second.write({"date_start": date(2024, 5, 1), "date_end": date(2024, 5, 31)})
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)
        second.date_start = date(2024, 3, 31)
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)
        # The same provider now: no alert.
        second.provider_id = self.assoc_a
        self.assertFalse(first.has_overlap)
        self.assertFalse(second.has_overlap)

    def test_overlap_cleared_when_deleted(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(self.assoc_b, date(2024, 2, 1), date(2024, 2, 29))
        self.assertTrue(first.has_overlap)
        second.unlink()
        self.assertFalse(first.has_overlap)

    def test_overlap_with_the_comune(self):
        # The Comune is a party like the others.
        first = self._intervention(self.comune, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(self.assoc_a, date(2024, 2, 1), date(2024, 2, 29))
        self.assertTrue(first.has_overlap)
        self.assertTrue(second.has_overlap)

    def test_overlap_in_one_batch(self):
        vals = {
            "case_id": self.case_a.id,
            "type_id": self.type_parcel.id,
            "date_start": date(2024, 1, 1),
        }
        records = (
            self.env["family.intervention"]
            .with_user(self.worker)
            .create(
                [
                    dict(vals, provider_id=self.assoc_a.id),
                    dict(vals, provider_id=self.assoc_b.id),
                    dict(vals, provider_id=self.assoc_b.id, type_id=self.type_rent.id),
                ]
            )
        )
        self.assertEqual(records.mapped("has_overlap"), [True, True, False])

    def test_overlap_shown_while_editing(self):
        self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        with Form(self.env["family.intervention"].with_user(self.worker)) as form:
            form.case_id = self.case_a
            form.provider_id = self.assoc_b
            form.type_id = self.type_parcel
            form.date_start = date(2024, 2, 1)
            self.assertTrue(form.has_overlap)
            form.provider_id = self.assoc_a
            self.assertFalse(form.has_overlap)

    def test_overlap_follows_type_category(self):
        first = self._intervention(self.assoc_a, date(2024, 1, 1), date(2024, 3, 31))
        second = self._intervention(
            self.assoc_b, date(2024, 2, 1), date(2024, 2, 29), type_=self.type_rent
        )
        self.assertFalse(first.has_overlap)
        # The catalogue moves the type into the food category.
        self.type_rent.category = "food_goods"
        self.assertEqual(second.category, "food_goods")
        self.assertTrue(second.has_overlap)
        self.assertTrue(first.has_overlap)
        self.type_rent.category = "housing_bills"
        self.assertFalse(second.has_overlap)
        self.assertFalse(first.has_overlap)

    # ------------------------------------------------------------------
    # Reporting
    # ------------------------------------------------------------------
    def test_read_group_by_type_provider_month(self):
        Intervention = self.env["family.intervention"]
        self._intervention(self.assoc_a, date(2024, 1, 5), quantity=2)  # 50
        self._intervention(self.assoc_a, date(2024, 1, 20), quantity=1)  # 25
        self._intervention(self.assoc_a, date(2024, 2, 3), quantity=4)  # 100
        self._intervention(self.assoc_b, date(2024, 1, 10), type_=self.type_voucher)
        self._intervention(
            self.comune, date(2024, 1, 10), type_=self.type_rent, quantity=300
        )
        groups = Intervention._read_group(
            [("case_id", "=", self.case_a.id)],
            ["type_id", "provider_id", "date_start:month"],
            ["amount:sum", "__count"],
        )
        sums = {
            (type_.id, provider.id, month.strftime("%Y-%m")): (amount, count)
            for type_, provider, month, amount, count in groups
        }
        self.assertEqual(
            sums,
            {
                (self.type_parcel.id, self.assoc_a.id, "2024-01"): (75, 2),
                (self.type_parcel.id, self.assoc_a.id, "2024-02"): (100, 1),
                (self.type_voucher.id, self.assoc_b.id, "2024-01"): (50, 1),
                (self.type_rent.id, self.comune.id, "2024-01"): (300, 1),
            },
        )
        # The public read_group the pivot view calls, as the social worker.
        rows = Intervention.with_user(self.worker).read_group(
            [("case_id", "=", self.case_a.id)],
            ["amount:sum"],
            ["provider_id"],
            lazy=False,
        )
        by_provider = {r["provider_id"][0]: r["amount"] for r in rows}
        self.assertEqual(
            by_provider,
            {self.assoc_a.id: 175, self.assoc_b.id: 50, self.comune.id: 300},
        )

    # ------------------------------------------------------------------
    # Catalogue
    # ------------------------------------------------------------------
    def test_catalogue_covers_every_category(self):
        Type = self.env["family.intervention.type"]
        categories = {key for key, _label in Type._fields["category"].selection}
        self.assertEqual(len(categories), 8)
        self.assertEqual(set(Type.search([]).mapped("category")), categories)

    def test_catalogue_editable_by_manager(self):
        manager = new_test_user(
            self.env,
            login="mgr_catalogue",
            groups="odoo_famiglie_rete.group_family_manager",
        )
        Type = self.env["family.intervention.type"].with_user(manager)
        new_type = Type.create(
            {"name": "Pharmacy voucher", "category": "food_goods", "unit_value": 20}
        )
        self.type_parcel.with_user(manager).unit_value = 30
        self.assertEqual(self.type_parcel.unit_value, 30)
        new_type.action_archive()
        self.assertNotIn(new_type, Type.search([]))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            new_type.write({"unit_value": -1})
            new_type.flush_recordset()
        # Social workers read the catalogue; the manager keeps it.
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("write", "family.intervention.type")
        ):
            self.type_parcel.with_user(self.worker).unit_value = 1

    def test_views_load(self):
        Intervention = self.env["family.intervention"].with_user(self.worker)
        for view_type in ("list", "form", "search", "pivot", "graph", "calendar"):
            with self.subTest(view_type=view_type):
                arch = Intervention.get_view(view_type=view_type)["arch"]
                self.assertTrue(arch)
        form = Intervention.get_view(view_type="form")["arch"]
        self.assertIn("overlap_warning", form)
        self.assertIn("alert-warning", form)
