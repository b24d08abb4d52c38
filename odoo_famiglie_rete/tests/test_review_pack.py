import io
from datetime import date

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PortalCommon

PACK = "odoo_famiglie_rete.report_family_review_pack"
PACK_REVIEW = "odoo_famiglie_rete.report_family_review_pack_review"
MINUTES = "odoo_famiglie_rete.report_family_review_minutes"


@tagged("post_install", "-at_install")
class TestReviewPack(PortalCommon):
    """The review pack and the minutes: the whole case for the social
    worker; for an invited association only what its share opens, read over
    HTTP as the coordinator, and nothing of a review it is not invited to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.housing = env.ref("odoo_famiglie_rete.need_area_housing")
        cls.case_a.need_area_ids = [Command.link(cls.housing.id)]
        cls.goal_a.write({"indicator_unit": "pacchi", "baseline": 1, "target": 4})
        # the Comune's rent contribution: another party's, with its amount
        cls.int_rent = cls._intervention(
            cls.comune, cls.today, type_=cls.type_rent, quantity=3
        ).with_env(env)
        cls.referral = env["family.referral"].create(
            {
                "case_id": cls.case_a.id,
                "service_id": cls.service.id,
                "reason": "Ricerca attiva di lavoro",
            }
        )
        # the review held 20 days ago: outcomes, decisions, minutes
        review = cls.review_a_past.with_user(cls.worker)
        review.action_load_goals()
        for outcome in review.outcome_ids:
            mine = outcome.goal_id == cls.goal_a
            outcome.write(
                {
                    "indicator_value": 3 if mine else 2,
                    "outcome": "partly",
                    "note": "Nota su pacchi" if mine else "Colloquio al CPI",
                }
            )
        review.write(
            {
                "decisions": "Si concorda la consegna quindicinale",
                "minutes": "<p>Verbale interno: ISEE 4.321 euro</p>",
                "next_review_date": date.today(),
            }
        )
        review.action_done()

    def _html(self, user, report, ids):
        html, _kind = (
            self.env["ir.actions.report"].with_user(user)._render_qweb_html(report, ids)
        )
        return html.decode()

    # ------------------------------------------------------------------
    # The social worker's pack
    # ------------------------------------------------------------------
    def test_social_worker_pack_has_the_whole_case(self):
        for report, ids in ((PACK, self.case_a.ids), (PACK_REVIEW, self.review_a.ids)):
            html = self._html(self.worker, report, ids)
            for text in (
                self.case_a.reference,
                "Famiglia Alfa",
                "Mario Alfa",
                self.housing.name,
                "Spesa mensile garantita",
                "Trovare lavoro",
                self.type_rent.name,
                "Associazione Alfa",
                "Centro per l&#39;impiego",
                "Ricerca attiva di lavoro",
                "Colloquio al CPI",
            ):
                self.assertIn(text, html, f"{report}: {text}")
        # the series of the association's goal: the measure of the held review
        html = self._html(self.worker, PACK_REVIEW, self.review_a.ids)
        self.assertIn("3.00", html)

    def test_pack_reads_in_batches(self):
        """The pack's queries do not grow with the family's interventions."""

        def queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._html(self.worker, PACK, self.case_a.ids)
            return self.cr.sql_log_count - before

        queries()  # the templates compiled
        few = queries()
        self.assertGreater(few, 0)
        for quantity in range(1, 31):
            self._intervention(self.assoc_a, self.today, quantity=quantity)
            self._intervention(self.comune, self.today, type_=self.type_rent)
        html = self._html(self.worker, PACK, self.case_a.ids)
        self.assertEqual(html.count("<td>Rent contribution</td>"), 31)
        self.assertEqual(queries(), few)

    # ------------------------------------------------------------------
    # The association's pack, over HTTP
    # ------------------------------------------------------------------
    def test_association_pack_holds_only_what_the_share_opens(self):
        self._login(self.coord_a)
        response = self.url_open(f"/my/verifiche/{self.review_a.id}/pack")
        self.assertEqual(response.status_code, 200)
        html = response.text
        # open: identity, household, needs, its own goal and interventions
        for text in (
            self.case_a.reference,
            "Famiglia Alfa",
            "Mario Alfa",
            self.housing.name,
            "Spesa mensile garantita",
            "Nota su pacchi",
        ):
            self.assertIn(text, html)
        # withheld: the Comune's goal and its outcome, the other parties'
        # interventions (not opened by this share), referrals
        for text in (
            "Trovare lavoro",
            "Colloquio al CPI",
            self.type_rent.name,
            "Ricerca attiva di lavoro",
            "Centro per l&#39;impiego",
            "Verbale interno",
        ):
            self.assertNotIn(text, html)

    def test_association_pack_follows_the_share_categories(self):
        self.share_a.write(
            {
                "share_identity": False,
                "share_needs": False,
                "share_goals": False,
                "share_other_interventions": True,
            }
        )
        self._login(self.coord_a)
        html = self.url_open(f"/my/verifiche/{self.review_a.id}/pack").text
        self.assertIn(self.case_a.reference, html)
        for text in (
            "Famiglia Alfa",
            "Mario Alfa",
            self.housing.name,
            "Spesa mensile garantita",
        ):
            self.assertNotIn(text, html)
        # the household's composition without a name
        self.assertIn("Reference Person", html)
        # the other parties' interventions: their type, never their amount
        self.assertIn(self.type_rent.name, html)
        self.assertNotIn("300.00", html)

    def test_pack_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.coord_a.lang = "it_IT"
        self._login(self.coord_a)
        html = self.url_open(f"/my/verifiche/{self.review_a.id}/pack").text
        self.assertIn("Dossier della verifica congiunta", html)
        self.assertIn("Progetto e obiettivi", html)

    def test_association_pack_of_a_review_not_invited_to_is_404(self):
        self._login(self.coord_a)
        for review_id in (self.review_a_uninvited.id, self.review_b.id, 999999):
            for route in ("pack", "verbale"):
                response = self.url_open(f"/my/verifiche/{review_id}/{route}")
                self.assertNotFound(response, "Famiglia", "Obiettivo Beta")
        # the report route itself: rendered as the coordinator, the rules refuse
        response = self.url_open(f"/report/html/{PACK}/{self.case_b.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Famiglia Beta", response.text)

    def test_pack_is_logged_for_the_association(self):
        self._login(self.coord_a)
        self.url_open(f"/my/verifiche/{self.review_a.id}/pack")
        self.assertTrue(self._logs(self.coord_a, "report", self.case_a))

    # ------------------------------------------------------------------
    # Minutes
    # ------------------------------------------------------------------
    def test_minutes_attached_for_the_social_service(self):
        review = self.review_a_past.with_user(self.worker)
        review.action_print_minutes()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "family.review"), ("res_id", "=", review.id)]
        )
        self.assertEqual(len(attachment), 1)
        text = attachment.raw.decode()
        for value in (
            "Si concorda la consegna quindicinale",
            "Spesa mensile garantita",
            "Trovare lavoro",
            "Verbale interno",
            "Carla Coordinatrice",
        ):
            self.assertIn(value, text)
        # the Comune's full minutes are not an association's document
        self._login(self.coord_a)
        response = self.url_open(f"/web/content/{attachment.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Trovare lavoro", response.text)
        # printed again: still one file
        review.action_print_minutes()
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "family.review"), ("res_id", "=", review.id)]
            ),
            1,
        )
        with self.assertRaisesRegex(UserError, "once the review is held"):
            self.review_a.with_user(self.worker).action_print_minutes()

    def test_association_minutes_hold_its_goals_only(self):
        self._login(self.coord_a)
        response = self.url_open(f"/my/verifiche/{self.review_a_past.id}/verbale")
        self.assertEqual(response.status_code, 200)
        html = response.text
        for text in (
            "Si concorda la consegna quindicinale",
            "Spesa mensile garantita",
            "3.00",
            "Carla Coordinatrice",
        ):
            self.assertIn(text, html)
        for text in ("Trovare lavoro", "Colloquio al CPI", "Verbale interno"):
            self.assertNotIn(text, html)
        # a review not held yet has no minutes
        self.assertNotFound(self.url_open(f"/my/verifiche/{self.review_a.id}/verbale"))
        # the reviews page links them
        page = self.url_open("/my/verifiche").text
        self.assertIn(f"/my/verifiche/{self.review_a_past.id}/verbale", page)
        self.assertIn(f"/my/verifiche/{self.review_a.id}/pack", page)


@tagged("post_install", "-at_install")
class TestCaseInterventionsExport(PortalCommon):
    """The workbook of a case's interventions: what the reader may read."""

    def _workbook(self, user, case):
        self._login(user)
        return self.url_open(f"/odoo_famiglie_rete/case/{case.id}/interventions.xlsx")

    @staticmethod
    def _cells(response):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [cell for row in sheet.iter_rows(values_only=True) for cell in row]

    def test_social_worker_exports_every_intervention(self):
        self.int_comune.write({"quantity": 2, "unit_value": 12.5})
        response = self._workbook(self.worker, self.case_a)
        self.assertEqual(response.status_code, 200)
        cells = self._cells(response)
        self.assertIn(self.case_a.reference, cells)
        self.assertIn("Pacco di benvenuto", cells)
        self.assertIn("Associazione Alfa", cells)
        self.assertIn("Comune di Prova", cells)
        self.assertIn(25.0, cells)
        self.assertIn("Description", cells)

    def test_export_within_the_role(self):
        # finance: amounts, never the description, the beneficiary or notes
        response = self._workbook(self.finance, self.case_a)
        self.assertEqual(response.status_code, 200)
        cells = self._cells(response)
        self.assertIn("Amount", cells)
        for text in ("Pacco di benvenuto", "Description", "Beneficiary", "Notes"):
            self.assertNotIn(text, cells)
        self.assertTrue(self._logs(self.finance, "export", self.case_a))
        # a restricted case of another case manager, a portal user: 404
        self.assertEqual(
            self._workbook(self.worker_2, self.case_restricted).status_code, 404
        )
        self.assertEqual(self._workbook(self.coord_a, self.case_a).status_code, 404)


@tagged("post_install", "-at_install")
class TestCloseByStage(PortalCommon):
    """Dragging a card to the closing stage asks for the reason first."""

    def test_stage_write_without_reason_is_refused(self):
        closed = self.env.ref("odoo_famiglie_rete.stage_closed")
        case = self.case_b.with_user(self.worker)
        with self.assertRaisesRegex(UserError, 'use the "Close Case" button'):
            case.write({"stage_id": closed.id})
        self.assertFalse(case.is_closed)
        # with the reason (the wizard), it closes
        wizard = (
            self.env["family.case.close"]
            .with_user(self.worker)
            .with_context(active_model="family.case", active_ids=case.ids)
            .create({"closure_reason": "moved", "closure_note": "Trasferita"})
        )
        wizard.action_close()
        self.assertTrue(case.is_closed)
        self.assertEqual(case.closure_reason, "moved")

    def test_kanban_drag_over_rpc_is_refused_in_italian(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.worker.lang = "it_IT"
        self._login(self.worker)
        closed = self.env.ref("odoo_famiglie_rete.stage_closed")
        self.assertRpcRefused(
            UserError,
            "Chiudi cartella",
            "family.case",
            "web_save",
            self.case_b.ids,
            {"stage_id": closed.id},
            specification={"stage_id": {}},
            context={"lang": "it_IT"},  # as the web client sends it
        )
        self.assertFalse(self.case_b.is_closed)
