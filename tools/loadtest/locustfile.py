"""The load of ``make loadtest``: association users on the portal and Comune
staff in the back office, as their browsers ask for the pages.

Run by tools/loadtest/run.py with Locust (its own virtual environment), which
passes everything through environment variables:

- ``LOADTEST_USERS``: the users' JSON made by ``run.py prepare``;
- ``LOADTEST_EVENTS``: one JSON line per request (time, action, channel,
  milliseconds, status and the kind of answer: ``ok``, ``outage_page``,
  ``traceback``, ``english_error``, ``http_<status>``, ``connection``,
  ``timeout``, ``session_lost``, ``rpc_error``, ``unexpected``);
- ``LOADTEST_LEDGER``: one JSON line per write (its unique marker, and
  whether the server acknowledged it);
- ``LOADTEST_PORTAL``, ``LOADTEST_BACKOFFICE``: how many users of each;
- ``LOADTEST_THINK``: each person's pause between two pages, "min,max" seconds;
- ``LOADTEST_CA``: the certificate of an HTTPS proxy with its own authority
  (the district deployment's);
- ``LOADTEST_READS`` (optional): one JSON line per answered read of family
  data that the access log must hold (login, channel, the cases' ids), for a
  caller that compares them with ``family_access_log`` (the district's).

A user with a ``totp_secret`` answers Odoo's second factor with its code.
"""

import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from datetime import date

from locust import HttpUser, between, events, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from totp import totp_code  # noqa: E402 - beside this file

USERS = json.loads(open(os.environ["LOADTEST_USERS"], encoding="utf-8").read())
EVENTS = open(os.environ["LOADTEST_EVENTS"], "a", encoding="utf-8")  # noqa: SIM115
LEDGER = open(os.environ["LOADTEST_LEDGER"], "a", encoding="utf-8")  # noqa: SIM115
OUTAGE_MARK = os.environ.get(
    "LOADTEST_OUTAGE_MARK", 'id="famiglie-service-unavailable"'
)
MARKER = os.environ.get("LOADTEST_MARKER", "LT-")
TIMEOUT = 30
# the certificate of an HTTPS proxy with its own authority (LOADTEST_CA)
CA_FILE = os.environ.get("LOADTEST_CA")
THINK = tuple(float(x) for x in os.environ.get("LOADTEST_THINK", "5,15").split(","))
READS = (
    open(os.environ["LOADTEST_READS"], "a", encoding="utf-8")  # noqa: SIM115
    if os.environ.get("LOADTEST_READS")
    else None
)
# a browser of the Comune's staff and associations: Italian, the database's
# default language (without it Odoo's routing redirects to /en/...)
ACCEPT_LANGUAGE = "it-IT,it;q=0.9"

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"|csrf_token: "([^"]+)"')
FAMILY_LINK = re.compile(r'href="/my/famiglie/(\d+)[?"#]')
TYPE_SELECT = re.compile(r'<select[^>]*name="type_id".*?</select>', re.S)
OPTION = re.compile(r'<option[^>]*value="(\d+)"')

_portal = itertools.cycle(USERS["portal"])
_office_sw = itertools.cycle(
    [u for u in USERS["backoffice"] if u["role"] == "social_worker"]
)
_office_fin = itertools.cycle(
    [u for u in USERS["backoffice"] if u["role"] == "finance"]
)


def classify(response, exception, channel):
    """The kind of an answer (``ok`` or the kind of error)."""
    name = type(exception).__name__ if exception is not None else ""
    status = getattr(response, "status_code", 0) or 0
    if status == 0 and exception is not None:
        text = f"{name} {exception}"
        return "timeout" if "Timeout" in text or "timed out" in text else "connection"
    try:
        text = response.text or ""
    except Exception:  # noqa: BLE001 - a broken body
        text = ""
    if channel == "backoffice" and status == 200 and text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return "unexpected"
        if "error" in body:
            name = ((body["error"].get("data") or {}).get("name") or "").rsplit(".", 1)[
                -1
            ]
            return f"rpc_error {name}".strip()
        return "ok"
    if "Traceback (most recent call last)" in text:
        return "traceback"
    if status >= 500:
        if OUTAGE_MARK in text:
            return "outage_page"
        if "Internal Server Error" in text or "Service Unavailable" in text:
            return "english_error"
        return f"http_{status}"
    if status >= 400:
        return f"http_{status}"
    if "/web/login" in (response.headers.get("Location") or "") or (
        status == 200 and response.url and "/web/login" in response.url
    ):
        return "session_lost"
    if exception is not None:
        return f"http_{status}" if status != 200 else "unexpected"
    return "ok"


@events.request.add_listener
def on_request(request_type, name, response_time, response, exception, context, **kw):
    channel = (context or {}).get("channel", "")
    kind = classify(response, exception, channel)
    if (context or {}).get("login") and kind == "session_lost":
        # the login's own steps answer the login pages (the second factor's
        # among them): no session was lost, unless the login was refused
        kind = "login_refused" if exception is not None else "ok"
    start = kw.get("start_time") or (time.time() - response_time / 1000)
    EVENTS.write(
        json.dumps(
            {
                "t": round(start, 3),
                "name": name,
                "channel": channel,
                "ms": round(response_time, 1),
                "status": getattr(response, "status_code", 0) or 0,
                "kind": kind,
            }
        )
        + "\n"
    )
    EVENTS.flush()


def ledger(marker, kind, ack, status):
    LEDGER.write(
        json.dumps(
            {
                "marker": marker,
                "kind": kind,
                "ack": ack,
                "status": status,
                "t": time.time(),
            }
        )
        + "\n"
    )
    LEDGER.flush()


def read(login, channel, cases):
    """A read of the ``cases`` (ids) the server answered: its access-log
    entries (one per case, the user, the channel) must exist."""
    if READS is None or not cases:
        return
    READS.write(
        json.dumps(
            {
                "login": login,
                "channel": channel,
                "cases": sorted({int(c) for c in cases}),
                "t": time.time(),
            }
        )
        + "\n"
    )
    READS.flush()


def new_marker():
    return f"{MARKER}{uuid.uuid4()}"


def csrf_of(text):
    found = CSRF.search(text or "")
    return (found.group(1) or found.group(2)) if found else None


def login(client, user, channel):
    """Log ``user`` in with Odoo's login form (the one place to extend, e.g.
    for TOTP). True when the server opened a session."""
    with client.get(
        "/web/login",
        name=f"login ({channel})",
        context={"channel": channel, "login": True},
        catch_response=True,
        timeout=TIMEOUT,
    ) as page:
        if not page.status_code:
            return False  # the request's own error is reported
        token = csrf_of(page.text if page.status_code == 200 else "")
        if not token:
            page.failure(f"no login form ({page.status_code})")
            return False
    with client.post(
        "/web/login",
        data={
            "login": user["login"],
            "password": user["password"],
            "csrf_token": token,
            "redirect": "",
        },
        name=f"login ({channel})",
        context={"channel": channel, "login": True},
        allow_redirects=False,
        catch_response=True,
        timeout=TIMEOUT,
    ) as resp:
        location = resp.headers.get("Location", "")
        if "/web/login/totp" in location and user.get("totp_secret"):
            # the second factor (Odoo's TOTP, enforced in production)
            return login_totp(client, user, channel)
        ok = resp.status_code in (302, 303) and "/web/login" not in location
        if not ok:
            resp.failure(f"login refused ({resp.status_code})")
        return ok


def login_totp(client, user, channel):
    """The login's second step: the code of the user's ``totp_secret``."""
    with client.get(
        "/web/login/totp",
        name=f"login ({channel})",
        context={"channel": channel, "login": True},
        catch_response=True,
        timeout=TIMEOUT,
    ) as page:
        token = csrf_of(page.text if page.status_code == 200 else "")
        if not token:
            page.failure(f"no second-factor form ({page.status_code})")
            return False
    with client.post(
        "/web/login/totp",
        data={"totp_token": totp_code(user["totp_secret"]), "csrf_token": token},
        name=f"login ({channel})",
        context={"channel": channel, "login": True},
        allow_redirects=False,
        catch_response=True,
        timeout=TIMEOUT,
    ) as resp:
        ok = resp.status_code in (302, 303) and "/web/login" not in resp.headers.get(
            "Location", ""
        )
        if not ok:
            resp.failure(f"second factor refused ({resp.status_code})")
        return ok


class FamiliesUser(HttpUser):
    """Common: the session, and logging in again when it was lost."""

    abstract = True
    # the pause between two pages of one person (LOADTEST_THINK="5,15")
    wait_time = between(*THINK)
    channel = ""
    logged = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if CA_FILE:
            # a proxy's own certificate (the district deployment's HTTPS): the
            # environment's REQUESTS_CA_BUNDLE would win over the session's
            self.client.trust_env = False
            self.client.verify = CA_FILE
        self.client.headers["Accept-Language"] = ACCEPT_LANGUAGE

    def ensure_login(self):
        if not self.logged:
            self.logged = login(self.client, self.user, self.channel)
        return self.logged

    def ctx(self):
        return {"channel": self.channel}

    def check(self, resp, expect=(200,)):
        """Mark the answer; drop the session when the server lost it."""
        kind = classify(resp, None, self.channel)
        if kind == "session_lost":
            self.logged = False
        if kind != "ok" or resp.status_code not in expect:
            resp.failure(kind if kind != "ok" else f"status {resp.status_code}")
            return False
        return True


class PortalUser(FamiliesUser):
    """An association's coordinator (or volunteer) on the portal."""

    fixed_count = int(os.environ.get("LOADTEST_PORTAL", "50"))
    channel = "portal"

    def on_start(self):
        self.user = next(_portal)
        self.families = []
        self.ensure_login()

    def get(self, path, name, expect=(200,), case=None):
        # as a browser does, redirects followed (a lost session ends on the
        # login page: ``session_lost``)
        with self.client.get(
            path,
            name=name,
            context=self.ctx(),
            catch_response=True,
            timeout=TIMEOUT,
        ) as resp:
            if not self.check(resp, expect):
                return None
            if case:
                read(self.user["login"], "portal", [case])
            return resp

    def family(self):
        if not self.families:
            self.family_list()
        return random.choice(self.families) if self.families else None

    @task(4)
    def family_list(self):
        if not self.ensure_login():
            return
        resp = self.get("/my/famiglie", "portal: family list")
        if resp is not None:
            shown = sorted(set(map(int, FAMILY_LINK.findall(resp.text))))
            read(self.user["login"], "portal", shown)
            self.families = shown or self.families

    @task(4)
    def family_page(self):
        if not self.ensure_login():
            return
        case = self.family()
        if case:
            self.get(f"/my/famiglie/{case}", "portal: family page", case=case)

    @task(2)
    def new_intervention(self):
        if not self.ensure_login():
            return
        case = self.family()
        if not case:
            return
        form = self.get(
            f"/my/famiglie/{case}/interventi/nuovo",
            "portal: intervention form",
            case=case,
        )
        if form is None:
            return
        token = csrf_of(form.text)
        select = TYPE_SELECT.search(form.text)
        types = OPTION.findall(select.group(0)) if select else []
        if not token or not types:
            return
        marker = new_marker()
        with self.client.post(
            f"/my/famiglie/{case}/interventi/nuovo",
            data={
                "csrf_token": token,
                "type_id": random.choice(types),
                "name": marker,
                "date_start": date.today().isoformat(),
                "quantity": "1",
                "state": "planned",
            },
            name="portal: new intervention",
            context=self.ctx(),
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as resp:
            ack = self.check(resp, (303, 302)) and "saved=1" in resp.headers.get(
                "Location", ""
            )
            ledger(marker, "portal intervention", ack, resp.status_code)
            if ack:
                # the form's family was read again to save it
                read(self.user["login"], "portal", [case])

    @task(2)
    def message(self):
        if not self.ensure_login():
            return
        case = self.family()
        if not case:
            return
        page = self.get(f"/my/famiglie/{case}", "portal: family page", case=case)
        token = csrf_of(page.text) if page is not None else None
        if not token:
            return
        marker = new_marker()
        with self.client.post(
            f"/my/famiglie/{case}/messaggi",
            data={"csrf_token": token, "message": f"Aggiornamento {marker}"},
            name="portal: message",
            context=self.ctx(),
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as resp:
            ack = self.check(resp, (303, 302)) and "#discussion" in resp.headers.get(
                "Location", ""
            )
            ledger(marker, "portal message", ack, resp.status_code)
            if ack:
                read(self.user["login"], "portal", [case])


CASE_LIST_SPEC = {
    "reference": {},
    "name": {},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "date_intake": {},
    "risk_level": {},
    "member_count": {},
}
CASE_FORM_SPEC = {
    **CASE_LIST_SPEC,
    "description": {},
    "need_area_ids": {"fields": {"display_name": {}}},
    "intervention_ids": {
        "fields": {
            "type_id": {"fields": {"display_name": {}}},
            "provider_id": {"fields": {"display_name": {}}},
            "date_start": {},
            "date_end": {},
            "quantity": {},
            "amount": {},
            "state": {},
        },
        "limit": 40,
        "order": "date_start desc, id desc",
    },
}
STATEMENT_LIST_SPEC = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "date_from": {},
    "date_to": {},
    "amount_total": {},
    "state": {},
}
STATEMENT_FORM_SPEC = {
    **STATEMENT_LIST_SPEC,
    "line_ids": {
        "fields": {
            "name": {},
            "date": {},
            "case_reference": {},
            "quantity": {},
            "amount": {},
        },
        "limit": 40,
    },
}


BACKOFFICE = int(os.environ.get("LOADTEST_BACKOFFICE", "20"))
# as ``run.py prepare`` makes them: a fifth are finance clerks
N_FINANCE = max(1, BACKOFFICE // 5) if BACKOFFICE else 0


class BackofficeUser(FamiliesUser):
    """The Comune's staff in the web client (JSON-RPC as the web client calls it)."""

    abstract = True
    channel = "backoffice"

    def rpc(self, model, method, args, kwargs, name):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": random.randint(1, 10**9),
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs, context={"lang": "it_IT"}),
            },
        }
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json=payload,
            name=name,
            context=self.ctx(),
            catch_response=True,
            allow_redirects=False,
            timeout=TIMEOUT,
        ) as resp:
            if not self.check(resp):
                return None
            result = resp.json().get("result")
            return result


class SocialWorker(BackofficeUser):
    """A social worker: case list, case form, intervention entry."""

    fixed_count = BACKOFFICE - N_FINANCE

    def on_start(self):
        self.user = next(_office_sw)
        self.ensure_login()

    @task(4)
    def case_list(self):
        if not self.ensure_login():
            return
        self.rpc(
            "family.case",
            "web_search_read",
            [],
            {
                "domain": [],
                "specification": CASE_LIST_SPEC,
                "limit": 80,
                "count_limit": 10001,
            },
            "back office: case list",
        )

    @task(4)
    def case_form(self):
        if not self.ensure_login():
            return
        case = random.choice(USERS["open_cases"])
        self.rpc(
            "family.case",
            "web_read",
            [[case]],
            {"specification": CASE_FORM_SPEC},
            "back office: case form",
        )

    @task(2)
    def intervention_entry(self):
        if not self.ensure_login():
            return
        marker = new_marker()
        result = self.rpc(
            "family.intervention",
            "web_save",
            [
                [],
                {
                    "case_id": random.choice(USERS["open_cases"]),
                    "type_id": random.choice(USERS["types"]),
                    "name": marker,
                    "date_start": date.today().isoformat(),
                    "quantity": 1,
                },
            ],
            {"specification": {"display_name": {}}},
            "back office: intervention entry",
        )
        ack = bool(result and result[0].get("id"))
        ledger(marker, "back-office intervention", ack, 200 if ack else 0)


INTERVENTION_LIST_SPEC = {
    "case_id": {"fields": {"display_name": {}}},
    "type_id": {"fields": {"display_name": {}}},
    "provider_id": {"fields": {"display_name": {}}},
    "date_start": {},
    "quantity": {},
    "amount": {},
    "state": {},
}


class FinanceClerk(BackofficeUser):
    """A finance clerk: the interventions to pay, the statements and one
    statement's lines."""

    fixed_count = N_FINANCE

    def on_start(self):
        self.user = next(_office_fin)
        self.ensure_login()

    @task
    def statement(self):
        if not self.ensure_login():
            return
        rows = self.rpc(
            "family.compensation",
            "web_search_read",
            [],
            {"domain": [], "specification": STATEMENT_LIST_SPEC, "limit": 80},
            "back office: statement list",
        )
        records = (rows or {}).get("records") or []
        if records:
            self.rpc(
                "family.compensation",
                "web_read",
                [[random.choice(records)["id"]]],
                {"specification": STATEMENT_FORM_SPEC},
                "back office: statement",
            )

    @task
    def intervention_list(self):
        """A page of the interventions (the clerk checks them before a
        statement): a family read that the access log holds (channel List)."""
        if not self.ensure_login():
            return
        rows = self.rpc(
            "family.intervention",
            "web_search_read",
            [],
            {
                "domain": [],
                "specification": INTERVENTION_LIST_SPEC,
                "offset": random.randrange(0, 2000, 80),
                "limit": 80,
                "count_limit": 10001,
            },
            "back office: intervention list",
        )
        records = (rows or {}).get("records") or []
        read(
            self.user["login"],
            "list",
            [r["case_id"]["id"] for r in records if r.get("case_id")],
        )
