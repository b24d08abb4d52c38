from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import new_protocol


@tagged("post_install", "-at_install")
class TestBackofficeTour(HttpCase):
    """A social worker's main flow, clicked in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.partner_id.write(
            {"name": "Comune di Prova", "is_family_network_member": True}
        )
        cls.association = env["res.partner"].create(
            {
                "name": "Associazione Tour",
                "is_company": True,
                "is_family_network_member": True,
            }
        )
        env["res.partner"].create(
            {"name": "Coordinatrice Tour", "parent_id": cls.association.id}
        )
        env["res.partner"].create({"name": "Giuseppe Tour"})
        today = fields.Date.today()
        new_protocol(
            env,
            cls.association,
            today - timedelta(days=30),
            today + timedelta(days=365),
        )
        env["family.intervention.type"].create(
            {"name": "Pacco tour", "category": "food_goods", "unit_value": 25.0}
        )
        cls.worker = new_test_user(
            env,
            login="tour_worker",
            password="tour_worker_pw",
            groups="odoo_famiglie_rete.group_family_social_worker",
            tz="Europe/Rome",
        )

    def test_main_backoffice_flow(self):
        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_case_action",
            "odoo_famiglie_rete_case_plan_tour",
            login="tour_worker",
        )
        case = self.env["family.case"].search([("name", "=", "Famiglia Tour")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.member_ids.fiscal_code, "VRDGPP80A01C523Y")
        plan = case.current_plan_id
        self.assertEqual(plan.state, "approval")
        self.assertEqual(plan.pending_party_ids, self.association)
        # the association approves its own goal (through the portal)
        plan.sudo().action_approve(party=self.association)
        self.assertEqual(plan.state, "active")

        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_intervention_action",
            "odoo_famiglie_rete_intervention_review_tour",
            login="tour_worker",
        )
        intervention = case.intervention_ids
        self.assertEqual(intervention.amount, 100.0)
        self.assertEqual(intervention.provider_id, self.env.company.partner_id)
        review = case.review_ids
        self.assertEqual(review.state, "done")
        self.assertIn("Coordinatrice Tour", review.event_id.partner_ids.mapped("name"))
        outcomes = {o.goal_id.name: o.outcome for o in review.outcome_ids}
        self.assertEqual(
            outcomes,
            {
                "Pagare l'affitto con regolarità": "achieved",
                "Pacchi alimentari mensili": "partly",
            },
        )
        goal = plan.goal_ids.filtered(lambda g: g.party_id == self.association)
        self.assertEqual((goal.state, goal.current_value), ("partly", 3.0))
