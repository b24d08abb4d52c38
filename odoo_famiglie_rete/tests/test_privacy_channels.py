from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AccessCommon, JsonRpcMixin

READ_REFUSED = "doesn't have 'read' access to:"


@tagged("post_install", "-at_install")
class TestPrivacyChannels(JsonRpcMixin, AccessCommon, HttpCase):
    """The side channels a curious association or finance clerk tries with
    their own session: onchange with guessed ids, the name stored on a
    message, the to-dos' summary, followers, a case restricted after it was
    shared."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goal_comune = (
            cls.env["family.plan"]
            .create(
                {
                    "case_id": cls.case_b.id,
                    "goal_ids": [
                        fields.Command.create(
                            {"name": "Corso di italiano", "party_id": cls.comune.id}
                        )
                    ],
                }
            )
            .goal_ids
        )

    @mute_logger("odoo.http")
    def test_onchange_with_guessed_ids_is_refused(self):
        """Odoo's onchange reads the display name of any id as superuser."""
        spec = {
            "provider_id": {"fields": {"display_name": {}}},
            "goal_id": {"fields": {"display_name": {}}},
        }
        self._login(self.coord_a)
        for values, refused in (
            # a family person
            ({"provider_id": self.member_b.partner_id.id}, "Contact (res.partner)"),
            # another family, another party
            ({"goal_id": self.goal_comune.id}, "Plan Goal (family.plan.goal)"),
            ({"case_id": self.case_b.id}, "Family Case (family.case)"),
        ):
            with self.subTest(values=values):
                self.assertRpcRefused(
                    AccessError,
                    f"{READ_REFUSED}\n- {refused}",
                    "family.intervention",
                    "onchange",
                    [],
                    values,
                    [],
                    spec,
                )
        self._login(self.finance)
        self.assertRpcRefused(
            AccessError,
            f"{READ_REFUSED}\n- Contact (res.partner)",
            "family.compensation",
            "onchange",
            [],
            {"partner_id": self.member_b.partner_id.id},
            [],
            {"partner_id": {"fields": {"display_name": {}}}},
        )

    def test_finance_reads_no_description_in_an_intervention_name(self):
        """A statement line's intervention is read as superuser by Odoo."""
        self.int_b.name = "Visita cardiologica"
        self._login(self.finance)
        rows = self.rpc(
            "family.intervention",
            "web_search_read",
            [("id", "=", self.int_b.id)],
            {"display_name": {}, "case_id": {"fields": {"display_name": {}}}},
        )["records"]
        self.assertNotIn("cardiologica", rows[0]["display_name"])
        self.assertEqual(
            self.int_b.with_user(self.worker).display_name.count("Visita"), 1
        )
        self.assertNotIn(
            "cardiologica", self.int_b.with_user(self.finance).sudo().display_name
        )

    @mute_logger("odoo.http")
    def test_message_names_the_case_by_its_reference(self):
        self.share_a.share_identity = False
        message = self.case_a.with_user(self.worker).message_post(
            body="Colloquio fissato",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(message.record_name, self.case_a.reference)
        self._login(self.coord_a)
        row = self.rpc("mail.message", "read", message.ids, ["record_name"])[0]
        self.assertNotIn("Alfa", row["record_name"])

    @mute_logger("odoo.http")
    def test_finance_reads_no_todo_of_a_case(self):
        self.case_b.activity_schedule(
            "mail.mail_activity_data_todo", summary="Chiamare la famiglia Beta"
        )
        self._login(self.finance)
        for fname in ("activity_summary", "activity_type_id", "message_follower_ids"):
            with self.subTest(field=fname):
                self.assertRpcRefused(
                    AccessError,
                    f'access the fields "{fname}" on Family Case (family.case)',
                    "family.case",
                    "read",
                    self.case_b.ids,
                    [fname],
                )

    @mute_logger("odoo.http")
    def test_association_follows_only_itself(self):
        self._login(self.coord_a)
        self.assertRpcRefused(
            AccessError,
            "An association can only follow a record itself.",
            "family.intervention",
            "message_subscribe",
            self.int_a.ids,
            partner_ids=self.member_b.partner_id.ids,
        )
        self.assertNotIn(self.member_b.partner_id, self.int_a.message_partner_ids)

    def test_restricted_case_reaches_no_association(self):
        """A case restricted after it was shared: its case manager and the
        manager only, whatever the share said."""
        Case = self.env["family.case"]
        self.assertIn(self.case_a, Case.with_user(self.coord_a).search([]))
        self.case_a.restricted = True
        self.env.flush_all()
        for model in ("family.case", "family.case.identity", "family.case.member"):
            with self.subTest(model=model):
                records = self.env[model].with_user(self.coord_a).search([])
                self.assertFalse(records)

    def test_projections_follow_unsaved_changes(self):
        """The projections are SQL views: what they read is flushed first."""
        self.member_a.relation = "child"
        self.case_a.name = "Famiglia Alfa Rinominata"
        household = self.env["family.case.household"].search(
            [("id", "=", self.member_a.id)]
        )
        self.assertEqual(household.relation, "child")
        identity = self.env["family.case.identity"].search(
            [("id", "=", self.case_a.id)]
        )
        self.assertEqual(identity.name, "Famiglia Alfa Rinominata")
