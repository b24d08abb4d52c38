from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import NetworkCommon

# Runs in the page: for each step, waits for a selector (or clicks it when the
# step starts with "click:"), then visits every notebook page of a form, and
# reports the first problem with console.error.
CHECK_JS = """
(async () => {
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const waitFor = async (selector, timeout = 15000) => {
        const start = Date.now();
        while (Date.now() - start < timeout) {
            const element = document.querySelector(selector);
            if (element) {
                return element;
            }
            await sleep(100);
        }
        throw new Error(`Not found: ${selector}`);
    };
    try {
        for (const step of %(selectors)s) {
            if (step.startsWith("click:")) {
                (await waitFor(step.slice(6))).click();
            } else {
                await waitFor(step);
            }
        }
        for (const link of document.querySelectorAll(".o_notebook .nav-link")) {
            link.click();
            await sleep(200);
        }
        console.log("test successful");
    } catch (error) {
        console.error(error.message);
    }
})()
"""


@tagged("post_install", "-at_install")
class TestFamilyCaseUi(NetworkCommon, HttpCase):
    """The case views render in the browser without errors."""

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

    def _check(self, url, *selectors):
        self.browser_js(
            url,
            CHECK_JS % {"selectors": list(selectors)},
            login=self.worker.login,
        )

    def test_case_form(self):
        self.assertTrue(self.case.has_overlap)
        self.assertTrue(self.case.review_overdue)
        self._check(
            f"/odoo/action-odoo_famiglie_rete.family_case_action/{self.case.id}",
            ".o_form_view .o_notebook",
            ".o_statusbar_status",
            ".o_field_statinfo",
            ".alert-warning",
            ".o_field_one2many[name='member_ids'] .fa-exclamation-triangle",
            ".o_field_html[name='totals_html'], .o_notebook .nav-link",
        )

    def test_case_multi_record_views(self):
        self._check(
            "/odoo/action-odoo_famiglie_rete.family_case_action",
            ".o_kanban_view .o_column_progress",
            ".o_kanban_record .o_field_many2many_tags",
            "click:.o_switch_view.o_list",
            ".o_list_view .o_data_row",
            "click:.o_switch_view.o_pivot",
            ".o_pivot_view .o_pivot",
            "click:.o_switch_view.o_graph",
            ".o_graph_view canvas",
            "click:.o_switch_view.o_activity",
            ".o_activity_view",
        )

    def test_member_and_config_views(self):
        self._check(
            "/odoo/action-odoo_famiglie_rete.family_case_member_action",
            ".o_list_view .o_data_row",
        )
        member = self.case.member_ids
        self._check(
            f"/odoo/action-odoo_famiglie_rete.family_case_member_action/{member.id}",
            ".o_form_view .alert-warning",
        )
