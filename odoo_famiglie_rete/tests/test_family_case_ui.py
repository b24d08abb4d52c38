from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

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
class TestFamilyCaseUi(HttpCase):
    """The case views render in the browser without errors."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        today = fields.Date.context_today(env.user)
        cls.worker = new_test_user(
            env,
            login="case_ui_worker",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        association = env["res.partner"].create(
            {"name": "Associazione UI", "is_company": True}
        )
        env["family.protocol"].create(
            {
                "name": "Protocollo UI",
                "date_start": today - timedelta(days=30),
                "date_end": today + timedelta(days=365),
                "party_ids": [Command.create({"partner_id": association.id})],
            }
        ).action_confirm()
        person = env["res.partner"].create({"name": "Mario Rossi"})
        code = "RSSMRA80A01F205X"
        Case = env["family.case"].with_user(cls.worker)
        cls.first = Case.create(
            {
                "name": "Rossi",
                "member_ids": [
                    Command.create({"partner_id": person.id, "fiscal_code": code})
                ],
            }
        )
        cls.case = Case.create(
            {
                "name": "Rossi bis",
                "need_area_ids": [
                    Command.link(env.ref("odoo_famiglie_rete.need_area_housing").id)
                ],
                "isee_expiry": today - timedelta(days=1),
                "member_ids": [
                    Command.create({"partner_id": person.id, "fiscal_code": code})
                ],
            }
        )
        parcel = env.ref("odoo_famiglie_rete.intervention_type_food_parcel")
        env["family.intervention"].create(
            [
                {
                    "case_id": cls.case.id,
                    "provider_id": provider.id,
                    "type_id": parcel.id,
                    "date_start": today,
                    "date_end": today + timedelta(days=10),
                    "unit_value": 25,
                }
                for provider in (env.company.partner_id, association)
            ]
        )
        plan = env["family.plan"].create({"case_id": cls.case.id})
        env["family.plan.goal"].create(
            {"plan_id": plan.id, "name": "Pay the rent", "party_id": association.id}
        )
        env["family.review"].create(
            {"case_id": cls.case.id, "date": fields.Datetime.now() - timedelta(days=9)}
        )

    def _check(self, url, *selectors):
        self.browser_js(
            url,
            CHECK_JS % {"selectors": list(selectors)},
            login="case_ui_worker",
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
