import base64

from odoo import fields
from odoo.tests import tagged

from .common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalStatements(PortalCommon):
    """The associations' statements on the portal, with real vendor bills."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = cls.today.replace(month=1, day=1)
        cls.statement = {}
        for party, intervention in ((cls.party_a, cls.int_a), (cls.party_b, cls.int_b)):
            intervention.write({"state": "done", "compensable": True})
            if party.instrument == "convenzione":
                # a reimbursed cost carries its receipt
                cls.env["family.compensation.document"].create(
                    {
                        "intervention_id": intervention.id,
                        "amount": intervention.amount,
                        "file": base64.b64encode(b"%PDF-1.4 ricevuta"),
                    }
                )
            statement = cls._statement(party, start, cls.today)
            statement.action_approve()
            cls.statement[party.partner_id] = statement
        # a draft statement of the same association stays off the portal
        cls._done(cls.assoc_a, cls.today, compensable=True)
        cls.draft = cls._statement(cls.party_a, start, cls.today)

    def test_coordinator_sees_own_statements_only(self):
        mine, theirs = self.statement[self.assoc_a], self.statement[self.assoc_b]
        self.assertIn(mine.state, ("approved", "billed"))
        self.assertEqual(self.draft.state, "draft")
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open("/my/rendiconti").text
        self.assertIn(mine.name, page)
        self.assertNotIn(theirs.name, page)
        self.assertNotIn(self.draft.name, page)
        self.assertNotIn("o_family_no_statement", page)
        response = self.url_open(f"/my/rendiconti/{mine.id}/pdf")
        self.assertEqual(response.status_code, 200)
        # (Odoo renders reports as HTML while tests run)
        self.assertIn(
            response.headers["Content-Type"].split(";")[0],
            ("application/pdf", "text/html"),
        )
        self.assertIn("attachment", response.headers["Content-Disposition"])
        if response.headers["Content-Type"].startswith("text/html"):
            self.assertIn(mine.name, response.text)
        # another association's statement, a draft, one that does not exist
        for statement_id in (theirs.id, self.draft.id, theirs.id + 1000):
            self.assertNotFound(self.url_open(f"/my/rendiconti/{statement_id}/pdf"))
        # volunteers see no statement at all
        self.authenticate("vol_alfa", "vol_alfa")
        self.assertNotFound(self.url_open("/my/rendiconti"))
        self.assertNotFound(self.url_open(f"/my/rendiconti/{mine.id}/pdf"))
        # the other association's coordinator sees theirs, not ours
        self.authenticate("coord_beta", "coord_beta")
        page = self.url_open("/my/rendiconti").text
        self.assertIn(theirs.name, page)
        self.assertNotIn(mine.name, page)
        self.assertNotFound(self.url_open(f"/my/rendiconti/{mine.id}/pdf"))

    def test_payment_state_shows(self):
        mine = self.statement[self.assoc_a]
        if mine.move_id.state == "draft":
            mine.move_id.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=mine.move_id.ids
        ).create({})._create_payments()
        self.assertEqual(mine.state, "paid")
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        self.coord_a.lang = "it_IT"
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open("/my/rendiconti").text
        row = page[page.index(mine.name) :]
        self.assertIn("Pagato", row[: row.index("</tr>")])

    def test_compensated_intervention_is_not_editable(self):
        self.assertTrue(self.int_a.compensated)
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        url = f"/my/famiglie/{self.case_a.id}/interventi/{self.int_a.id}"
        self.assertNotIn(f'href="{url}"', page)
        self.assertNotFound(self.url_open(url))
        token = self._csrf(f"/my/famiglie/{self.case_a.id}")
        response = self.url_open(
            url,
            data={
                "type_id": self.type_parcel.id,
                "date_start": fields.Date.to_string(self.today),
                "quantity": "9",
                "state": "done",
                "csrf_token": token,
            },
        )
        self.assertNotFound(response)
        self.assertEqual(self.int_a.quantity, 1.0)
        # cancelling the bill frees it: it can be edited again
        self.statement[self.assoc_a].action_cancel()
        self.assertFalse(self.int_a.compensated)
        self.assertEqual(self.url_open(url).status_code, 200)

    def test_statements_tour(self):
        self.start_tour(
            "/my", "odoo_famiglie_rete_portal_statements_tour", login="coord_alfa"
        )
