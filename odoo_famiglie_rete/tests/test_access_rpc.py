from odoo.tests import HttpCase, tagged

from .common import AccessCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestAccessLogRpc(JsonRpcMixin, AccessCommon, HttpCase):
    """Reads through the external API are logged with the RPC channel."""

    def _xmlrpc(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            user.login,
            model,
            method,
            list(args),
            kwargs,
        )

    def test_portal_search_read_is_logged(self):
        rows = self._xmlrpc(
            self.coord_a, "family.case", "search_read", [], fields=["reference"]
        )
        self.assertEqual([row["reference"] for row in rows], [self.case_a.reference])
        entry = self._logs(self.coord_a)
        self.assertEqual(
            (entry.case_id, entry.channel, entry.partner_id),
            (self.case_a, "rpc", self.assoc_a),
        )
        self._xmlrpc(
            self.coord_a, "family.case.member", "search_read", [], fields=["name"]
        )
        self.assertIn("family.case.member", self._logs(self.coord_a).mapped("model"))
        # the family's name, read where the share opens it, is logged too
        rows = self._xmlrpc(
            self.coord_a, "family.case.identity", "search_read", [], fields=["name"]
        )
        self.assertEqual([row["name"] for row in rows], ["Famiglia Alfa"])
        self.assertIn("family.case.identity", self._logs(self.coord_a).mapped("model"))
        self._xmlrpc(
            self.coord_a, "family.intervention", "read", [self.int_a.id], ["amount"]
        )
        self.assertIn("family.intervention", self._logs(self.coord_a).mapped("model"))

    def test_finance_read_is_logged(self):
        rows = self._xmlrpc(
            self.finance, "family.case", "read", [self.case_b.id], ["reference"]
        )
        self.assertEqual(rows[0]["reference"], self.case_b.reference)
        entry = self._logs(self.finance)
        self.assertEqual((entry.case_id, entry.channel), (self.case_b, "rpc"))
        self.assertFalse(entry.partner_id)

    def test_web_client_reads_are_logged(self):
        self._login(self.finance)
        # a list opens the cases it shows: one entry per case (channel list)
        self.rpc("family.case", "web_search_read", [], {"reference": {}})
        lists = self._logs(self.finance)
        self.assertEqual(
            lists.case_id, self.case_a | self.case_b | self.case_restricted
        )
        self.assertEqual(set(lists.mapped("channel")), {"list"})
        self.rpc("family.intervention", "web_search_read", [], {"case_id": {}})
        lists = self._logs(self.finance) - lists
        self.assertEqual(lists.case_id, self.case_a | self.case_b)
        self.assertEqual(set(lists.mapped("model")), {"family.intervention"})
        done = self._logs(self.finance)
        self.rpc("family.case", "web_read", [self.case_a.id], {"reference": {}})
        entry = self._logs(self.finance) - done
        self.assertEqual((entry.case_id, entry.channel), (self.case_a, "form"))
        rows = self.rpc("family.case", "read", [self.case_b.id], ["reference"])
        self.assertEqual(rows[0]["reference"], self.case_b.reference)
        entry = self._logs(self.finance) - done - entry
        self.assertEqual((entry.case_id, entry.channel), (self.case_b, "rpc"))
        self.rpc("family.intervention", "web_read", [self.int_b.id], {"case_id": {}})
        entry = self._logs(self.finance)[0]
        self.assertEqual(
            (entry.case_id, entry.channel, entry.model),
            (self.case_b, "form", "family.intervention"),
        )

    def test_social_worker_read_is_not_logged(self):
        self._xmlrpc(self.worker, "family.case", "search_read", [], fields=["name"])
        self.assertFalse(self._logs(self.worker))
