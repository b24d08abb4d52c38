import base64
import io
from datetime import date

from freezegun import freeze_time
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from ..models.family_monitoring_report import suppress_rows
from .common import PortalCommon, new_share

Y = 2023


class MonitoringCommon(PortalCommon):
    """The protocol's dashboard against a fixture computed by hand: the year
    2023, where nothing else of the shared fixtures falls.

    - cases: X (reported 15/1), Y (reported 1/3), Z (reported in 2022,
      closed 30/9): 3 followed, 2 new, 1 closed;
    - shares: X and Y with A, Y with B: 2 families shared (A 2, B 1);
    - interventions: A 20 € on X and 30 € on Y, B 70 € on Y (overlapping
      A's), the Comune 100 € on X, and a cancelled one of A: 4, 220 €,
      2 overlaps;
    - plans agreed 30 and 10 days after the report: 20 days on average;
    - referrals sent: 2, one accepted.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Case = env["family.case"]
        cls.case_x, cls.case_y, cls.case_z = Case.create(
            [
                {"name": "Famiglia Xeno", "date_intake": date(Y, 1, 15)},
                {"name": "Famiglia Ypsilon", "date_intake": date(Y, 3, 1)},
                {"name": "Famiglia Zeta", "date_intake": date(Y - 1, 6, 1)},
            ]
        )
        cls.case_z.write(
            {
                "stage_id": env.ref("odoo_famiglie_rete.stage_closed").id,
                "closure_reason": "moved",
                "date_closed": date(Y, 9, 30),
            }
        )
        for case, assoc in (
            (cls.case_x, cls.assoc_a),
            (cls.case_y, cls.assoc_a),
            (cls.case_y, cls.assoc_b),
        ):
            new_share(
                env,
                case,
                assoc,
                date_start=date(Y, 1, 20),
                consent_date=date(Y, 1, 20),
            )

        def intervention(provider, case, start, end, value, **vals):
            return env["family.intervention"].create(
                {
                    "case_id": case.id,
                    "provider_id": provider.id,
                    "type_id": vals.pop("type_", cls.type_parcel).id,
                    "date_start": start,
                    "date_end": end,
                    "quantity": 1,
                    "unit_value": value,
                    **vals,
                }
            )

        intervention(cls.assoc_a, cls.case_x, date(Y, 2, 1), date(Y, 2, 28), 20)
        intervention(cls.assoc_a, cls.case_y, date(Y, 5, 10), date(Y, 5, 31), 30)
        intervention(cls.assoc_b, cls.case_y, date(Y, 5, 12), date(Y, 5, 20), 70)
        intervention(
            cls.comune,
            cls.case_x,
            date(Y, 3, 1),
            date(Y, 3, 31),
            100,
            type_=cls.type_rent,
        )
        intervention(
            cls.assoc_a,
            cls.case_x,
            date(Y, 6, 1),
            date(Y, 6, 30),
            999,
            state="cancelled",
        )
        for case, agreed in (
            (cls.case_x, date(Y, 2, 14)),
            (cls.case_y, date(Y, 3, 11)),
        ):
            env["family.plan"].create(
                {
                    "case_id": case.id,
                    "state": "active",
                    "date_agreed": agreed,
                    "goal_ids": [
                        Command.create(
                            {
                                "name": "Obiettivo del cruscotto",
                                "party_id": cls.assoc_a.id,
                                "baseline": 0,
                                "target": 2,
                            }
                        )
                    ],
                }
            )
        cls.goal_met = cls.case_x.plan_ids.goal_ids
        cls.goal_met.write({"current_value": 2, "date_measured": date(Y, 4, 1)})
        env["family.referral"].create(
            [
                {
                    "case_id": cls.case_x.id,
                    "service_id": cls.service.id,
                    "reason": "Lavoro",
                    "date_sent": date(Y, 4, 1),
                    "state": state,
                }
                for state in ("sent", "accepted")
            ]
        )

    def _dashboard(self, user=None):
        return (
            self.env["family.monitoring.dashboard"]
            .with_user(user or self.manager)
            .create(
                {
                    "protocol_id": self.protocol.id,
                    "date_from": date(Y, 1, 1),
                    "date_to": date(Y, 12, 31),
                }
            )
        )


@tagged("post_install", "-at_install")
class TestMonitoringDashboard(MonitoringCommon):
    """The manager's dashboard: figures, the records behind them, a tour."""

    def test_figures_against_the_hand_computed_fixture(self):
        dashboard = self._dashboard()
        self.assertRecordValues(
            dashboard,
            [
                {
                    "family_count": 3,
                    "shared_family_count": 2,
                    "new_case_count": 2,
                    "closed_case_count": 1,
                    "intervention_count": 4,
                    "intervention_amount": 220.0,
                    "overlap_count": 2,
                    "overlap_resolved_count": 0,
                    "goal_met_count": 1,
                    "referral_count": 2,
                    "referral_accepted_count": 1,
                    "days_to_take_charge": 20.0,
                }
            ],
        )
        rows = {row["partner"]: row for row in dashboard._family_party_rows()}
        self.assertEqual(rows[self.assoc_a]["families"], 2)
        self.assertEqual(rows[self.assoc_b]["families"], 1)
        self.assertEqual(
            (rows[self.assoc_a]["interventions"], rows[self.assoc_a]["amount"]),
            (2, 50.0),
        )
        self.assertEqual(
            (rows[self.assoc_b]["interventions"], rows[self.assoc_b]["amount"]),
            (1, 70.0),
        )
        self.assertEqual(rows[self.assoc_a]["goals_met"], 1)
        self.assertIn("Associazione Alfa", dashboard.party_table)

    def test_overlaps_detected_and_resolved(self):
        """An overlap found stays counted; moving one help out of the other's
        period resolves both, and they stay resolved once done; help done
        while overlapping was not resolved."""
        interventions = self.env["family.intervention"].search(
            [("case_id", "=", self.case_y.id)]
        )
        b_help = interventions.filtered(lambda i: i.provider_id == self.assoc_b)
        a_help = interventions - b_help
        dashboard = self._dashboard()
        self.assertEqual(
            (dashboard.overlap_count, dashboard.overlap_resolved_count), (2, 0)
        )
        b_help.write({"date_start": date(Y, 6, 1), "date_end": date(Y, 6, 10)})
        self.assertFalse(a_help.has_overlap or b_help.has_overlap)
        a_help.state = "done"
        self.env.flush_all()
        self.env.invalidate_all()
        dashboard = self._dashboard()
        self.assertEqual(
            (dashboard.overlap_count, dashboard.overlap_resolved_count), (2, 2)
        )
        action = dashboard.action_open_overlaps_resolved()
        self.assertEqual(
            self.env["family.intervention"].search(action["domain"]),
            a_help | b_help,
        )
        # done while overlapping: detected, never resolved
        c_help = self.env["family.intervention"].create(
            {
                "case_id": self.case_x.id,
                "provider_id": self.assoc_b.id,
                "type_id": self.type_parcel.id,
                "date_start": date(Y, 2, 10),
                "date_end": date(Y, 2, 20),
                "quantity": 1,
                "unit_value": 5,
            }
        )
        self.assertTrue(c_help.has_overlap)
        c_help.state = "done"
        self.env.flush_all()
        self.assertTrue(c_help.overlap_detected)
        self.assertFalse(c_help.overlap_resolved)

    def test_each_figure_opens_its_records(self):
        dashboard = self._dashboard()
        for method, figure in (
            ("action_open_families", "family_count"),
            ("action_open_new_cases", "new_case_count"),
            ("action_open_closed_cases", "closed_case_count"),
            ("action_open_interventions", "intervention_count"),
            ("action_open_overlaps", "overlap_count"),
            ("action_open_overlaps_resolved", "overlap_resolved_count"),
            ("action_open_goals_met", "goal_met_count"),
            ("action_open_referrals", "referral_count"),
            ("action_open_overdue", "review_overdue_count"),
        ):
            action = getattr(dashboard, method)()
            records = (
                self.env[action["res_model"]]
                .with_user(self.manager)
                .search(action["domain"])
            )
            self.assertEqual(len(records), dashboard[figure], method)
        self.assertEqual(
            self.env["family.case"].search(dashboard.action_open_new_cases()["domain"]),
            self.case_x | self.case_y,
        )

    def test_figures_cost_a_fixed_number_of_queries(self):
        """Every figure and the table by association: one grouped query
        each, whatever the number of cases (the templates compiled first)."""
        dashboard = self._dashboard()
        self.assertEqual(dashboard.intervention_count, 4)
        dashboard.invalidate_recordset()
        self.env.invalidate_all()
        with self.assertQueryCount(40):
            self.assertEqual(dashboard.intervention_count, 4)

    def test_only_the_manager(self):
        with self.assertRaisesRegex(AccessError, "family.monitoring.dashboard"):
            self._dashboard(self.worker)

    def test_dashboard_tour(self):
        self.start_tour(
            "/odoo/action-odoo_famiglie_rete.family_monitoring_dashboard_action",
            "odoo_famiglie_rete_dashboard_tour",
            login="manager",
        )


@tagged("post_install", "-at_install")
class TestPortalMonitoring(MonitoringCommon):
    """The coordinator's dashboard: its association's figures only, read
    as the coordinator over HTTP."""

    def test_coordinator_sees_its_own_figures(self):
        self._login(self.coord_a)
        response = self.url_open(f"/my/monitoraggio?year={Y}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("50.00", html)  # A's value in the year
        self.assertNotIn("70.00", html)  # B's
        self.assertNotIn("220.00", html)  # the protocol's
        self.assertNotIn("100.00", html)  # the Comune's
        # its own yearly budget, and how much of it the year's help used
        self.assertIn("1,000.00", html)
        self.assertIn("(5% used)", html)
        self.assertNotIn("5,000.00", html)  # B's budget
        self._login(self.coord_b)
        html = self.url_open(f"/my/monitoraggio?year={Y}").text
        self.assertIn("70.00", html)
        self.assertNotIn("50.00", html)
        self.assertIn("5,000.00", html)
        self.assertIn("(1% used)", html)

    def test_volunteers_and_staff_get_404(self):
        for user in (self.vol_a, self.worker):
            self._login(user)
            self.assertNotFound(self.url_open("/my/monitoraggio"))

    def test_portal_monitoring_tour(self):
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_monitoring_tour", login="coord_alfa"
        )


@tagged("post_install", "-at_install")
class TestMonitoringReport(MonitoringCommon):
    """The yearly report: the fixture's figures, small cells suppressed in
    the PDF and the workbook, the yearly job."""

    def _report(self, minimum):
        self.env.company.family_report_min_count = minimum
        report = (
            self.env["family.monitoring.report"]
            .with_user(self.manager)
            .create({"protocol_id": self.protocol.id, "year": Y})
        )
        report.action_generate()
        return report

    def _html(self, report):
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "odoo_famiglie_rete.report_family_monitoring", report.ids
            )
        )
        return html.decode()

    @staticmethod
    def _cells(report):
        book = load_workbook(io.BytesIO(base64.b64decode(report.xlsx_file)))
        return [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        ]

    def test_figures_against_the_hand_computed_fixture(self):
        data = self._report(1).data
        self.assertEqual([row[1] for row in data["families"]], [3, 2, 1])
        parties = {row[0]: row[1:] for row in data["associations"]}
        self.assertEqual(parties["Comune di Prova"], [0, 1, 100.0])
        self.assertEqual(parties["Associazione Alfa"], [2, 2, 50.0])
        self.assertEqual(parties["Associazione Beta"], [1, 1, 70.0])
        self.assertEqual(data["total"], [4, 220.0])
        self.assertEqual(
            [row[1:] for row in data["months"]],
            [[1, 20.0], [1, 100.0], [2, 100.0]],
        )
        self.assertEqual(sorted(row[1] for row in data["referrals"]), [1, 1])
        self.assertEqual(data["days_to_take_charge"], 20.0)

    def test_small_cells_are_suppressed(self):
        report = self._report(2)
        parties = {row[0]: row[1:] for row in report.data["associations"]}
        self.assertEqual(parties["Associazione Alfa"], [2, 2, 50.0])
        self.assertEqual(parties["Associazione Beta"], [None, None, None])
        self.assertEqual(parties["Comune di Prova"], [0, None, None])
        html = self._html(report)
        self.assertIn("50.00", html)
        self.assertNotIn("70.00", html)
        self.assertIn("&lt; 2", html)
        # never a family or a case reference
        for case in (self.case_x, self.case_y, self.case_z):
            self.assertNotIn(case.reference, html)
        self.assertNotIn("Famiglia", html)

    def test_default_minimum_suppresses_the_whole_small_fixture(self):
        report = self._report(5)
        self.assertEqual(report.min_count, 5)
        html = self._html(report)
        for amount in ("20.00", "50.00", "70.00"):
            self.assertNotIn(amount, html)
        cells = self._cells(report)
        self.assertIn("< 5", cells)
        self.assertIn("Associazione Alfa", cells)
        self.assertNotIn(50.0, cells)
        self.assertFalse([c for c in cells if isinstance(c, str) and "Famiglia" in c])

    def test_the_pdf_opens_and_holds_the_figures(self):
        report = self._report(2)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("odoo_famiglie_rete.report_family_monitoring", report.ids)
        )
        # wkhtmltopdf made a real document (its text is the HTML the other
        # tests read: the PDF's glyphs are not searchable text)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 1)

    def test_a_single_small_row_takes_the_next_one_with_it(self):
        rows = suppress_rows([["a", 1, 10.0], ["b", 3, 30.0], ["c", 7, 70.0]], 2)
        self.assertEqual(rows, [["a", None, None], ["b", None, None], ["c", 7, 70.0]])

    def test_minimum_count_setting(self):
        with self.assertRaisesRegex(ValidationError, "at least 1"):
            self.env.company.family_report_min_count = 0
        self.assertEqual(self.env["res.company"].new({}).family_report_min_count, 5)
        # the manager's own settings form writes it
        self.manager.company_ids = self.env.company
        self.manager.company_id = self.env.company
        settings = (
            self.env["family.settings"]
            .with_user(self.manager)
            .create({"family_report_min_count": 3})
        )
        settings.action_save()
        self.assertEqual(self.env.company.family_report_min_count, 3)
        with self.assertRaisesRegex(ValidationError, "at least 1"):
            self.env["family.settings"].with_user(self.manager).create(
                {"family_report_min_count": 0}
            )

    def test_only_the_manager_reads_it(self):
        report = self._report(1)
        for user in (self.worker, self.finance):
            with self.assertRaisesRegex(AccessError, "family.monitoring.report"):
                report.with_user(user).read(["data"])

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_no_other_role_downloads_it_over_http(self):
        """The workbook through /web/content, the PDF through /report: the
        manager's only, whatever the channel."""
        report = self._report(1)
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "family.monitoring.report"),
                ("res_id", "=", report.id),
                ("res_field", "=", "xlsx_file"),
            ]
        )
        self.assertTrue(attachment)
        urls = (
            f"/web/content/family.monitoring.report/{report.id}/xlsx_file",
            f"/web/content/{attachment.id}",
            f"/report/pdf/odoo_famiglie_rete.report_family_monitoring/{report.id}",
            f"/report/html/odoo_famiglie_rete.report_family_monitoring/{report.id}",
        )
        self.authenticate("manager", "manager")
        self.assertEqual(self.url_open(urls[0]).status_code, 200)
        for login in ("worker", "finance", "coord_alfa"):
            self.authenticate(login, login)
            for url in urls:
                with self.subTest(login=login, url=url):
                    response = self.url_open(url)
                    self.assertNotEqual(response.status_code, 200)
                    self.assertNotIn(b"PK\x03\x04", response.content[:4])

    def test_another_comune_reads_no_report(self):
        report = self._report(1)
        other = self.env["res.company"].create({"name": "Comune di Pioltello"})
        manager_2 = new_test_user(
            self.env,
            login="manager_pioltello",
            groups="odoo_famiglie_rete.group_family_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        Report = self.env["family.monitoring.report"].with_user(manager_2)
        self.assertFalse(Report.search([]))
        with self.assertRaisesRegex(AccessError, "family.monitoring.report"):
            report.with_user(manager_2).read(["data"])

    def test_yearly_job_on_january_first(self):
        with freeze_time(f"{Y + 1}-01-01 02:00:00"):
            reports = self.env["family.monitoring.report"]._cron_generate_last_year()
        report = reports.filtered(lambda r: r.protocol_id == self.protocol)
        self.assertEqual(report.year, Y)
        self.assertEqual(report.state, "generated")
        self.assertTrue(report.xlsx_file)
        self.assertIn(self.manager, report.activity_ids.user_id)
        # run again (a retry): the same report, generated again
        with freeze_time(f"{Y + 1}-01-01 03:00:00"):
            again = self.env["family.monitoring.report"]._cron_generate_last_year()
        self.assertIn(report, again)
        self.assertEqual(
            self.env["family.monitoring.report"].search_count(
                [("protocol_id", "=", self.protocol.id), ("year", "=", Y)]
            ),
            1,
        )
