from ast import literal_eval

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import AccessCommon, refused_by_acl, refused_by_rule


@tagged("post_install", "-at_install")
class TestShareViews(AccessCommon):
    def test_share_views_open(self):
        for user in (self.worker, self.manager):
            self._check_views("family.case.share", ["list", "form", "search"], user)
        action = self.env.ref("odoo_famiglie_rete.family_case_share_action")
        self.assertEqual(action.res_model, "family.case.share")
        Share = self.env["family.case.share"].with_user(self.worker)
        self.assertEqual(
            Share.search([("state", "=", "active")]), self.share_a | self.share_b
        )

    def test_share_form_creates_a_share(self):
        with Form(self.env["family.case.share"].with_user(self.worker)) as form:
            form.case_id = self.case_b
            form.partner_id = self.assoc_a
            form.legal_basis = "public_task"
            form.share_documents = True
            form.volunteer_user_ids.add(self.vol_a2)
        share = form.record
        self.assertEqual(share.state, "active")
        self.assertTrue(share.share_identity)
        self.assertFalse(share.share_other_interventions)
        self.assertEqual(share.volunteer_user_ids, self.vol_a2)
        self.assertEqual(self.Case.with_user(self.vol_a2).search([]), self.case_b)

    def test_share_form_asks_consent_date(self):
        form = Form(self.env["family.case.share"].with_user(self.worker))
        form.case_id = self.case_b
        form.partner_id = self.assoc_a
        form.legal_basis = "consent"
        with self.assertRaises(AssertionError):
            form.save()  # the consent date is required in the form
        form.consent_date = fields.Date.today()
        self.assertEqual(form.save().state, "active")

    def test_revoke_wizard(self):
        action = self.share_a.with_user(self.worker).action_open_revoke_wizard()
        self.assertEqual(action["res_model"], "family.case.share.revoke")
        Wizard = self.env["family.case.share.revoke"].with_user(self.worker)
        form = Form(Wizard.with_context(**action["context"]))
        self.assertEqual(form.share_ids[:], self.share_a)
        with self.assertRaises(AssertionError):
            form.save()  # the reason is required
        form.reason = "La famiglia ha ritirato il consenso"
        form.save().action_revoke()
        self.assertEqual(self.share_a.state, "revoked")
        self.assertEqual(self.share_a.date_revoked, fields.Date.today())
        self.assertEqual(
            self.share_a.revoke_reason, "La famiglia ha ritirato il consenso"
        )
        self.assertIn(
            "La famiglia ha ritirato il consenso",
            self.share_a.message_ids[:1].body,
        )
        self.assertFalse(self.Case.with_user(self.coord_a).search([]))
        # a second revocation is refused
        wizard = Wizard.create({"share_ids": self.share_a.ids, "reason": "Ancora"})
        with self.assertRaisesRegex(
            UserError, "These shares are already ended or revoked"
        ):
            wizard.action_revoke()
        self.assertEqual(
            self.share_a.revoke_reason, "La famiglia ha ritirato il consenso"
        )

    def test_revoke_wizard_not_for_finance_or_associations(self):
        for user in (self.finance, self.coord_a):
            with self.assertRaisesRegex(
                AccessError, refused_by_acl("create", "family.case.share.revoke")
            ):
                self.env["family.case.share.revoke"].with_user(user).create(
                    {"share_ids": self.share_a.ids, "reason": "No"}
                )
        self.assertEqual(self.share_a.state, "active")

    def test_access_log_views_for_managers_only(self):
        self.case_a.with_user(self.finance).web_read({"reference": {}})
        views = self._check_views(
            "family.access.log", ["list", "form", "search"], self.manager
        )
        arch = views["views"]["list"]["arch"]
        for attribute in ('create="false"', 'edit="false"', 'delete="false"'):
            self.assertIn(attribute, arch)
        Log = self.env["family.access.log"].with_user(self.manager)
        self.assertEqual(len(Log.search([("channel", "=", "form")])), 1)
        self.assertEqual(
            Log.search([("user_id", "=", self.finance.id)]).case_id, self.case_a
        )
        menu = self.env.ref("odoo_famiglie_rete.menu_family_access_log")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.worker)._visible_menu_ids())
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("read", "family.access.log")
        ):
            self.env["family.access.log"].with_user(self.worker).search([])

    def test_settings(self):
        admin = self.env.ref("base.user_admin")
        with Form(self.env["res.config.settings"].with_user(admin)) as form:
            form.family_retention_years = 7
            form.family_access_log_months = 12
        form.record.execute()
        self.assertEqual(self.env.company.family_retention_years, 7)
        self.assertEqual(self.env.company.family_access_log_months, 12)

    def test_user_form_shows_the_role(self):
        admin = self.env.ref("base.user_admin")
        admin.groups_id |= self.env.ref("odoo_famiglie_rete.group_family_manager")
        form_view = self.env.ref("base.view_users_form")
        views = (
            self.env["res.users"].with_user(admin).get_views([(form_view.id, "form")])
        )
        self.assertIn("family_portal_role", views["views"]["form"]["arch"])
        with Form(self.vol_a.with_user(admin), view=form_view) as form:
            form.family_portal_role = "coordinator"
        self.assertEqual(self.vol_a.family_portal_role, "coordinator")

    def test_role_buttons(self):
        users_view = self._check_views("res.users", ["list"], self.manager)
        self.assertTrue(users_view)
        action = self.env.ref("odoo_famiglie_rete.res_users_action_family_portal")
        portal_users = (
            self.env["res.users"]
            .with_user(self.manager)
            .search(literal_eval(action.domain))
        )
        self.assertIn(self.vol_a, portal_users)
        self.assertNotIn(self.worker, portal_users)
        self.vol_a.with_user(self.manager).action_family_role_coordinator()
        self.assertEqual(self.vol_a.family_portal_role, "coordinator")
        self.vol_a.with_user(self.coord_a).action_family_role_volunteer()
        self.assertEqual(self.vol_a.family_portal_role, "volunteer")
        # another association's coordinator: not even readable
        with self.assertRaisesRegex(AccessError, refused_by_rule("read", "res.users")):
            self.coord_b.with_user(self.coord_a).action_family_role_none()
        with self.assertRaisesRegex(
            AccessError, "Only the manager or the association's coordinator sets roles"
        ):
            self.vol_a.with_user(self.worker).action_family_role_coordinator()
        with self.assertRaisesRegex(
            AccessError, "Only the manager or the association's coordinator sets roles"
        ):
            self.vol_a.with_user(self.vol_a).action_family_role_coordinator()
        with self.assertRaisesRegex(
            UserError, r"Only association \(portal\) users have a role"
        ):
            self.worker.with_user(self.manager).action_family_role_coordinator()
        self.assertEqual(self.coord_b.family_portal_role, "coordinator")

    def test_case_form_lists_its_shares_for_social_workers_only(self):
        arch = self._check_views("family.case", ["form"])["views"]["form"]["arch"]
        self.assertIn('name="share_ids"', arch)
        arch = self._check_views("family.case", ["form"], self.finance)["views"][
            "form"
        ]["arch"]
        self.assertNotIn('name="share_ids"', arch)
        with Form(self.case_b.with_user(self.worker)) as form:
            with form.share_ids.new() as share:
                share.partner_id = self.assoc_a
                share.legal_basis = "public_task"
        self.assertIn(self.assoc_a, self.case_b.share_ids.partner_id)
