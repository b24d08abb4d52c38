from datetime import date

from odoo.tests import tagged

from .common import PortalCommon

REPORT = "odoo_famiglie_rete.test_report_family_case"


@tagged("post_install", "-at_install")
class TestAccessLogChannels(PortalCommon):
    """Every channel through which an association or finance user opens a
    family's data writes the access log: who, which family, which channel.

    Each test goes over real HTTP, as the web client or a script would.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a report on family cases, as an addon would declare it
        cls.env["ir.ui.view"].create(
            {
                "name": "test_report_family_case",
                "type": "qweb",
                "key": REPORT,
                "arch": """<t t-name="odoo_famiglie_rete.test_report_family_case">
                    <t t-foreach="docs" t-as="case">
                        <p class="ref" t-out="case.reference"/>
                    </t>
                </t>""",
            }
        )
        cls.env["ir.actions.report"].create(
            {
                "name": "Case summary (test)",
                "model": "family.case",
                "report_type": "qweb-pdf",
                "report_name": REPORT,
            }
        )

    def assertEntries(self, user, channel, cases, model):
        entries = self._logs(user, channel)
        self.assertEqual(entries.case_id, cases)
        self.assertEqual(set(entries.mapped("model")), {model})
        association = self.assoc_a if user == self.coord_a else self.env["res.partner"]
        self.assertEqual(entries.partner_id, association)
        self.assertEqual(
            entries.mapped("case_reference"), entries.case_id.mapped("reference")
        )
        return entries

    # ------------------------------------------------------------------
    def test_form(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.rpc("family.plan.goal", "web_read", self.goal_a.ids, {"name": {}})
        self.assertEntries(self.coord_a, "form", self.case_a, "family.plan.goal")

    def test_statement_form(self):
        """A statement's form shows its lines, each naming a family: opening
        it logs the lines' cases."""
        self._done(self.assoc_a, date(2024, 3, 1))
        self._done(self.assoc_a, date(2024, 3, 2), case=self.case_b)
        statement = self._statement(self.party_a)
        self.assertEqual(len(statement.line_ids), 2)
        self._login(self.finance)
        self.rpc(
            "family.compensation",
            "web_read",
            statement.ids,
            {"name": {}, "line_ids": {"fields": {"case_reference": {}, "amount": {}}}},
        )
        self.assertEntries(
            self.finance, "form", self.case_a | self.case_b, "family.compensation.line"
        )

    def test_list(self):
        self._login(self.finance)
        result = self.rpc(
            "family.intervention",
            "web_search_read",
            domain=[],
            specification={"case_id": {}, "amount": {}},
        )
        self.assertEqual(result["length"], 3)
        self.assertEntries(
            self.finance, "list", self.case_a | self.case_b, "family.intervention"
        )

    def test_list_of_reviews_as_coordinator(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.rpc(
            "family.review", "web_search_read", domain=[], specification={"date": {}}
        )
        self.assertEntries(self.coord_a, "list", self.case_a, "family.review")

    def test_rpc_read_and_search_read(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.rpc("family.review", "read", self.review_a.ids, ["date"])
        self.assertEntries(self.coord_a, "rpc", self.case_a, "family.review")
        self.rpc("family.plan", "search_read", [], fields=["state"])
        models = set(self._logs(self.coord_a, "rpc").mapped("model"))
        self.assertEqual(models, {"family.review", "family.plan"})

    def test_group_by_case(self):
        """Grouped by case: the cases of the groups."""
        self._login(self.finance)
        result = self.rpc(
            "family.intervention",
            "web_read_group",
            domain=[],
            fields=["amount:sum"],
            groupby=["case_id"],
        )
        self.assertEqual(len(result["groups"]), 2)
        self.assertEntries(
            self.finance, "group", self.case_a | self.case_b, "family.intervention"
        )

    def test_group_by_other_field(self):
        """Grouped by anything else: the cases behind the groups."""
        self._login(self.finance)
        result = self.rpc(
            "family.intervention",
            "read_group",
            [("case_id", "=", self.case_b.id)],
            ["amount:sum"],
            ["state"],
        )
        self.assertEqual(sum(group["state_count"] for group in result), 1)
        self.assertEntries(self.finance, "group", self.case_b, "family.intervention")

    def test_kanban_progress_bar(self):
        """The kanban's progress bars are counts by group: logged as a grouped
        view, as read_group is."""
        self._login(self.finance)
        result = self.rpc(
            "family.intervention",
            "read_progress_bar",
            domain=[("case_id", "=", self.case_b.id)],
            group_by="state",
            progress_bar={"field": "compensable", "colors": {}},
        )
        self.assertTrue(result)
        self.assertEntries(self.finance, "group", self.case_b, "family.intervention")

    def test_name_search(self):
        self.authenticate("coord_alfa", "coord_alfa")
        results = self.rpc("family.case", "name_search", name="")
        self.assertEqual({row[0] for row in results}, {self.case_a.id, self.case_a2.id})
        self.assertEntries(
            self.coord_a, "search", self.case_a | self.case_a2, "family.case"
        )

    def test_export(self):
        self._login(self.finance)
        self.rpc("family.intervention", "export_data", self.int_b.ids, ["amount"])
        self.assertEntries(self.finance, "export", self.case_b, "family.intervention")

    def test_report_html_and_pdf(self):
        self._login(self.finance)
        response = self.url_open(f"/report/html/{REPORT}/{self.case_b.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case_b.reference, response.text)
        self.assertNotIn("Famiglia Beta", response.text)
        self.assertEntries(self.finance, "report", self.case_b, "family.case")
        response = self.url_open(f"/report/pdf/{REPORT}/{self.case_a.id}")
        self.assertEqual(response.status_code, 200)
        entries = self.assertEntries(
            self.finance, "report", self.case_a | self.case_b, "family.case"
        )
        self.assertEqual(len(entries), 2)  # the PDF made from HTML: one entry

    def test_download(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self.url_open(f"/web/content/{self.document_a.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEntries(self.coord_a, "download", self.case_a, "ir.attachment")

    def test_portal_page_and_calendar_file(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertEqual(
            self.url_open(f"/my/famiglie/{self.case_a.id}").status_code, 200
        )
        self.assertEntries(self.coord_a, "portal", self.case_a, "family.case")
        response = self.url_open(f"/my/verifiche/{self.review_a.id}/ics")
        self.assertEqual(response.status_code, 200)
        entries = self._logs(self.coord_a, "portal")
        self.assertIn("family.review", entries.mapped("model"))
        self.assertEqual(entries.case_id, self.case_a)

    def test_social_worker_is_not_logged(self):
        self._login(self.worker)
        self.rpc(
            "family.intervention",
            "web_search_read",
            domain=[],
            specification={"case_id": {}},
        )
        self.rpc(
            "family.intervention",
            "web_read_group",
            domain=[],
            fields=[],
            groupby=["case_id"],
        )
        self.assertFalse(
            self.env["family.access.log"].search([("user_id", "=", self.worker.id)])
        )

    def test_one_insert_per_call(self):
        """The log of many cases costs one query, whatever their number."""
        cases = self.env["family.case"].create(
            [{"name": f"Famiglia {n}", "user_id": self.worker.id} for n in range(30)]
        )
        Log = self.env["family.access.log"].with_user(self.finance)
        Log._log(cases[:1], "list")  # the user's groups are now cached
        self.env.flush_all()
        with self.assertQueryCount(1):
            Log._log(cases, "list")
        Intervention = self.env["family.intervention"].with_user(self.finance)
        cases_sql = Intervention._family_cases_sql(Intervention._search([]))
        with self.assertQueryCount(1):
            Log._log(cases_sql, "group")
        entries = self._logs(self.finance, "group")
        self.assertEqual(entries.case_id, self.case_a | self.case_b)
