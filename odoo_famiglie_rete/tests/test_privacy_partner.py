import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

SW = "odoo_famiglie_rete.group_family_social_worker"
MANAGER = "odoo_famiglie_rete.group_family_manager"
FINANCE = "odoo_famiglie_rete.group_family_finance"
ACCESS_DENIED = "doesn't have 'read' access to"


class PrivacyRpcMixin:
    """JSON-RPC calls of the web client, as the authenticated user."""

    def _call(self, model, method, *args, **kwargs):
        """Return (result, error) of one ``call_kw`` over HTTP."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "id": 0,
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        body = response.json()
        return body.get("result"), body.get("error")

    def _ok(self, model, method, *args, **kwargs):
        result, error = self._call(model, method, *args, **kwargs)
        self.assertFalse(error, error and error["data"]["message"])
        return result

    def _refused(self, message, model, method, *args, **kwargs):
        result, error = self._call(model, method, *args, **kwargs)
        self.assertFalse(result)
        self.assertTrue(error, f"{model}.{method} answered {result!r}")
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn(message, error["data"]["message"])
        return error["data"]["message"]


@tagged("post_install", "-at_install")
class TestPrivacyFamilyPersons(PrivacyRpcMixin, HttpCase):
    """A family person's contact stays in the Comunes whose cases hold it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.comune_1 = env.company
        cls.comune_2 = env["res.company"].create({"name": "Comune Due"})

        def user(login, groups, company):
            return new_test_user(
                env,
                login=login,
                password=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )

        cls.sw_1 = user("sw_uno", SW, cls.comune_1)
        cls.manager_1 = user("mgr_uno", MANAGER, cls.comune_1)
        cls.sw_2 = user("sw_due", SW, cls.comune_2)
        cls.manager_2 = user("mgr_due", MANAGER, cls.comune_2)
        cls.finance_2 = user("fin_due", FINANCE, cls.comune_2)
        cls.finance_1 = user("fin_uno", FINANCE, cls.comune_1)
        cls.employee_1 = user("dip_uno", "base.group_user", cls.comune_1)
        Partner = env["res.partner"]
        # family persons' contacts carry no company
        cls.person_1 = Partner.create(
            {
                "name": "Ettore Zanardelli",
                "street": "Via dei Tigli 4",
                "email": "ettore.zanardelli@example.com",
            }
        )
        cls.person_2 = Partner.create({"name": "Ottavia Zanardelli"})
        cls.case_1 = env["family.case"].create(
            {
                "name": "Famiglia Zanardelli",
                "user_id": cls.sw_1.id,
                "company_id": cls.comune_1.id,
                "member_ids": [Command.create({"partner_id": cls.person_1.id})],
            }
        )
        cls.case_2 = env["family.case"].create(
            {
                "name": "Famiglia Zanardelli Due",
                "user_id": cls.sw_2.id,
                "company_id": cls.comune_2.id,
                "member_ids": [Command.create({"partner_id": cls.person_2.id})],
            }
        )
        cls.colleague = Partner.create({"name": "Zanardelli Fornitore"})

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def test_other_comune_reads_no_family_person(self):
        self.assertTrue(self.person_1.is_family_person)
        for user in (self.sw_2, self.manager_2, self.finance_2):
            with self.subTest(user=user.login):
                self._login(user)
                rows = self._ok(
                    "res.partner",
                    "search_read",
                    [("id", "in", [self.person_1.id])],
                    fields=["name", "street", "email"],
                )
                self.assertEqual(rows, [])
                self._refused(
                    ACCESS_DENIED,
                    "res.partner",
                    "read",
                    [self.person_1.id],
                    ["name", "street"],
                )
                found = self._ok("res.partner", "name_search", "Zanardelli")
                self.assertNotIn(self.person_1.id, [row[0] for row in found])
                ids = self._ok("res.partner", "search", [("name", "ilike", "Ettore")])
                self.assertNotIn(self.person_1.id, ids)
                # a contact that is nobody's family person stays readable
                self.assertIn(self.colleague.id, [row[0] for row in found])
        # the second Comune's staff read their own families' people (finance not)
        for user in (self.sw_2, self.manager_2):
            with self.subTest(user=user.login, own=True):
                self._login(user)
                ids = self._ok("res.partner", "search", [("name", "ilike", "Ottavia")])
                self.assertEqual(ids, [self.person_2.id])
        self._login(self.finance_2)
        self.assertEqual(
            self._ok("res.partner", "search", [("name", "ilike", "Ottavia")]), []
        )

    def test_own_comune_social_worker_and_manager_read(self):
        for user in (self.sw_1, self.manager_1):
            with self.subTest(user=user.login):
                self._login(user)
                rows = self._ok(
                    "res.partner",
                    "search_read",
                    [("name", "ilike", "Zanardelli")],
                    fields=["name", "street"],
                )
                by_id = {row["id"]: row for row in rows}
                self.assertEqual(by_id[self.person_1.id]["street"], "Via dei Tigli 4")
                self.assertNotIn(self.person_2.id, by_id)  # the other Comune's
                rows = self._ok("res.partner", "read", [self.person_1.id], ["email"])
                self.assertEqual(rows[0]["email"], "ettore.zanardelli@example.com")
                found = self._ok("res.partner", "name_search", "Ettore")
                self.assertEqual([row[0] for row in found], [self.person_1.id])

    def test_own_comune_staff_outside_social_service_read_nothing(self):
        for user in (self.finance_1, self.employee_1):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertEqual(
                    self._ok("res.partner", "search", [("name", "ilike", "Ettore")]),
                    [],
                )
                self._refused(
                    ACCESS_DENIED, "res.partner", "read", [self.person_1.id], ["name"]
                )

    def test_restricted_case_persons_only_for_its_manager(self):
        self.case_1.restricted = True
        other_sw = new_test_user(
            self.env, login="sw_uno_bis", password="sw_uno_bis", groups=SW
        )
        self._login(other_sw)
        self.assertEqual(
            self._ok("res.partner", "search", [("name", "ilike", "Ettore")]), []
        )
        self._login(self.sw_1)
        self.assertEqual(
            self._ok("res.partner", "search", [("name", "ilike", "Ettore")]),
            [self.person_1.id],
        )

    def test_association_never_reads_family_persons(self):
        association = self.env["res.partner"].create(
            {"name": "Associazione", "is_company": True}
        )
        coordinator = new_test_user(
            self.env,
            login="coord_zan",
            password="coord_zan",
            groups="base.group_portal",
        )
        coordinator.partner_id.parent_id = association
        # even a family person filed under the association's company
        self.person_1.parent_id = association
        self._login(coordinator)
        self.assertEqual(
            self._ok("res.partner", "search", [("name", "ilike", "Ettore")]), []
        )
        self._refused(
            ACCESS_DENIED, "res.partner", "read", [self.person_1.id], ["name"]
        )

    def test_reading_many_persons_costs_no_query_per_person(self):
        def queries_to_read(count):
            partners = self.env["res.partner"].create(
                [{"name": f"Persona Conteggio {count}-{i}"} for i in range(count)]
            )
            self.env["family.case"].create(
                {
                    "name": f"Famiglia Conteggio {count}",
                    "user_id": self.sw_1.id,
                    "member_ids": [
                        Command.create({"partner_id": partner.id})
                        for partner in partners
                    ],
                }
            )
            self.env.invalidate_all()
            Partner = self.env["res.partner"].with_user(self.sw_1)
            Partner.search([], limit=1)  # the rules' domains are cached
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            found = Partner.search([("name", "like", f"Conteggio {count}-")])
            self.assertEqual(len(found), count)
            found.read(["name", "street", "email"])
            Partner.browse(found.ids).check_access("read")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_to_read(3), queries_to_read(30))
