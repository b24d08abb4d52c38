import contextlib
import json
import threading
from unittest.mock import patch

import psycopg2

from odoo import api
from odoo.tests import tagged

from odoo.addons.odoo_famiglie_rete.models import family_access_log

from .common import PortalCommon

PRIMARY_CURSOR = (
    "odoo.addons.odoo_famiglie_rete.models.family_access_log.primary_cursor"
)


@tagged("post_install", "-at_install")
class TestAccessLogReplica(PortalCommon):
    """With a replica (``db_replica_host``), Odoo 18 serves the web client's
    reads and the portal's family pages on a read-only cursor; the access log
    is then written through a read/write cursor of the primary, committed
    before the data leaves. If the primary cannot take the entry, the read
    fails: nothing is served unlogged.

    ``HttpCase`` simulates the read-only cursor (``SET TRANSACTION READ
    ONLY``): a request that wrote into it would fail, and Odoo would serve it
    again on a read/write cursor; the tests check the read did run read-only.
    """

    def setUp(self):
        super().setUp()
        self.assertTrue(self.registry.test_readonly_enabled)
        self.writes = []
        original = family_access_log.primary_cursor

        @contextlib.contextmanager
        def watched(env):
            # the cursor of the request, and Odoo's mode of the request
            mode = getattr(threading.current_thread(), "cursor_mode", None)
            self.writes.append((env.cr.readonly, mode))
            with original(env) as cr:
                yield cr

        patcher = patch(PRIMARY_CURSOR, watched)
        patcher.start()
        self.addCleanup(patcher.stop)

    def assertReadOnlyAndLogged(self, user, channel, case, model):
        # the read ran on the read-only cursor, and only there: no retry
        self.assertEqual(self.writes, [(True, "ro")])
        entries = self._logs(user, channel, case)
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries.model, model)

    def test_coordinator_list_and_form_read_only(self):
        self._login(self.coord_a)
        result = self.rpc(
            "family.intervention",
            "web_search_read",
            domain=[],
            specification={"name": {}, "case_id": {}},
        )
        self.assertIn("Pacco di benvenuto", str(result["records"]))
        self.assertReadOnlyAndLogged(
            self.coord_a, "list", self.case_a, "family.intervention"
        )
        self.writes.clear()
        self.rpc("family.case", "web_read", self.case_a.ids, {"reference": {}})
        self.assertReadOnlyAndLogged(self.coord_a, "form", self.case_a, "family.case")

    def test_coordinator_portal_pages_read_only(self):
        self._login(self.coord_a)
        response = self.url_open(f"/my/famiglie/{self.case_b.id}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.writes, [])
        response = self.url_open("/my/famiglie")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.case_a.reference, response.text)
        self.assertReadOnlyAndLogged(self.coord_a, "portal", self.case_a, "family.case")
        self._logs(self.coord_a).with_context(family_access_log_purge=True).unlink()
        self.writes.clear()
        # the family page marks the Comune's shared message read: on the
        # primary too, the page itself still served read-only
        message = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.coord_a.partner_id.id)]
        )
        self.assertTrue(message)
        self.assertFalse(all(message.mapped("is_read")))
        response = self.url_open(f"/my/famiglie/{self.case_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Benvenuti nella discussione condivisa", response.text)
        self.assertReadOnlyAndLogged(self.coord_a, "portal", self.case_a, "family.case")
        message.invalidate_recordset()
        self.assertTrue(all(message.mapped("is_read")))

    def test_finance_read_only(self):
        self._login(self.finance)
        result = self.rpc("family.intervention", "read", self.int_b.ids, ["amount"])
        self.assertEqual(result[0]["id"], self.int_b.id)
        self.assertReadOnlyAndLogged(
            self.finance, "rpc", self.case_b, "family.intervention"
        )

    def test_finance_large_grouped_view_read_only(self):
        """A grouped view over more cases than the threshold, read-only: its
        batch (and the trigger of its expansion) committed on the primary."""
        cron = self.env.ref("odoo_famiglie_rete.ir_cron_family_access_log_expand")
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", cron.id)])
        self._login(self.finance)
        with patch.object(family_access_log, "BATCH_THRESHOLD", 2):
            self.rpc(
                "family.case",
                "web_read_group",
                domain=[],
                fields=[],
                groupby=["stage_id"],
            )
        self.assertEqual(self.writes, [(True, "ro")])
        self.assertFalse(self._logs(self.finance))
        cases = self.env["family.case"].search_count([])
        self.env.cr.execute(
            "SELECT user_id, channel, cardinality(case_ids)"
            "  FROM family_access_log_batch"
        )
        self.assertEqual(self.env.cr.fetchall(), [(self.finance.id, "group", cases)])
        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        self.env["family.access.log.batch"]._cron_expand()
        self.assertEqual(len(self._logs(self.finance, "group")), cases)

    def test_retry_on_primary_logs_once(self):
        """A read-only request that writes is served again on the primary:
        the entry committed by the first attempt is not written twice."""
        Intervention = type(self.env["family.intervention"])
        original = Intervention.web_search_read

        @api.readonly
        @api.model
        def writing(records, *args, **kwargs):
            result = original(records, *args, **kwargs)
            records.env.cr.execute("UPDATE family_case SET id = id WHERE false")
            return result

        self._login(self.coord_a)
        with (
            patch.object(Intervention, "web_search_read", writing),
            self.assertLogs("odoo.sql_db", "ERROR"),
            self.assertLogs("odoo.http", "WARNING") as http_logs,
        ):
            self.rpc(
                "family.intervention",
                "web_search_read",
                domain=[],
                specification={"name": {}},
            )
        self.assertIn("retrying with a read/write cursor", http_logs.output[0])
        self.assertEqual(self.writes, [(True, "ro")])
        self.assertEqual(len(self._logs(self.coord_a, "list", self.case_a)), 1)

    def test_primary_down_nothing_served(self):
        def primary_down(env):
            raise psycopg2.OperationalError("the primary cannot be reached")

        self._login(self.coord_a)
        payload = {
            "id": 0,
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "family.intervention",
                "method": "web_search_read",
                "args": [],
                "kwargs": {"domain": [], "specification": {"name": {}}},
            },
        }
        with (
            patch(PRIMARY_CURSOR, primary_down),
            self.assertLogs("odoo", "WARNING"),
        ):
            rpc = self.url_open(
                "/web/dataset/call_kw/family.intervention/web_search_read",
                data=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json"},
            )
            response = self.url_open(f"/my/famiglie/{self.case_a.id}")
        # the primary unreachable is PostgreSQL down: the outage's answer
        # (http_outage.py), 503, never the data
        self.assertEqual(rpc.status_code, 503)
        self.assertIn("error", rpc.json())
        self.assertNotIn("Pacco di benvenuto", rpc.text)
        self.assertEqual(response.status_code, 503)
        self.assertIn("Servizio momentaneamente non disponibile", response.text)
        self.assertNotIn(self.case_a.name, response.text)
        self.assertFalse(self._logs(self.coord_a))
