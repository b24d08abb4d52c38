from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AccessCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestActivityPrivacy(JsonRpcMixin, AccessCommon, HttpCase):
    """The social service's to-dos on a family are never a finance clerk's,
    even one assigned to them by mistake."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity = cls.case_b.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Chiamare la famiglia Beta",
            user_id=cls.finance.id,
        )
        cls.other = cls.env["res.partner"].create({"name": "Fornitore"})
        cls.own = cls.other.activity_schedule(
            "mail.mail_activity_data_todo", summary="Fattura", user_id=cls.finance.id
        )

    @mute_logger("odoo.http")
    def test_finance_reads_no_family_activity(self):
        self._login(self.finance)
        rows = self.rpc("mail.activity", "search_read", [], ["summary", "res_model"])
        self.assertEqual([row["id"] for row in rows], self.own.ids)
        self.assertRpcRefused(
            AccessError,
            "doesn't have 'read' access to:\n- Activity (mail.activity)",
            "mail.activity",
            "read",
            self.activity.ids,
            ["summary"],
        )
        groups = self.rpc("mail.activity", "read_group", [], ["__count"], ["res_model"])
        self.assertEqual([g["res_model"] for g in groups], ["res.partner"])

    def test_social_worker_still_reads_it(self):
        activity = self.activity.with_user(self.worker)
        self.assertEqual(activity.summary, "Chiamare la famiglia Beta")
        self.assertIn(activity, self.case_b.with_user(self.worker).activity_ids)
