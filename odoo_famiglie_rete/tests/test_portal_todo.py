"""The portal as a to-do list, and what tells the association users.

The family list flags, per family, what needs the association (goals waiting
for its approval, unread messages of the social service, a review in the
coming days, its interventions ending soon, the plan's state), filters the
families that need it, and ``/my`` counts the same. The social service's
message, review invitation, goal approval request and volunteer assignment
reach the association users by an e-mail without personal data, which each
user can turn off.
"""

import json
import re
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..controllers.portal.common import FamilyPortalCommon
from .common import PortalCommon, new_share


@tagged("post_install", "-at_install")
class TestPortalTodo(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the reviews of the fixture are 10 days away: one tomorrow
        cls.review_a.date = cls.review_a.date - timedelta(days=9)

    def _row(self, html, case):
        """The family list's row of ``case``."""
        start = html.index(f'data-case-id="{case.id}"')
        return html[start : html.index("</tr>", start)]

    def _post_as_worker(self, text, subtype="mail.mt_comment"):
        return self.case_a.with_user(self.worker).message_post(
            body=text, message_type="comment", subtype_xmlid=subtype
        )

    # ------------------------------------------------------------------
    # The list and /my
    # ------------------------------------------------------------------
    def test_list_flags_what_needs_the_association(self):
        self.plan_a.action_submit()
        self._post_as_worker("Domani consegna straordinaria")
        self.int_a.write({"date_end": self.today + timedelta(days=2)})
        self.authenticate("coord_alfa", "coord_alfa")
        html = self.url_open("/my/famiglie").text
        row = self._row(html, self.case_a)
        self.assertIn("o_family_todo_goals", row)
        self.assertIn("o_family_todo_messages", row)
        self.assertIn("o_family_todo_reviews", row)
        self.assertIn("o_family_todo_ending", row)
        self.assertIn("Awaiting Approval", row)
        # the other family needs nothing
        other = self._row(html, self.case_a2)
        self.assertNotIn("o_family_todo_", other)

        # "needs my attention" lists only the family that needs it
        html = self.url_open("/my/famiglie?filterby=attention").text
        self.assertIn(f'data-case-id="{self.case_a.id}"', html)
        self.assertNotIn(f'data-case-id="{self.case_a2.id}"', html)

        # /my counts the same
        counters = self._counters(
            "family_todo_goals_count",
            "family_todo_messages_count",
            "family_todo_reviews_count",
            "family_todo_ending_count",
        )
        self.assertEqual(
            counters,
            {
                "family_todo_goals_count": 1,
                # the fixture's welcome message, and today's
                "family_todo_messages_count": 2,
                "family_todo_reviews_count": 1,
                "family_todo_ending_count": 1,
            },
        )

        # ... in the page itself: no counter left for Odoo's script to ask
        # for after the page loaded
        self.assertEqual(
            self._home_cards(),
            {
                "Goals to approve": "1",
                "Unread messages": "2",
                "Reviews this week": "1",
                "Interventions ending soon": "1",
            },
        )

        # opening the family reads its messages
        self.url_open(f"/my/famiglie/{self.case_a.id}")
        row = self._row(self.url_open("/my/famiglie").text, self.case_a)
        self.assertNotIn("o_family_todo_messages", row)

    def test_family_page_reads_its_own_messages(self):
        """Opening a family shows its unread messages as new and marks them
        read; another family's unread message, and an internal note, stay
        unread."""
        here = self._post_as_worker("Domani consegna straordinaria")
        there = self.case_a2.with_user(self.worker).message_post(
            body="Messaggio per la famiglia Gamma",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        partner = self.coord_a.partner_id
        Notification = self.env["mail.notification"]
        # an internal note the user was notified of (as by a mention): never
        # shown on the portal, never marked read by it
        note = self._post_as_worker("Nota interna sulla famiglia", "mail.mt_note")
        Notification.create(
            {
                "mail_message_id": note.id,
                "res_partner_id": partner.id,
                "notification_type": "inbox",
            }
        )

        def unread(message):
            return Notification.search(
                [
                    ("mail_message_id", "=", message.id),
                    ("res_partner_id", "=", partner.id),
                    ("is_read", "=", False),
                ]
            )

        self.assertTrue(unread(here))
        self.assertTrue(unread(there))
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        start = page.index("Domani consegna straordinaria")
        block = page[page.rindex("o_family_message", 0, start) : start]
        self.assertIn("o_family_message_new", block)
        self.assertFalse(unread(here))
        self.assertTrue(unread(there))
        self.assertNotIn("Nota interna sulla famiglia", page)
        self.assertTrue(unread(note))
        # read: no longer new
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("Domani consegna straordinaria", page)
        self.assertNotIn("o_family_message_new", page)

    def test_volunteer_sees_only_assigned_families_to_do(self):
        self.int_a.write({"date_end": self.today + timedelta(days=2)})
        self.authenticate("vol_alfa", "vol_alfa")
        html = self.url_open("/my/famiglie?filterby=attention").text
        self.assertIn(f'data-case-id="{self.case_a.id}"', html)
        self.assertNotIn(f'data-case-id="{self.case_a2.id}"', html)
        # goals wait for the coordinator, and the plan is not submitted
        self.assertNotIn("o_family_todo_goals", html)

    def test_other_association_sees_no_to_do_of_ours(self):
        self.authenticate("coord_beta", "coord_beta")
        names = ("family_todo_goals_count", "family_todo_messages_count")
        before = self._counters(*names)
        self.plan_a.action_submit()
        self._post_as_worker("Messaggio per Alfa")
        html = self.url_open("/my/famiglie?filterby=attention").text
        self.assertNotIn(f'data-case-id="{self.case_a.id}"', html)
        self.assertNotIn(self.case_a.reference, html)
        self.assertEqual(self._counters(*names), before)

    def test_ending_soon_counts_only_what_the_user_reads(self):
        """``/my`` counts the association's interventions ending soon among
        those the user reads: the volunteer only the families assigned to
        them, no association a family whose share ended or a restricted one
        (the record rules decide, though the interventions are first found by
        provider and end date)."""
        soon = self.today + timedelta(days=2)
        self.int_a.write({"date_end": soon})
        # A's interventions ending soon in a family shared with A but not
        # assigned to the volunteer, and in a family whose share was revoked
        self._intervention(self.assoc_a, self.today, soon, case=self.case_a2)
        gone = self.Case.create({"name": "Famiglia Chiusa", "user_id": self.worker.id})
        self._intervention(self.assoc_a, self.today, soon, case=gone)
        new_share(
            self.env, gone, self.assoc_a, volunteer_user_ids=self.vol_a.ids
        ).write({"revoked": True, "date_revoked": self.today})
        ending = "family_todo_ending_count"
        expected = {"vol_alfa": 1, "vol_alfa2": 0, "coord_alfa": 2, "coord_beta": 0}
        for login, count in expected.items():
            self.authenticate(login, login)
            self.assertEqual(self._counters(ending), {ending: count}, login)
            # the home page's card says the same, or is not there
            self.assertEqual(
                self._home_cards().get("Interventions ending soon"),
                str(count) if count else None,
                login,
            )
        # the card's limit applies after the rules: 3 candidates, 1 or 2 read
        with patch.object(FamilyPortalCommon, "_family_counter_limit", 1):
            for login, count in {"vol_alfa": 1, "coord_alfa": "1+"}.items():
                self.authenticate(login, login)
                self.assertEqual(self._counters(ending), {ending: count}, login)
                self.assertEqual(
                    self._home_cards().get("Interventions ending soon"),
                    str(count),
                    login,
                )
        # more candidates than it lists: counted on the domain, the same
        with patch.object(FamilyPortalCommon, "_family_todo_own_limit", 1):
            for login, count in {"vol_alfa": 1, "coord_alfa": 2}.items():
                self.authenticate(login, login)
                self.assertEqual(self._counters(ending), {ending: count}, login)
        # restricting the family closes it to the associations at once
        self.case_a.restricted = True
        for login, count in {"vol_alfa": 0, "coord_alfa": 1}.items():
            self.authenticate(login, login)
            self.assertEqual(self._counters(ending), {ending: count}, login)

    def test_list_queries_do_not_grow_with_the_rows(self):
        """The to-do of a page is a few grouped queries, not a query per row."""
        Case = self.env["family.case"]
        more = Case.create(
            [
                {"name": f"Famiglia Extra {i}", "user_id": self.worker.id}
                for i in range(6)
            ]
        )
        self.authenticate("coord_alfa", "coord_alfa")

        def count_queries(per_page):
            with patch.object(FamilyPortalCommon, "_items_per_page", per_page):
                self.url_open("/my/famiglie")  # warm the caches
                before = self.cr.sql_log_count
                self.assertEqual(self.url_open("/my/famiglie").status_code, 200)
                return self.cr.sql_log_count - before

        for case in more:
            new_share(self.env, case, self.assoc_a)
        self.assertEqual(count_queries(8), count_queries(2))

    def test_home_shows_the_cards_with_something(self):
        """A card of ``/my`` shows only when its count is not 0: a volunteer
        assigned no family, invited to no review, sees neither card."""
        self.authenticate("vol_alfa2", "vol_alfa2")
        home = self.url_open("/my").text
        self.assertNotIn('href="/my/famiglie"', home)
        self.assertNotIn('href="/my/verifiche"', home)
        self.authenticate("vol_alfa", "vol_alfa")
        home = self.url_open("/my").text
        self.assertIn('href="/my/famiglie"', home)
        self.assertIn('href="/my/verifiche"', home)

    def test_home_hides_the_invoice_cards(self):
        self.authenticate("coord_alfa", "coord_alfa")
        home = self.url_open("/my").text
        self.assertIn("/my/famiglie", home)
        self.assertNotIn("/my/invoices", home)
        # the counters answer only what the page asks for
        counters = self._counters("family_todo_goals_count")
        self.assertEqual(set(counters), {"family_todo_goals_count"})

    def _home_cards(self):
        """{title: count} of the to-do cards ``/my`` shows, read from the page
        (a card with a count of 0 is not in it)."""
        html = self.url_open("/my").text
        self.assertNotIn("data-placeholder_count", html)
        return dict(
            (title, count)
            for count, title in re.findall(
                r'<span class="fw-bold">([^<]*)</span>\s*<span>([^<]*)</span>', html
            )
        )

    def _counters(self, *names):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": list(names)}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    # ------------------------------------------------------------------
    # The 404 page
    # ------------------------------------------------------------------
    def test_family_not_assigned_answers_a_clear_404(self):
        self.authenticate("vol_alfa", "vol_alfa")
        missing = self.env["family.case"].search([], order="id desc", limit=1).id + 1
        pages = [
            self.url_open(f"/my/famiglie/{self.case_a2.id}"),  # not assigned
            self.url_open(f"/my/famiglie/{missing}"),  # no such family
        ]
        for response in pages:
            self.assertNotFound(response, "Famiglia Gamma", self.case_a2.reference)
            self.assertIn("o_family_not_found", response.text)
            self.assertIn("This family is not available", response.text)
        # the same page, whether the family exists or not
        main = [
            re.search(r"<main>.*</main>", page.text, re.S).group() for page in pages
        ]
        self.assertEqual(main[0], main[1])

    def test_404_page_in_italian(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.vol_a.lang = "it_IT"
        self.authenticate("vol_alfa", "vol_alfa")
        response = self.url_open(f"/my/famiglie/{self.case_a2.id}")
        self.assertNotFound(response, "Famiglia Gamma")
        self.assertIn("Questa famiglia non è disponibile", response.text)
        self.assertIn('lang="it-IT"', response.text)


@tagged("post_install", "-at_install")
class TestPortalNotifications(PortalCommon):
    """What the social service asks reaches the association users by e-mail,
    with the case's reference and nothing personal."""

    def setUp(self):
        super().setUp()
        # the fixture's own messages, reviews and shares told them already
        self.env["mail.mail"].search([]).unlink()

    def _mails(self, user):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", user.partner_id.ids)]
        )

    def assertNoPersonalData(self, mails, *secrets):
        self.assertTrue(mails)
        for mail in mails:
            text = f"{mail.subject}\n{mail.body_html}"
            self.assertIn(self.case_a.reference, text)
            self.assertIn("/web/login?redirect=/my/famiglie/", text)
            for secret in ("Famiglia Alfa", "Alfa", self.member_a.name, *secrets):
                self.assertNotIn(secret, text)

    def test_message_of_the_comune(self):
        self.case_a.with_user(self.worker).message_post(
            body="Il signor Mario Alfa ha perso il lavoro",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # the coordinator and the assigned volunteer, not the other
        # volunteer nor the other association
        for user in (self.coord_a, self.vol_a):
            self.assertNoPersonalData(self._mails(user), "perso il lavoro")
        self.assertFalse(self._mails(self.vol_a2))
        self.assertFalse(self._mails(self.coord_b))
        # the notification is a portal one too: unread for them
        message = self.env["mail.message"].search(
            [("body", "ilike", "perso il lavoro")]
        )
        unread = message.notification_ids.filtered(lambda n: not n.is_read)
        self.assertLessEqual(
            set((self.coord_a | self.vol_a).partner_id.ids),
            set(unread.res_partner_id.ids),
        )
        self.assertFalse(
            unread.res_partner_id & (self.vol_a2 | self.coord_b).partner_id
        )

    def test_internal_note_and_association_message_notify_nobody(self):
        self.case_a.with_user(self.worker).message_post(
            body="Nota interna", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.assertFalse(self._mails(self.coord_a))
        self.authenticate("vol_alfa", "vol_alfa")
        url = f"/my/famiglie/{self.case_a.id}"
        self.url_open(
            f"{url}/messaggi",
            data={"message": "Consegnato", "csrf_token": self._csrf(url)},
        )
        self.assertFalse(self._mails(self.coord_a))

    def test_review_invitation(self):
        self.env["family.review"].create(
            {
                "case_id": self.case_a.id,
                "date": self.review_a.date + timedelta(days=30),
                "partner_ids": [Command.set(self.coord_a.partner_id.ids)],
                "user_id": self.worker.id,
            }
        )
        self.assertNoPersonalData(self._mails(self.coord_a))
        self.assertIn("joint review", self._mails(self.coord_a).subject)
        self.assertFalse(self._mails(self.vol_a))

    def test_goal_approval(self):
        self.plan_a.action_submit()
        mails = self._mails(self.coord_a)
        self.assertNoPersonalData(mails)
        self.assertIn("approval", mails.subject)
        # the volunteer does not approve
        self.assertFalse(self._mails(self.vol_a))

    def test_volunteer_assignment(self):
        self.share_a2.volunteer_user_ids = [Command.link(self.vol_a2.id)]
        mails = self._mails(self.vol_a2)
        self.assertEqual(len(mails), 1)
        self.assertIn(self.case_a2.reference, mails.body_html)
        self.assertNotIn("Gamma", mails.body_html)
        self.assertNotIn("Gamma", mails.subject)

    def test_user_turns_the_emails_off(self):
        self.authenticate("coord_alfa", "coord_alfa")
        csrf = self._csrf("/my/account")
        response = self.url_open("/my/account/notifiche", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.coord_a.family_notify_email)
        self.plan_a.action_submit()
        self.assertFalse(self._mails(self.coord_a))
        self.url_open(
            "/my/account/notifiche",
            data={"csrf_token": csrf, "family_notify_email": "1"},
        )
        self.assertTrue(self.coord_a.family_notify_email)

    def test_notification_preferences_tour(self):
        self.start_tour(
            "/my/account",
            "odoo_famiglie_rete_portal_notifications_tour",
            login="coord_alfa",
        )
        self.assertFalse(self.coord_a.family_notify_email)

    def test_todo_tour(self):
        self.plan_a.action_submit()
        self.case_a.with_user(self.worker).message_post(
            body="Ci vediamo alla verifica",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_todo_tour", login="coord_alfa"
        )
