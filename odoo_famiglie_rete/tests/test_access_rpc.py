from odoo.tests import HttpCase, tagged

from .test_access import AccessCommon


@tagged("post_install", "-at_install")
class TestAccessLogRpc(AccessCommon, HttpCase):
    """Reads through the external API are logged with the RPC channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in (cls.coord_a, cls.finance, cls.sw1):
            user.password = f"{user.login}-password"

    def _rpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            f"{user.login}-password",
            model,
            method,
            list(args),
            kwargs,
        )

    def _entries(self, user):
        return self.env["family.access.log"].search([("user_id", "=", user.id)])

    def test_portal_search_read_is_logged(self):
        rows = self._rpc(
            self.coord_a, "family.case", "search_read", [], fields=["reference"]
        )
        self.assertEqual([row["reference"] for row in rows], [self.case_a.reference])
        entry = self._entries(self.coord_a)
        self.assertEqual(
            (entry.case_id, entry.channel, entry.partner_id),
            (self.case_a, "rpc", self.assoc_a),
        )
        self._rpc(
            self.coord_a, "family.case.member", "search_read", [], fields=["name"]
        )
        self.assertIn("family.case.member", self._entries(self.coord_a).mapped("model"))
        # the family's name, read where the share opens it, is logged too
        rows = self._rpc(
            self.coord_a, "family.case.identity", "search_read", [], fields=["name"]
        )
        self.assertEqual([row["name"] for row in rows], ["Famiglia Alfa"])
        self.assertIn(
            "family.case.identity", self._entries(self.coord_a).mapped("model")
        )
        self._rpc(
            self.coord_a, "family.intervention", "read", [self.int_a.id], ["amount"]
        )
        self.assertIn(
            "family.intervention", self._entries(self.coord_a).mapped("model")
        )

    def test_finance_read_is_logged(self):
        rows = self._rpc(
            self.finance, "family.case", "read", [self.case_b.id], ["reference"]
        )
        self.assertEqual(rows[0]["reference"], self.case_b.reference)
        entry = self._entries(self.finance)
        self.assertEqual((entry.case_id, entry.channel), (self.case_b, "rpc"))
        self.assertFalse(entry.partner_id)

    def _call_kw(self, model, method, *args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )

    def test_web_client_reads_are_logged(self):
        self.authenticate(self.finance.login, f"{self.finance.login}-password")
        # a list opens the cases it shows: one entry per case (channel list)
        self._call_kw("family.case", "web_search_read", [], {"reference": {}})
        lists = self._entries(self.finance)
        self.assertEqual(
            lists.case_id, self.case_a | self.case_b | self.case_restricted
        )
        self.assertEqual(set(lists.mapped("channel")), {"list"})
        self._call_kw("family.intervention", "web_search_read", [], {"case_id": {}})
        lists = self._entries(self.finance) - lists
        self.assertEqual(lists.case_id, self.case_a | self.case_b)
        self.assertEqual(set(lists.mapped("model")), {"family.intervention"})
        done = self._entries(self.finance)
        self._call_kw("family.case", "web_read", [self.case_a.id], {"reference": {}})
        entry = self._entries(self.finance) - done
        self.assertEqual((entry.case_id, entry.channel), (self.case_a, "form"))
        rows = self._call_kw("family.case", "read", [self.case_b.id], ["reference"])
        self.assertEqual(rows[0]["reference"], self.case_b.reference)
        entry = self._entries(self.finance) - done - entry
        self.assertEqual((entry.case_id, entry.channel), (self.case_b, "rpc"))
        self._call_kw(
            "family.intervention", "web_read", [self.int_b.id], {"case_id": {}}
        )
        entry = self._entries(self.finance)[0]
        self.assertEqual(
            (entry.case_id, entry.channel, entry.model),
            (self.case_b, "form", "family.intervention"),
        )

    def test_social_worker_read_is_not_logged(self):
        self._rpc(self.sw1, "family.case", "search_read", [], fields=["name"])
        self.assertFalse(self._entries(self.sw1))
