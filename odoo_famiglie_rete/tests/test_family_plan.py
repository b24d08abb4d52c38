from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CLOSED_RECORDS, PlanCommon


@tagged("post_install", "-at_install")
class TestFamilyPlan(PlanCommon):
    def _goal(self, plan, party):
        return plan.goal_ids.filtered(lambda g: g.party_id == party)

    def test_views(self):
        self._check_views("family.plan", ["form", "list", "search"])
        self._check_views("family.plan.goal", ["form", "list", "search"])

    # ------------------------------------------------------------------
    # Versions and history
    # ------------------------------------------------------------------
    def test_versions_keep_history(self):
        v1 = self._agree(self._create_plan())
        self.assertEqual(v1.version, 1)
        self.assertEqual(v1.state, "active")
        self.assertEqual(self.case_a.current_plan_id, v1)

        v2 = v1.with_user(self.worker).action_new_version_record()
        self.assertEqual(v2.version, 2)
        self.assertEqual(v2.state, "draft")
        self.assertEqual(v2.previous_plan_id, v1)
        self.assertEqual(
            v2.goal_ids.mapped("name"), v1.goal_ids.mapped("name"), "goals are copied"
        )
        self.assertEqual(v2.goal_ids.previous_goal_id, v1.goal_ids)
        self.assertEqual(set(v2.goal_ids.mapped("approval_state")), {"pending"})
        self.assertNotEqual(v2.goal_ids, v1.goal_ids)
        # The agreed version stays in force until the new one is agreed.
        self.assertEqual(v1.state, "active")
        self.assertFalse(v1.is_latest_version)
        self.assertTrue(v2.is_latest_version)
        with self.assertRaisesRegex(
            UserError, "Only the latest version of the plan can be copied"
        ):
            v1.action_new_version_record()

        self._agree(v2)
        self.assertEqual(v2.state, "active")
        self.assertEqual(v1.state, "superseded")
        self.assertEqual(self.case_a.current_plan_id, v2)
        self.assertEqual(len(self.case_a.plan_ids), 2, "the history is kept")

        # History cannot change.
        with self.assertRaisesRegex(
            UserError,
            "A superseded plan is kept as history: its goals cannot be changed",
        ):
            v1.goal_ids[0].with_user(self.worker).target = "12"
        with self.assertRaisesRegex(
            UserError, "A superseded plan is kept as history and cannot be changed"
        ):
            v1.with_user(self.worker).date_end = self.today
        with self.assertRaisesRegex(
            UserError, "A superseded plan is kept as history: goals cannot be added"
        ):
            self.Goal.create(
                {"plan_id": v1.id, "name": "Late goal", "party_id": self.comune.id}
            )
        with self.assertRaisesRegex(
            UserError,
            "An agreed plan is part of the family's history and cannot be deleted",
        ):
            v1.with_user(self.worker).unlink()

    def test_new_version_action_and_batch_versions(self):
        plan = self._agree(self._create_plan())
        action = plan.action_new_version()
        new = self.Plan.browse(action["res_id"])
        self.assertEqual(new.version, 2)
        other = self.Case.create({"name": "Bianchi"})
        plans = self.Plan.create([{"case_id": other.id}, {"case_id": other.id}])
        self.assertEqual(plans.mapped("version"), [1, 2])

    def test_new_version_drops_goals_without_protocol(self):
        plan = self._agree(self._create_plan())
        # The protocol expires.
        self.protocol.write(
            {
                "date_start": self.today - timedelta(days=400),
                "date_end": self.today - timedelta(days=1),
            }
        )
        self.assertEqual(self.protocol.state, "expired")
        new = plan.action_new_version_record()
        self.assertEqual(new.goal_ids.party_id, self.comune)

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def test_each_party_approves_its_goals(self):
        plan = self._create_plan()
        comune_goal = self._goal(plan, self.comune)
        association_goal = self._goal(plan, self.assoc_a)
        with self.assertRaisesRegex(
            UserError, "Only a plan awaiting approval can be approved"
        ):
            plan.with_user(self.worker).action_approve()  # still a draft

        plan.with_user(self.worker).action_submit()
        self.assertEqual(plan.state, "approval")
        self.assertEqual(plan.pending_party_ids, self.comune | self.assoc_a)
        self.assertTrue(plan.with_user(self.worker).can_approve)

        # The social worker approves for the Comune only.
        plan.with_user(self.worker).action_approve()
        self.assertEqual(comune_goal.approval_state, "approved")
        self.assertEqual(comune_goal.approved_by_id, self.worker)
        self.assertEqual(association_goal.approval_state, "pending")
        self.assertEqual(plan.state, "approval", "not every party has approved")
        self.assertEqual(plan.pending_party_ids, self.assoc_a)
        self.assertFalse(plan.with_user(self.worker).can_approve)
        with self.assertRaisesRegex(UserError, "There are no goals for you to approve"):
            plan.with_user(self.worker).action_approve()  # nothing left for her

        # The association's user approves its goals (the portal runs in sudo).
        self.assertTrue(plan.with_user(self.coord_a).sudo().can_approve)
        plan.with_user(self.coord_a).sudo().action_approve()
        self.assertEqual(association_goal.approval_state, "approved")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.date_agreed, self.today)
        self.assertFalse(plan.pending_party_ids)

    def test_approve_on_behalf_is_for_the_manager(self):
        plan = self._create_plan()
        plan.action_submit()
        with self.assertRaisesRegex(
            AccessError,
            "Only the social service manager can approve goals on behalf",
        ):
            plan.with_user(self.worker).action_approve(party=self.assoc_a)
        plan.with_user(self.manager).action_approve(party=self.assoc_a)
        self.assertEqual(self._goal(plan, self.assoc_a).approval_state, "approved")
        self.assertEqual(self._goal(plan, self.comune).approval_state, "pending")
        self.assertEqual(plan.state, "approval")
        plan.with_user(self.manager).action_approve(party=self.comune.id)
        self.assertEqual(plan.state, "active")

    def test_workflow_only_through_buttons(self):
        plan = self._create_plan()
        with self.assertRaisesRegex(
            UserError, "Use the buttons to change the state of a plan"
        ):
            plan.with_user(self.worker).write({"state": "active"})
        with self.assertRaisesRegex(
            UserError, "Goals are approved with the plan's Approve button"
        ):
            plan.goal_ids.with_user(self.worker).write({"approval_state": "approved"})
        with self.assertRaisesRegex(
            UserError, "Add at least one goal before submitting"
        ):
            self.Plan.create({"case_id": self.case_a.id}).action_submit()  # no goal
        plan.action_submit()
        plan.with_user(self.worker).action_approve()
        plan.with_user(self.worker).action_reset_draft()
        self.assertEqual(plan.state, "draft")
        self.assertEqual(set(plan.goal_ids.mapped("approval_state")), {"pending"})
        self._agree(plan)
        with self.assertRaisesRegex(
            UserError, "Only a plan awaiting approval can go back to draft"
        ):
            plan.action_reset_draft()

    def test_changing_agreed_goal_reopens_its_party_only(self):
        plan = self._agree(self._create_plan())
        comune_goal = self._goal(plan, self.comune)
        association_goal = self._goal(plan, self.assoc_a)

        # Writing the same value changes nothing.
        association_goal.with_user(self.worker).target = "2"
        self.assertEqual(plan.state, "active")
        # Progress is not part of the agreement.
        association_goal.with_user(self.worker).write(
            {"current_value": "1", "state": "in_progress"}
        )
        self.assertEqual(plan.state, "active")

        association_goal.with_user(self.worker).target = "3"
        self.assertEqual(plan.state, "approval")
        self.assertEqual(association_goal.approval_state, "pending")
        self.assertFalse(association_goal.approved_by_id)
        self.assertEqual(comune_goal.approval_state, "approved")
        self.assertEqual(plan.pending_party_ids, self.assoc_a)

        plan.with_user(self.coord_a).sudo().action_approve()
        self.assertEqual(plan.state, "active")

        # Through the plan form (one2many commands) too.
        plan.with_user(self.worker).write(
            {"goal_ids": [Command.update(comune_goal.id, {"date_due": self.today})]}
        )
        self.assertEqual(plan.state, "approval")
        self.assertEqual(comune_goal.approval_state, "pending")
        self.assertEqual(association_goal.approval_state, "approved")

    def test_new_goal_on_agreed_plan_reopens_its_party(self):
        plan = self._agree(self._create_plan())
        new_goal = self.Goal.with_user(self.worker).create(
            {"plan_id": plan.id, "name": "Pay the rent", "party_id": self.comune.id}
        )
        self.assertEqual(plan.state, "approval")
        self.assertEqual(new_goal.approval_state, "pending")
        self.assertEqual(plan.pending_party_ids, self.comune)
        self.assertEqual(self._goal(plan, self.assoc_a).approval_state, "approved")
        plan.with_user(self.worker).action_approve()
        self.assertEqual(plan.state, "active")

    def test_goal_deletion(self):
        plan = self._create_plan()
        plan.action_submit()
        plan.with_user(self.worker).action_approve()
        # Deleting the last pending goal completes the approval.
        self._goal(plan, self.assoc_a).with_user(self.worker).unlink()
        self.assertEqual(plan.state, "active")
        with self.assertRaisesRegex(
            UserError, "A goal of an agreed plan cannot be deleted"
        ):
            plan.goal_ids.with_user(self.worker).unlink()
        draft = self.Plan.create({"case_id": self.case_a.id})
        draft.with_user(self.worker).unlink()
        self.assertFalse(draft.exists())

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def test_goal_refused_without_active_protocol(self):
        plan = self._create_plan()
        with self.assertRaisesRegex(ValidationError, "no active protocol"):
            self.Goal.with_user(self.worker).create(
                {
                    "plan_id": plan.id,
                    "name": "Clothes",
                    "party_id": self.association_no_protocol.id,
                }
            )
        with self.assertRaisesRegex(
            ValidationError, "has no active protocol: it cannot be given new goals"
        ):
            self._goal(plan, self.assoc_a).with_user(
                self.worker
            ).party_id = self.association_no_protocol
        # A draft protocol is not enough either.
        self.env["family.protocol"].create(
            {
                "name": "Draft protocol",
                "date_start": self.today,
                "date_end": self.today + timedelta(days=30),
                "party_ids": [
                    Command.create({"partner_id": self.association_no_protocol.id})
                ],
            }
        )
        with self.assertRaisesRegex(
            ValidationError, "has no active protocol: it cannot be given new goals"
        ):
            self.Goal.create(
                {
                    "plan_id": plan.id,
                    "name": "Clothes",
                    "party_id": self.association_no_protocol.id,
                }
            )
        # The Comune needs no protocol.
        self.assertTrue(self.comune._family_has_active_protocol())
        goal = self.Goal.with_user(self.worker).create(
            {"plan_id": plan.id, "name": "Housing", "party_id": self.comune.id}
        )
        self.assertTrue(goal.exists())

    def test_plan_dates(self):
        with self.assertRaisesRegex(ValidationError, "end date"):
            self.Plan.create(
                {
                    "case_id": self.case_a.id,
                    "date_start": self.today,
                    "date_end": self.today - timedelta(days=1),
                }
            )
        plan = self.Plan.create(
            {
                "case_id": self.case_a.id,
                "date_start": self.today,
                "date_end": self.today,
            }
        )
        self.assertEqual(plan.date_end, self.today)

    def test_closed_case_blocks_plans(self):
        plan = self._create_plan()
        self.case_a.action_close_case()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            plan.with_user(self.worker).date_end = self.today
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            plan.goal_ids[0].with_user(self.worker).state = "achieved"
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self.Goal.create(
                {"plan_id": plan.id, "name": "Housing", "party_id": self.comune.id}
            )
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self.Plan.create({"case_id": self.case_a.id})
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            plan.action_submit()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            plan.unlink()

    def test_new_goal_from_the_form_waits_for_approval(self):
        """Regression: the plan form sends the goal's default approval state;
        saving a new goal from it must work, and never create it approved."""
        plan = self._create_plan()
        Goal = self.Goal.with_user(self.worker)
        goal = Goal.create(
            {
                "plan_id": plan.id,
                "name": "Casa",
                "party_id": self.assoc_a.id,
                "approval_state": "pending",
            }
        )
        self.assertEqual(goal.approval_state, "pending")
        with self.assertRaisesRegex(
            UserError, "Goals are approved with the plan's Approve button"
        ):
            Goal.create(
                {
                    "plan_id": plan.id,
                    "name": "Lavoro",
                    "party_id": self.assoc_a.id,
                    "approval_state": "approved",
                }
            )
