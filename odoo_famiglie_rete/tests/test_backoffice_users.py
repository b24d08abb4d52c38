"""The Comune's staff as users: where they land, their time zone, the
manager's settings."""

from pathlib import Path

from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import JsonRpcMixin

PASSWORD = "Backoffice-Users-1"
MANAGER = "odoo_famiglie_rete.group_family_manager"
SOCIAL_WORKER = "odoo_famiglie_rete.group_family_social_worker"
FINANCE = "odoo_famiglie_rete.group_family_finance"
ADDON = Path(__file__).resolve().parent.parent


@tagged("post_install", "-at_install")
class TestBackofficeUsers(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(
                cls.env, login=f"bo_{role}", password=PASSWORD, groups=groups
            )
            for role, groups in (
                ("manager", MANAGER),
                ("social_worker", SOCIAL_WORKER),
                ("finance", FINANCE),
            )
        }
        cls.cases = cls.env.ref("odoo_famiglie_rete.family_case_action")
        cls.interventions = cls.env.ref("odoo_famiglie_rete.family_intervention_action")

    # ------------------------------------------------------------------
    # After login: Rete Famiglie, not Discuss
    # ------------------------------------------------------------------
    def test_staff_land_on_rete_famiglie(self):
        expected = {
            "manager": self.cases,
            "social_worker": self.cases,
            "finance": self.interventions,
        }
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.authenticate(user.login, PASSWORD)
                info = self.url_open(
                    "/web/session/get_session_info",
                    data="{}",
                    headers={"Content-Type": "application/json"},
                ).json()["result"]
                self.assertEqual(info["home_action_id"], expected[role].id)

    def test_home_action_follows_the_groups(self):
        user = new_test_user(self.env, login="bo_other", groups="base.group_user")
        self.assertFalse(user.action_id, "not the addon's: Odoo's default")
        user.groups_id = [(4, self.env.ref(FINANCE).id)]
        self.assertEqual(user.action_id.id, self.interventions.id)
        user.groups_id = [(4, self.env.ref(SOCIAL_WORKER).id)]
        self.assertEqual(user.action_id.id, self.cases.id)
        user.groups_id = [
            (3, self.env.ref(SOCIAL_WORKER).id),
            (3, self.env.ref(FINANCE).id),
        ]
        self.assertFalse(user.action_id, "out of the addon: back to Odoo's")
        # a home action of the user's own is kept
        own = self.env.ref("base.action_res_users")
        mine = new_test_user(self.env, login="bo_mine", groups="base.group_user")
        mine.write({"action_id": own.id})
        mine.groups_id = [(4, self.env.ref(SOCIAL_WORKER).id)]
        self.assertEqual(mine.action_id.id, own.id)
        portal = new_test_user(self.env, login="bo_portal", groups="base.group_portal")
        self.assertFalse(portal.action_id)

    # ------------------------------------------------------------------
    # Rome's time zone in the demo
    # ------------------------------------------------------------------
    def test_demo_users_in_rome(self):
        """Every user the demo makes says Europe/Rome, and the demo puts
        Odoo's own users there too (tests never load the demo: its files
        and its loader are checked)."""
        manifest = (ADDON / "__manifest__.py").read_text()
        demo_files = [
            ADDON / line.strip().strip('",')
            for line in manifest.split('"demo": [')[1].split("]")[0].splitlines()
            if line.strip().endswith('.xml",')
        ]
        users = 0
        for path in demo_files:
            for record in etree.parse(str(path)).iter("record"):
                if record.get("model") != "res.users":
                    continue
                users += 1
                with self.subTest(user=record.get("id")):
                    tz = record.find("field[@name='tz']")
                    self.assertIsNotNone(tz)
                    self.assertEqual(tz.text, "Europe/Rome")
        self.assertGreaterEqual(users, 12)
        utc = new_test_user(self.env, login="bo_utc", tz="UTC")
        self.env["res.users"].browse(self.env.ref("base.user_root").id).tz = "UTC"
        self.env["family.demo"]._family_demo_time_zone()
        self.assertEqual(utc.tz, "Europe/Rome")
        self.assertEqual(self.env.ref("base.user_root").tz, "Europe/Rome")

    # ------------------------------------------------------------------
    # The manager's settings
    # ------------------------------------------------------------------
    def test_manager_edits_the_addon_settings(self):
        manager = self.users["manager"]
        menu = self.env.ref("odoo_famiglie_rete.menu_family_settings")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(manager)._visible_menu_ids())
        self.assertNotIn(
            menu.id, Menu.with_user(self.users["social_worker"])._visible_menu_ids()
        )
        self.authenticate(manager.login, PASSWORD)
        action = self.url_open(
            "/web/action/load",
            data='{"params": {"action_id": %d}}' % menu.action.id,
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(action["res_model"], "family.settings")
        self.rpc("family.settings", "get_views", views=[[False, "form"]])
        values = self.rpc(
            "family.settings",
            "onchange",
            [],
            {},
            [],
            {"family_retention_years": {}, "family_access_log_months": {}},
        )["value"]
        self.assertEqual(values["family_retention_years"], 10)
        saved = self.rpc(
            "family.settings",
            "web_save",
            [],
            {"family_retention_years": 7, "family_access_log_months": 12},
            specification={},
        )
        self.rpc("family.settings", "action_save", [saved[0]["id"]])
        company = self.env.company
        self.assertEqual(
            (company.family_retention_years, company.family_access_log_months),
            (7, 12),
        )
        # nothing else of the company: the manager still cannot write it
        self.assertEqual(
            self.rpc_error("res.company", "write", [company.id], {"name": "X"}),
            "odoo.exceptions.AccessError",
        )

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_model")
    def test_settings_refused_to_others(self):
        for role in ("social_worker", "finance"):
            with self.subTest(role=role):
                self.authenticate(self.users[role].login, PASSWORD)
                self.assertEqual(
                    self.rpc_error(
                        "family.settings",
                        "web_save",
                        [],
                        {"family_retention_years": 1},
                        specification={},
                    ),
                    "odoo.exceptions.AccessError",
                )
        self.assertEqual(self.env.company.family_retention_years, 10)
        wizard = (
            self.env["family.settings"]
            .with_user(self.users["manager"])
            .create({"family_retention_years": 3})
        )
        with self.assertRaisesRegex(AccessError, "social service manager"):
            wizard.with_user(self.users["social_worker"]).action_save()

    def test_negative_period_refused(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        Settings = (
            self.env["family.settings"]
            .with_user(self.users["manager"])
            .with_context(lang="it_IT")
        )
        with self.assertRaisesRegex(ValidationError, "non può essere negativa"):
            Settings.create({"family_retention_years": -1})
        self.assertEqual(self.env.company.family_retention_years, 10)
        # nor on the company itself (an administrator's settings)
        with self.assertRaisesRegex(ValidationError, "non può essere negativa"):
            self.env.company.with_context(lang="it_IT").family_access_log_months = -3
