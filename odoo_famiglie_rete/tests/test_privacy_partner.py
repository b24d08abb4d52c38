from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import FINANCE, MANAGER, JsonRpcMixin, new_portal_user
from .common import SOCIAL_WORKER as SW

ACCESS_DENIED = "doesn't have 'read' access to"


@tagged("post_install", "-at_install")
class TestPrivacyFamilyPersons(JsonRpcMixin, HttpCase):
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
        env["family.case"].create(
            {
                "name": "Famiglia Zanardelli Due",
                "user_id": cls.sw_2.id,
                "company_id": cls.comune_2.id,
                "member_ids": [Command.create({"partner_id": cls.person_2.id})],
            }
        )
        cls.colleague = Partner.create({"name": "Zanardelli Fornitore"})

    def test_other_comune_reads_no_family_person(self):
        self.assertTrue(self.person_1.is_family_person)
        for user in (self.sw_2, self.manager_2, self.finance_2):
            with self.subTest(user=user.login):
                self._login(user)
                rows = self.rpc(
                    "res.partner",
                    "search_read",
                    [("id", "in", [self.person_1.id])],
                    fields=["name", "street", "email"],
                )
                self.assertEqual(rows, [])
                self.assertRpcRefused(
                    AccessError,
                    ACCESS_DENIED,
                    "res.partner",
                    "read",
                    [self.person_1.id],
                    ["name", "street"],
                )
                found = self.rpc("res.partner", "name_search", "Zanardelli")
                self.assertNotIn(self.person_1.id, [row[0] for row in found])
                ids = self.rpc("res.partner", "search", [("name", "ilike", "Ettore")])
                self.assertNotIn(self.person_1.id, ids)
                # a contact that is nobody's family person stays readable
                self.assertIn(self.colleague.id, [row[0] for row in found])
        # the second Comune's staff read their own families' people (finance not)
        for user in (self.sw_2, self.manager_2):
            with self.subTest(user=user.login, own=True):
                self._login(user)
                ids = self.rpc("res.partner", "search", [("name", "ilike", "Ottavia")])
                self.assertEqual(ids, [self.person_2.id])
        self._login(self.finance_2)
        self.assertEqual(
            self.rpc("res.partner", "search", [("name", "ilike", "Ottavia")]), []
        )

    def test_own_comune_social_worker_and_manager_read(self):
        for user in (self.sw_1, self.manager_1):
            with self.subTest(user=user.login):
                self._login(user)
                rows = self.rpc(
                    "res.partner",
                    "search_read",
                    [("name", "ilike", "Zanardelli")],
                    fields=["name", "street"],
                )
                by_id = {row["id"]: row for row in rows}
                self.assertEqual(by_id[self.person_1.id]["street"], "Via dei Tigli 4")
                self.assertNotIn(self.person_2.id, by_id)  # the other Comune's
                rows = self.rpc("res.partner", "read", [self.person_1.id], ["email"])
                self.assertEqual(rows[0]["email"], "ettore.zanardelli@example.com")
                found = self.rpc("res.partner", "name_search", "Ettore")
                self.assertEqual([row[0] for row in found], [self.person_1.id])

    def test_own_comune_staff_outside_social_service_read_nothing(self):
        for user in (self.finance_1, self.employee_1):
            with self.subTest(user=user.login):
                self._login(user)
                self.assertEqual(
                    self.rpc("res.partner", "search", [("name", "ilike", "Ettore")]),
                    [],
                )
                self.assertRpcRefused(
                    AccessError,
                    ACCESS_DENIED,
                    "res.partner",
                    "read",
                    [self.person_1.id],
                    ["name"],
                )

    def test_restricted_case_persons_only_for_its_manager(self):
        self.case_1.restricted = True
        other_sw = new_test_user(
            self.env, login="sw_uno_bis", password="sw_uno_bis", groups=SW
        )
        self._login(other_sw)
        self.assertEqual(
            self.rpc("res.partner", "search", [("name", "ilike", "Ettore")]), []
        )
        self._login(self.sw_1)
        self.assertEqual(
            self.rpc("res.partner", "search", [("name", "ilike", "Ettore")]),
            [self.person_1.id],
        )

    def test_association_never_reads_family_persons(self):
        association = self.env["res.partner"].create(
            {"name": "Associazione", "is_company": True}
        )
        coordinator = new_portal_user(self.env, "coord_zan", association)
        # even a family person filed under the association's company
        self.person_1.parent_id = association
        self._login(coordinator)
        self.assertEqual(
            self.rpc("res.partner", "search", [("name", "ilike", "Ettore")]), []
        )
        self.assertRpcRefused(
            AccessError,
            ACCESS_DENIED,
            "res.partner",
            "read",
            [self.person_1.id],
            ["name"],
        )

    def test_rule_looks_up_the_members_of_each_contact(self):
        """The rule on family persons reaches PostgreSQL as a correlated
        EXISTS on the members' partner_id (an index lookup per contact), not
        as the members' sub-query inside an OR, which PostgreSQL scanned again
        for every contact once a Comune's members outgrew work_mem (the
        contacts list of a 300,000-case database did not answer)."""
        for user in (self.sw_1, self.manager_1):
            sql = self.env["res.partner"].with_user(user)._search([]).select().code
            self.assertIn('EXISTS(SELECT 1 FROM "family_case_member"', sql)
            self.assertIn('"family_case_member"."partner_id" = "res_partner"."id"', sql)
            self.assertNotIn('IN (SELECT "family_case_member"."partner_id"', sql)
            # the users inherit their contact's rules (a search of users by a
            # social worker took minutes at that size)
            sql = self.env["res.users"].with_user(user)._search([]).select().code
            self.assertIn(
                '"family_case_member"."partner_id" = "res_users"."partner_id"', sql
            )
            self.assertNotIn('IN (SELECT "family_case_member"."partner_id"', sql)

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
            # the rules' domains are cached: for the searches (SQL) and for
            # check_access (evaluated on the records)
            Partner.search([], limit=1).check_access("read")
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            found = Partner.search([("name", "like", f"Conteggio {count}-")])
            self.assertEqual(len(found), count)
            found.read(["name", "street", "email"])
            Partner.browse(found.ids).check_access("read")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_to_read(3), queries_to_read(30))
