import json
from unittest.mock import patch

import psycopg2

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .. import http_outage

PAGE_ID = 'id="famiglie-service-unavailable"'
ITALIAN_TITLE = "Servizio momentaneamente non disponibile"


def _error(message, pgcode=None, base=psycopg2.OperationalError):
    """An error of psycopg2 as the server or libpq raises it."""
    cls = type("FakeError", (base,), {"pgcode": pgcode})
    return cls(message)


@tagged("post_install", "-at_install")
class TestHttpOutage(HttpCase):
    """While PostgreSQL cannot be reached, a clean Italian 503 page, the
    session kept; a connection of the pool that died is tried again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, login="outage_portal", groups="base.group_portal"
        )

    def _down(self, error, times=None):
        """Make ``Request._serve_db`` fail with ``error`` (``times`` times)."""
        origin = http_outage._family_serve_db.origin
        calls = []

        def fake(request):
            calls.append(request.httprequest.path)
            if times is None or len(calls) <= times:
                raise error
            return origin(request)

        return patch.object(http_outage._family_serve_db, "origin", fake), calls

    def test_database_down_is_a_connection_error_only(self):
        self.assertTrue(http_outage.database_down(_error("Connection refused")))
        self.assertTrue(
            http_outage.database_down(_error("terminating connection", "57P01"))
        )
        self.assertTrue(http_outage.database_down(_error("x", "08006")))
        self.assertTrue(
            http_outage.database_down(
                psycopg2.InterfaceError("connection already closed")
            )
        )
        # a lock or a cancelled statement is an error of the query
        self.assertFalse(http_outage.database_down(_error("lock", "55P03")))
        self.assertFalse(http_outage.database_down(_error("canceled", "57014")))
        self.assertFalse(http_outage.database_down(ValueError("x")))

    @mute_logger("odoo.addons.odoo_famiglie_rete.http_outage")
    def test_portal_page_while_database_down(self):
        self.authenticate("outage_portal", "outage_portal")
        down, calls = self._down(
            _error(
                "could not connect to server: Connection refused\n"
                '\tIs the server running on host "127.0.0.1"'
            )
        )
        with down:
            response = self.url_open("/my/famiglie", allow_redirects=False)
        self.assertTrue(calls)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers.get("Retry-After"), "30")
        self.assertIn(PAGE_ID, response.text)
        self.assertIn(ITALIAN_TITLE, response.text)
        self.assertIn('lang="it"', response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertNotIn("Internal Server Error", response.text)
        # the session survived the outage: the next page is served as the user
        response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 200)

    @mute_logger("odoo.addons.odoo_famiglie_rete.http_outage")
    def test_registry_error_keeps_the_session(self):
        """Odoo itself would log the user out and answer without database."""
        from odoo.http import RegistryError

        self.authenticate("outage_portal", "outage_portal")
        error = RegistryError("Cannot get registry")
        error.__cause__ = _error("could not connect to server: Connection refused")
        down, _calls = self._down(error)
        with down:
            response = self.url_open("/my/famiglie", allow_redirects=False)
        self.assertEqual(response.status_code, 503)
        self.assertIn(ITALIAN_TITLE, response.text)
        response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 200)

    @mute_logger("odoo.addons.odoo_famiglie_rete.http_outage")
    def test_dead_pool_connection_tried_again(self):
        self.authenticate("outage_portal", "outage_portal")
        down, calls = self._down(
            _error("server closed the connection unexpectedly"), times=1
        )
        with down:
            response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(len(calls), 2)
        self.assertEqual(response.status_code, 200)

    @mute_logger("odoo.addons.odoo_famiglie_rete.http_outage")
    def test_server_shutting_down_not_tried_again(self):
        """A server that refuses new connections is not asked twice."""
        self.authenticate("outage_portal", "outage_portal")
        down, calls = self._down(
            _error(
                'connection to server at "127.0.0.1", port 5432 failed: '
                "FATAL:  the database system is shutting down"
            )
        )
        with down:
            response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(len(calls), 1)
        self.assertEqual(response.status_code, 503)

    @mute_logger("odoo.addons.odoo_famiglie_rete.http_outage")
    def test_json_rpc_answers_503(self):
        self.authenticate("admin", "admin")
        down, _calls = self._down(_error("could not connect to server"))
        with down:
            response = self.url_open(
                "/web/dataset/call_kw/res.partner/search_count",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "model": "res.partner",
                            "method": "search_count",
                            "args": [[]],
                            "kwargs": {},
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 503)
        error = response.json()["error"]
        self.assertEqual(
            error["data"]["name"], "odoo_famiglie_rete.service_unavailable"
        )
        self.assertEqual(error["message"], ITALIAN_TITLE)

    @mute_logger("odoo.http")
    def test_other_errors_keep_odoos_handling(self):
        self.authenticate("outage_portal", "outage_portal")
        down, _calls = self._down(_error("could not obtain lock", "55P03"))
        with down:
            response = self.url_open("/my", allow_redirects=False)
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(PAGE_ID, response.text)
