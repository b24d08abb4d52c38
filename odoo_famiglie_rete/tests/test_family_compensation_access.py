import logging
from datetime import date

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import (
    CompensationCommon,
    new_portal_user,
    refused_by_acl,
    refused_by_rule,
)

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestFamilyCompensationPortal(CompensationCommon):
    """Only the association's coordinator reads its approved statements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nobody = new_portal_user(cls.env, "nobody_alfa", cls.assoc_a, False)

    def _visible(self, user, model="family.compensation"):
        return self.env[model].with_user(user).search([])

    def test_coordinator_reads_approved_statements_only(self):
        self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        self.assertFalse(self._visible(self.coord_a), "a draft is internal")
        statement.action_approve()
        self.assertEqual(self._visible(self.coord_a), statement)
        self.assertEqual(
            self._visible(self.coord_a, "family.compensation.line"),
            statement.line_ids,
        )
        values = statement.with_user(self.coord_a).read(
            ["name", "amount_total", "state", "payment_state", "bill_reference"]
        )[0]
        self.assertEqual(values["state"], "approved")
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("write", "family.compensation")
        ):
            statement.with_user(self.coord_a).write({"notes": "no"})

    def test_acl_matrix(self):
        """Who may do what on the compensation models (ACLs only)."""
        matrix = {
            self.worker: {
                "family.compensation": "",
                "family.compensation.line": "",
                "family.protocol.party.rate": "r",
            },
            self.finance: {
                "family.compensation": "rwcu",
                "family.compensation.line": "rwcu",
                "family.protocol.party.rate": "r",
            },
            self.manager: {
                "family.compensation": "rwcu",
                "family.compensation.line": "rwcu",
                "family.protocol.party.rate": "rwcu",
            },
            self.coord_a: {
                "family.compensation": "r",
                "family.compensation.line": "r",
                "family.protocol.party.rate": "",
            },
        }
        operations = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
        for user, models in matrix.items():
            for model, allowed in models.items():
                for letter, operation in operations.items():
                    self.assertEqual(
                        self.env[model].with_user(user).has_access(operation),
                        letter in allowed,
                        (user.login, model, operation),
                    )

    def test_finance_may_bill_and_pay(self):
        """The finance group brings Accounting's Invoicing group."""
        self.assertTrue(self.finance.has_group("account.group_account_invoice"))

    def test_who_must_not_see(self):
        self._done(self.assoc_a, date(2024, 2, 1))
        statement = self._statement(self.party_a)
        statement.action_approve()
        for user in (self.vol_a, self.coord_b, self.nobody):
            for model in ("family.compensation", "family.compensation.line"):
                self.assertFalse(self._visible(user, model), (user.login, model))
            with self.assertRaisesRegex(
                AccessError, refused_by_rule("read", "family.compensation")
            ):
                statement.with_user(user).read(["name"])
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("read", "family.compensation")
        ):
            statement.with_user(self.worker).read(["name"])


@tagged("post_install", "-at_install")
class TestFamilyCompensationConcurrency(TransactionCase):
    """Two statements for the same association saved at the same time.

    Both transactions look for the free interventions before either has
    saved; the first commits, then the second makes its lines. What the
    second reads still shows the intervention free (its snapshot is older):
    the database's exclusion constraint refuses its line.
    """

    def _real_env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_committed(self):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._real_env(cr)
            if not env.company.chart_template:
                self.skipTest("no chart of accounts")
            assoc = env["res.partner"].create(
                {"name": "Associazione concorrente", "is_company": True}
            )
            protocol = env["family.protocol"].create(
                {
                    "name": "Protocollo concorrente",
                    "date_start": date(2020, 1, 1),
                    "date_end": date(2099, 12, 31),
                    "party_ids": [
                        Command.create(
                            {
                                "partner_id": assoc.id,
                                "compensation_mode": "reimbursement",
                            }
                        )
                    ],
                }
            )
            protocol.action_confirm()
            case = env["family.case"].create({"name": "Concorrente"})
            itype = env.ref("odoo_famiglie_rete.intervention_type_food_parcel")
            intervention = env["family.intervention"].create(
                {
                    "case_id": case.id,
                    "provider_id": assoc.id,
                    "type_id": itype.id,
                    "date_start": date(2024, 3, 1),
                    "state": "done",
                }
            )
            statements = env["family.compensation"].create(
                [
                    {
                        "party_id": protocol.party_ids.id,
                        "date_from": date(2024, 1, 1),
                        "date_to": date(2024, 12, 31),
                    }
                ]
                * 2
            )
            cr.commit()  # pylint: disable=invalid-commit
            return {
                "partner": assoc.id,
                "protocol": protocol.id,
                "case": case.id,
                "intervention": intervention.id,
                "statements": statements.ids,
            }

    def _cleanup(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._real_env(cr)
            env["family.compensation"].browse(ids["statements"]).unlink()
            env["family.intervention"].browse(ids["intervention"]).unlink()
            env["family.case"].browse(ids["case"]).unlink()
            env["family.protocol"].browse(ids["protocol"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_statements_saved_at_the_same_time(self):
        ids = self._setup_committed()
        try:
            first_id, second_id = ids["statements"]
            conn = db_connect(self.env.cr.dbname)
            with conn.cursor() as cr_1, conn.cursor() as cr_2:
                cr_1.execute("SET lock_timeout = '20s'")
                cr_2.execute("SET lock_timeout = '20s'")
                first = self._real_env(cr_1)["family.compensation"].browse(first_id)
                second = self._real_env(cr_2)["family.compensation"].browse(second_id)
                # the second transaction starts (and sees the interventions free)
                # before the first saves its lines
                self.assertEqual(second.approval_state, "draft")
                free = second.env["family.intervention"].search(
                    second._family_intervention_domain()
                )
                self.assertEqual(free.ids, [ids["intervention"]])
                first.action_compute_lines()
                self.assertEqual(len(first.line_ids), 1)
                cr_1.commit()  # pylint: disable=invalid-commit
                # its snapshot still shows the intervention free: only the
                # database's constraint stops the second statement
                with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
                    second.action_compute_lines()
                cr_2.rollback()
        finally:
            self._cleanup(ids)
