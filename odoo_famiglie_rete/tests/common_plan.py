from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import FamilyCommon


class FamilyPlanCommon(FamilyCommon):
    """Parties, users and a case for the plan, review and referral tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["family.case"])
        cls.worker = new_test_user(
            cls.env,
            login="plan_worker",
            name="Giulia Assistente",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        cls.worker_2 = new_test_user(
            cls.env,
            login="plan_worker_2",
            name="Paolo Assistente",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        cls.manager = new_test_user(
            cls.env,
            login="plan_manager",
            name="Laura Responsabile",
            groups="odoo_famiglie_rete.group_family_manager",
        )
        Partner = cls.env["res.partner"]
        cls.association = Partner.create(
            {"name": "San Vincenzo de Paoli", "is_company": True}
        )
        cls.association_no_protocol = Partner.create(
            {
                "name": "Associazione senza protocollo",
                "is_company": True,
                "is_family_network_member": True,
            }
        )
        cls.protocol = cls.env["family.protocol"].create(
            {
                "name": "Protocollo d'intesa",
                "date_start": cls.today - timedelta(days=30),
                "date_end": cls.today + timedelta(days=300),
                "confirmed": True,
                "party_ids": [Command.create({"partner_id": cls.association.id})],
            }
        )
        cls.volunteer = new_test_user(
            cls.env,
            login="plan_volunteer",
            name="Carla Volontaria",
            groups="base.group_portal",
        )
        cls.volunteer.partner_id.parent_id = cls.association
        cls.case = cls.Case.create({"name": "Rossi", "user_id": cls.worker.id})
        cls.Plan = cls.env["family.plan"]
        cls.Goal = cls.env["family.plan.goal"]

    @classmethod
    def _create_plan(cls, case=None, **values):
        """A draft plan with a goal for the Comune and one for the association."""
        return cls.env["family.plan"].create(
            {
                "case_id": (case or cls.case).id,
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Find a job",
                            "party_id": cls.comune.id,
                            "indicator": "Months employed",
                            "baseline": "0",
                            "target": "6",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Homework support",
                            "party_id": cls.association.id,
                            "indicator": "Sessions a week",
                            "baseline": "0",
                            "target": "2",
                        }
                    ),
                ],
                **values,
            }
        )

    @classmethod
    def _agree(cls, plan):
        """Submit the plan and approve it for every party."""
        plan.action_submit()
        plan.with_user(cls.manager).action_approve(party=plan.goal_ids.party_id)
        return plan

    def _close_case(self, case=None):
        (case or self.case).stage_id = self.env.ref("odoo_famiglie_rete.stage_closed")

    def _check_views(self, model, view_types):
        """The views open for a social worker (fields and access are valid)."""
        views = (
            self.env[model]
            .with_user(self.worker)
            .get_views([(False, view_type) for view_type in view_types])
        )
        self.assertEqual(set(views["views"]), set(view_types))
