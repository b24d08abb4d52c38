import base64
from datetime import datetime, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import AccessCommon


@tagged("post_install", "-at_install")
class TestRetention(AccessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mario = cls.member_a.partner_id
        cls.bianca = cls.member_b.partner_id
        cls.case_a.write(
            {
                "description": "<p>Sfratto in corso</p>",
                "report_source": "Scuola media",
                "isee_value": 4200.0,
                "isee_expiry": fields.Date.today() + timedelta(days=100),
            }
        )
        # a person who is also a member of another (open) case
        cls.member_a2 = cls.env["family.case.member"].create(
            {
                "case_id": cls.case_a.id,
                "partner_id": cls.bianca.id,
                "fiscal_code": "RSSMRA80A01F205X",
                "notes": "Invalidità 60%",
            }
        )
        cls.int_a.write(
            {
                "name": "Pacco per Mario",
                "notes": "Ritirato dalla moglie",
                "member_id": cls.member_a.id,
                "quantity": 4,
                "unit_value": 25,
                "state": "done",
            }
        )
        cls.plan = cls.env["family.plan"].create(
            {
                "case_id": cls.case_a.id,
                "description": "<p>Progetto per Mario Rossi</p>",
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Lavoro per Mario",
                            "party_id": cls.comune.id,
                            "indicator": "Mesi di lavoro",
                            "baseline": "0",
                            "target": "6",
                            "current_value": "2",
                        }
                    )
                ],
            }
        )
        cls.review = cls.env["family.review"].create(
            {
                "case_id": cls.case_a.id,
                "date": fields.Datetime.now(),
                "location": "Casa Rossi, via Roma 1",
                "minutes": "<p>Mario ha trovato un lavoro</p>",
                "outcome_ids": [
                    Command.create(
                        {
                            "goal_id": cls.plan.goal_ids.id,
                            "outcome": "partly",
                            "indicator_value": "2",
                            "note": "Contratto a termine",
                        }
                    )
                ],
            }
        )
        cls.referral = cls.env["family.referral"].create(
            {
                "case_id": cls.case_a.id,
                "member_id": cls.member_a.id,
                "service_id": cls.service.id,
                "reason": "Depressione di Mario",
                "outcome": "Presa in carico",
            }
        )
        cls.case_a.message_post(
            body="Mario Rossi ha chiamato", subtype_xmlid="mail.mt_note"
        )
        cls.int_a.message_post(body="Consegnato a Mario", subtype_xmlid="mail.mt_note")
        cls.attachment_a = cls.env["ir.attachment"].create(
            {
                "name": "isee.pdf",
                "datas": base64.b64encode(b"ISEE Rossi"),
                "res_model": "family.case",
                "res_id": cls.case_a.id,
            }
        )
        cls.env["family.case.member"].create(
            {"case_id": cls.case_b.id, "partner_id": cls.mario.id}
        ).unlink()  # a member removed from case_b: nothing left there
        cls.share_a.consent_document = base64.b64encode(b"firma")
        cls.closing_day = fields.Date.today()
        cls.case_a.action_close_case()
        cls.env.company.family_retention_years = 10

    def _run_cron_on(self, day):
        with freeze_time(datetime.combine(day, datetime.min.time())):
            self.env["family.case"]._cron_anonymize()
        self.env.invalidate_all()

    def test_nothing_changes_before_the_limit(self):
        self._run_cron_on(self.closing_day + relativedelta(years=10))
        self.assertFalse(self.case_a.anonymized)
        self.assertEqual(self.case_a.name, "Famiglia Alfa")
        self.assertEqual(self.case_a.member_ids, self.member_a | self.member_a2)
        self.assertEqual(self.int_a.notes, "Ritirato dalla moglie")
        self.assertTrue(self.mario.exists())

    def test_personal_data_is_gone_after_the_limit(self):
        kept = ["type_id", "provider_id", "date_start", "quantity", "amount", "state"]
        intervention_values = self.int_a.read(kept)
        goal = self.plan.goal_ids
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "family.case.share"),
                ("res_id", "=", self.share_a.id),
                ("res_field", "=", "consent_document"),
            ]
        )
        self.assertTrue(attachments)
        self._run_cron_on(self.closing_day + relativedelta(years=10, days=1))

        case = self.case_a
        self.assertTrue(case.anonymized)
        self.assertEqual(case.name, "Anonymised")
        self.assertFalse(case.description)
        self.assertFalse(case.report_source)
        self.assertFalse(case.isee_value)
        self.assertFalse(case.isee_expiry)
        self.assertTrue(case.reference)
        self.assertEqual(case.date_closed, self.closing_day)
        # members and their contacts
        self.assertFalse(
            self.env["family.case.member"]
            .with_context(active_test=False)
            .search([("case_id", "=", case.id)])
        )
        self.assertFalse(self.mario.exists())
        # Bianca is still a member of case_b: kept as she is
        self.assertEqual(self.bianca.name, "Bianca Beta")
        self.assertTrue(self.bianca.active)
        # interventions: what statistics need stays
        self.assertEqual(self.int_a.read(kept), intervention_values)
        self.assertEqual(self.int_a.amount, 100)
        self.assertFalse(self.int_a.name)
        self.assertFalse(self.int_a.notes)
        self.assertFalse(self.int_a.member_id)
        # plan, goals, reviews, referrals
        self.assertFalse(self.plan.description)
        self.assertEqual(goal.name, "Anonymised")
        self.assertFalse(goal.indicator or goal.target or goal.current_value)
        self.assertEqual(goal.party_id, self.comune)
        self.assertFalse(self.review.minutes)
        self.assertFalse(self.review.location)
        self.assertFalse(self.review.outcome_ids.note)
        self.assertFalse(self.review.outcome_ids.indicator_value)
        self.assertEqual(self.review.outcome_ids.outcome, "partly")
        self.assertEqual(self.referral.reason, "Anonymised")
        self.assertFalse(self.referral.outcome)
        self.assertFalse(self.referral.member_id)
        self.assertEqual(self.referral.state, "sent")
        # messages, attachments, shares
        Message = self.env["mail.message"]
        for model, record in (
            ("family.case", case),
            ("family.intervention", self.int_a),
            ("family.plan", self.plan),
            ("family.review", self.review),
        ):
            self.assertFalse(
                Message.search([("model", "=", model), ("res_id", "=", record.id)]),
                model,
            )
        self.assertFalse(self.attachment_a.exists())
        self.assertFalse(attachments.exists())
        self.assertFalse(self.share_a.exists())
        # the other, open case is untouched
        self.assertEqual(self.case_b.name, "Famiglia Beta")
        self.assertFalse(self.case_b.anonymized)

    def test_supporting_documents_stay_without_description(self):
        """A paid cost's receipt is an accounting record of a public expense:
        its file stays, what it says of the family goes."""
        document = self.env["family.compensation.document"].create(
            {
                "intervention_id": self.int_a.id,
                "document_type": "receipt",
                "document_number": "R-3",
                "amount": 100.0,
                "file": base64.b64encode(b"%PDF-1.4\n%%EOF\n"),
                "name": "Spesa per Mario Rossi",
            }
        )
        # its cost was reimbursed: the document is locked
        self.env.cr.execute(
            "UPDATE family_intervention SET compensated = TRUE WHERE id = %s",
            [self.int_a.id],
        )
        self.env.invalidate_all()
        self.assertTrue(document.locked)
        with self.assertRaisesRegex(UserError, "in an approved statement"):
            document.write({"name": "Altro"})
        self._run_cron_on(self.closing_day + relativedelta(years=10, days=1))
        self.assertTrue(self.case_a.anonymized)
        self.assertTrue(document.exists())
        self.assertFalse(document.name)
        self.assertEqual((document.document_number, document.amount), ("R-3", 100.0))
        self.assertTrue(document.file)

    def _closed_cases(self, count):
        """``count`` closed families of two people, each with a parcel."""
        people = self.env["res.partner"].create(
            [{"name": f"Persona Chiusa {i}"} for i in range(2 * count)]
        )
        cases = self.Case.create(
            [
                {
                    "name": f"Famiglia Chiusa {i}",
                    "user_id": self.worker.id,
                    "isee_value": 3000.0,
                    "member_ids": [
                        Command.create({"partner_id": person.id})
                        for person in people[2 * i : 2 * i + 2]
                    ],
                }
                for i in range(count)
            ]
        )
        for case in cases:
            self._intervention(self.comune, self.today, case=case)
        cases.action_close_case()
        self.env.flush_all()
        return cases

    def _queries(self, cases):
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        cases._family_anonymize()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_a_batch_costs_queries_per_batch_not_per_case(self):
        """Anonymising four times as many cases takes (almost) no more
        queries: the members, their contacts and the cases' currencies are
        read for the whole batch (it was about 13 queries a case)."""
        small = self._queries(self._closed_cases(3))
        large_cases = self._closed_cases(12)
        with self.assertQueryCount(small + 10):
            self.env.invalidate_all()
            large_cases._family_anonymize()
            self.env.flush_all()
        self.assertTrue(all(large_cases.mapped("anonymized")))
        self.assertFalse(
            self.env["res.partner"].search([("name", "like", "Persona Chiusa")])
        )

    def test_second_run_changes_nothing(self):
        day = self.closing_day + relativedelta(years=10, days=1)
        self._run_cron_on(day)
        write_date = self.case_a.write_date
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM res_partner")
        partners = self.env.cr.fetchone()
        with patch.object(
            type(self.env["family.case"]), "_family_anonymize", autospec=True
        ) as anonymize:
            self._run_cron_on(day + timedelta(days=400))
        self.assertFalse(anonymize.call_args.args[0])
        self._run_cron_on(day + timedelta(days=400))
        self.case_a._family_anonymize()
        self.assertEqual(self.case_a.write_date, write_date)
        self.assertEqual(self.case_a.name, "Anonymised")
        self.env.cr.execute("SELECT count(*) FROM res_partner")
        self.assertEqual(self.env.cr.fetchone(), partners)

    def test_contact_used_elsewhere_is_blanked(self):
        self.mario.write(
            {"email": "mario@example.com", "phone": "+39 333", "city": "Cernusco"}
        )

        def refuse(records):
            raise UserError(self.env._("still used"))

        with patch.object(type(self.env["res.partner"]), "unlink", refuse):
            self._run_cron_on(self.closing_day + relativedelta(years=11))
        partner = self.mario.with_context(active_test=False)
        self.assertTrue(partner.exists())
        self.assertFalse(partner.active)
        self.assertEqual(partner.name, "Anonymised")
        self.assertFalse(partner.email or partner.phone or partner.city)

    def test_no_retention_keeps_the_cases(self):
        self.env.company.family_retention_years = 0
        self._run_cron_on(self.closing_day + relativedelta(years=30))
        self.assertFalse(self.case_a.anonymized)
        self.assertEqual(self.case_a.name, "Famiglia Alfa")

    def test_open_case_is_never_anonymised(self):
        self.case_b._family_anonymize()
        self.assertFalse(self.case_b.anonymized)
        self.assertEqual(self.case_b.name, "Famiglia Beta")
