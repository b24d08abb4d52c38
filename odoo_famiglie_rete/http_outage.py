"""A clean page while PostgreSQL cannot be reached.

Odoo 18, when the database is down, either logs the user out and answers
through the database-less routes (``Application.__call__`` catching
``RegistryError``: a portal page then answers Werkzeug's English "Not Found"
and the session is lost), or, when the connection drops during a request,
answers Werkzeug's English "Internal Server Error". Neither tells an
association's volunteer what to do.

``Request._serve_db`` is wrapped (by the manifest's ``post_load`` hook, so a
worker serves the page even when it never reached the database; load the
addon server-wide with ``--load=base,web,odoo_famiglie_rete`` for that): a
connection-level error of PostgreSQL (the server stopped, restarting,
unreachable, or a connection of the pool that died with it) answers a
``503 Service Unavailable`` page in the user's language (Italian by default,
the translations read from the addon's files, not from the database), with
``Retry-After``, and the session is kept. A request that met a dead
connection of the pool is tried once more on a fresh connection first, as
Odoo does after a serialization failure: nothing of it was committed. Every
other error keeps Odoo's own handling.
"""

import json
import logging

import psycopg2
from markupsafe import Markup

from odoo import http
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

TITLE = _lt("Service temporarily unavailable")
BODY = _lt(
    "Rete Famiglie cannot reach its database right now. What was saved "
    "before is safe. Wait a minute, then reload the page."
)
SAVING = _lt(
    "If you were saving something, check whether it was saved before you "
    "send it again."
)
RETRY = _lt("Reload the page")
DEFAULT_LANG = "it_IT"
RETRY_AFTER = 30
# SQLSTATE of a server going away: connection exceptions, admin or crash
# shutdown, "the database system is starting up"
DOWN_CODES = ("57P01", "57P02", "57P03")


def database_down(exc):
    """True for an error of the connection to PostgreSQL (not of a query)."""
    if isinstance(exc, psycopg2.InterfaceError):
        return True
    if isinstance(exc, psycopg2.OperationalError):
        code = exc.pgcode
        return code is None or code.startswith("08") or code in DOWN_CODES
    return False


def _lang(request):
    lang = request.httprequest.cookies.get("frontend_lang") or DEFAULT_LANG
    return lang if lang.replace("_", "").isalnum() else DEFAULT_LANG


def unavailable_response(request):
    """The 503 answer, built without any database cursor."""
    lang = _lang(request)
    title = TITLE._translate(lang)
    body = BODY._translate(lang)
    headers = [("Retry-After", str(RETRY_AFTER)), ("Cache-Control", "no-store")]
    if request.httprequest.mimetype in http.JSON_MIMETYPES:
        payload = {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": 503,
                "message": title,
                "data": {
                    "name": "odoo_famiglie_rete.service_unavailable",
                    "message": body,
                    "arguments": [body],
                    "context": {},
                },
            },
        }
        return http.Response(
            json.dumps(payload),
            status=503,
            headers=headers,
            content_type="application/json; charset=utf-8",
        )
    saving = SAVING._translate(lang) if request.httprequest.method == "POST" else ""
    html = Markup(
        "<!DOCTYPE html>\n"
        '<html lang="{lang}"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        "<title>{title}</title>"
        "<style>body{{font-family:sans-serif;max-width:40rem;margin:3rem auto;"
        "padding:0 1rem;line-height:1.5;color:#212529}}a{{color:#0b5394}}</style>"
        '</head><body><main id="famiglie-service-unavailable">'
        "<h1>{title}</h1><p>{body}</p>{saving}"
        '<p><a href="{url}">{retry}</a></p></main></body></html>'
    ).format(
        lang=lang.split("_")[0],
        title=title,
        body=body,
        saving=Markup("<p>{}</p>").format(saving) if saving else "",
        url=request.httprequest.path if request.httprequest.method == "GET" else "/my",
        retry=RETRY._translate(lang),
    )
    return http.Response(
        str(html),
        status=503,
        headers=headers,
        content_type="text/html; charset=utf-8",
    )


def _family_serve_db(self):
    for attempt in (1, 2):
        try:
            return _family_serve_db.origin(self)
        except http.RegistryError as exc:
            # no connection at all: the registry could not be opened
            if not database_down(exc.__cause__):
                raise
            error = exc.__cause__
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            if not database_down(exc):
                raise
            error = exc
        if attempt == 1 and _pool_had_dead_connection(error):
            _logger.info("A connection to PostgreSQL had died: trying again")
            continue
        break
    _logger.warning(
        "PostgreSQL cannot be reached (%s): %s answered 503",
        str(error).strip().splitlines()[0] if str(error).strip() else type(error),
        self.httprequest.path,
    )
    return unavailable_response(self)


def _pool_had_dead_connection(error):
    """The connection the request used died (the server restarted since it
    was opened), as opposed to a server that refuses new connections."""
    text = str(error)
    refused = (
        "could not connect" in text
        or "Connection refused" in text
        # libpq 14+: 'connection to server at "host", port 5432 failed: ...'
        or ("connection to server" in text and "failed" in text)
    )
    return not refused


def patch():
    """Wrap ``Request._serve_db`` once (the manifest's ``post_load``)."""
    if getattr(http.Request._serve_db, "origin", None):
        return
    _family_serve_db.origin = http.Request._serve_db
    http.Request._serve_db = _family_serve_db
