from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import NetworkCommon


@tagged("post_install", "-at_install")
class TestFamilyCaseUi(NetworkCommon, HttpCase):
    """The case views render in the browser without errors (tours in
    static/tests/tours/family_case_views_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        today = cls.today
        code = "RSSMRA80A01F205X"
        # the same person, in another open case: a warning on the member
        cls.CaseW.create(
            {
                "name": "Rossi",
                "member_ids": [
                    Command.create({"partner_id": cls.person_a.id, "fiscal_code": code})
                ],
            }
        )
        cls.case = cls.CaseW.create(
            {
                "name": "Rossi bis",
                "need_area_ids": [
                    Command.link(env.ref("odoo_famiglie_rete.need_area_housing").id)
                ],
                "isee_expiry": today - timedelta(days=1),
                "member_ids": [
                    Command.create({"partner_id": cls.person_a.id, "fiscal_code": code})
                ],
            }
        )
        for provider in (cls.comune, cls.assoc_a):
            cls._intervention(
                provider,
                today,
                today + timedelta(days=10),
                case=cls.case,
                unit_value=25,
            )
        plan = env["family.plan"].create({"case_id": cls.case.id})
        env["family.plan.goal"].create(
            {"plan_id": plan.id, "name": "Pay the rent", "party_id": cls.assoc_a.id}
        )
        env["family.review"].create(
            {"case_id": cls.case.id, "date": fields.Datetime.now() - timedelta(days=9)}
        )

    def test_case_form(self):
        self.assertTrue(self.case.has_overlap)
        self.assertTrue(self.case.review_overdue)
        self.start_tour(
            f"/odoo/action-odoo_famiglie_rete.family_case_action/{self.case.id}",
            "odoo_famiglie_rete_case_form_tour",
            login=self.worker.login,
        )

    def test_case_multi_record_views(self):
        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_case_action",
            "odoo_famiglie_rete_case_views_tour",
            login=self.worker.login,
        )

    def test_member_views(self):
        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_case_member_action",
            "odoo_famiglie_rete_member_views_tour",
            login=self.worker.login,
        )
