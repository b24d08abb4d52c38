"""``make bench``: the latency of what a person waits for, at scale.

Run inside Odoo's virtual environment by tools/famiglie.py (``famiglie.py
bench``). For each size asked:

1. the database ``famiglie_bench_<size>_<hash>`` is kept between runs; it is made
   again with ``--fresh``, or when its key changed (the generator's version,
   the seed, the size, or a hash of the addon's models, security, data and
   manifest: a schema or rule change regenerates it);
2. an Odoo server is started on a free loopback port against it, with a
   second one logging its SQL (``odoo.sql_db`` at DEBUG) to capture the
   queries each operation issues;
3. every operation is run over HTTP as the web client or the portal runs it,
   with real sessions, warm, many times in a random interleaved order; the
   captured SQL of each is replayed alone with psycopg2 (the floor);
4. the retention job runs last, in-process, in a transaction rolled back;
5. the table is printed and written as JSON to ``var/bench/``.
"""

import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data  # noqa: E402
import famiglie  # noqa: E402
from famiglie import ADDON, REPO, UserError, say  # noqa: E402

SIZES = {"small": 2_000, "medium": 10_000, "design": 100_000, "large": 300_000}
OUT_DIR = REPO / "var" / "bench"
KEY_PARAM = "famiglie_bench.key"
INFO_PARAM = "famiglie_bench.info"
UPDATE_PARAM = "famiglie_bench.update"


# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------


def db_name(label):
    """``famiglie_bench_<size>_<schema hash>``: a branch whose models, rules
    or data differ grows a database of its own and never drops another's."""
    return f"famiglie_bench_{label}_{schema_hash()[:8]}"


def schema_hash():
    """What the generated data depends on: the addon's schema and rules."""
    return _files_hash(
        ("models", "security", "data"), (".py", ".xml", ".csv"), "__manifest__.py"
    )


def update_hash():
    """What the kept database takes from the addon besides its schema: views,
    portal templates, reports, wizards and translations. When it changes, the
    kept database is updated (``-u``), not generated again."""
    return _files_hash(("views", "report", "wizards", "i18n"), (".py", ".xml", ".po"))


def _files_hash(folders, suffixes, *files):
    """A hash of the addon's files of ``suffixes`` in ``folders``, then of
    ``files``."""
    digest = hashlib.sha1()
    addon = REPO / ADDON
    for sub in folders:
        for path in sorted((addon / sub).rglob("*")):
            if path.is_file() and path.suffix in suffixes:
                digest.update(str(path.relative_to(addon)).encode())
                digest.update(path.read_bytes())
    for name in files:
        digest.update((addon / name).read_bytes())
    return digest.hexdigest()[:12]


def db_key(cases, seed):
    return f"gen{bench_data.GENERATOR_VERSION}-seed{seed}-cases{cases}-{schema_hash()}"


def psql(db):
    import psycopg2

    return psycopg2.connect(dbname=db)


def read_param(db, key):
    conn = psql(db)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
            row = cr.fetchone()
            return row[0] if row else None
    except Exception:  # noqa: BLE001 - a half-made database
        return None
    finally:
        conn.close()


def set_param(db, key, value):
    conn = psql(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                " VALUES (%s, %s, now(), now()) ON CONFLICT (key)"
                " DO UPDATE SET value = EXCLUDED.value, write_date = now()",
                (key, value),
            )
        conn.commit()
    finally:
        conn.close()


def odoo_env(db):
    import odoo
    from odoo import SUPERUSER_ID, api

    if not getattr(odoo_env, "configured", False):
        odoo.tools.config.parse_config(
            [
                f"--addons-path={famiglie.addons_path()}",
                f"--data-dir={famiglie.DATA_DIR}",
                "--log-level=warn",
            ]
        )
        odoo_env.configured = True
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def ensure_db(label, cases, seed, fresh):
    db = db_name(label)
    key = db_key(cases, seed)
    if famiglie.db_exists(db) and not fresh:
        found = read_param(db, KEY_PARAM)
        if found == key:
            say(f"Keeping {db} ({key})")
            updated = update_hash()
            if read_param(db, UPDATE_PARAM) != updated:
                say(f"Updating {db}: the addon's views or translations changed ...")
                famiglie.update_addon(db, famiglie.LOG_DIR / "bench-update.log")
                set_param(db, UPDATE_PARAM, updated)
            return db, json.loads(read_param(db, INFO_PARAM))
        say(f"{db} was made for {found}, now {key}: regenerating")
    if famiglie.db_exists(db):
        famiglie.drop_db(db)
    started = time.time()
    say(f"Creating {db}: the addon without demo data ...")
    # the views and translations installed now, recorded once the data is
    # in: a file changed while the data is generated is loaded at the next run
    installed = update_hash()
    famiglie.copy_db(famiglie.base_template(), db)
    famiglie.install_addon(db, famiglie.LOG_DIR / "bench-install.log")
    t_install = time.time() - started
    sz = bench_data.sizes_for(cases)
    say(
        f"Generating {cases:,} cases, ~{sz['members']:,} members, "
        f"~{sz['interventions']:,} interventions, ~{sz['shares']:,} shares "
        f"(seed {seed}) ..."
    )
    rng = random.Random(seed)
    env = odoo_env(db)
    env = env(context=bench_data.CONTEXT)
    try:
        t0 = time.time()
        conf = bench_data.setup_config(env, rng, sz)
        t_orm = time.time() - t0
        t0 = time.time()
        bulk = bench_data.generate_bulk(env, rng, sz, conf)
        t_bulk = time.time() - t0
        statement_id = bench_data.create_statement(env, conf, bulk)
        env.cr.commit()
        t0 = time.time()
        checked, mismatches = bench_data.check_sample(env, seed=seed)
        t_check = time.time() - t0
        if mismatches:
            for row in mismatches[:30]:
                say(f"  MISMATCH {row}")
            raise UserError(
                f"{len(mismatches)} generated values differ from the ORM's "
                "computation (above): fix tools/bench_data.py"
            )
        say(
            "ORM check: every stored computed field of a sample recomputed "
            "identically: " + ", ".join(f"{m} ({n})" for m, (n, _f) in checked.items())
        )
        info = {
            "cases": cases,
            "seed": seed,
            "counters": bulk["counters"],
            "form_case_ids": bulk["form_case_ids"],
            "statement_id": statement_id,
            "company_a": conf["company_a"].id,
            "company_b": conf["company_b"].id,
            "checked_fields": {m: f for m, (_n, f) in checked.items()},
            "generated_on": date.today().isoformat(),
            "seconds": {
                "install": round(t_install, 1),
                "orm_config": round(t_orm, 1),
                "bulk": round(t_bulk, 1),
                "orm_check": round(t_check, 1),
            },
        }
        env.cr.execute(
            "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
            " VALUES (%s, %s, now(), now()), (%s, %s, now(), now())",
            (KEY_PARAM, key, INFO_PARAM, json.dumps(info)),
        )
        env.cr.commit()
    finally:
        env.cr.close()
    conn = psql(db)
    conn.autocommit = True
    with conn.cursor() as cr:
        t0 = time.time()
        cr.execute("VACUUM ANALYZE")
        info["seconds"]["vacuum_analyze"] = round(time.time() - t0, 1)
    info["seconds"]["total"] = round(time.time() - started, 1)
    with conn.cursor() as cr:
        cr.execute(
            "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
            (json.dumps(info), INFO_PARAM),
        )
    conn.close()
    set_param(db, UPDATE_PARAM, installed)
    say(f"{db} ready in {info['seconds']['total']:.0f}s {info['seconds']}")
    return db, info


# ---------------------------------------------------------------------------
# Odoo servers and sessions
# ---------------------------------------------------------------------------


class Server:
    def __init__(self, db, logfile, sql_log=False):
        self.port = famiglie.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = logfile
        args = [
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            "--max-cron-threads=0",
            "--workers=0",
            f"--logfile={logfile}",
            "--log-level=warn",
        ]
        if sql_log:
            args.append("--log-handler=odoo.sql_db:DEBUG")
        logfile.parent.mkdir(parents=True, exist_ok=True)
        logfile.write_text("")
        self.proc = subprocess.Popen(famiglie.odoo_cmd(*args))

    def wait(self, timeout=120):
        import requests

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise UserError(f"The Odoo server stopped: see {self.logfile}")
            try:
                requests.post(
                    self.url + "/web/webclient/version_info", json={}, timeout=10
                )
                return self
            except requests.ConnectionError:
                time.sleep(0.5)
        raise UserError(f"The Odoo server did not answer on {self.url}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def parallel(func, items):
    """``func`` on each item at once, as the browser sends its requests."""
    if len(items) < 2:
        return [func(item) for item in items]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(func, items))


class Client:
    """A logged-in browser: a requests session with Odoo's cookie."""

    def __init__(self, db, login, password):
        import requests

        self.db, self.login = db, login
        self.http = requests.Session()
        self.context = {}
        self._password = password

    def authenticate(self, url):
        res = self.http.post(
            url + "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": self.db,
                    "login": self.login,
                    "password": self._password,
                },
            },
            timeout=60,
        ).json()
        if res.get("error"):
            raise UserError(
                f"Cannot log in as {self.login}: {res['error']['data']['message']}"
            )
        info = res["result"]
        self.uid = info["uid"]
        ctx = dict(info.get("user_context") or {})
        companies = (info.get("user_companies") or {}).get("current_company")
        if companies:
            ctx["allowed_company_ids"] = [companies]
        self.context = ctx
        return self

    def call(self, url, model, method, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", self.context)
        res = self.http.post(
            f"{url}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                },
            },
            timeout=600,
        )
        res.raise_for_status()
        body = res.json()
        if body.get("error"):
            raise RuntimeError(
                f"{self.login} {model}.{method}: {body['error']['data'].get('message')}"
            )
        return body["result"]

    def json(self, url, path, params):
        res = self.http.post(
            url + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=120,
        )
        res.raise_for_status()
        body = res.json()
        if body.get("error"):
            raise RuntimeError(
                f"{self.login} {path}: {body['error']['data'].get('message')}"
            )
        return body["result"]

    def get(self, url, path):
        res = self.http.get(url + path, timeout=120, allow_redirects=False)
        if res.status_code != 200:
            raise RuntimeError(f"{self.login} GET {path}: HTTP {res.status_code}")
        return res.text


# ---------------------------------------------------------------------------
# What the web client asks for: specifications from the views' arch
# ---------------------------------------------------------------------------

SUBVIEWS = ("list", "tree", "kanban", "form")


def spec_from_arch(arch, fields_info, models_info, x2many_limit=40):
    root = ET.fromstring(arch)
    return _spec_node(root, fields_info, models_info, x2many_limit)


def _spec_node(node, fields_info, models_info, limit):
    spec = {}
    for child in node:
        if child.tag == "field":
            name = child.get("name")
            info = fields_info.get(name)
            if not info:
                continue
            ftype = info.get("type")
            if ftype == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif ftype in ("one2many", "many2many"):
                sub = next((c for c in child if c.tag in SUBVIEWS), None)
                if sub is not None:
                    rel = models_info.get(info["relation"], {}).get("fields", {})
                    spec[name] = {
                        "fields": _spec_node(sub, rel, models_info, limit),
                        "limit": limit,
                    }
                    order = sub.get("default_order")
                    if order:
                        spec[name]["order"] = order
                else:
                    spec[name] = {"fields": {"display_name": {}}}
            else:
                spec.setdefault(name, {})
        elif child.tag not in SUBVIEWS:
            for key, value in _spec_node(
                child, fields_info, models_info, limit
            ).items():
                spec.setdefault(key, value)
    return spec


class Views:
    """get_views as the user, once: the fields and order each view asks for."""

    def __init__(self, client, url, model, types):
        res = client.call(
            url, model, "get_views", [[[False, t] for t in types]], {"options": {}}
        )
        self.models = res["models"]
        self.fields = res["models"][model]["fields"]
        self.views = res["views"]

    def spec(self, vtype):
        spec = spec_from_arch(self.views[vtype]["arch"], self.fields, self.models)
        if vtype in ("form", "kanban"):
            spec.setdefault("display_name", {})
        return spec

    def aggregates(self, vtype):
        """What the web client totals in a grouped view: each of its fields
        with an aggregator (RelationalModel._webReadGroup)."""
        return [
            f"{name}:{self.fields[name]['aggregator']}"
            for name in self.spec(vtype)
            if self.fields.get(name, {}).get("aggregator")
        ]

    def attr(self, vtype, name):
        return ET.fromstring(self.views[vtype]["arch"]).get(name)

    def progressbar(self, vtype):
        """The view's <progressbar> as read_progress_bar takes it, or None."""
        node = ET.fromstring(self.views[vtype]["arch"]).find("progressbar")
        if node is None:
            return None
        return {
            "field": node.get("field"),
            "colors": json.loads(node.get("colors") or "{}"),
            "help": node.get("help") or "",
        }


# ---------------------------------------------------------------------------
# The operations
# ---------------------------------------------------------------------------


class Op:
    def __init__(self, key, name, role, client, steps, kind, reps=None):
        self.key, self.name, self.role, self.client = key, name, role, client
        self.steps = steps  # callables(url) -> result
        self.kind = kind  # list, count, form, search, portal, statement, baseline
        self.reps = reps
        self.times = []
        self.raw_times = []
        self.queries = []
        self.error = None
        self.note = None
        self.rewrite = None
        self.replayed, self.replay_failed = [], []

    def run(self, url):
        started = time.perf_counter()
        for step in self.steps:
            step(url)
        return time.perf_counter() - started


def build_ops(db, info, clients, url):  # noqa: C901 - one block per page
    ops = []
    admin = clients["admin"]
    back_office = [
        r for r in ("admin", "manager", "social_worker", "finance") if r in clients
    ]
    count_limit = 10_001  # the web client's DEFAULT_COUNT_LIMIT + 1
    for role in back_office:
        client = clients[role]
        views = Views(client, url, "family.case", ["list", "kanban", "form"])
        list_spec = views.spec("list")
        order = views.attr("list", "default_order")
        note = None
        try:
            client.call(
                url,
                "family.case",
                "web_search_read",
                [],
                {"domain": [], "specification": list_spec, "limit": 1, "order": order},
            )
        except RuntimeError as exc:
            # The web client sends the view's default_order and gets this
            # error: reported, then measured with the model's own order.
            note = (
                f"the view's order is refused ({str(exc)[:160]}): "
                "measured with the model's order"
            )
            say(f"  {role}: {note}")
            order = None

        def case_list(u, c=client, s=list_spec, o=order):
            c.call(
                u,
                "family.case",
                "web_search_read",
                [],
                {
                    "domain": [],
                    "specification": s,
                    "offset": 0,
                    "limit": 80,
                    "order": o,
                    "count_limit": count_limit,
                },
            )

        ops.append(
            Op(
                "case_list",
                "case list (80 rows + count)",
                role,
                client,
                [case_list],
                "list",
            )
        )
        ops[-1].note = note

        def case_count(u, c=client):
            c.call(u, "family.case", "search_count", [[]])

        ops.append(
            Op("case_count", "case count (exact)", role, client, [case_count], "count")
        )
        kanban_spec = views.spec("kanban")
        korder = views.attr("kanban", "default_order") if not note else None
        group_by = views.attr("kanban", "default_group_by")
        progress = views.progressbar("kanban")
        totals = views.aggregates("kanban")

        def case_kanban(
            u, c=client, s=kanban_spec, o=korder, g=group_by, p=progress, t=totals
        ):
            if not g:
                c.call(
                    u,
                    "family.case",
                    "web_search_read",
                    [],
                    {
                        "domain": [],
                        "specification": s,
                        "limit": 40,
                        "order": o,
                        "count_limit": count_limit,
                    },
                )
                return
            # the columns and, at the same time, the progress bars' counts
            calls = [
                (
                    "web_read_group",
                    {"domain": [], "fields": t, "groupby": [g], "lazy": True},
                )
            ]
            if p:
                calls.append(
                    (
                        "read_progress_bar",
                        {"domain": [], "group_by": g, "progress_bar": p},
                    )
                )
            groups = parallel(
                lambda call: c.call(u, "family.case", call[0], [], call[1]), calls
            )[0]
            # the web client loads the open columns at once (Promise.all in
            # RelationalModel._loadGroupedList): so does the benchmark
            columns = [
                {
                    "domain": group["__domain"],
                    "specification": s,
                    "limit": 40,
                    "order": o,
                    "count_limit": count_limit,
                }
                for group in groups["groups"]
                if not group.get("__fold")
            ]
            parallel(
                lambda kw: c.call(u, "family.case", "web_search_read", [], kw), columns
            )

        ops.append(
            Op(
                "case_kanban",
                "case kanban (grouped by stage, 40 per column)",
                role,
                client,
                [case_kanban],
                "list",
            )
        )
        ops[-1].note = note
        iviews = Views(client, url, "family.intervention", ["list"])
        ispec = iviews.spec("list")
        iorder = iviews.attr("list", "default_order")

        def intervention_list(u, c=client, s=ispec, o=iorder):
            c.call(
                u,
                "family.intervention",
                "web_search_read",
                [],
                {
                    "domain": [],
                    "specification": s,
                    "limit": 80,
                    "order": o,
                    "count_limit": count_limit,
                },
            )

        ops.append(
            Op(
                "intervention_list",
                "intervention list (80 rows + count)",
                role,
                client,
                [intervention_list],
                "list",
            )
        )
        if role in ("admin", "manager", "social_worker"):
            form_spec = views.spec("form")
            case_id = info["form_case_ids"][0]

            def case_form(u, c=client, s=form_spec, cid=case_id):
                c.call(u, "family.case", "web_read", [[cid]], {"specification": s})

            ops.append(
                Op(
                    "case_form",
                    f"case form ({bench_data.FORM_INTERVENTIONS} interventions)",
                    role,
                    client,
                    [case_form],
                    "form",
                )
            )

            def name_search(u, c=client):
                c.call(
                    u,
                    "family.case",
                    "name_search",
                    [],
                    {"name": "Ross", "args": [], "operator": "ilike", "limit": 8},
                )

            ops.append(
                Op(
                    "name_search",
                    "case name search ('Ross', 8)",
                    role,
                    client,
                    [name_search],
                    "search",
                )
            )
    # Odoo's own list at the same size: 80 partners and the count, as admin
    pviews = Views(admin, url, "res.partner", ["list"])
    pspec = pviews.spec("list")

    def partner_list(u, c=admin, s=pspec):
        c.call(
            u,
            "res.partner",
            "web_search_read",
            [],
            {"domain": [], "specification": s, "limit": 80, "count_limit": count_limit},
        )

    ops.append(
        Op(
            "partner_list",
            "res.partner list (80 + count)",
            "admin",
            admin,
            [partner_list],
            "baseline",
        )
    )
    # the statement over many interventions, as a finance user
    if "finance" in clients:
        fin = clients["finance"]
        sid = info["statement_id"]

        def statement(u, c=fin, s=sid):
            c.call(u, "family.compensation", "action_compute_lines", [[s]])

        n = info["counters"].get("statement_interventions")
        ops.append(
            Op(
                "statement",
                f"statement over {n:,} interventions",
                "finance",
                fin,
                [statement],
                "statement",
                reps=5,
            )
        )

        def same_lines(queries, s=sid):
            # The captured request deleted the lines of the run before it, by
            # id: in the replay the lines are those of the last timed run.
            return [
                re.sub(
                    r'DELETE FROM "family_compensation_line" WHERE id IN \([^)]*\)',
                    'DELETE FROM "family_compensation_line" '
                    f"WHERE compensation_id = {int(s)}",
                    q,
                )
                for q in queries
            ]

        ops[-1].rewrite = same_lines
    # the portal
    for role in ("coordinator", "volunteer"):
        if role not in clients:
            continue
        client = clients[role]
        case_id = info.get("portal_case", {}).get(role)

        def portal_list(u, c=client):
            c.get(u, "/my/famiglie")

        ops.append(
            Op(
                "portal_list",
                "portal family list /my/famiglie",
                role,
                client,
                [portal_list],
                "portal",
            )
        )
        if case_id:

            def portal_family(u, c=client, cid=case_id):
                c.get(u, f"/my/famiglie/{cid}")

            ops.append(
                Op(
                    "portal_family",
                    "portal family page /my/famiglie/<id>",
                    role,
                    client,
                    [portal_family],
                    "portal",
                )
            )
        counters = info.get("portal_counters") or []

        def portal_home(u, c=client, counters=counters):
            c.get(u, "/my")
            if counters:
                c.json(u, "/my/counters", {"counters": counters})

        ops.append(
            Op(
                "portal_home",
                "portal home /my (+ its counters)",
                role,
                client,
                [portal_home],
                "portal",
            )
        )
    # the protocol's dashboard: its figures for this year, as the manager
    # sees them, and the coordinator's own figures on the portal (reported,
    # no target yet)
    pid = info.get("dashboard_protocol")
    if "manager" in clients and pid:
        year = date.today().year

        def dashboard(u, c=clients["manager"], pid=pid, year=year):
            c.call(
                u,
                "family.monitoring.dashboard",
                "web_save",
                [[], {"protocol_id": pid, "date_from": f"{year}-01-01"}],
                {"specification": DASHBOARD_SPEC},
            )

        ops.append(
            Op(
                "dashboard",
                "protocol dashboard (its figures, this year)",
                "manager",
                clients["manager"],
                [dashboard],
                "dashboard",
            )
        )
    if "coordinator" in clients:

        def portal_monitoring(u, c=clients["coordinator"]):
            c.get(u, "/my/monitoraggio")

        ops.append(
            Op(
                "portal_monitoring",
                "portal monitoring /my/monitoraggio",
                "coordinator",
                clients["coordinator"],
                [portal_monitoring],
                "dashboard",
            )
        )
    return ops


# The dashboard's figures, as its form reads them.
DASHBOARD_SPEC = {
    name: {}
    for name in (
        "family_count",
        "shared_family_count",
        "new_case_count",
        "closed_case_count",
        "intervention_count",
        "intervention_amount",
        "budget_total",
        "goal_count",
        "goal_met_count",
        "review_overdue_count",
        "overlap_count",
        "overlap_resolved_count",
        "referral_count",
        "referral_accepted_count",
        "days_to_take_charge",
        "party_table",
    )
}


def portal_targets(db, info, clients, url):
    """A case the volunteer follows (so both portal users see it), the
    counters; the protocol of the dashboard (the largest active one)."""
    conn = psql(db)
    with conn.cursor() as cr:
        cr.execute(
            """
            SELECT p.id FROM family_protocol p
             WHERE p.state = 'active'
          ORDER BY (SELECT count(*) FROM family_protocol_party pp
                     WHERE pp.protocol_id = p.id) DESC, p.id LIMIT 1
            """
        )
        row = cr.fetchone()
        info["dashboard_protocol"] = row and row[0]
        cr.execute(
            """
            SELECT s.case_id FROM family_case_share s
              JOIN family_case_share_volunteer_rel v ON v.share_id = s.id
             WHERE s.state = 'active' AND v.user_id = %s AND s.share_identity
          ORDER BY (SELECT count(*) FROM family_intervention i
                     WHERE i.case_id = s.case_id) DESC,
                   s.case_id LIMIT 1
            """,
            (clients["volunteer"].uid,),
        )
        row = cr.fetchone()
    conn.close()
    info["portal_case"] = {"coordinator": row and row[0], "volunteer": row and row[0]}
    html = clients["coordinator"].get(url, "/my")
    info["portal_counters"] = sorted(
        set(re.findall(r'data-placeholder_count="([^"]+)"', html))
    )


# ---------------------------------------------------------------------------
# The raw SQL of an operation: captured from a second server, replayed alone
# ---------------------------------------------------------------------------

QUERY_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ DEBUG \S+ odoo\.sql_db: "
    r"\[[\d.]+ ms\] query: (.*)$"
)
LOG_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ [A-Z]+ ")


def parse_queries(text):
    queries, current = [], None
    for line in text.splitlines():
        if LOG_START.match(line):
            if current is not None:
                queries.append("\n".join(current))
                current = None
            m = QUERY_LINE.match(line)
            if m:
                current = [m.group(1)]
        elif current is not None:
            current.append(line)
    if current is not None:
        queries.append("\n".join(current))
    return queries


def capture(op, server):
    """The queries of the second of two runs of ``op`` (warm caches)."""
    op.run(server.url)
    time.sleep(0.2)
    start = server.logfile.stat().st_size
    op.run(server.url)
    time.sleep(0.3)
    with open(server.logfile, encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        op.queries = parse_queries(fh.read())


def prepare_replay(conn, queries):
    """The queries that run alone, in order; the others are left out.

    A query may fail when replayed alone (say, a constraint met by rows the
    original request saw differently): each is tried once in a savepoint.
    """
    kept, failed = [], []
    with conn.cursor() as cr:
        for index, query in enumerate(queries):
            cr.execute("SAVEPOINT replay")
            try:
                cr.execute(query)
                if cr.description:
                    cr.fetchall()
                cr.execute("RELEASE SAVEPOINT replay")
                kept.append(query)
            except Exception as exc:  # noqa: BLE001 - reported
                cr.execute("ROLLBACK TO SAVEPOINT replay")
                failed.append((index, str(exc).splitlines()[0][:160], query[:300]))
    conn.rollback()
    return kept, failed


def replay(conn, queries):
    """Run the captured queries alone, in one transaction rolled back."""
    with conn.cursor() as cr:
        started = time.perf_counter()
        for query in queries:
            cr.execute(query)
            if cr.description:
                cr.fetchall()
        elapsed = time.perf_counter() - started
    conn.rollback()
    return elapsed


# ---------------------------------------------------------------------------
# Running and reporting
# ---------------------------------------------------------------------------


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(db, info, reps, seed, only=None):
    out = OUT_DIR / "logs"
    timing = Server(db, out / f"{db}-server.log")
    capt = Server(db, out / f"{db}-sql.log", sql_log=True)
    try:
        timing.wait()
        capt.wait()
        logins = {
            "admin": ("admin", "admin"),
            "manager": ("bench.manager", "bench.manager"),
            "social_worker": ("bench.sw.a1", "bench.sw.a1"),
            "finance": ("bench.finance", "bench.finance"),
            "coordinator": ("bench.coord.00", "bench.coord.00"),
            "volunteer": ("bench.vol.00", "bench.vol.00"),
        }
        clients = {
            role: Client(db, login, pw).authenticate(timing.url)
            for role, (login, pw) in logins.items()
        }
        portal_targets(db, info, clients, timing.url)
        ops = build_ops(db, info, clients, timing.url)
        if only:
            ops = [
                o
                for o in ops
                if o.key in only or o.key in ("partner_list", "case_list")
            ]
        say(f"{len(ops)} operations; capturing their SQL ...")
        conn = psql(db)
        for op in ops:
            try:
                capture(op, capt)
            except Exception as exc:  # noqa: BLE001 - reported in the table
                op.error = str(exc)[:200]
                say(f"  {op.name} as {op.role}: {op.error}")
        capt.stop()
        say("Warming up ...")
        for op in ops:
            if op.error:
                continue
            for _ in range(2 if op.kind != "statement" else 1):
                op.run(timing.url)
        say(f"Measuring ({reps} repetitions each, random interleaved order) ...")
        schedule = [op for op in ops if not op.error for _ in range(op.reps or reps)]
        random.Random(seed).shuffle(schedule)
        for index, op in enumerate(schedule):
            op.times.append(op.run(timing.url))
            if (index + 1) % 100 == 0:
                say(f"  {index + 1}/{len(schedule)}")
        say("Replaying the captured SQL alone ...")
        for op in ops:
            if op.error or not op.queries:
                continue
            try:
                queries = op.rewrite(op.queries) if op.rewrite else op.queries
                op.replayed, op.replay_failed = prepare_replay(conn, queries)
                for query_failed in op.replay_failed:
                    say(
                        f"  {op.name} as {op.role}: query {query_failed[0]} "
                        "left out of "
                        f"the replay: {query_failed[1]}"
                    )
                replay(conn, op.replayed)
                for _ in range(op.reps or reps):
                    op.raw_times.append(replay(conn, op.replayed))
            except Exception as exc:  # noqa: BLE001
                conn.rollback()
                op.raw_error = str(exc).splitlines()[0][:200]
                say(f"  replay of {op.name} as {op.role}: {op.raw_error}")
        conn.close()
    finally:
        timing.stop()
        capt.stop()
    # before the retention job (its rolled-back writes leave pages to clean)
    explain = explain_queries(db, ops)
    retention = run_retention(db) if not only or "retention" in only else {"times": []}
    return ops, retention, explain


def run_retention(db, reps=None):
    """``_cron_anonymize`` over up to 10,000 cases, rolled back each time."""
    env = odoo_env(db)
    times, done = [], 0
    try:
        cr = env.cr
        for _ in range(reps or 1):
            cr.execute(
                """SELECT count(*) FROM family_case c
                     JOIN res_company co ON co.id = c.company_id
                    WHERE c.is_closed AND NOT COALESCE(c.anonymized, false)
                      AND c.date_closed < (CURRENT_DATE
                          - make_interval(years => co.family_retention_years))
                      AND co.family_retention_years > 0"""
            )
            due = cr.fetchone()[0]
            done = min(due, 10_000)
            started = time.perf_counter()
            env["family.case"]._cron_anonymize(batch_size=10_000)
            env.flush_all()
            times.append(time.perf_counter() - started)
            cr.rollback()
            env.invalidate_all()
    finally:
        env.cr.rollback()
        env.cr.close()
    return {"cases": done, "times": times}


TARGET_LIST_P95 = 0.150
TARGET_FORM_P95 = 0.250


def results(ops, retention, info):
    """Rows of the table: one per operation and baseline, with its target."""
    by = {(o.key, o.role): o for o in ops}
    admin_list = by.get(("case_list", "admin"))
    partner = by.get(("partner_list", "admin"))
    p50 = lambda o: statistics.median(o.times) if o and o.times else None  # noqa: E731
    rows = []

    def row(op, baseline, base_value, target=None, limit=None, extra=None):
        value = p50(op)
        ratio = value / base_value if value and base_value else None
        verdict = None
        if limit is not None and ratio is not None:
            verdict = ratio <= limit
        rows.append(
            {
                "operation": op.name,
                "key": op.key,
                "role": op.role,
                "p50_ms": round(value * 1000, 1) if value else None,
                "p95_ms": round(pct(op.times, 95) * 1000, 1) if op.times else None,
                "n": len(op.times),
                "queries": len(op.queries),
                "baseline": baseline,
                "baseline_ms": round(base_value * 1000, 1) if base_value else None,
                "ratio": round(ratio, 2) if ratio else None,
                "target": target,
                "met": verdict,
                **(extra or {}),
            }
        )
        if op.note:
            rows[-1]["note"] = op.note
        if baseline == "its raw SQL" and op.replay_failed:
            rows[-1]["replay_left_out"] = [f[:2] for f in op.replay_failed]

    for op in ops:
        if op.error:
            rows.append(
                {
                    "operation": op.name,
                    "key": op.key,
                    "role": op.role,
                    "error": op.error,
                    "baseline": "-",
                    "met": False,
                    "target": "runs without error",
                }
            )
            continue
        raw = statistics.median(op.raw_times) if op.raw_times else None
        raw_target = raw_limit = None
        if op.key == "case_list":
            raw_target, raw_limit = "<= 3x raw SQL", 3
        if op.key == "statement":
            raw_target, raw_limit = "<= 2x raw SQL", 2
        row(op, "its raw SQL", raw, raw_target, raw_limit)
        if op.key != "partner_list":
            row(op, "res.partner list (admin)", p50(partner))
        admin_same = by.get((op.key, "admin"))
        if (
            op.role in ("social_worker", "finance", "manager")
            and admin_same
            and op.kind in ("list", "count")
        ):
            row(op, "same as admin", p50(admin_same), "<= 1.5x admin", 1.5)
        if op.kind == "portal":
            row(op, "admin case list", p50(admin_list), "<= 1.5x admin case list", 1.5)
        if op.kind in ("list", "portal") and op.times:
            rows.append(
                _abs_row(op, "p95 < 150 ms", pct(op.times, 95) < TARGET_LIST_P95)
            )
        if op.kind == "form" and op.times:
            rows.append(
                _abs_row(op, "p95 < 250 ms", pct(op.times, 95) < TARGET_FORM_P95)
            )
        if op.kind == "statement" and op.times:
            rows.append(_abs_row(op, "p95 < 5 s", pct(op.times, 95) < 5))
    if retention["times"]:
        t = retention["times"]
        rows.append(
            {
                "operation": f"retention job over {retention['cases']:,} cases",
                "key": "retention",
                "role": "cron",
                "p50_ms": round(statistics.median(t) * 1000, 1),
                "p95_ms": round(max(t) * 1000, 1),
                "n": len(t),
                "baseline": "-",
                "target": None,
                "met": None,
            }
        )
    return rows


def _abs_row(op, target, met):
    return {
        "operation": op.name,
        "key": op.key,
        "role": op.role,
        "p50_ms": round(statistics.median(op.times) * 1000, 1),
        "p95_ms": round(pct(op.times, 95) * 1000, 1),
        "n": len(op.times),
        "baseline": "absolute",
        "target": target,
        "met": met,
    }


def fmt_table(rows):
    head = (
        "operation",
        "role",
        "p50 ms",
        "p95 ms",
        "baseline",
        "base ms",
        "ratio",
        "target",
        "verdict",
    )
    lines = []
    for r in rows:
        verdict = "" if r.get("met") is None else ("met" if r["met"] else "NOT MET")
        if r.get("error"):
            verdict = "ERROR: " + r["error"]
        if r.get("note") and r.get("baseline") == "its raw SQL":
            verdict = (verdict + " (*)").strip()
        lines.append(
            (
                r["operation"],
                r["role"],
                _n(r.get("p50_ms")),
                _n(r.get("p95_ms")),
                r.get("baseline") or "",
                _n(r.get("baseline_ms")),
                "" if r.get("ratio") is None else f"{r['ratio']:.2f}",
                r.get("target") or "",
                verdict,
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=False)]
    out = [
        _line(h.ljust(w) for h, w in zip(head, widths, strict=False)),
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    for line in lines:
        out.append(_line(str(x).ljust(w) for x, w in zip(line, widths, strict=False)))
    return "\n".join(out)


def _line(cells):
    return "| " + " | ".join(cells) + " |"


def _n(value):
    return "" if value is None else f"{value:,.1f}"


def machine():
    import psycopg2

    conn = psycopg2.connect(dbname="postgres")
    with conn.cursor() as cr:
        cr.execute("SHOW server_version")
        pg = cr.fetchone()[0]
    conn.close()
    mem = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "ram_gb": mem,
        "cpu": cpu,
        "postgresql": pg,
        "python": platform.python_version(),
        "load_1min_at_start": load,
    }


def commit():
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _slope(points):
    """Least-squares slope of log(y) over log(x): y ~ x ** slope."""
    xs = [math.log(x) for x, y in points]
    ys = [math.log(y) for x, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den


def growth_verdict(points):
    """flat, logarithmic or linear, from [(cases, value)] at several sizes.

    The fitted growth between the smallest and the largest size: under 25%
    is flat; an exponent of 0.5 or more (value ~ cases ** e) is linear (or
    worse); in between, logarithmic.
    """
    points = [(x, y) for x, y in points if y]
    if len(points) < 2 or points[0][0] == points[-1][0]:
        return "-", None
    exponent = _slope(points)
    growth = (points[-1][0] / points[0][0]) ** exponent
    if growth < 1.25:
        return "flat", exponent
    return ("linear" if exponent >= 0.5 else "logarithmic"), exponent


def scaling(runs):
    """Each operation's p50 and its ratio to the admin case list, across sizes.

    The verdict is fitted on the ratio (the same machine's load cancels
    out); for the administrator's case list itself, on its time.
    """
    sizes = sorted(runs, key=lambda label: runs[label]["info"]["cases"])
    per_op = {}
    for label in sizes:
        rows = runs[label]["rows"]
        admin = next(
            (
                r["p50_ms"]
                for r in rows
                if r["key"] == "case_list" and r["role"] == "admin" and r.get("p50_ms")
            ),
            None,
        )
        for r in rows:
            key = (r["key"], r["role"])
            if not r.get("p50_ms") or not admin or label in per_op.get(key, {}):
                continue
            per_op.setdefault(key, {"name": r["operation"]})[label] = (
                runs[label]["info"]["cases"],
                r["p50_ms"],
                round(r["p50_ms"] / admin, 2),
            )
    table = []
    for (key, role), values in per_op.items():
        points = [values[lbl] for lbl in sizes if lbl in values]
        if key == "case_list" and role == "admin":
            verdict, exponent = growth_verdict([(c, t) for c, t, _r in points])
        else:
            verdict, exponent = growth_verdict([(c, r) for c, _t, r in points])
        _v, time_exponent = growth_verdict([(c, t) for c, t, _r in points])
        table.append(
            {
                "operation": re.sub(
                    r"[\d,]+ (interventions|cases)", r"N \1", values["name"]
                ),
                "key": key,
                "role": role,
                "points": [
                    {"cases": c, "p50_ms": t, "ratio_to_admin_case_list": r}
                    for c, t, r in points
                ],
                "exponent": round(exponent, 2) if exponent is not None else None,
                "time_exponent": round(time_exponent, 2)
                if time_exponent is not None
                else None,
                "verdict": verdict,
            }
        )
    return table


def fmt_scaling(table, runs):
    sizes = sorted(runs, key=lambda label: runs[label]["info"]["cases"])
    head = (
        ["operation", "role"]
        + [f"{runs[s]['info']['cases']:,} cases" for s in sizes]
        + ["exponent (ratio)", "exponent (time)", "verdict"]
    )
    lines = []
    for r in table:
        cells = {
            p["cases"]: f"{p['p50_ms']:,.0f} ms ({p['ratio_to_admin_case_list']:.2f}x)"
            for p in r["points"]
        }
        lines.append(
            [r["operation"], r["role"]]
            + [cells.get(runs[s]["info"]["cases"], "") for s in sizes]
            + [
                "" if r["exponent"] is None else f"{r['exponent']:.2f}",
                "" if r.get("time_exponent") is None else f"{r['time_exponent']:.2f}",
                r["verdict"],
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=False)]
    out = [
        _line(h.ljust(w) for h, w in zip(head, widths, strict=False)),
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    out += [
        _line(str(x).ljust(w) for x, w in zip(line, widths, strict=False))
        for line in lines
    ]
    return "\n".join(out)


def report_files(paths):
    """The tables of saved runs; sizes from several files make one scaling table."""
    runs, header = {}, None
    for path in paths:
        data = json.loads(Path(path).read_text())
        header = header or data
        for label, run in data["runs"].items():
            runs[label] = run
            host = data["machine"]
            print(
                f"## {run['db']}: {run['info']['cases']:,} cases, "
                f"{run['info']['counters']['interventions']:,} interventions "
                f"(generated in {run['info']['seconds'].get('total', 0):.0f}s); "
                f"{host['nproc']} CPUs ({host['cpu']}), {host['ram_gb']} GB RAM, "
                f"PostgreSQL {host['postgresql']}; commit {data['commit']}, "
                f"{data['date']}, {data['reps']} repetitions"
            )
            print()
            print(fmt_table(run["rows"]))
            print()
    if len(runs) > 1:
        print("## Scaling (p50, and its ratio to the admin case list in the same run)")
        print(fmt_scaling(scaling(runs), runs))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="famiglie.py bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--size",
        default=os.environ.get("SIZE") or "small",
        help="small (2,000 cases), medium (10,000), design (100,000), "
        "large (300,000), or a number of cases; several, comma-separated, "
        "give the scaling table",
    )
    parser.add_argument(
        "--cases", type=int, help="a number of cases (overrides --size)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="regenerate the database(s)"
    )
    parser.add_argument(
        "--reps", type=int, default=20, help="repetitions per operation"
    )
    parser.add_argument("--seed", type=int, default=20240612)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--only", help="comma-separated operation keys (debugging)")
    parser.add_argument(
        "--report",
        nargs="+",
        metavar="JSON",
        help="print the tables of earlier runs (several files: their sizes together)",
    )
    args = parser.parse_args(argv)
    if args.report:
        return report_files(args.report)
    labels = []
    if args.cases:
        labels.append((f"c{args.cases}", args.cases))
    else:
        for part in str(args.size).split(","):
            part = part.strip()
            if part in SIZES:
                labels.append((part, SIZES[part]))
            elif part.isdigit():
                labels.append((f"c{part}", int(part)))
            else:
                raise UserError(
                    f"Unknown size {part!r}: small, medium, design, large or a number."
                )
    famiglie.pg_connect().close()
    host = machine()
    say(
        f"Machine: {host['nproc']} CPUs, {host['ram_gb']} GB RAM, PostgreSQL "
        f"{host['postgresql']}, load {host['load_1min_at_start']}"
    )
    runs = {}
    for label, cases in labels:
        db, info = ensure_db(label, cases, args.seed, args.fresh)
        if args.generate_only:
            continue
        ops, retention, explain = measure(
            db,
            info,
            args.reps,
            args.seed,
            only=args.only.split(",") if args.only else None,
        )
        rows = results(ops, retention, info)
        runs[label] = {
            "db": db,
            "info": info,
            "rows": rows,
            "explain": explain,
            "queries": {f"{o.key}/{o.role}": len(o.queries) for o in ops},
        }
        print()
        print(
            f"## {db}: {info['counters']['interventions']:,} interventions, "
            f"{cases:,} cases, {info['counters']['members']:,} members, "
            f"{info['counters']['shares']:,} shares; generated in "
            f"{info['seconds'].get('total', 0):.0f}s"
        )
        print(
            f"Machine: {host['nproc']} CPUs ({host['cpu']}), {host['ram_gb']} GB RAM, "
            f"PostgreSQL {host['postgresql']}; commit {commit()}, "
            f"{datetime.now():%Y-%m-%d %H:%M}"
        )
        print()
        print(fmt_table(rows))
        for op in ops:
            if op.note:
                print(f"(*) {op.name}, {op.role}: {op.note}")
            if op.replay_failed:
                print(
                    f"    {op.name}, {op.role}: {len(op.replay_failed)} of "
                    f"{len(op.queries)} queries fail alone and are left out of its "
                    "raw SQL"
                )
        if explain:
            print()
            print("EXPLAIN ANALYZE of the portal list's count (coordinator):")
            print(explain)
    if not runs:
        return 0
    report = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": host,
        "reps": args.reps,
        "seed": args.seed,
        "runs": runs,
    }
    if len(runs) > 1:
        report["scaling"] = scaling(runs)
        print()
        print("## Scaling (p50, and its ratio to the admin case list in the same run)")
        print(fmt_scaling(report["scaling"], runs))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{date.today().isoformat()}-{commit()}.json"
    number = 1
    while path.exists():  # another run of the same commit today: keep both
        number += 1
        path = OUT_DIR / f"{date.today().isoformat()}-{commit()}-{number}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    print()
    say(f"Written {path.relative_to(REPO)}")
    return 0


def explain_queries(db, ops):
    """EXPLAIN ANALYZE of the count query the portal list issues."""
    op = next(
        (o for o in ops if o.key == "portal_list" and o.role == "coordinator"), None
    )
    if not op or not op.queries:
        return None
    counts = [
        q
        for q in op.queries
        if re.match(r"\s*SELECT\s+COUNT", q, re.I) and "family_case" in q
    ]
    if not counts:
        return None
    conn = psql(db)
    try:
        with conn.cursor() as cr:
            for _warm in range(2):  # the second, warm
                cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + counts[0])
            plan = "\n".join(r[0] for r in cr.fetchall())
        conn.rollback()
    finally:
        conn.close()
    return counts[0] + "\n\n" + plan


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        sys.exit(2)
