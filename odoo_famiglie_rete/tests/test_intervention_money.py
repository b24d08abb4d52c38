"""A sum of money is entered as an amount, not as "300 × 1 €"."""

from datetime import date

from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CompensationCommon


@tagged("post_install", "-at_install")
class TestInterventionMoney(CompensationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_contribution = cls.env.ref(
            "odoo_famiglie_rete.intervention_type_economic_contribution"
        )

    def test_catalogue_money_types(self):
        money = self.env["family.intervention.type"].search([("is_money", "=", True)])
        self.assertIn(self.type_contribution, money)
        self.assertIn(self.type_rent, money)
        self.assertNotIn(self.type_parcel, money)
        self.assertEqual(set(money.mapped("unit_value")), {1.0})

    def test_money_type_counts_in_units_of_one(self):
        with self.assertRaisesRegex(ValidationError, "unit value is 1"):
            self.type_contribution.unit_value = 5.0
        itype = self.env["family.intervention.type"].new(
            {"name": "Buono spesa", "category": "money", "unit_value": 30.0}
        )
        itype.is_money = True
        itype._onchange_is_money()
        self.assertEqual(itype.unit_value, 1.0)

    def test_amount_entered_directly(self):
        grant = self._intervention(
            self.comune, date(2024, 3, 1), type_=self.type_rent, amount=300.0
        )
        self.assertEqual(
            (grant.amount, grant.quantity, grant.unit_value), (300.0, 300.0, 1.0)
        )
        grant.with_user(self.worker).amount = 450.0
        self.assertEqual((grant.amount, grant.quantity), (450.0, 450.0))
        # the portal sends a quantity with the amount: the amount decides
        grant.with_user(self.worker).write({"quantity": 1.0, "amount": 500.0})
        self.assertEqual((grant.amount, grant.quantity), (500.0, 500.0))
        # a quantity alone still gives its amount
        grant.with_user(self.worker).quantity = 200.0
        self.assertEqual(grant.amount, 200.0)

    def test_other_types_keep_quantity_times_unit_value(self):
        parcels = self._intervention(self.assoc_a, date(2024, 3, 1), quantity=4)
        self.assertEqual(parcels.amount, 4 * self.type_parcel.unit_value)
        parcels.with_user(self.worker).quantity = 5
        self.assertEqual(parcels.amount, 5 * self.type_parcel.unit_value)
        # an amount typed over it stays, the quantity too
        parcels.with_user(self.worker).amount = 99.0
        self.assertEqual((parcels.quantity, parcels.amount), (5.0, 99.0))

    def test_mixed_list_written_at_once(self):
        grant = self._intervention(
            self.comune, date(2024, 3, 1), type_=self.type_rent, amount=300.0
        )
        parcels = self._intervention(self.assoc_a, date(2024, 3, 1), quantity=4)
        (grant | parcels).with_user(self.worker).write({"amount": 120.0})
        self.assertEqual((grant.quantity, grant.amount), (120.0, 120.0))
        self.assertEqual((parcels.quantity, parcels.amount), (4.0, 120.0))

    def test_statements_pay_money_as_before(self):
        """Reimbursement pays the amount; a rate pays per unit of quantity."""
        self.party_b.write({"compensation_mode": "reimbursement"})
        grant = self._done(self.assoc_b, date(2024, 3, 1), self.type_rent, amount=250.0)
        self.party_a.write(
            {"rate_ids": [Command.create({"type_id": self.type_rent.id, "rate": 1.0})]}
        )
        paid_by_rate = self._done(
            self.assoc_a, date(2024, 3, 2), self.type_rent, amount=180.0
        )
        reimbursed = self._statement(self.party_b)
        self.assertEqual(reimbursed.line_ids.intervention_id, grant)
        self.assertEqual(reimbursed.amount_total, 250.0)
        by_rate = self._statement(self.party_a)
        line = by_rate.line_ids.filtered(
            lambda line: line.intervention_id == paid_by_rate
        )
        self.assertEqual(line.amount, 180.0)

    def test_form_asks_for_the_amount(self):
        arch = etree.fromstring(
            self.env["family.intervention"]
            .with_user(self.worker)
            .get_view(view_type="form")["arch"]
        )
        self.assertEqual(
            arch.find(".//field[@name='quantity']/..").get("invisible"), "is_money"
        )
        self.assertEqual(
            arch.find(".//field[@name='unit_value']").get("invisible"), "is_money"
        )
        self.assertIsNone(arch.find(".//field[@name='amount']").get("invisible"))
        new = self.env["family.intervention"].new({"type_id": self.type_rent.id})
        self.assertTrue(new.is_money)
