"""The record rules of the addon's models, translated to SQL once per user.

``ir.rule._family_rules_sql`` keeps the SQL condition Odoo's
``_apply_ir_rules`` adds to each search of a ``family.*`` model; these tests
check that it is Odoo's own, for every role and mode, that a change of role
is seen at once, and that a domain whose translation reads data is not kept.
"""

from odoo import Command, models
from odoo.tests import tagged
from odoo.tools.query import Query

from .common import AccessCommon, new_share

MODES = ("read", "write", "create", "unlink")


@tagged("post_install", "-at_install")
class TestRulesSqlCache(AccessCommon):
    def _family_models(self):
        return [
            name
            for name, model in self.env.registry.items()
            if name.startswith("family.") and not model._abstract
        ]

    @staticmethod
    def _select(model, mode, apply_rules):
        query = Query(model.env, model._table, model._table_sql)
        apply_rules(model, query, mode)
        select = query.select()
        return select.code, select.params

    def test_cached_sql_is_odoos_own(self):
        """For every role, model and mode, the condition added to a search is
        the one Odoo translates from the rules at each search."""
        cached = 0
        for user in (
            self.worker,
            self.worker_2,
            self.manager,
            self.finance,
            self.coord_a,
            self.vol_a,
            self.vol_a2,
            self.coord_b,
        ):
            env = self.env(user=user)
            for name in self._family_models():
                model = env[name]
                for mode in MODES:
                    with self.subTest(user=user.login, model=name, mode=mode):
                        self.assertEqual(
                            self._select(model, mode, type(model)._apply_ir_rules),
                            self._select(model, mode, models.BaseModel._apply_ir_rules),
                        )
                    sql = env["ir.rule"]._family_rules_sql(name, mode)
                    cached += bool(sql is not None and sql.code)
        # the associations' and the social workers' rules are kept
        self.assertGreater(cached, 100)
        rules = self.env(user=self.vol_a)["ir.rule"]
        self.assertTrue(rules._family_rules_sql("family.case", "read").code)
        # the volunteer's own id: the shares that name them
        params = rules._family_rules_sql("family.case").params
        self.assertIn((self.vol_a.id,), params)

    def test_change_of_role_seen_at_once(self):
        """The volunteer becomes a coordinator: at the next search they read
        every family shared with the association, not only their own."""
        Case = self.env["family.case"].with_user(self.vol_a2)
        share_a2 = new_share(
            self.env,
            self.case_b,
            self.assoc_a,
            volunteer_user_ids=[Command.set(self.vol_a.ids)],
        )
        self.assertEqual(share_a2.state, "active")
        self.assertFalse(Case.search([]))
        self.vol_a2.family_portal_role = "coordinator"
        self.assertEqual(Case.search([]), self.case_a | self.case_b)
        self.vol_a2.family_portal_role = "volunteer"
        self.assertFalse(Case.search([]))
        # an assignment is data, read by the same cached condition
        share_a2.volunteer_user_ids = [Command.link(self.vol_a2.id)]
        self.assertEqual(Case.search([]), self.case_b)

    def test_move_to_another_association_seen_at_once(self):
        """The coordinator's contact moves to association B: at the next
        search they read B's families, no longer A's."""
        Case = self.env["family.case"].with_user(self.coord_a)
        self.assertIn(self.case_a, Case.search([]))
        self.assertNotIn(self.case_b, Case.search([]))
        self.coord_a.partner_id.parent_id = self.assoc_b
        self.assertEqual(self.coord_a.commercial_partner_id, self.assoc_b)
        self.assertEqual(Case.search([]), self.case_b)

    def test_companies_in_the_key(self):
        """The same user with one Comune, then two: each search has the rules
        of the companies it is given."""
        other = self.env["res.company"].create({"name": "Comune di Altrove"})
        self.manager.company_ids = [Command.link(other.id)]
        for companies in ([self.env.company.id], [self.env.company.id, other.id]):
            env = self.env(
                user=self.manager, context={"allowed_company_ids": companies}
            )
            for name in ("family.case", "family.intervention", "family.plan"):
                model = env[name]
                with self.subTest(companies=companies, model=name):
                    self.assertEqual(
                        self._select(model, "read", type(model)._apply_ir_rules),
                        self._select(model, "read", models.BaseModel._apply_ir_rules),
                    )
                    self.assertIn(
                        tuple(companies),
                        env["ir.rule"]._family_rules_sql(name, "read").params,
                    )

    def test_sudo_mode_keeps_its_own(self):
        """The same user in sudo mode has no rules: what is kept for it is not
        what their own searches are given."""
        env = self.env(user=self.vol_a2)
        sudo_rules = env(su=True)["ir.rule"]
        self.assertFalse(sudo_rules._family_rules_sql("family.case", "read").code)
        self.assertTrue(env["ir.rule"]._family_rules_sql("family.case", "read").code)
        self.assertFalse(env["family.case"].search([]))
        self.assertTrue(env(su=True)["family.case"].search([]))

    def test_domain_that_reads_data_is_not_kept(self):
        """``child_of`` is translated by reading the contacts' tree: such a
        rule is translated at each search, as Odoo does."""
        self.env["ir.rule"].create(
            {
                "name": "Need areas of the user's company tree",
                "model_id": self.env["ir.model"]._get_id("family.need.area"),
                "domain_force": "[('create_uid.partner_id', 'child_of', "
                "[user.commercial_partner_id.id])]",
            }
        )
        rules = self.env(user=self.worker)["ir.rule"]
        self.assertIsNone(rules._family_rules_sql("family.need.area", "read"))
        # what else is translated at each search: a name searched for a
        # record, a pattern, a field searched by its method, a date's part
        Case = self.env["family.case"]
        for domain, kept in (
            ([("share_ids", "any", [("state", "=", "active")])], True),
            ([("user_id", "in", [self.worker.id, False])], True),
            ([("user_id", "=", "Giulia")], False),
            ([("reference", "ilike", "NF/")], False),
            ([("review_overdue", "=", True)], False),
            ([("date_intake.month_number", "=", 1)], False),
            ([("share_ids", "any", [("partner_id", "child_of", [1])])], False),
        ):
            with self.subTest(domain=domain):
                self.assertEqual(rules._family_rules_cacheable(Case, domain), kept)
        areas = self.env["family.need.area"].with_user(self.worker)
        self.assertFalse(areas.search([]))
        # made by the social worker: inside the tree, found by the same rule
        mine = areas.sudo().create({"name": "Area del test"})
        self.assertEqual(mine.create_uid, self.worker)
        self.assertEqual(areas.search([]), mine)
