from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import CLOSED_CASE, CLOSED_RECORDS, NetworkCommon


@tagged("post_install", "-at_install")
class TestFamilyCase(NetworkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_reported = cls.env.ref("odoo_famiglie_rete.stage_reported")
        cls.stage_monitoring = cls.env.ref("odoo_famiglie_rete.stage_monitoring")
        cls.stage_closed = cls.env.ref("odoo_famiglie_rete.stage_closed")

    def test_reference_from_sequence(self):
        case = self.Case.create({"name": "Rossi"})
        self.assertTrue(case.reference.startswith("NF/"))
        other = self.Case.create({"name": "Bianchi"})
        self.assertNotEqual(case.reference, other.reference)
        self.assertEqual(case.display_name, f"{case.reference} - Rossi")

    def test_reference_unique_and_searchable(self):
        case = self.CaseW.create({"name": "Rossi"})
        found = self.CaseW.name_search(case.reference)
        self.assertIn(case.id, [case_id for case_id, _name in found])
        self.assertIn(case.id, [i for i, _n in self.CaseW.name_search("Ross")])
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.Case.create({"name": "Bianchi", "reference": case.reference})

    def test_defaults(self):
        case = self.CaseW.create({"name": "Neri"})
        self.assertEqual(case.user_id, self.worker)
        self.assertEqual(case.stage_id, self.stage_reported)
        self.assertEqual(case.date_intake, self.today)
        self.assertEqual(case.risk_level, "low")
        self.assertFalse(case.is_closed)

    def test_manager_may_be_social_worker_only(self):
        case = self.CaseW.create({"name": "Neri"})
        self.assertEqual(case.user_id, self.worker)
        domain = case._fields["user_id"].get_domain_list(case)
        managers = self.env["res.users"].search(domain)
        self.assertIn(self.worker, managers)
        outsider = new_test_user(
            self.env, login="case_outsider", groups="base.group_user"
        )
        self.assertNotIn(outsider, managers)

    def test_closing_sets_date_and_reopening_clears_it(self):
        case = self.CaseW.create({"name": "Rossi"})
        self.assertFalse(case.date_closed)
        case.write({"stage_id": self.stage_closed.id, "closure_reason": "other"})
        self.assertTrue(case.is_closed)
        self.assertEqual(case.date_closed, self.today)
        case.stage_id = self.stage_monitoring
        self.assertFalse(case.is_closed)
        self.assertFalse(case.date_closed)

    def test_close_and_reopen_buttons(self):
        case = self.CaseW.create({"name": "Rossi"})
        case.action_close_case()
        self.assertEqual(case.stage_id, self.stage_closed)
        self.assertEqual(case.date_closed, self.today)
        case.action_reopen_case()
        self.assertFalse(case.is_closed)
        self.assertFalse(case.date_closed)
        # The last stage before the closing one.
        self.assertEqual(case.stage_id, self.stage_monitoring)

    def test_closed_case_is_read_only(self):
        case = self.CaseW.create({"name": "Rossi"})
        member = self.env["family.case.member"].create(
            {"case_id": case.id, "partner_id": self.person_a.id}
        )
        case.write({"stage_id": self.stage_closed.id, "closure_reason": "other"})
        with self.assertRaisesRegex(UserError, CLOSED_CASE):
            case.name = "Verdi"
        with self.assertRaisesRegex(UserError, CLOSED_CASE):
            case.write({"risk_level": "high", "need_area_ids": [(5,)]})
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self.env["family.case.member"].create(
                {"case_id": case.id, "partner_id": self.person_b.id}
            )
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            member.relation = "child"
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            member.unlink()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            self._intervention(self.comune, self.today, case=case)
        with self.assertRaisesRegex(UserError, CLOSED_CASE):
            case.action_new_plan()
        # Archiving and the chatter remain possible.
        case.message_post(body="Closed after the last review.")
        case.active = False
        self.assertFalse(case.active)
        # Reopening makes it writable again.
        case.write({"active": True, "stage_id": self.stage_monitoring.id})
        case.name = "Verdi"
        member.relation = "child"
        self.assertEqual(member.relation, "child")

    def test_member_moved_to_closed_case_refused(self):
        open_case = self.CaseW.create({"name": "Rossi"})
        closed_case = self.CaseW.create({"name": "Verdi"})
        closed_case.action_close_case()
        member = self.env["family.case.member"].create(
            {"case_id": open_case.id, "partner_id": self.person_a.id}
        )
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            member.case_id = closed_case

    def test_retention_may_change_closed_case(self):
        case = self.CaseW.create({"name": "Rossi"})
        member = self.env["family.case.member"].create(
            {"case_id": case.id, "partner_id": self.person_a.id}
        )
        case.action_close_case()
        # The retention job runs as superuser: a context alone, which any RPC
        # caller can send, does not open a closed case.
        with self.assertRaisesRegex(UserError, CLOSED_CASE):
            case.with_context(family_allow_closed=True).write({"name": "Anonimo"})
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            member.with_user(self.worker).with_context(family_allow_closed=True).write(
                {"birthdate": False}
            )
        allowed = case.sudo().with_context(family_allow_closed=True)
        allowed.write({"name": "Anonimo", "description": False})
        member.sudo().with_context(family_allow_closed=True).write({"birthdate": False})
        self.assertEqual(case.name, "Anonimo")

    def test_review_overdue_compute_and_search(self):
        late = self.CaseW.create({"name": "Late"})
        on_time = self.CaseW.create({"name": "On time"})
        without = self.CaseW.create({"name": "Without"})
        closed = self.CaseW.create({"name": "Closed"})
        past = fields.Datetime.now() - timedelta(days=10)
        future = fields.Datetime.now() + timedelta(days=10)
        Review = self.env["family.review"].with_user(self.worker)
        Review.create({"case_id": late.id, "date": past})
        Review.create({"case_id": on_time.id, "date": future})
        Review.create({"case_id": closed.id, "date": past})
        closed.action_close_case()
        self.assertTrue(late.review_overdue)
        self.assertFalse(on_time.review_overdue)
        self.assertFalse(without.review_overdue)
        self.assertFalse(closed.review_overdue)
        cases = late | on_time | without | closed
        domain = [("id", "in", cases.ids)]
        self.assertEqual(
            self.CaseW.search(domain + [("review_overdue", "=", True)]), late
        )
        self.assertEqual(
            self.CaseW.search(domain + [("review_overdue", "=", False)]),
            on_time | without | closed,
        )
        self.assertEqual(
            self.CaseW.search(domain + [("review_overdue", "!=", True)]),
            on_time | without | closed,
        )
        with self.assertRaisesRegex(UserError, "Operation not supported"):
            self.CaseW.search([("review_overdue", "in", [True])])

    def test_isee_expired(self):
        expired = self.CaseW.create(
            {"name": "A", "isee_value": 5000, "isee_expiry": self.today - timedelta(1)}
        )
        valid = self.CaseW.create({"name": "B", "isee_expiry": self.today})
        unknown = self.CaseW.create({"name": "C"})
        self.assertTrue(expired.isee_expired)
        self.assertFalse(valid.isee_expired)
        self.assertFalse(unknown.isee_expired)
        domain = [("id", "in", (expired | valid | unknown).ids)]
        self.assertEqual(
            self.CaseW.search(domain + [("isee_expired", "=", True)]), expired
        )
        self.assertEqual(
            self.CaseW.search(domain + [("isee_expired", "=", False)]),
            valid | unknown,
        )

    def test_kanban_shows_every_stage(self):
        case = self.CaseW.create({"name": "Rossi"})
        groups = self.CaseW.web_read_group(
            [("id", "=", case.id)], ["stage_id"], ["stage_id"]
        )["groups"]
        stages = self.env["family.case.stage"].search([])
        self.assertEqual(len(stages), 5)
        self.assertEqual([g["stage_id"][0] for g in groups], stages.ids)
        counts = {g["stage_id"][0]: g["stage_id_count"] for g in groups}
        self.assertEqual(counts[self.stage_reported.id], 1)
        self.assertEqual(counts[self.stage_closed.id], 0)

    def test_counts_totals_and_overlap(self):
        case = self.CaseW.create({"name": "Rossi"})
        self.env["family.case.member"].create(
            [
                {"case_id": case.id, "partner_id": self.person_a.id},
                {"case_id": case.id, "partner_id": self.person_b.id},
            ]
        )
        self.assertFalse(case.has_overlap)
        first = self._intervention(
            self.comune,
            self.today - timedelta(days=20),
            self.today + timedelta(days=20),
            case=case,
            quantity=2,
            unit_value=10.0,
        )
        self._intervention(
            self.assoc_a,
            self.today,
            type_=self.type_listening,
            case=case,
            unit_value=5.0,
        )
        cancelled = self._intervention(
            self.assoc_a, self.today, case=case, unit_value=99.0
        )
        cancelled.state = "cancelled"
        case.invalidate_recordset()
        self.assertEqual(case.member_count, 2)
        self.assertEqual(case.intervention_count, 3)
        self.assertEqual(case.amount_total, 25.0)
        self.assertEqual(case.provider_ids, self.comune | self.assoc_a)
        self.assertFalse(case.has_overlap, "A cancelled intervention never overlaps.")

        # The association gives food too, in the same period: overlap.
        self._intervention(
            self.assoc_a,
            self.today,
            type_=self.type_voucher,
            case=case,
            unit_value=10.0,
        )
        case.invalidate_recordset()
        self.assertTrue(first.has_overlap)
        self.assertTrue(case.has_overlap)
        self.assertIn(case, self.CaseW.search([("has_overlap", "=", True)]))
        self.assertNotIn(case, self.CaseW.search([("has_overlap", "=", False)]))

        totals = case._get_totals()
        by_party = {line["name"]: line for line in totals["by_party"]}
        self.assertEqual(by_party[self.comune.display_name]["amount"], 20.0)
        self.assertEqual(by_party[self.assoc_a.display_name]["amount"], 15.0)
        self.assertEqual(by_party[self.assoc_a.display_name]["count"], 2)
        self.assertEqual(totals["count"], 3)
        self.assertEqual(totals["amount"], 35.0)
        categories = {line["name"]: line["amount"] for line in totals["by_category"]}
        self.assertEqual(categories.get("Food and Goods"), 30.0)
        self.assertIn(self.assoc_a.name, case.totals_html)
        self.assertIn("Food and Goods", case.totals_html)

    def _stored_overlap(self, case):
        """The case's overlap flag as saved in the database."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT has_overlap FROM family_case WHERE id = %s", [case.id]
        )
        return self.env.cr.fetchone()[0]

    def test_overlap_is_stored_and_follows_the_interventions(self):
        """The case's flag is a column, kept up to date when an intervention
        starts or stops overlapping, whoever saves it."""
        case = self.CaseW.create({"name": "Rossi"})
        self._intervention(
            self.comune,
            self.today - timedelta(days=20),
            self.today + timedelta(days=20),
            case=case,
        )
        self.assertFalse(self._stored_overlap(case))
        second = self._intervention(
            self.assoc_a, self.today, type_=self.type_voucher, case=case
        )
        self.assertTrue(self._stored_overlap(case))
        self.assertTrue(case.has_overlap)
        self.assertEqual(
            self.CaseW.search([("has_overlap", "=", True), ("id", "=", case.id)]),
            case,
        )
        second.state = "cancelled"
        self.assertFalse(self._stored_overlap(case))
        self.assertFalse(case.has_overlap)
        self.assertEqual(
            self.CaseW.search([("has_overlap", "=", False), ("id", "=", case.id)]),
            case,
        )
        self.assertEqual(case.currency_id, case.company_id.currency_id)

    def test_overlap_cleared_when_an_overlapping_intervention_is_deleted(self):
        """Deleting one of two overlapping interventions clears the case's
        flag, also when the deletion saves in between (it removes the
        intervention's followers: every intervention made in the web client
        has one)."""
        case = self.CaseW.create({"name": "Rossi"})
        first = self._intervention(
            self.comune,
            self.today - timedelta(days=20),
            self.today + timedelta(days=20),
            case=case,
        )
        second = self._intervention(
            self.assoc_a, self.today, type_=self.type_voucher, case=case
        )
        second.message_subscribe(partner_ids=self.worker.partner_id.ids)
        self.assertTrue(self._stored_overlap(case))
        second.with_user(self.worker).unlink()
        self.assertFalse(first.has_overlap)
        self.assertFalse(self._stored_overlap(case))
        self.assertFalse(case.has_overlap)

    def test_totals_are_per_case_in_a_batch(self):
        case_a = self.CaseW.create({"name": "A"})
        case_b = self.CaseW.create({"name": "B"})
        self._intervention(self.comune, self.today, case=case_a)
        self._intervention(
            self.assoc_a, self.today, type_=self.type_listening, case=case_b
        )
        cases = (case_a | case_b).with_user(self.worker)
        cases.invalidate_recordset()
        self.assertIn(self.comune.display_name, case_a.totals_html)
        self.assertNotIn(self.assoc_a.name, case_a.totals_html)
        self.assertIn(self.assoc_a.name, case_b.totals_html)
        empty = self.CaseW.create({"name": "C"})
        self.assertIn("No intervention recorded yet", empty.totals_html)
        self.assertEqual(empty.intervention_count, 0)

    def test_new_case_in_a_form_computes_safely(self):
        """Non-stored computes must not query with the ids of new records."""
        case = self.CaseW.create({"name": "Rossi"})
        self._intervention(self.comune, self.today, case=case)
        new = self.CaseW.new({"name": "Nuovo"})
        self.assertEqual(new.intervention_count, 0)
        self.assertFalse(new.has_overlap)
        self.assertIn("No intervention", new.totals_html)
        edited = self.CaseW.new(origin=case)
        self.assertEqual(edited.intervention_count, 1)
        self.assertIn(self.comune.display_name, edited.totals_html)

    def test_current_plan_and_new_plan(self):
        case = self.CaseW.create({"name": "Rossi"})
        self.assertFalse(case.current_plan_id)
        action = case.action_new_plan()
        plan = self.env["family.plan"].browse(action["res_id"])
        self.assertEqual(plan.case_id, case)
        self.assertEqual(case.current_plan_id, plan)
        self.assertEqual(case.action_open_current_plan()["res_id"], plan.id)
        self.env["family.plan.goal"].create(
            {"plan_id": plan.id, "name": "Find a job", "party_id": self.comune.id}
        )
        self.assertEqual(case.goal_ids.mapped("name"), ["Find a job"])
        action = case.action_new_plan()
        self.assertNotEqual(action["res_id"], plan.id)
        self.assertEqual(case.current_plan_id.id, action["res_id"])

    def test_smart_buttons(self):
        case = self.CaseW.create({"name": "Rossi"})
        for method, model in (
            ("action_view_members", "family.case.member"),
            ("action_view_interventions", "family.intervention"),
            ("action_view_reviews", "family.review"),
            ("action_view_referrals", "family.referral"),
        ):
            action = getattr(case, method)()
            self.assertEqual(action["res_model"], model)
            self.assertEqual(action["domain"], [("case_id", "=", case.id)])
            self.assertEqual(action["context"]["default_case_id"], case.id)

    def test_search_by_member_and_party(self):
        case = self.CaseW.create({"name": "Famiglia A"})
        other = self.CaseW.create({"name": "Famiglia B"})
        self.env["family.case.member"].create(
            {
                "case_id": case.id,
                "partner_id": self.person_a.id,
                "fiscal_code": "RSSMRA80A01F205X",
            }
        )
        self._intervention(
            self.assoc_a, self.today, type_=self.type_listening, case=other
        )
        # The stored parties are written at the end of the request (a search
        # on a many2many does not flush its pending computation).
        self.env.flush_all()
        self.assertEqual(
            self.CaseW.search([("member_ids.name", "ilike", "mario rossi")]), case
        )
        self.assertEqual(
            self.CaseW.search([("member_ids.fiscal_code", "ilike", "rssmra80")]), case
        )
        self.assertEqual(
            self.CaseW.search([("provider_ids", "in", self.assoc_a.ids)]), other
        )

    def test_views_load(self):
        """Every view of the case opens for a social worker."""
        views = self.CaseW.get_views(
            [
                (False, view_type)
                for view_type in (
                    "kanban",
                    "list",
                    "form",
                    "pivot",
                    "graph",
                    "activity",
                    "search",
                )
            ]
        )["views"]
        self.assertIn("has_overlap", views["form"]["arch"])
        self.assertIn("progressbar", views["kanban"]["arch"])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_case_action"
        )
        self.assertEqual(action["view_mode"], "kanban,list,form,pivot,graph,activity")

    def test_cron_review_overdue_schedules_one_activity(self):
        case = self.CaseW.create({"name": "Rossi"})
        self.env["family.review"].create(
            {"case_id": case.id, "date": fields.Datetime.now() - timedelta(days=3)}
        )
        self.Case._cron_review_overdue()
        self.Case._cron_review_overdue()
        activity_type = self.env.ref(
            "odoo_famiglie_rete.mail_activity_type_review_overdue"
        )
        activities = case.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.worker)

    def test_partner_protocol_button(self):
        self.assertEqual(self.assoc_a.family_protocol_count, 1)
        action = self.assoc_a.action_view_family_protocols()
        protocols = self.env["family.protocol"].search(action["domain"])
        self.assertEqual(len(protocols), 1)
        self.assertEqual(self.person_a.family_protocol_count, 0)

    def test_stage_change_needs_no_write_on_closed_fields(self):
        """Dragging a closed case in the kanban reopens it."""
        case = self.CaseW.create({"name": "Rossi"})
        case.write({"stage_id": self.stage_closed.id, "closure_reason": "other"})
        with self.assertRaisesRegex(UserError, CLOSED_CASE):
            case.write({"stage_id": self.stage_monitoring.id, "name": "X"})
        case.write({"stage_id": self.stage_monitoring.id})
        self.assertFalse(case.is_closed)
