import base64
import json
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.family_transparency_grant import PUBLIC_COLUMNS
from .common import CompensationCommon, JsonRpcMixin

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestTransparencyRegister(JsonRpcMixin, CompensationCommon, HttpCase):
    """The economic advantages of a year (D.Lgs. 33/2013 arts. 26-27): above
    the threshold, convenzioni and contributi, published by the manager, on a
    public page that shows no family, case or person assisted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.write(
            {
                "family_transparency_office": "Settore Servizi Sociali",
                "family_transparency_official": "Dott.ssa Laura Bianchi",
            }
        )
        cls.case_a.name = "Famiglia Esposito Riservata"
        cls.assoc_b.vat = "IT91510000153"
        cls.party_b.write(
            {
                "instrument_reference": "Delibera G.C. n. 187",
                "instrument_date": date(2023, 12, 14),
                "selection_method": "Avviso pubblico di manifestazione d'interesse",
                "act_url": "https://www.comune.example.it/albo/delibera-187",
            }
        )
        # a contributo below the threshold
        cls.assoc_c = env["res.partner"].create(
            {"name": "Centro Aiuto alla Vita", "is_company": True}
        )
        cls.protocol.write(
            {
                "party_ids": [
                    Command.create(
                        {
                            "partner_id": cls.assoc_c.id,
                            "instrument": "contributo",
                            "compensation_mode": "contribution",
                            "annual_contribution": 800.0,
                            "instalments": "1",
                            "expense_account_id": cls.expense_account.id,
                            "journal_id": cls.journal.id,
                        }
                    )
                ]
            }
        )
        cls.party_c = cls.protocol.party_ids.filtered(
            lambda p: p.partner_id == cls.assoc_c
        )
        cls.coordinator = new_test_user(
            env, login="coord_tr", password="coord_tr", groups="base.group_portal"
        )
        cls.coordinator.partner_id.parent_id = cls.assoc_b
        cls.coordinator.family_portal_role = "coordinator"

    def _approved(self, party):
        statement = self._statement(party)
        statement.with_user(self.manager).action_approve()
        self.assertEqual(statement.state, "approved")
        return statement

    def _grant_year(self):
        """Associazione Beta's convenzione (1,250) and Associazione Alfa's
        contract (2024)."""
        rent = self._done(
            self.assoc_b,
            date(2024, 5, 1),
            type_=self.type_rent,
            quantity=1,
            unit_value=1250.0,
            name="Affitto arretrato di Mario Rossi",
        )
        self.env["family.compensation.document"].create(
            {
                "intervention_id": rent.id,
                "amount": 1250.0,
                "document_date": date(2024, 5, 1),
                "file": base64.b64encode(PDF),
                "name": "Ricevuta affitto famiglia Rossi",
            }
        )
        self._approved(self.party_b)
        self._done(self.assoc_a, date(2024, 3, 1), quantity=200)
        self._approved(self.party_a)  # 200 × 10 = 2,000: a contract's price
        self._approved(self.party_c)  # 800: below the threshold
        register = (
            self.env["family.transparency.register"]
            .with_user(self.manager)
            .create({"year": 2024})
        )
        register.action_compute()
        return register

    def test_register_holds_the_advantages_above_the_threshold(self):
        register = self._grant_year()
        grant = register.grant_ids
        self.assertEqual(grant.partner_id, self.assoc_b)
        self.assertEqual(grant.amount, 1250.0)
        self.assertEqual(grant.tax_code, "IT91510000153")
        self.assertIn("Convenzione (art. 56 D.Lgs. 117/2017)", grant.legal_basis)
        self.assertIn("Delibera G.C. n. 187", grant.legal_basis)
        self.assertEqual(grant.office, "Settore Servizi Sociali")
        self.assertEqual(grant.official, "Dott.ssa Laura Bianchi")
        self.assertEqual(register.threshold, 1000.0)
        # the threshold is the company's
        self.env.company.family_transparency_threshold = 1500.0
        register.action_compute()
        self.assertFalse(register.grant_ids)

    @mute_logger("odoo.http")
    def test_unpublished_years_are_not_public(self):
        self._grant_year()
        for url in (
            "/trasparenza/contributi/2024",
            "/trasparenza/contributi/2024.csv",
            "/trasparenza/contributi/2024.json",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)

    @mute_logger("odoo.http")
    def test_publication_is_the_managers_act(self):
        register = self._grant_year()
        self.authenticate("finance", "finance")
        self.assertRpcRefused(
            AccessError,
            "",
            "family.transparency.register",
            "action_publish",
            register.ids,
        )
        self.authenticate("coord_tr", "coord_tr")
        self.assertRpcRefused(
            AccessError,
            "",
            "family.transparency.register",
            "search_read",
            [],
            ["year"],
        )
        self.assertRpcRefused(
            AccessError, "", "family.transparency.grant", "search_read", [], ["amount"]
        )
        self.assertEqual(register.state, "draft")
        self.env.company.family_transparency_official = False
        register.action_compute()
        with self.assertRaisesRegex(UserError, "Set the office and the official"):
            register.with_user(self.manager).action_publish()
        self.env.company.family_transparency_official = "Dott.ssa Laura Bianchi"
        register.action_compute()
        register.with_user(self.manager).action_publish()
        self.assertEqual(register.state, "published")
        self.assertEqual(register.published_by_id, self.manager)
        with self.assertRaisesRegex(UserError, "withdraw its publication"):
            register.with_user(self.manager).action_compute()

    @mute_logger("odoo.http")
    def test_published_grants_stay_as_published(self):
        """What was published cannot change, over RPC either, until the
        manager withdraws the publication."""
        register = self._grant_year()
        register.with_user(self.manager).action_publish()
        grant = register.grant_ids
        self.authenticate("manager", "manager")
        message = "withdraw its publication"
        self.assertRpcRefused(
            UserError,
            message,
            "family.transparency.grant",
            "write",
            grant.ids,
            {"amount": 10.0},
        )
        self.assertRpcRefused(
            UserError, message, "family.transparency.grant", "unlink", grant.ids
        )
        self.assertRpcRefused(
            UserError,
            message,
            "family.transparency.grant",
            "create",
            [
                {
                    "register_id": register.id,
                    "partner_id": self.assoc_a.id,
                    "beneficiary": "Associazione Alfa",
                    "amount": 5000.0,
                }
            ],
        )
        self.assertRpcRefused(
            UserError,
            message,
            "family.transparency.register",
            "write",
            register.ids,
            {"year": 2023},
        )
        self.assertRpcRefused(
            UserError, message, "family.transparency.register", "unlink", register.ids
        )
        self.assertEqual(grant.amount, 1250.0)
        self.assertEqual(register.year, 2024)
        # withdrawn, the register is a draft again: it may change
        register.with_user(self.manager).action_unpublish()
        grant.with_user(self.manager).write({"amount": 1300.0})
        self.assertEqual(register.amount_total, 1300.0)

    def test_public_page_and_exports_without_login(self):
        register = self._grant_year()
        register.with_user(self.manager).action_publish()
        self.authenticate(None, None)  # logged out
        page = self.url_open("/trasparenza/contributi/2024")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Associazione Beta", page.text)
        self.assertIn("IT91510000153", page.text)
        self.assertIn("Delibera G.C. n. 187", page.text)
        self.assertIn("Dott.ssa Laura Bianchi", page.text)
        self.assertIn("https://www.comune.example.it/albo/delibera-187", page.text)
        # a contract's price and a contribution below the threshold are not here
        self.assertNotIn("Associazione Alfa", page.text)
        self.assertNotIn("Centro Aiuto alla Vita", page.text)
        index = self.url_open("/trasparenza/contributi")
        self.assertIn("/trasparenza/contributi/2024", index.text)

        csv_text = self.url_open("/trasparenza/contributi/2024.csv").content.decode()
        self.assertEqual(csv_text.splitlines()[0], ",".join(PUBLIC_COLUMNS))
        self.assertIn("Associazione Beta,IT91510000153,1250.0", csv_text)
        data = json.loads(self.url_open("/trasparenza/contributi/2024.json").content)
        self.assertEqual(len(data["contributi"]), 1)
        self.assertEqual(set(data["contributi"][0]), set(PUBLIC_COLUMNS))
        self.assertEqual(data["contributi"][0]["importo"], 1250.0)

        # nothing of the family, its case, its members or its help
        personal = (
            self.case_a.reference,
            "Esposito",
            "Rossi",
            "Mario",
            "Anna",
            "Affitto arretrato",
            "Ricevuta affitto",
        )
        for text in (page.text, csv_text, json.dumps(data)):
            for value in personal:
                with self.subTest(value=value):
                    self.assertNotIn(value, text)

    def test_public_page_can_fail(self):
        """The check above sees a person's name if a grant ever carried one."""
        register = self._grant_year()
        register.grant_ids.beneficiary = "Mario Rossi"
        register.with_user(self.manager).action_publish()
        self.assertIn("Mario Rossi", self.url_open("/trasparenza/contributi/2024").text)
