from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDailyUseTour(HttpCase):
    """The first day's fixes, clicked in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        today = fields.Date.today()
        comune = env.company.partner_id
        comune.is_family_network_member = True
        association = env["res.partner"].create(
            {"name": "Associazione Giorno", "is_company": True}
        )
        env["family.protocol"].create(
            {
                "name": "Protocollo Giorno",
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=365),
                "party_ids": [Command.create({"partner_id": association.id})],
            }
        ).action_confirm()
        cls.worker = new_test_user(
            env,
            login="daily_worker",
            password="daily_worker_pw",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        cls.manager = new_test_user(
            env,
            login="daily_manager",
            password="daily_manager_pw",
            groups="odoo_famiglie_rete.group_family_manager",
        )
        people = env["res.partner"].create(
            [{"name": "Giuseppe Senzadata"}, {"name": "Maria Senzadata"}]
        )
        cls.case = env["family.case"].create(
            {
                "name": "Famiglia Giorno",
                "user_id": cls.worker.id,
                "member_ids": [
                    Command.create({"partner_id": person.id, "sequence": sequence})
                    for sequence, person in enumerate(people)
                ],
            }
        )
        parcel = env.ref("odoo_famiglie_rete.intervention_type_food_parcel")
        listening = env.ref("odoo_famiglie_rete.intervention_type_listening")
        env["family.intervention"].create(
            [
                {
                    "case_id": cls.case.id,
                    "provider_id": provider.id,
                    "type_id": itype.id,
                    "date_start": today,
                    "date_end": today + timedelta(days=10),
                }
                for provider, itype in (
                    (comune, parcel),
                    (association, parcel),
                    (comune, listening),
                )
            ]
        )
        cls.plan = env["family.plan"].create(
            {
                "case_id": cls.case.id,
                "goal_ids": [
                    Command.create({"name": "Affitto", "party_id": association.id})
                ],
            }
        )
        cls.plan.action_submit()

    def test_social_worker_case(self):
        self.assertEqual(self.plan.state, "approval")
        self.start_tour(
            f"/odoo/action-odoo_famiglie_rete.family_case_action/{self.case.id}",
            "odoo_famiglie_rete_daily_use_tour",
            login="daily_worker",
        )
        self.assertEqual(self.case.member_ids[0].fiscal_code, "VRDGPP80A01C523Y")
        self.assertEqual(self.case.review_ids.plan_id, self.plan)

    def test_manager_settings(self):
        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_case_action",
            "odoo_famiglie_rete_manager_settings_tour",
            login="daily_manager",
        )
        company = self.env.company
        self.assertEqual(
            (company.family_retention_years, company.family_access_log_months),
            (8, 18),
        )
