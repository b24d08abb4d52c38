from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import (
    CLOSED_RECORDS,
    AccessCommon,
    new_share,
    refused_by_acl,
    refused_by_rule,
    refused_fields,
)

MODELS = [
    "family.case",
    "family.case.member",
    "family.case.share",
    "family.intervention",
    "family.intervention.type",
    "family.plan",
    "family.plan.goal",
    "family.review",
    "family.review.outcome",
    "family.referral",
    "family.protocol",
    "family.protocol.party",
    "family.access.log",
    "family.need.area",
    "family.case.stage",
    "family.case.household",
    "family.intervention.summary",
]

# role -> model -> the operations allowed by the ACLs (r, w, c, u)
MATRIX = {
    "social_worker": {
        "family.case": "rwc",
        "family.case.member": "rwcu",
        "family.case.share": "rwc",
        "family.intervention": "rwcu",
        "family.intervention.type": "r",
        "family.plan": "rwcu",
        "family.plan.goal": "rwcu",
        "family.review": "rwcu",
        "family.review.outcome": "rwcu",
        "family.referral": "rwcu",
        "family.protocol": "r",
        "family.protocol.party": "r",
        "family.access.log": "",
        "family.need.area": "r",
        "family.case.stage": "r",
        "family.case.household": "r",
        "family.intervention.summary": "r",
    },
    "finance": {
        "family.case": "r",
        "family.case.member": "",
        "family.case.share": "",
        "family.intervention": "r",
        "family.intervention.type": "r",
        "family.plan": "",
        "family.plan.goal": "",
        "family.review": "",
        "family.review.outcome": "",
        "family.referral": "",
        "family.protocol": "r",
        "family.protocol.party": "r",
        "family.access.log": "",
        "family.need.area": "r",
        "family.case.stage": "r",
        # no member, no household, no summary: the interventions themselves
        "family.case.household": "",
        "family.intervention.summary": "",
    },
    "manager": {model: "rwcu" for model in MODELS}
    | {
        "family.access.log": "r",
        "family.case.household": "r",
        "family.intervention.summary": "r",
    },
    "portal": {
        "family.case": "r",
        "family.case.member": "r",
        "family.case.share": "rw",
        "family.intervention": "rwc",
        "family.intervention.type": "r",
        "family.plan": "r",
        "family.plan.goal": "rw",
        "family.review": "r",
        "family.review.outcome": "r",
        "family.referral": "",
        "family.protocol": "",
        "family.protocol.party": "",
        "family.access.log": "",
        "family.need.area": "r",
        "family.case.stage": "r",
        "family.case.household": "r",
        "family.intervention.summary": "r",
    },
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessCommon):
    def test_acl_matrix(self):
        users = {
            "social_worker": self.worker,
            "finance": self.finance,
            "manager": self.manager,
            "portal": self.coord_a,
        }
        for role, user in users.items():
            for model in MODELS:
                allowed = MATRIX[role][model]
                for letter, operation in OPERATIONS.items():
                    with self.subTest(role=role, model=model, operation=operation):
                        self.assertEqual(
                            self.env[model].with_user(user).has_access(operation),
                            letter in allowed,
                        )


@tagged("post_install", "-at_install")
class TestAssociationAccess(AccessCommon):
    def test_coordinator_sees_only_shared_cases(self):
        Case = self.Case.with_user(self.coord_a)
        self.assertEqual(Case.search([]), self.case_a)
        self.assertEqual(Case.search_count([("id", "=", self.case_b.id)]), 0)
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.case")
        ):
            Case.browse(self.case_b.id).read(["reference"])
        groups = Case.read_group([], ["stage_id"], ["stage_id"])
        self.assertEqual(sum(g["stage_id_count"] for g in groups), 1)
        self.assertFalse(Case.name_search("Beta"))
        # the family's name is not searchable on the case by an association
        # (it reads it in family.case.identity): the reference is
        self.assertFalse(Case.name_search("Alfa"))
        self.assertEqual(
            Case.name_search(self.case_a.reference),
            [(self.case_a.id, self.case_a.reference)],
        )
        self.assertFalse(Case.name_search(self.case_b.reference))

    def test_other_association_cannot_reach_messages_and_attachments(self):
        Message = self.env["mail.message"].with_user(self.coord_a)
        self.assertFalse(
            Message.search(
                [("model", "=", "family.case"), ("res_id", "=", self.case_b.id)]
            )
        )
        # no association reads an attachment directly (the portal's routes
        # serve those its shares open)
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("read", "ir.attachment")
        ):
            self.document_b.with_user(self.coord_a).read(["datas"])
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.case")
        ):
            self.case_b.with_user(self.coord_a).message_ids.mapped("body")
        # the other association does see its own case's shared message
        Message_b = self.env["mail.message"].with_user(self.coord_b)
        self.assertTrue(
            Message_b.search(
                [("model", "=", "family.case"), ("res_id", "=", self.case_b.id)]
            )
        )

    def test_internal_notes_never_reach_associations(self):
        note = self.case_a.message_post(
            body="Nota interna", subtype_xmlid="mail.mt_note"
        )
        shared = self.case_a.message_post(
            body="Per le associazioni",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(shared.with_user(self.coord_a).read(["body"]))
        Message = self.env["mail.message"].with_user(self.coord_a)
        found = Message.search(
            [("model", "=", "family.case"), ("res_id", "=", self.case_a.id)]
        )
        self.assertNotIn(note, found)
        with self.assertRaisesRegex(
            AccessError, "Document type: Message, Operation: read"
        ):
            note.with_user(self.coord_a).read(["body"])

    def test_interventions_of_other_parties_hidden_unless_shared(self):
        Intervention = self.env["family.intervention"].with_user(self.coord_a)
        Summary = self.env["family.intervention.summary"].with_user(self.coord_a)
        self.assertEqual(Intervention.search([]), self.int_a)
        self.assertFalse(Summary.search([]))
        self.share_a.share_other_interventions = True
        # the other parties' interventions only as a summary, never whole
        self.assertEqual(Intervention.search([]), self.int_a)
        self.assertEqual(
            sorted(Summary.search([]).ids), sorted((self.int_a | self.int_comune).ids)
        )

    def test_portal_writes_only_own_interventions(self):
        self.share_a.share_other_interventions = True
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("write", "family.intervention")
        ):
            self.int_comune.with_user(self.coord_a).write({"quantity": 3})
        self.int_a.with_user(self.coord_a).write({"quantity": 3})
        self.assertEqual(self.int_a.quantity, 3)

    def test_volunteer_sees_only_assigned_cases(self):
        Case = self.Case.with_user(self.vol_a2)
        self.assertFalse(Case.search([]))
        self.share_a.with_user(self.coord_a).write(
            {"volunteer_user_ids": [fields.Command.link(self.vol_a2.id)]}
        )
        self.assertEqual(Case.search([]), self.case_a)

    def test_coordinator_may_only_assign_volunteers(self):
        with self.assertRaisesRegex(
            AccessError,
            r"cannot write these fields of Case Sharing and Consent: "
            r"Documents \(share_documents\)",
        ):
            self.share_a.with_user(self.coord_a).write({"share_documents": True})
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("write", "family.case.share")
        ):
            self.share_a.with_user(self.vol_a).write(
                {"volunteer_user_ids": [fields.Command.link(self.vol_a.id)]}
            )

    def test_revoked_share_cuts_access_at_once(self):
        Case = self.Case.with_user(self.coord_a)
        self.assertTrue(Case.search([("id", "=", self.case_a.id)]))
        self.share_a.revoke_reason = "Consenso ritirato"
        self.share_a.action_revoke()
        self.assertEqual(self.share_a.state, "revoked")
        self.assertFalse(Case.search([("id", "=", self.case_a.id)]))
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.case")
        ):
            self.case_a.with_user(self.coord_a).read(["reference"])
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.intervention")
        ):
            self.int_a.with_user(self.coord_a).read(["amount"])

    def test_expired_share_cuts_access(self):
        with freeze_time(date.today() + timedelta(days=400)):
            self.share_a.date_end = date.today() - timedelta(days=1)
            self.assertEqual(self.share_a.state, "expired")
            self.assertFalse(self.Case.with_user(self.coord_a).search([]))

    def test_share_cron_ends_share_when_date_passes(self):
        self.share_a.date_end = fields.Date.today() + timedelta(days=1)
        with freeze_time(fields.Date.today() + timedelta(days=3)):
            self.env["family.case.share"]._cron_update_state()
            self.assertEqual(self.share_a.state, "expired")

    def test_closing_the_case_ends_its_shares(self):
        self.case_a.action_close_case()
        self.assertNotEqual(self.share_a.state, "active")
        self.assertFalse(self.Case.with_user(self.coord_a).search([]))

    def test_share_needs_active_protocol(self):
        outsider = self.env["res.partner"].create(
            {"name": "Esterna", "is_company": True, "is_family_network_member": True}
        )
        with self.assertRaisesRegex(
            ValidationError,
            "is not a member of an active protocol: the case cannot be shared with it",
        ):
            new_share(self.env, self.case_a, outsider)

    def test_consent_needs_a_date(self):
        with self.assertRaisesRegex(
            ValidationError,
            "A share based on consent needs the date the consent was given",
        ):
            new_share(self.env, self.case_b, self.assoc_a, consent_date=False)

    def test_closed_case_cannot_be_shared(self):
        self.case_b.action_close_case()
        with self.assertRaisesRegex(UserError, CLOSED_RECORDS):
            new_share(self.env, self.case_b, self.assoc_a)


@tagged("post_install", "-at_install")
class TestComuneAccess(AccessCommon):
    def test_restricted_case_invisible_to_other_social_workers(self):
        self.assertFalse(
            self.Case.with_user(self.worker_2).search(
                [("id", "=", self.case_restricted.id)]
            )
        )
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.case")
        ):
            self.case_restricted.with_user(self.worker_2).read(["name"])
        self.assertTrue(self.case_restricted.with_user(self.worker).read(["name"]))
        self.assertTrue(self.case_restricted.with_user(self.manager).read(["name"]))
        member = self.env["family.case.member"].create(
            {"case_id": self.case_restricted.id, "partner_id": self.person_b.id}
        )
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "family.case.member")
        ):
            member.with_user(self.worker_2).read(["name"])

    def test_finance_never_reads_names(self):
        case = self.case_a.with_user(self.finance)
        self.assertEqual(case.display_name, self.case_a.reference)
        with self.assertRaisesRegex(AccessError, refused_fields("family.case", "name")):
            case.read(["name"])
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("read", "family.case.member")
        ):
            self.member_a.with_user(self.finance).read(["name"])
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "res.partner")
        ):
            self.member_a.partner_id.with_user(self.finance).read(["name"])
        self.assertFalse(
            self.env["res.partner"]
            .with_user(self.finance)
            .search([("id", "=", self.member_a.partner_id.id)])
        )
        # what finance needs: amounts, types, dates, providers, the reference
        values = self.int_a.with_user(self.finance).read(
            ["amount", "type_id", "date_start", "provider_id", "case_id"]
        )[0]
        self.assertEqual(values["case_id"][1], self.case_a.reference)
        self.assertEqual(
            self.Case.with_user(self.finance).name_search(self.case_a.reference)[0][1],
            self.case_a.reference,
        )

    def test_finance_never_reads_case_messages(self):
        message = self.case_a.message_post(
            body="Mario Rossi", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        Message = self.env["mail.message"].with_user(self.finance)
        self.assertFalse(Message.search([("id", "=", message.id)]))
        with self.assertRaisesRegex(
            AccessError, "Document type: Message, Operation: read"
        ):
            message.with_user(self.finance).read(["body"])


@tagged("post_install", "-at_install")
class TestAccessLog(AccessCommon):
    def test_finance_and_portal_reads_are_logged(self):
        self.case_a.with_user(self.finance).web_read({"reference": {}})
        entry = self._logs(self.finance)
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.case_id, entry.channel), (self.case_a, "form"))
        self.case_a.with_user(self.coord_a).web_read({"reference": {}})
        entry = self._logs(self.coord_a)
        self.assertEqual(entry.partner_id, self.assoc_a)
        self.case_a.with_user(self.finance).export_data(["reference"])
        self.assertIn("export", self._logs(self.finance).mapped("channel"))

    def test_social_worker_reads_are_not_logged(self):
        self.case_a.with_user(self.worker).web_read({"name": {}})
        self.assertFalse(self._logs(self.worker))

    def test_log_is_append_only(self):
        self.case_a.with_user(self.finance).web_read({"reference": {}})
        entry = self._logs(self.finance)
        with self.assertRaisesRegex(AccessError, "The access log cannot be changed"):
            entry.with_user(self.manager).write({"channel": "rpc"})
        with self.assertRaisesRegex(AccessError, "The access log cannot be deleted"):
            entry.with_user(self.manager).unlink()
        with self.assertRaisesRegex(AccessError, "The access log cannot be changed"):
            entry.sudo().write({"channel": "rpc"})
        with self.assertRaisesRegex(
            AccessError, refused_by_acl("create", "family.access.log")
        ):
            self.env["family.access.log"].with_user(self.manager).create(
                {
                    "user_id": self.manager.id,
                    "case_id": self.case_a.id,
                    "channel": "rpc",
                }
            )

    def test_purge_removes_old_entries_only(self):
        with freeze_time("2020-01-10"):
            self.case_a.with_user(self.finance).web_read({"reference": {}})
        self.case_b.with_user(self.finance).web_read({"reference": {}})
        self.env.company.family_access_log_months = 24
        self.env["family.access.log"]._cron_purge()
        self.assertEqual(self._logs(self.finance).case_id, self.case_b)


@tagged("post_install", "-at_install")
class TestReviewMeetingAccess(AccessCommon):
    """The review's calendar meeting reveals nothing to those not invited."""

    def test_meeting_hidden_from_the_uninvited(self):
        coordinator_a = self.coord_a.partner_id
        review = self.env["family.review"].create(
            {
                "case_id": self.case_a.id,
                "date": fields.Datetime.now() + timedelta(days=7),
                "partner_ids": [fields.Command.link(coordinator_a.id)],
            }
        )
        event = review.event_id
        self.assertIn(coordinator_a, event.partner_ids)
        self.assertNotIn("Famiglia Alfa", event.name)
        # another association's coordinator cannot open it
        with self.assertRaisesRegex(
            AccessError, refused_by_rule("read", "calendar.event")
        ):
            event.with_user(self.coord_b).read(["name"])
        self.assertFalse(
            self.env["calendar.event"]
            .with_user(self.coord_b)
            .search([("id", "=", event.id)])
        )
        # a finance clerk does not read the family meetings at all
        with self.assertRaisesRegex(AccessError, "doesn't have 'read' access"):
            event.with_user(self.finance).read(["name", "partner_ids"])
        self.assertFalse(
            self.env["calendar.event"]
            .with_user(self.finance)
            .search([("id", "=", event.id)])
        )
        # the invited coordinator sees the review of the shared family
        self.assertEqual(
            self.env["family.review"].with_user(self.coord_a).search([]), review
        )
        self.assertFalse(self.env["family.review"].with_user(self.coord_b).search([]))
