from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalTours(PortalCommon):
    """Each portal page, clicked in a real browser by an association user."""

    def _family_url(self, case=None):
        return f"/my/famiglie/{(case or self.case_a).id}"

    def test_family_list(self):
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_list_tour", login="coord_alfa"
        )
        self.assertTrue(self._logs(self.coord_a, "portal", self.case_a2))

    def test_family_page(self):
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_family_tour",
            login="coord_alfa",
        )

    def test_new_intervention(self):
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_new_intervention_tour",
            login="vol_alfa",
        )
        intervention = self.env["family.intervention"].search(
            [("name", "=", "Bolletta luce")]
        )
        self.assertEqual(len(intervention), 1)
        self.assertEqual(intervention.provider_id, self.assoc_a)
        self.assertEqual(intervention.quantity, 2.0)
        self.assertEqual(intervention.amount, 200.0)
        self.assertEqual(intervention.member_id, self.member_a)
        self.assertEqual(intervention.goal_id, self.goal_a)

    def test_edit_intervention(self):
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_edit_intervention_tour",
            login="coord_alfa",
        )
        self.assertEqual((self.int_a.quantity, self.int_a.state), (3.0, "done"))

    def test_goal_update(self):
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_goal_tour",
            login="coord_alfa",
        )
        self.assertEqual(
            (self.goal_a.state, self.goal_a.current_value), ("in_progress", 3.0)
        )

    def test_goal_approval(self):
        self.plan_a.action_submit()
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_goal_approval_tour",
            login="coord_alfa",
        )
        self.assertEqual(self.goal_a.approval_state, "approved")
        self.assertEqual(self.goal_comune.approval_state, "pending")

    def test_discussion(self):
        self.start_tour(
            self._family_url(),
            "odoo_famiglie_rete_portal_discussion_tour",
            login="vol_alfa",
        )
        message = self.env["mail.message"].search(
            [("body", "ilike", "Pacco consegnato oggi")]
        )
        self.assertEqual(message.author_id, self.vol_a.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_reviews(self):
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_reviews_tour", login="coord_alfa"
        )

    def test_volunteer_assignment(self):
        self.start_tour(
            self._family_url(self.case_a2),
            "odoo_famiglie_rete_portal_volunteers_tour",
            login="coord_alfa",
        )
        self.assertEqual(self.share_a2.volunteer_user_ids, self.vol_a2)
