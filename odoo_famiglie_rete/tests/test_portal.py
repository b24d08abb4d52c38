import re
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCommon, refused_by_rule

OVERLAP = re.compile(r'o_family_overlap"[^>]*>([^<]*)<')


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalCommon):
    """Every portal route, tried with ids the user may not see."""

    def _post(self, url, data, csrf=True):
        if csrf:
            data = dict(data, csrf_token=self._csrf(f"/my/famiglie/{self.case_a.id}"))
        return self.url_open(url, data=data, allow_redirects=False)

    def test_list_shows_only_my_families(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self.url_open("/my/famiglie")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case_a.reference, response.text)
        self.assertIn(self.case_a2.reference, response.text)
        self.assertNotIn(self.case_b.reference, response.text)
        self.assertNotIn("Famiglia Beta", response.text)
        self.assertNotIn("Famiglia Riservata", response.text)
        # search
        response = self.url_open("/my/famiglie?search=Gamma")
        self.assertIn(self.case_a2.reference, response.text)
        self.assertNotIn(self.case_a.reference, response.text)
        self.assertTrue(self._logs(self.coord_a, "portal", self.case_a))

    def test_family_page_writes_interventions_the_users_way(self):
        """Dates, amount and state of each intervention in the user's
        language (formatted by the page, not by a field widget per cell)."""
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.coord_a.lang = "it_IT"
        self.int_a.write({"date_start": "2026-03-02", "date_end": "2026-03-09"})
        self.int_a.flush_recordset()
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        start = page.index(f"/interventi/{self.int_a.id}")
        item = page[page.rindex("<li", 0, start) : start]
        amount = f"{self.int_a.amount:.2f}".replace(".", ",")
        self.assertTrue(amount.endswith(",00") and self.int_a.amount, amount)
        line = " ".join(re.sub(r"<[^>]+>", " ", item).split())
        self.assertIn("02/03/2026 → 09/03/2026", line)
        self.assertIn(amount, line)
        self.assertIn("Pianificato", line)

    def test_name_hidden_when_identity_not_shared(self):
        self.share_a2.sudo().share_identity = False
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open("/my/famiglie").text
        self.assertIn(self.case_a2.reference, page)
        self.assertNotIn("Famiglia Gamma", page)
        # nor can its name be guessed through the search
        page = self.url_open("/my/famiglie?search=Gamma").text
        self.assertNotIn(self.case_a2.reference, page)
        page = self.url_open(f"/my/famiglie/{self.case_a2.id}").text
        self.assertNotIn("Famiglia Gamma", page)

    def test_portal_writes_only_the_progress_of_goals(self):
        goal = self.goal_a.with_user(self.coord_a)
        goal.write({"state": "in_progress", "current_value": "1"})
        with self.assertRaisesRegex(
            AccessError, r"cannot write these fields of Plan Goal: Target \(target\)"
        ):
            goal.write({"target": "99"})
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("write", "family.plan.goal")
        ):
            self.goal_comune.with_user(self.coord_a).write({"state": "achieved"})

    def test_volunteer_sees_only_assigned_families(self):
        self.authenticate("vol_alfa", "vol_alfa")
        response = self.url_open("/my/famiglie")
        self.assertIn(self.case_a.reference, response.text)
        self.assertNotIn(self.case_a2.reference, response.text)
        self.assertNotFound(
            self.url_open(f"/my/famiglie/{self.case_a2.id}"), "Famiglia Gamma"
        )
        self.authenticate("vol_alfa2", "vol_alfa2")
        self.assertNotIn(self.case_a.reference, self.url_open("/my/famiglie").text)
        self.assertNotFound(
            self.url_open(f"/my/famiglie/{self.case_a.id}"), "Famiglia Alfa"
        )

    def test_family_page_sections_follow_the_share(self):
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("Famiglia Alfa", page)
        self.assertIn("Mario Alfa", page)
        self.assertIn("Spesa mensile garantita", page)
        # not the Comune's goal, nor its internal note
        self.assertNotIn("Trovare lavoro", page)
        self.assertNotIn("Nota interna riservata al Comune", page)
        self.assertIn("Benvenuti nella discussione condivisa", page)
        self.assertIn("piano_condiviso.txt", page)
        # the Comune's intervention: other parties are not shared
        self.assertIn("Pacco di benvenuto", page)
        # identity only: no members, goals or documents
        page = self.url_open(f"/my/famiglie/{self.case_a2.id}").text
        self.assertIn("Famiglia Gamma", page)
        self.assertNotIn('id="goals"', page)
        self.assertNotIn('id="documents"', page)
        logs = self._logs(self.coord_a, "portal", self.case_a)
        self.assertEqual(set(logs.mapped("channel")), {"portal"})
        self.assertEqual(logs.partner_id, self.assoc_a)

    def test_family_page_members_contacts_and_current_goals(self):
        """The members' contacts where the identity is shared (read for the
        page in two narrow queries), and only the goals of plans in force."""
        self.member_a.partner_id.write(
            {
                "phone": "+39 02 7654321",
                "email": "mario.alfa@example.com",
                "street": "Via Verdi 12",
                "zip": "20063",
                "city": "Cernusco sul Naviglio",
            }
        )
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        for text in (
            "+39 02 7654321",
            "mario.alfa@example.com",
            "Via Verdi 12",
            "20063",
            "Cernusco sul Naviglio",
            "Spesa mensile garantita",
        ):
            self.assertIn(text, page)
        # the plan superseded, as the agreement of a newer version leaves it:
        # its goals are history, no longer on the page
        self.env.cr.execute(
            "UPDATE family_plan SET state = 'superseded' WHERE id = %s",
            [self.plan_a.id],
        )
        self.plan_a.invalidate_recordset(["state"])
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("Mario Alfa", page)
        self.assertNotIn("Spesa mensile garantita", page)

    def test_internal_notes_never_on_the_portal(self):
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertNotIn("Nota interna", page)

    def test_foreign_ids_answer_404(self):
        self.authenticate("coord_alfa", "coord_alfa")
        missing = 999999
        b, r, a = self.case_b.id, self.case_restricted.id, self.case_a.id
        get_urls = [
            f"/my/famiglie/{b}",
            f"/my/famiglie/{r}",
            f"/my/famiglie/{missing}",
            f"/my/famiglie/{b}/interventi/nuovo",
            f"/my/famiglie/{b}/interventi/{self.int_b.id}",
            # an intervention of another family, through my family
            f"/my/famiglie/{a}/interventi/{self.int_b.id}",
            # the Comune's intervention in my family: not mine to edit
            f"/my/famiglie/{a}/interventi/{self.int_comune.id}",
            f"/my/famiglie/{a}/interventi/{missing}",
            f"/my/famiglie/{b}/documenti/{self.document_b.id}",
            f"/my/famiglie/{a}/documenti/{self.document_b.id}",
            f"/my/famiglie/{a}/documenti/{missing}",
            f"/my/verifiche/{self.review_b.id}/ics",
            f"/my/verifiche/{self.review_a_uninvited.id}/ics",
            f"/my/verifiche/{missing}/ics",
        ]
        for url in get_urls:
            with self.subTest(url=url):
                self.assertNotFound(
                    self.url_open(url),
                    "Famiglia Beta",
                    "Famiglia Riservata",
                    "riservato beta",
                    "Bianca Beta",
                )
        post_urls = [
            (f"/my/famiglie/{b}/obiettivi/{self.goal_b.id}", {"state": "achieved"}),
            (f"/my/famiglie/{a}/obiettivi/{self.goal_b.id}", {"state": "achieved"}),
            (
                f"/my/famiglie/{a}/obiettivi/{self.goal_comune.id}",
                {"state": "achieved"},
            ),
            (f"/my/famiglie/{b}/messaggi", {"message": "intrusione"}),
            (f"/my/famiglie/{r}/messaggi", {"message": "intrusione"}),
            (f"/my/famiglie/{b}/volontari", {"volunteer_ids": self.vol_a.id}),
            (
                f"/my/famiglie/{b}/interventi/{self.int_b.id}",
                {"type_id": self.type_parcel.id, "quantity": "9"},
            ),
            (
                f"/my/famiglie/{b}/interventi/nuovo",
                {"type_id": self.type_parcel.id, "quantity": "1"},
            ),
        ]
        for url, data in post_urls:
            with self.subTest(url=url):
                self.assertNotFound(self._post(url, data), "Famiglia Beta")
        self.assertEqual(self.goal_b.state, "open")
        self.assertEqual(self.goal_comune.state, "open")
        self.assertEqual(self.int_b.quantity, 1.0)
        self.assertFalse(self.share_b.volunteer_user_ids)
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "intrusione")])
        )
        self.assertFalse(
            self.env["family.intervention"].search(
                [("case_id", "=", b), ("id", "!=", self.int_b.id)]
            )
        )

    def test_document_and_ics_of_my_family(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self.url_open(
            f"/my/famiglie/{self.case_a.id}/documenti/{self.document_a.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"documento condiviso")
        response = self.url_open(f"/my/verifiche/{self.review_a.id}/ics")
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/calendar", response.headers["Content-Type"])
        self.assertIn(b"BEGIN:VCALENDAR", response.content)
        self.assertIn(b"Sala Consiglio", response.content)
        self.assertNotIn(b"Famiglia Alfa", response.content)
        models = set(self._logs(self.coord_a, "portal", self.case_a).mapped("model"))
        self.assertTrue({"ir.attachment", "family.review"} <= models)
        # documents are not shared on case_a2: even its own attachment is 404
        self.document_a.res_id = self.case_a2.id
        self.assertNotFound(
            self.url_open(
                f"/my/famiglie/{self.case_a2.id}/documenti/{self.document_a.id}"
            )
        )

    def test_reviews_page(self):
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open("/my/verifiche").text
        self.assertIn(f"/my/verifiche/{self.review_a.id}/ics", page)
        self.assertIn(f"/my/verifiche/{self.review_a_past.id}/ics", page)
        self.assertNotIn(f"/my/verifiche/{self.review_a_uninvited.id}/ics", page)
        self.assertNotIn(f"/my/verifiche/{self.review_b.id}/ics", page)

    def test_statements_only_for_coordinators(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self.url_open("/my/rendiconti")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_family_no_statement", response.text)
        self.assertIn("/my/rendiconti", self.url_open("/my").text)
        self.authenticate("vol_alfa", "vol_alfa")
        self.assertNotFound(self.url_open("/my/rendiconti"))
        self.assertNotIn("/my/rendiconti", self.url_open("/my").text)

    def test_volunteer_cannot_assign(self):
        self.authenticate("vol_alfa", "vol_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertNotIn("o_family_volunteers", page)
        self.assertNotIn("/volontari", page)
        self.assertNotFound(self.url_open(f"/my/famiglie/{self.case_a.id}/volontari"))
        response = self._post(
            f"/my/famiglie/{self.case_a.id}/volontari",
            {"volunteer_ids": self.vol_a2.id},
        )
        self.assertNotFound(response)
        self.assertEqual(self.share_a.volunteer_user_ids, self.vol_a)

    def test_coordinator_assigns_volunteers(self):
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._post(
            f"/my/famiglie/{self.case_a2.id}/volontari",
            {"volunteer_ids": self.vol_a2.id},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.share_a2.volunteer_user_ids, self.vol_a2)
        # the family page says how many volunteers the share names
        page = self.url_open(f"/my/famiglie/{self.case_a2.id}?saved=1").text
        self.assertIn("o_family_saved", page)
        self.assertIn("1 volunteer of your association follows this family.", page)
        self.assertIn(f'href="/my/famiglie/{self.case_a2.id}/volontari"', page)
        # the volunteers' page checks the one the share names, and only them
        page = self.url_open(f"/my/famiglie/{self.case_a2.id}/volontari").text
        self.assertEqual(self._checked(page), {str(self.vol_a2.id)})
        self.assertIn(
            "family.case.share",
            self._logs(self.coord_a, "portal", self.case_a2).mapped("model"),
        )
        # a user of another association cannot be assigned
        response = self._post(
            f"/my/famiglie/{self.case_a2.id}/volontari",
            {"volunteer_ids": [self.vol_a.id, self.coord_b.id]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_family_error", response.text)
        self.assertIn("Choose only volunteers of your association.", response.text)
        # the volunteers' page again, with the user's choice; nothing saved
        self.assertEqual(self._checked(response.text), {str(self.vol_a.id)})
        self.assertEqual(self.share_a2.volunteer_user_ids, self.vol_a2)
        # a refusal of the data layer: the same page, its message, nothing saved
        refusal = ValidationError("Assegnazione rifiutata per prova.")
        with patch.object(
            type(self.env["family.case.share"]), "write", side_effect=refusal
        ):
            response = self._post(
                f"/my/famiglie/{self.case_a2.id}/volontari",
                {"volunteer_ids": self.vol_a.id},
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Assegnazione rifiutata per prova.", response.text)
        self.assertEqual(self._checked(response.text), {str(self.vol_a.id)})
        self.assertEqual(self.share_a2.volunteer_user_ids, self.vol_a2)

    def test_family_page_counts_only_volunteers(self):
        """The family page counts the volunteers the share names, as the
        volunteers' page lists them: not the coordinator named on it."""
        self.share_a.volunteer_user_ids |= self.coord_a
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("1 volunteer of your association follows this family.", page)
        page = self.url_open(f"/my/famiglie/{self.case_a.id}/volontari").text
        self.assertEqual(self._checked(page), {str(self.vol_a.id)})

    def _checked(self, html):
        """The ids of the volunteers' page's checked boxes."""
        return {
            re.search(r'value="(\d+)"', tag).group(1)
            for tag in re.findall(r'<input[^>]*name="volunteer_ids"[^>]*>', html)
            if "checked" in tag
        }

    def test_volunteers_page_only_where_shared(self):
        """The volunteers' page answers 404 for a family the coordinator's
        association does not follow, and for another association's."""
        self.authenticate("coord_beta", "coord_beta")
        for case in (self.case_a, self.case_a2):
            self.assertNotFound(self.url_open(f"/my/famiglie/{case.id}/volontari"))
        self.authenticate("coord_alfa", "coord_alfa")
        logs = self._logs(self.coord_a, "portal", self.case_a)
        page = self.url_open(f"/my/famiglie/{self.case_a.id}/volontari")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'value="{self.vol_a.id}"', page.text)
        # never another association's users
        self.assertNotIn(f'value="{self.coord_b.id}"', page.text)
        # the visit is in the access log
        new = self._logs(self.coord_a, "portal", self.case_a) - logs
        self.assertEqual(new.mapped("model"), ["family.case.share"])

    def test_message_post_is_public_comment(self):
        self.authenticate("vol_alfa", "vol_alfa")
        response = self._post(
            f"/my/famiglie/{self.case_a.id}/messaggi",
            {"message": "Consegnato il pacco <b>oggi</b>"},
        )
        self.assertEqual(response.status_code, 303)
        message = self.env["mail.message"].search(
            [("model", "=", "family.case"), ("res_id", "=", self.case_a.id)],
            limit=1,
        )
        self.assertIn("Consegnato il pacco", message.body)
        self.assertNotIn("<b>", message.body)
        self.assertEqual(message.author_id, self.vol_a.partner_id)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(message.is_internal)
        # the social worker reads it
        self.assertTrue(message.with_user(self.worker).has_access("read"))
        self.assertIn(
            "mail.message",
            self._logs(self.vol_a, "portal", self.case_a).mapped("model"),
        )

    def test_goal_update_keeps_approval(self):
        self.plan_a.action_submit()
        self.plan_a.sudo().action_approve(party=self.goal_a.party_id)
        self.assertEqual(self.goal_a.approval_state, "approved")
        self.authenticate("coord_alfa", "coord_alfa")
        response = self._post(
            f"/my/famiglie/{self.case_a.id}/obiettivi/{self.goal_a.id}",
            {"state": "in_progress", "current_value": "2", "target": "99"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            (self.goal_a.state, self.goal_a.current_value, self.goal_a.target),
            ("in_progress", 2.0, 4.0),
        )
        self.assertEqual(self.goal_a.approval_state, "approved")
        self.assertTrue(self._logs(self.coord_a, "portal", self.case_a))

    def test_coordinator_approves_own_goals(self):
        self.plan_a.action_submit()
        url = f"/my/famiglie/{self.case_a.id}/obiettivi/approva"
        # a volunteer sees no approval and cannot approve
        self.authenticate("vol_alfa", "vol_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertNotIn("o_family_goals_approve", page)
        self.assertNotFound(self._post(url, {}))
        self.assertEqual(self.goal_a.approval_state, "pending")
        # another association's coordinator gets 404 on this family
        self.authenticate("coord_beta", "coord_beta")
        token = self._csrf(f"/my/famiglie/{self.case_b.id}")
        response = self.url_open(url, data={"csrf_token": token})
        self.assertNotFound(response)
        self.assertEqual(self.goal_a.approval_state, "pending")
        # the coordinator approves the association's goals, and only those
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("o_family_goals_approve", page)
        response = self._post(url, {})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.goal_a.approval_state, "approved")
        self.assertEqual(self.goal_a.approved_by_id, self.coord_a)
        self.assertEqual(self.goal_comune.approval_state, "pending")
        self.assertEqual(self.plan_a.state, "approval")
        self.assertIn(
            "family.plan.goal",
            self._logs(self.coord_a, "portal", self.case_a).mapped("model"),
        )
        # nothing left to approve: a message, nothing changed
        response = self._post(url, {})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_family_error", response.text)
        # the Comune approves its own: the plan is agreed
        self.plan_a.action_approve(party=self.comune)
        self.assertEqual(self.plan_a.state, "active")

    def test_intervention_create_and_edit(self):
        self.authenticate("vol_alfa", "vol_alfa")
        url = f"/my/famiglie/{self.case_a.id}/interventi/nuovo"
        self.assertEqual(self.url_open(url).status_code, 200)
        response = self._post(
            url,
            {
                "type_id": self.type_rent.id,
                "date_start": "2026-01-10",
                "date_end": "2026-01-31",
                "quantity": "2",
                "amount": "",
                "member_id": self.member_a.id,
                "goal_id": self.goal_a.id,
                "state": "active",
                "name": "Bolletta gas",
            },
        )
        self.assertEqual(response.status_code, 303)
        intervention = self.env["family.intervention"].search(
            [("name", "=", "Bolletta gas")]
        )
        self.assertEqual(intervention.provider_id, self.assoc_a)
        self.assertEqual(intervention.amount, 200.0)
        self.assertEqual(intervention.member_id, self.member_a)
        self.assertEqual(intervention.goal_id, self.goal_a)
        edit = f"/my/famiglie/{self.case_a.id}/interventi/{intervention.id}"
        self.assertEqual(self.url_open(edit).status_code, 200)
        response = self._post(
            edit,
            {
                "type_id": self.type_rent.id,
                "date_start": "2026-01-10",
                "quantity": "3",
                "amount": "250",
                "state": "done",
            },
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual((intervention.quantity, intervention.amount), (3.0, 250.0))
        # the amount left as shown follows a new quantity
        response = self._post(
            edit,
            {
                "type_id": self.type_rent.id,
                "date_start": "2026-01-10",
                "quantity": "4",
                "amount": "250.0",
                "state": "done",
            },
        )
        self.assertEqual((intervention.quantity, intervention.amount), (4.0, 400.0))
        self.assertEqual(intervention.state, "done")
        self.assertIn(
            "family.intervention",
            self._logs(self.vol_a, "portal", self.case_a).mapped("model"),
        )

    def test_overlap_warning_hides_the_other_party(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertTrue(self.int_a.has_overlap)
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        warnings = OVERLAP.findall(page)
        self.assertEqual(len(warnings), 1)
        self.assertIn("another party", warnings[0])
        self.assertNotIn("Comune di Prova", warnings[0])
        self.share_a.sudo().share_other_interventions = True
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        warnings = OVERLAP.findall(page)
        # my intervention's warning names the other party now; the Comune's
        # intervention is listed from the summary, without its own warning
        self.assertEqual(len(warnings), 1)
        self.assertIn("Comune di Prova", warnings[0])
        self.assertIn("o_family_other_intervention", page)


@tagged("post_install", "-at_install")
class TestPortalInvalidInput(PortalCommon):
    """Bad input: a clear Italian message, the form again, nothing saved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        cls.vol_a.lang = "it_IT"

    def setUp(self):
        super().setUp()
        self.authenticate("vol_alfa", "vol_alfa")
        self.url = f"/my/famiglie/{self.case_a.id}/interventi/nuovo"
        self.count = self.env["family.intervention"].search_count([])

    def _post(self, data):
        token = self._csrf(self.url)
        return self.url_open(self.url, data=dict(data, csrf_token=token))

    def _valid(self, **values):
        return {
            "type_id": self.type_parcel.id,
            "date_start": "2026-02-01",
            "quantity": "1",
            "state": "planned",
            **values,
        }

    def _assert_rejected(self, response, message, kept=()):
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, response.text)
        self.assertIn("o_family_error", response.text)
        for value in kept:
            self.assertIn(value, response.text)
        self.assertEqual(self.env["family.intervention"].search_count([]), self.count)

    def test_bad_dates(self):
        self._assert_rejected(
            self._post(self._valid(date_start="31/02/2026", name="Tenuto")),
            "Inserire una data valida",
            kept=["Tenuto"],
        )
        self._assert_rejected(
            self._post(self._valid(date_start="2026-02-10", date_end="2026-02-01")),
            "La data di fine non può essere precedente",
        )
        self._assert_rejected(
            self._post(self._valid(date_start="")), "La data è obbligatoria"
        )

    def test_bad_numbers(self):
        self._assert_rejected(
            self._post(self._valid(quantity="-3")),
            "Il valore non può essere negativo",
            kept=["-3"],
        )
        self._assert_rejected(
            self._post(self._valid(quantity="tre")), "Inserire un numero"
        )
        self._assert_rejected(
            self._post(self._valid(amount="nan")), "Inserire un numero"
        )

    def test_foreign_type_member_goal(self):
        self._assert_rejected(
            self._post(self._valid(type_id="999999")),
            "Scegliere un tipo di intervento",
        )
        self._assert_rejected(
            self._post(self._valid(member_id=self.member_b.id)),
            "Scegliere un componente di questa famiglia",
        )
        self._assert_rejected(
            self._post(self._valid(goal_id=self.goal_b.id)),
            "Scegliere uno degli obiettivi",
        )
        self._assert_rejected(
            self._post(self._valid(goal_id=self.goal_comune.id)),
            "Scegliere uno degli obiettivi",
        )
        self._assert_rejected(
            self._post(self._valid(state="paid")), "Scegliere uno stato"
        )

    def test_bad_goal_and_message(self):
        token = self._csrf(self.url)
        response = self.url_open(
            f"/my/famiglie/{self.case_a.id}/obiettivi/{self.goal_a.id}",
            data={"state": "done!", "current_value": "5", "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Scegliere uno stato", response.text)
        # the page itself is in Italian
        for term in ("Interventi", "Discussione", "Obiettivi della tua associazione"):
            self.assertIn(term, response.text)
        self.assertEqual(self.goal_a.state, "open")
        response = self.url_open(
            f"/my/famiglie/{self.case_a.id}/messaggi",
            data={"message": "   ", "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Scrivere un messaggio", response.text)

    @mute_logger("odoo.http")
    def test_missing_csrf_is_refused(self):
        response = self.url_open(self.url, data=self._valid(name="Senza token"))
        self.assertIn(response.status_code, (400, 403))
        response = self.url_open(
            f"/my/famiglie/{self.case_a.id}/messaggi",
            data={"message": "Senza token"},
        )
        self.assertIn(response.status_code, (400, 403))
        self.assertEqual(self.env["family.intervention"].search_count([]), self.count)
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "Senza token")])
        )
