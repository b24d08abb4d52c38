#!/usr/bin/env python3
"""``make district``: the district deployment on one machine, tried end to end.

Brings up, from the templates of ``deploy/``, in a temporary folder
(``FAMIGLIE_DISTRICT_DIR``, default ``/tmp/famiglie-district``) and on its own
ports (nothing else on the machine is touched):

- a PostgreSQL primary and a streaming replica made with ``pg_basebackup -R``
  (own clusters, ``initdb`` as the ``postgres`` user when run as root);
- the database ``famiglie_district``: made by the load test's ``prepare``
  (tools/loadtest: the addon, Italian, the test data and users, a family
  document), then Odoo's TOTP modules, the security settings
  (``deploy/harden.py``) and the users enrolled in TOTP (``enrol_totp.py``);
- two Odoo 18 nodes in prefork mode (``deploy/odoo.conf.in``) sharing one
  ``data_dir`` (filestore and sessions), ``db_replica_host`` on the replica;
- nginx (``deploy/nginx.conf.in``) with a self-signed certificate: HTTPS, the
  HTTP redirect, both nodes without stickiness, ``/websocket``, the login's
  rate limit.

Subcommands: ``up``, ``load`` (the load test of tools/loadtest, Locust,
through the proxy: its report, the replica's statistics before and after, and
every family read it made found in the access log), ``check`` (sessions across
nodes, TOTP, brute force, the database manager closed, the access log of reads
served by the replica, backup and restore), ``down`` (stops everything and
removes the folder; safe to run twice), ``status``, and ``all`` (up, load,
check, down: what ``make district`` runs). Each check prints ``ok`` or
``FAILED``; the command exits non-zero when one failed.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tools"))

import famiglie  # noqa: E402
from famiglie import UserError  # noqa: E402
from loadtest.totp import totp_code  # noqa: E402

DIR = Path(os.environ.get("FAMIGLIE_DISTRICT_DIR") or "/tmp/famiglie-district")
DB = os.environ.get("FAMIGLIE_DISTRICT_DB") or "famiglie_district"
RESTORED_DB = f"{DB}_restored"
CASES = int(os.environ.get("FAMIGLIE_DISTRICT_CASES") or 1000)
LOADTEST = [sys.executable, REPO / "tools" / "famiglie.py", "loadtest"]
PORTS = {
    "pg_primary": 56432,
    "pg_replica": 56433,
    "node1_http": 19069,
    "node1_gevent": 19072,
    "node2_http": 19089,
    "node2_gevent": 19092,
    "restored_http": 19095,
    "nginx_http": 19080,
    "nginx_https": 19443,
}
for _key in PORTS:
    _env = os.environ.get(f"FAMIGLIE_DISTRICT_{_key.upper()}")
    if _env:
        PORTS[_key] = int(_env)
HOST = "127.0.0.1"
URL = f"https://{HOST}:{PORTS['nginx_https']}"
DB_USER = "odoo"
DB_PASSWORD = "odoo"
PG_DIR = DIR / "pg"
ETC = DIR / "etc"
LOG = DIR / "log"
RUN = DIR / "run"
DATA = DIR / "data"
BACKUPS = DIR / "backups"
USERS = ETC / "users-totp.json"
CA = ETC / "tls" / "cert.pem"
LOAD_OUT = DIR / "loadtest"
NODES = ("node1", "node2")
RETRY_MARK = "retrying with a read/write cursor"


def say(msg):
    print(f"[district] {msg}", flush=True)


# ---------------------------------------------------------------------------
# processes
# ---------------------------------------------------------------------------


def pg_bin(name):
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / name).exists():
            return str(candidate / name)
    found = shutil.which(name)
    if not found:
        raise UserError(f"{name} not found: install PostgreSQL's server package")
    return found


def as_postgres(cmd):
    """``cmd`` as the ``postgres`` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def run(cmd, **kw):
    kw.setdefault("check", True)
    return subprocess.run([str(c) for c in cmd], **kw)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_pid(name, sig=signal.SIGTERM, wait=30):
    pidfile = RUN / f"{name}.pid"
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text().strip() or 0)
    if pid and pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, sig)
        deadline = time.time() + wait
        while pid_alive(pid) and time.time() < deadline:
            time.sleep(0.3)
        if pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        say(f"stopped {name} (pid {pid})")
    pidfile.unlink(missing_ok=True)


def spawn(name, cmd, logfile):
    """Start ``cmd`` in its own process group; its pid goes to run/NAME.pid."""
    with open(logfile, "ab") as out:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            [str(c) for c in cmd],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=str(DIR),
        )
    (RUN / f"{name}.pid").write_text(str(proc.pid))
    return proc


def wait_port(port, what, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.5)
    raise UserError(f"{what} did not open port {port} in {timeout}s (see {LOG})")


def port_free(port):
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


# ---------------------------------------------------------------------------
# templates
# ---------------------------------------------------------------------------


def fill(template, values, target, mode=0o644):
    text = (HERE / template).read_text()
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", str(value))
    left = sorted(set(re.findall(r"@@([A-Z0-9_]+)@@", text)))
    if left:
        raise UserError(f"{template}: no value for {', '.join(left)}")
    target.write_text(text)
    target.chmod(mode)
    return target


def master_password_hash(password):
    from passlib.context import CryptContext

    return CryptContext(["pbkdf2_sha512"]).hash(password)


def node_conf(node, http_port, gevent_port, cron, db=DB, replica=True):
    master = (ETC / "master-password").read_text().strip()
    return fill(
        "odoo.conf.in",
        {
            "ADDONS_PATH": famiglie.addons_path(),
            "DATA_DIR": DATA,
            "ADMIN_PASSWD": master_password_hash(master),
            "DB_NAME": db,
            "HTTP_INTERFACE": HOST,
            "HTTP_PORT": http_port,
            "GEVENT_PORT": gevent_port,
            "DB_HOST": HOST,
            "DB_PORT": PORTS["pg_primary"],
            "DB_USER": DB_USER,
            "DB_PASSWORD": DB_PASSWORD,
            "DB_REPLICA_HOST": HOST if replica else "False",
            "DB_REPLICA_PORT": PORTS["pg_replica"] if replica else "False",
            "WORKERS": os.environ.get("FAMIGLIE_DISTRICT_WORKERS") or 2,
            "CRON_THREADS": cron,
            "SMTP_SERVER": "localhost",
            "SMTP_USER": "False",
            "SMTP_PASSWORD": "False",
            "EMAIL_FROM": "rete-famiglie@comune.example",
            "LOGFILE": LOG / f"{node}.log",
        },
        ETC / f"{node}.conf",
        0o600,
    )


def odoo(conf, *args, command=None, **kw):
    """Odoo's command line with a node's configuration."""
    cmd = [sys.executable, "-c", "import sys, odoo.cli; sys.exit(odoo.cli.main())"]
    if command:
        cmd.append(command)
    return run([*cmd, "-c", conf, *args], **kw)


def odoo_shell(conf, script, env=None, db=DB):
    with open(HERE / script, "rb") as stdin:
        return odoo(
            conf,
            "-d",
            db,
            "--no-http",
            "--logfile=",
            "--log-level=warn",
            command="shell",
            stdin=stdin,
            env={**os.environ, **(env or {})},
        )


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


def pg_connect(port, dbname="postgres", user="postgres"):
    import psycopg2

    conn = psycopg2.connect(host=HOST, port=port, dbname=dbname, user=user)
    conn.autocommit = True
    return conn


def pg_query(port, sql, params=None, dbname="postgres", user="postgres"):
    conn = pg_connect(port, dbname, user)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def pg_ctl(name, action):
    data = PG_DIR / name
    cmd = [pg_bin("pg_ctl"), "-D", data, "-l", LOG / f"pg-{name}.log", "-w", action]
    if action == "stop":
        cmd += ["-m", "fast"]
    run(as_postgres(cmd), stdout=subprocess.DEVNULL)


def up_postgres():
    PG_DIR.mkdir(parents=True, exist_ok=True)
    socket_dir = PG_DIR / "socket"
    socket_dir.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        run(["chown", "-R", "postgres:postgres", PG_DIR, LOG])
    primary = PG_DIR / "primary"
    run(
        as_postgres(
            [
                pg_bin("initdb"),
                "-D",
                primary,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        stdout=subprocess.DEVNULL,
    )
    settings = f"""
# Rete Famiglie district test (deploy/district.py)
listen_addresses = '{HOST}'
port = {PORTS["pg_primary"]}
unix_socket_directories = '{socket_dir}'
max_connections = 200
shared_buffers = 256MB
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
track_counts = on
"""
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(settings)
    # the test cluster trusts loopback only; a real one uses scram-sha-256
    (primary / "pg_hba.conf").write_text(
        f"local all all trust\n"
        f"host all all {HOST}/32 trust\n"
        f"host replication replicator {HOST}/32 trust\n"
    )
    pg_ctl("primary", "start")
    pg_query(
        PORTS["pg_primary"],
        f"CREATE ROLE {DB_USER} LOGIN CREATEDB PASSWORD %s",
        (DB_PASSWORD,),
    )
    pg_query(PORTS["pg_primary"], "CREATE ROLE replicator LOGIN REPLICATION")
    say(f"PostgreSQL primary on {HOST}:{PORTS['pg_primary']}")
    replica = PG_DIR / "replica"
    run(
        as_postgres(
            [
                pg_bin("pg_basebackup"),
                "-h",
                HOST,
                "-p",
                PORTS["pg_primary"],
                "-U",
                "replicator",
                "-D",
                replica,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
    )
    with open(replica / "postgresql.conf", "a") as conf:
        conf.write(f"port = {PORTS['pg_replica']}\n")
    pg_ctl("replica", "start")
    rows = pg_query(PORTS["pg_replica"], "SELECT pg_is_in_recovery()")
    if not rows[0][0]:
        raise UserError("the replica is not in recovery (not a standby)")
    say(f"PostgreSQL streaming replica on {HOST}:{PORTS['pg_replica']}")


def replication_status():
    return pg_query(
        PORTS["pg_primary"],
        "SELECT application_name, state, sent_lsn, replay_lsn, sync_state "
        "FROM pg_stat_replication",
    )


def replica_stats(port=None):
    rows = pg_query(
        port or PORTS["pg_replica"],
        "SELECT xact_commit, xact_rollback, tup_returned, tup_fetched "
        "FROM pg_stat_database WHERE datname = %s",
        (DB,),
    )
    return dict(
        zip(
            ("xact_commit", "xact_rollback", "tup_returned", "tup_fetched"),
            rows[0],
            strict=True,
        )
    )


def stats_line(before, after):
    return ", ".join(f"{key} +{after[key] - before[key]:,}" for key in before)


# ---------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------


def primary_dsn():
    return f"postgresql://{DB_USER}:{DB_PASSWORD}@{HOST}:{PORTS['pg_primary']}/postgres"


def prepare_database(args):
    """The database, its data and users: the load test's ``prepare``."""
    say(
        f"Preparing {DB} with the load test's prepare: {CASES} cases, "
        f"{args.portal} portal and {args.backoffice} back-office users ..."
    )
    run(
        [
            *LOADTEST,
            "prepare",
            "--dsn",
            primary_dsn(),
            "--db",
            DB,
            "--cases",
            CASES,
            "--portal",
            args.portal,
            "--backoffice",
            args.backoffice,
            "--data-dir",
            DATA,
            "--fresh",
        ]
    )
    users = ETC / "users.json"
    shutil.copy(REPO / "var" / "loadtest" / f"users-{DB}.json", users)
    return users


def make_certificate():
    tls = ETC / "tls"
    tls.mkdir(exist_ok=True)
    run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "7",
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName=DNS:localhost,IP:{HOST}",
            "-keyout",
            tls / "key.pem",
            "-out",
            tls / "cert.pem",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (tls / "key.pem").chmod(0o600)


def up_nginx():
    nginx_dir = DIR / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
    site = fill(
        "nginx.conf.in",
        {
            "NODE1_HOST": HOST,
            "NODE2_HOST": HOST,
            "NODE1_HTTP": PORTS["node1_http"],
            "NODE2_HTTP": PORTS["node2_http"],
            "NODE1_GEVENT": PORTS["node1_gevent"],
            "NODE2_GEVENT": PORTS["node2_gevent"],
            # room for the load's logins from one address (production: 30r/m, 10)
            "LOGIN_RATE": os.environ.get("FAMIGLIE_DISTRICT_LOGIN_RATE") or "300r/m",
            "LOGIN_BURST": os.environ.get("FAMIGLIE_DISTRICT_LOGIN_BURST") or "150",
            "HTTP_LISTEN": f"{HOST}:{PORTS['nginx_http']}",
            "HTTPS_LISTEN": f"{HOST}:{PORTS['nginx_https']}",
            "HTTPS_PORT_SUFFIX": f":{PORTS['nginx_https']}",
            "SERVER_NAME": "localhost",
            "LOG_DIR": LOG,
            "TLS_CERT": ETC / "tls" / "cert.pem",
            "TLS_KEY": ETC / "tls" / "key.pem",
        },
        ETC / "famiglie-nginx.conf",
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = ETC / "nginx-main.conf"
    main.write_text(
        f"""# the test's own nginx (Debian's /etc/nginx is not used)
{user}worker_processes 2;
pid {RUN}/nginx.pid;
error_log {LOG}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {nginx_dir}/client_body;
    proxy_temp_path {nginx_dir}/proxy;
    fastcgi_temp_path {nginx_dir}/fastcgi;
    uwsgi_temp_path {nginx_dir}/uwsgi;
    scgi_temp_path {nginx_dir}/scgi;
    sendfile on;
    keepalive_timeout 65;
    include {site};
}}
"""
    )
    run(["nginx", "-t", "-q", "-c", main, "-p", nginx_dir])
    run(["nginx", "-c", main, "-p", nginx_dir])
    wait_port(PORTS["nginx_https"], "nginx")
    say(f"nginx: {URL} (HTTP {HOST}:{PORTS['nginx_http']} redirects to it)")


def start_node(name, conf, http_port):
    spawn(
        name,
        [
            sys.executable,
            "-c",
            "import sys, odoo.cli; sys.exit(odoo.cli.main())",
            "-c",
            conf,
        ],
        LOG / f"{name}-stdout.log",
    )
    wait_port(http_port, f"Odoo {name}")


class NotOurs(UserError):
    """Another set is up (or its ports are taken): not ours to take down."""


def cmd_up(args):
    if DIR.exists() and any(DIR.iterdir()):
        raise NotOurs(f"{DIR} exists: run `deploy/district.py down` first")
    busy = [f"{k} {p}" for k, p in PORTS.items() if not port_free(p)]
    if busy:
        raise NotOurs(f"ports in use: {', '.join(busy)}")
    for folder in (ETC, LOG, RUN, DATA, BACKUPS):
        folder.mkdir(parents=True, exist_ok=True)
    ETC.chmod(0o700)
    (ETC / "master-password").write_text(secrets.token_urlsafe(24) + "\n")
    (ETC / "master-password").chmod(0o600)
    up_postgres()
    confs = {
        "node1": node_conf("node1", PORTS["node1_http"], PORTS["node1_gevent"], 1),
        "node2": node_conf("node2", PORTS["node2_http"], PORTS["node2_gevent"], 0),
    }
    # installs go to the primary only: a node's conf without the replica
    setup_conf = node_conf("setup", 0, 0, 0, replica=False)
    users = prepare_database(args)
    say("Second factor for everyone, login cooldown (deploy/harden.py) ...")
    odoo(
        setup_conf,
        "-d",
        DB,
        "-i",
        "auth_totp_portal,auth_totp_mail_enforce",
        "--no-http",
        "--stop-after-init",
    )
    odoo_shell(setup_conf, "harden.py")
    odoo_shell(
        setup_conf,
        "enrol_totp.py",
        {"FAMIGLIE_USERS_IN": str(users), "FAMIGLIE_USERS_OUT": str(USERS)},
    )
    make_certificate()
    for name in NODES:
        start_node(name, confs[name], PORTS[f"{name}_http"])
        say(
            f"Odoo {name}: http {HOST}:{PORTS[f'{name}_http']}, "
            f"websocket {PORTS[f'{name}_gevent']}"
        )
    up_nginx()
    rows = replication_status()
    say(f"pg_stat_replication on the primary: {rows}")
    say(f"up: {URL} ; users with their TOTP secrets in {USERS}; CA certificate {CA}")
    return 0


# ---------------------------------------------------------------------------
# an HTTP client that logs in with the second factor
# ---------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
FAMILY_LINK = re.compile(r'href="/my/famiglie/(\d+)[?"#]')


def session(base=URL):
    import requests

    client = requests.Session()
    # the proxy's own certificate, whatever REQUESTS_CA_BUNDLE says
    client.trust_env = False
    client.verify = str(CA)
    # a browser in Italy: Italian is the database's default language (else
    # Odoo's routing redirects a page to /en/... before anything else)
    client.headers["Accept-Language"] = "it-IT,it;q=0.9"
    client.base = base
    return client


def get(client, path, **kw):
    kw.setdefault("timeout", 60)
    return client.get(client.base + path, **kw)


def post(client, path, **kw):
    kw.setdefault("timeout", 60)
    return client.post(client.base + path, **kw)


def login(client, user, second_factor=True):
    """Log in through Odoo's form; returns the answers of each step."""
    page = get(client, "/web/login")
    token = CSRF.search(page.text).group(1)
    first = post(
        client,
        "/web/login",
        data={
            "login": user["login"],
            "password": user["password"],
            "csrf_token": token,
        },
        allow_redirects=False,
    )
    if not second_factor or "/web/login/totp" not in first.headers.get("Location", ""):
        return first, None
    page = get(client, "/web/login/totp")
    token = CSRF.search(page.text).group(1)
    second = post(
        client,
        "/web/login/totp",
        data={"totp_token": totp_code(user["totp_secret"]), "csrf_token": token},
        allow_redirects=False,
    )
    return first, second


def call_kw(client, model, method, *args, **kwargs):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {
            "model": model,
            "method": method,
            "args": list(args),
            "kwargs": kwargs,
        },
    }
    answer = post(client, f"/web/dataset/call_kw/{model}/{method}", json=payload)
    answer.raise_for_status()
    return answer.json()


def load_users():
    return json.loads(USERS.read_text())


# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------


class Reads:
    """The family reads the server answered, to be found in the access log:
    (login, case id, channel) -> reads (one entry each)."""

    def __init__(self):
        self.expected = Counter()

    def add(self, login, case_ids, channel):
        for case_id in case_ids:
            self.expected[login, int(case_id), channel] += 1

    @classmethod
    def from_jsonl(cls, path):
        """The reads the load test wrote down (``LOADTEST_READS``)."""
        reads = cls()
        if path.exists():
            for line in path.read_text().splitlines():
                with contextlib.suppress(ValueError):
                    row = json.loads(line)
                    reads.add(row["login"], row["cases"], row["channel"])
        return reads


def logged_in(user):
    """A client of ``user`` past both factors, or None."""
    client = session()
    _first, second = login(client, user)
    if second is None or second.status_code not in (302, 303):
        return None
    return client


def is_page(answer, path):
    """A real page: 200 at ``path`` itself (not a redirect's end, e.g. the
    login page or a language's)."""
    return answer.status_code == 200 and answer.url.split("?")[0] == URL + path


def read_as_coordinator(user, reads, pages=3):
    """The family list and ``pages`` family pages, as a coordinator's browser."""
    client = logged_in(user)
    if client is None:
        return False
    page = get(client, "/my/famiglie")
    if not is_page(page, "/my/famiglie"):
        return False
    ids = sorted(set(FAMILY_LINK.findall(page.text)))
    reads.add(user["login"], ids, "portal")
    for case_id in ids[:pages]:
        family = get(client, f"/my/famiglie/{case_id}")
        if not is_page(family, f"/my/famiglie/{case_id}"):
            return False
        reads.add(user["login"], [case_id], "portal")
    return bool(ids)


def read_as_finance(user, reads):
    """A page of the interventions, as the finance clerk's web client."""
    client = logged_in(user)
    if client is None:
        return False
    answer = call_kw(
        client,
        "family.intervention",
        "web_search_read",
        domain=[],
        specification={"case_id": {"fields": {"display_name": {}}}, "amount": {}},
        limit=80,
    )
    if "error" in answer:
        return False
    cases = {
        row["case_id"]["id"]
        for row in answer["result"]["records"]
        if row.get("case_id")
    }
    reads.add(user["login"], cases, "list")
    return bool(cases)


def logged_entries(since):
    rows = pg_query(
        PORTS["pg_primary"],
        """
        SELECT u.login, l.case_id, l.channel, count(*)
          FROM family_access_log l JOIN res_users u ON u.id = l.user_id
         WHERE l.date >= %s
         GROUP BY 1, 2, 3
        """,
        (since,),
        dbname=DB,
    )
    return Counter(
        {(login, case_id, channel): n for login, case_id, channel, n in rows}
    )


def check_log_complete(reads, since):
    """(reads, entries, reads without their entry, entries without a read)."""
    logged = logged_entries(since)
    missing = {key: n for key, n in reads.expected.items() if logged[key] < n}
    extra = {
        key: n - reads.expected[key]
        for key, n in logged.items()
        if n > reads.expected[key]
    }
    return sum(reads.expected.values()), sum(logged.values()), missing, extra


def retries_in_logs():
    return sum(
        (LOG / f"{node}.log").read_text(errors="replace").count(RETRY_MARK)
        for node in NODES
        if (LOG / f"{node}.log").exists()
    )


def upstream_counts():
    path = LOG / "famiglie-access.log"
    if not path.exists():
        return Counter()
    return Counter(re.findall(r"upstream=(\S+)", path.read_text()))


def db_now():
    return pg_query(PORTS["pg_primary"], "SELECT now() AT TIME ZONE 'UTC'", dbname=DB)[
        0
    ][0]


def cmd_load(args):
    before = replica_stats()
    say(f"pg_stat_replication on the primary: {replication_status()}")
    retries = retries_in_logs()
    served = upstream_counts()
    since = db_now()
    if LOAD_OUT.exists():
        shutil.rmtree(LOAD_OUT)
    say(
        f"Load through the proxy: the load test (tools/loadtest, Locust), "
        f"{args.portal} portal and {args.backoffice} back-office users logging in "
        f"with their password and TOTP code, {args.duration}s ..."
    )
    result = run(
        [
            *LOADTEST,
            "load",
            "--url",
            URL,
            "--dsn",
            primary_dsn(),
            "--db",
            DB,
            "--duration",
            args.duration,
            "--portal",
            args.portal,
            "--backoffice",
            args.backoffice,
            "--users",
            USERS,
            "--out",
            LOAD_OUT,
            # the latency is printed, not checked: the whole set (two nodes,
            # two clusters, nginx and the load tool) shares this machine;
            # make loadtest is the sizing test
            "--p95-target",
            0,
        ],
        # the proxy's self-signed certificate
        env={**os.environ, "LOADTEST_CA": str(CA)},
        check=False,
    )
    failed = result.returncode != 0
    if failed:
        say(f"FAILED: the load test's checks (exit {result.returncode}, above)")
    time.sleep(1)
    after = replica_stats()
    say(f"replica {HOST}:{PORTS['pg_replica']} pg_stat_database({DB}): before {before}")
    say(f"replica {HOST}:{PORTS['pg_replica']} pg_stat_database({DB}): after  {after}")
    say(f"replica in use during the load: {stats_line(before, after)}")
    say(f"pg_stat_replication on the primary: {replication_status()}")
    say(f"requests served by each node: {dict(upstream_counts() - served)}")
    say(
        "requests Odoo served again on the primary (read-only then a write): "
        f"{retries_in_logs() - retries}"
    )
    if after["xact_commit"] <= before["xact_commit"]:
        say("FAILED: the replica served no transaction")
        failed = True
    reads = Reads.from_jsonl(LOAD_OUT / "reads.jsonl")
    total, logged, missing, extra = check_log_complete(reads, since)
    by_channel = Counter()
    for (_login, _case, channel), n in reads.expected.items():
        by_channel[channel] += n
    say(
        f"access log: {total} family reads answered to association and finance "
        f"users ({dict(by_channel)}), {logged} entries written"
    )
    # an entry without a read is a read the server logged whose answer the
    # client never got (a request that failed, or that nginx sent again to
    # the other node after a timeout): only a load without errors must match
    # exactly
    if not total or missing or (extra and not failed):
        say(
            f"FAILED: {len(missing)} reads without their entry "
            f"(e.g. {list(missing.items())[:5]}), {len(extra)} entries without "
            f"a read (e.g. {list(extra.items())[:5]})"
        )
        failed = True
    elif extra:
        say(
            "ok: every family read of the load is in the access log; "
            f"{sum(extra.values())} more entries of requests whose answer was "
            "lost (the load's errors above)"
        )
    else:
        say("ok: every family read of the load is in the access log, once")
    return 1 if failed else 0


# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------


class Checks:
    def __init__(self):
        self.failed = []

    def __call__(self, name, condition, detail=""):
        say(
            f"{'ok' if condition else 'FAILED'}: {name}"
            + (f" ({detail})" if detail else "")
        )
        if not condition:
            self.failed.append(name)
        return condition


def check_https(check):
    import requests

    plain = requests.get(
        f"http://{HOST}:{PORTS['nginx_http']}/web/login",
        allow_redirects=False,
        timeout=10,
    )
    check(
        "HTTP redirects to HTTPS",
        plain.status_code == 301
        and plain.headers.get("Location", "").startswith("https://"),
        f"{plain.status_code} {plain.headers.get('Location')}",
    )
    client = session()
    page = get(client, "/web/login")
    cookie = page.headers.get("Set-Cookie", "")
    check(
        "HTTPS with the proxy's certificate, HSTS, the session cookie Secure",
        page.status_code == 200
        and "Strict-Transport-Security" in page.headers
        and "session_id=" in cookie
        and "; Secure" in cookie,
        cookie.split(";")[0][:20] + "...",
    )
    manager = get(client, "/web/database/manager")
    node = f"http://{HOST}:{PORTS['node1_http']}"
    direct = requests.get(f"{node}/web/database/manager", timeout=10)
    listing = requests.post(
        f"{node}/web/database/list", json={"jsonrpc": "2.0", "params": {}}, timeout=10
    ).json()
    check(
        "the database manager is closed (404 at the proxy; list_db = False "
        "at the node)",
        manager.status_code == 404
        and "disabled by the administrator" in direct.text
        and listing.get("error", {}).get("data", {}).get("name")
        == "odoo.exceptions.AccessDenied",
        f"proxy {manager.status_code}",
    )
    gz = get(client, "/web/login", headers={"Accept-Encoding": "gzip"})
    check("gzip at the proxy", gz.headers.get("Content-Encoding") == "gzip")


def check_totp(check, user):
    client = session()
    first, second = login(client, user, second_factor=False)
    asked = "/web/login/totp" in first.headers.get("Location", "")
    check(
        "a coordinator's password alone is not enough: asked for the second factor",
        asked,
        first.headers.get("Location"),
    )
    page = get(client, "/my/famiglie")
    check(
        "without the second factor the portal is closed (it ends on the login)",
        "/web/login" in page.url
        and not FAMILY_LINK.search(page.text)
        and page.history
        and page.history[0].status_code in (302, 303),
        f"{[a.status_code for a in page.history]} -> {page.url}",
    )
    wrong_page = get(client, "/web/login/totp")
    token = CSRF.search(wrong_page.text).group(1)
    bad = post(
        client,
        "/web/login/totp",
        data={"totp_token": "000000", "csrf_token": token},
        allow_redirects=False,
    )
    check(
        "a wrong code is refused",
        bad.status_code == 200 and "/web/login/totp" in bad.url,
    )
    client = session()
    _first, second = login(client, user)
    page = get(client, "/my/famiglie")
    check(
        "with the TOTP code the coordinator reaches the portal",
        second is not None
        and is_page(page, "/my/famiglie")
        and FAMILY_LINK.search(page.text),
        f"{page.status_code} {page.url}",
    )
    internal = pg_query(
        PORTS["pg_primary"],
        "SELECT value FROM ir_config_parameter WHERE key = 'auth_totp.policy'",
        dbname=DB,
    )
    check(
        "the policy asks every user (internal and portal) for a second factor",
        internal == [("all_required",)],
        str(internal),
    )


def check_sessions(check, user):
    """Log in on node 1 directly, then use the session on node 2."""
    node1 = session(f"http://{HOST}:{PORTS['node1_http']}")
    _first, second = login(node1, user)
    cookie = node1.cookies.get("session_id")
    node2 = session(f"http://{HOST}:{PORTS['node2_http']}")
    node2.cookies.set("session_id", cookie)
    page = get(node2, "/my/famiglie", allow_redirects=False)
    check(
        "a session opened on node 1 is valid on node 2 (shared data_dir)",
        second is not None and page.status_code == 200,
        f"node 2 answered {page.status_code}",
    )
    # through the proxy: one session, both nodes
    client = session()
    login(client, user)
    before = upstream_counts()
    answers = [
        get(client, "/my/famiglie", allow_redirects=False).status_code
        for _ in range(10)
    ]
    served = upstream_counts() - before
    check(
        "through the proxy one session is served by both nodes, no stickiness",
        set(answers) == {200} and len(served) >= 2,
        f"{dict(served)}",
    )


def check_access_log_on_replica(check, users):
    """Association and finance reads through the proxy: served on the replica,
    every one in the access log."""
    before = replica_stats()
    retries = retries_in_logs()
    since = db_now()
    reads = Reads()
    finance = next(u for u in users["backoffice"] if u.get("role") == "finance")
    answered = read_as_coordinator(users["portal"][1], reads) and read_as_finance(
        finance, reads
    )
    time.sleep(1)
    after = replica_stats()
    total, logged, missing, extra = check_log_complete(reads, since)
    check(
        "reads by a coordinator and a finance clerk ran on the replica",
        answered
        and after["xact_commit"] > before["xact_commit"]
        and after["tup_returned"] > before["tup_returned"],
        stats_line(before, after),
    )
    check(
        "every one of those reads is in the access log once (written on the "
        "primary)",
        total > 0 and not missing and not extra,
        f"{total} reads, {logged} entries, {len(missing)} missing, "
        f"{len(extra)} without a read",
    )
    check(
        "none of them was served again on the primary",
        retries_in_logs() == retries,
        f"{retries_in_logs() - retries} retries",
    )


# Odoo's messages, in English and in Italian
COOLDOWN_TEXTS = ("Too many login failures", "Troppi errori di accesso")
WRONG_TEXTS = ("Wrong login/password", "Nome utente/password errati")


def check_brute_force(check, user):
    import requests

    client = session()
    outcomes = Counter()
    for attempt in range(80):
        page = get(client, "/web/login")
        match = CSRF.search(page.text) if page.status_code == 200 else None
        answer = post(
            client,
            "/web/login",
            data={
                "login": user["login"],
                "password": f"wrong-{attempt}",
                "csrf_token": match.group(1) if match else "",
            },
            allow_redirects=False,
        )
        if answer.status_code == 429:
            outcomes["refused by nginx (429)"] += 1
        elif any(text in answer.text for text in COOLDOWN_TEXTS):
            outcomes["refused by Odoo's cooldown"] += 1
        elif any(text in answer.text for text in WRONG_TEXTS):
            outcomes["wrong password"] += 1
        else:
            outcomes[f"http {answer.status_code}"] += 1
    check(
        "brute force on the login is refused (Odoo's cooldown per address)",
        outcomes["refused by Odoo's cooldown"] > 0
        and outcomes["wrong password"] <= 5 * 2 * 2,  # 5 per worker, 2 workers, 2 nodes
        dict(outcomes),
    )
    # Odoo counts the failures in each worker process: a worker that saw
    # fewer than base.login_cooldown_after of them still accepts the right
    # password, so only nginx's limit below holds for the whole set
    # nginx in front: beyond the burst, POSTs to the login get 429 before
    # reaching Odoo
    import concurrent.futures

    def attempt(_n):
        return post(
            session(),
            "/web/login",
            data={"login": user["login"], "password": "x"},
            allow_redirects=False,
        ).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(attempt, range(400)))
    check(
        "a flood of logins is cut by nginx's rate limit (429)",
        statuses[429] > 0,
        dict(statuses),
    )
    del requests


def main_tables():
    return [
        "family_case",
        "family_case_member",
        "family_intervention",
        "family_case_share",
        "family_access_log",
        "res_users",
        "ir_attachment",
    ]


def count_rows(dbname):
    return {
        table: pg_query(
            PORTS["pg_primary"], f"SELECT count(*) FROM {table}", dbname=dbname
        )[0][0]  # noqa: S608
        for table in main_tables()
    }


def backup_env():
    return {
        **os.environ,
        "FAMIGLIE_DB": DB,
        "FAMIGLIE_DATA_DIR": str(DATA),
        "FAMIGLIE_BACKUP_DIR": str(BACKUPS),
        "FAMIGLIE_BACKUP_KEEP": "2",
        "PGHOST": HOST,
        "PGPORT": str(PORTS["pg_primary"]),
        "PGUSER": DB_USER,
        "PGPASSWORD": DB_PASSWORD,
        "PATH": f"{Path(pg_bin('pg_dump')).parent}:{os.environ.get('PATH', '')}",
    }


def check_backup_restore(check, user):
    import hashlib

    # the nodes stay up: the backup is taken while Odoo serves
    env = backup_env()
    outputs = []
    for _ in range(3):
        result = run([HERE / "backup.sh"], env=env, capture_output=True, text=True)
        outputs.append(result.stdout.strip())
        time.sleep(1.1)
    say(f"  {outputs[-1]}")
    kept = sorted(BACKUPS.glob(f"{DB}-*.sha256"))
    check(
        "backup.sh keeps the newest FAMIGLIE_BACKUP_KEEP backups",
        len(kept) == 2,
        f"{len(kept)} kept",
    )
    source = count_rows(DB)
    base = str(kept[-1])[: -len(".sha256")]
    if pg_query(
        PORTS["pg_primary"],
        "SELECT 1 FROM pg_database WHERE datname = %s",
        (RESTORED_DB,),
    ):
        raise UserError(f"{RESTORED_DB} exists already")
    result = run(
        [HERE / "restore.sh", base, RESTORED_DB],
        env=env,
        capture_output=True,
        text=True,
    )
    say(f"  {result.stdout.strip()}")
    restored = count_rows(RESTORED_DB)
    # the load is over and the checks before only added access-log entries
    # (logged before the backup): the main tables are equal
    check(
        "restored row counts equal the database's",
        restored == source,
        f"{restored} vs {source}",
    )
    rows = pg_query(
        PORTS["pg_primary"],
        "SELECT store_fname, checksum, name FROM ir_attachment "
        "WHERE store_fname IS NOT NULL AND res_model = 'family.case'",
        dbname=RESTORED_DB,
    )
    good = 0
    for store_fname, checksum, _name in rows:
        path = DATA / "filestore" / RESTORED_DB / store_fname
        # Odoo's checksum of a stored file is its SHA-1
        if path.exists() and hashlib.sha1(path.read_bytes()).hexdigest() == checksum:
            good += 1
    check(
        "a family's documents are readable in the restored filestore "
        "(content checksums)",
        rows and good == len(rows),
        f"{good}/{len(rows)}",
    )
    # a login on the restored database, through its own Odoo
    conf = node_conf(
        "restored",
        PORTS["restored_http"],
        PORTS["restored_http"] + 1,
        0,
        db=RESTORED_DB,
        replica=False,
    )
    try:
        start_node("restored", conf, PORTS["restored_http"])
        client = session(f"http://{HOST}:{PORTS['restored_http']}")
        _first, second = login(client, user)
        page = get(client, "/my/famiglie")
        check(
            "a coordinator logs in (with the second factor) on the restored database",
            second is not None
            and page.status_code == 200
            and FAMILY_LINK.search(page.text),
            f"{page.status_code}",
        )
    finally:
        stop_pid("restored")


def entries_of(login_name, case_id):
    return pg_query(
        PORTS["pg_primary"],
        "SELECT count(*) FROM family_access_log l JOIN res_users u ON u.id = l.user_id"
        " WHERE u.login = %s AND l.case_id = %s",
        (login_name, int(case_id)),
        dbname=DB,
    )[0][0]


def check_primary_down(check, user):
    """The primary stops while the replica still answers: a family page
    (read on the replica) must fail, since its access-log entry cannot be
    written; once the primary is back, the same page is served and logged."""
    client = session()
    login(client, user)
    case_id = FAMILY_LINK.findall(get(client, "/my/famiglie").text)[0]
    reference = pg_query(
        PORTS["pg_primary"],
        "SELECT reference FROM family_case WHERE id = %s",
        (int(case_id),),
        dbname=DB,
    )[0][0]
    before = entries_of(user["login"], case_id)
    pg_ctl("primary", "stop")
    try:
        down = get(client, f"/my/famiglie/{case_id}")
        replica_up = pg_query(PORTS["pg_replica"], "SELECT pg_is_in_recovery()")
    finally:
        pg_ctl("primary", "start")
    check(
        "with the primary down (the replica up), a family page is refused, "
        "not served unlogged",
        replica_up == [(True,)]
        and down.status_code >= 500
        and reference not in down.text
        and entries_of(user["login"], case_id) == before,
        f"HTTP {down.status_code}",
    )
    deadline = time.time() + 60
    while time.time() < deadline and not replication_status():
        time.sleep(1)
    again = get(client, f"/my/famiglie/{case_id}")
    check(
        "the primary back, the page is served and logged",
        again.status_code == 200
        and reference in again.text
        and entries_of(user["login"], case_id) == before + 1,
        f"HTTP {again.status_code}",
    )


def cmd_check(_args):
    users = load_users()
    coordinator = users["portal"][0]
    check = Checks()
    check_https(check)
    check_totp(check, coordinator)
    check_sessions(check, coordinator)
    check_access_log_on_replica(check, users)
    check_backup_restore(check, users["portal"][2])
    check_primary_down(check, users["portal"][6])
    # last: it puts the test's address on cooldown for a minute
    check_brute_force(check, users["portal"][3])
    if check.failed:
        say(f"check: {len(check.failed)} FAILED: {'; '.join(check.failed)}")
        return 1
    say("check: all ok")
    return 0


# ---------------------------------------------------------------------------
# down, status
# ---------------------------------------------------------------------------


def cmd_down(args):
    if not DIR.exists():
        say(f"nothing to stop ({DIR} does not exist)")
        return 0
    if (RUN / "nginx.pid").exists():
        pid = int((RUN / "nginx.pid").read_text().strip() or 0)
        if pid and pid_alive(pid):
            os.kill(pid, signal.SIGQUIT)
            for _ in range(50):
                if not pid_alive(pid):
                    break
                time.sleep(0.2)
            say(f"stopped nginx (pid {pid})")
    for name in ("restored", *NODES):
        stop_pid(name)
    for name in ("replica", "primary"):
        if (PG_DIR / name / "postmaster.pid").exists():
            pg_ctl(name, "stop")
            say(f"stopped PostgreSQL {name}")
    if args.keep:
        say(f"kept {DIR}")
    else:
        shutil.rmtree(DIR)
        say(f"removed {DIR}")
    return 0


def cmd_status(_args):
    if not DIR.exists():
        say("down")
        return 0
    for name in ("nginx", *NODES):
        pidfile = RUN / f"{name}.pid"
        pid = int(pidfile.read_text().strip()) if pidfile.exists() else 0
        say(
            f"{name}: "
            + (f"running, pid {pid}" if pid and pid_alive(pid) else "stopped")
        )
    for name in ("primary", "replica"):
        say(
            f"PostgreSQL {name}: "
            + ("running" if (PG_DIR / name / "postmaster.pid").exists() else "stopped")
        )
    with contextlib.suppress(Exception):
        say(f"pg_stat_replication: {replication_status()}")
        say(f"replica pg_stat_database: {replica_stats()}")
    return 0


def cmd_all(args):
    code = 1
    try:
        cmd_up(args)
        load = cmd_load(args)
        checked = cmd_check(args)
        code = load or checked
    except NotOurs:
        raise  # another run's set: left as it is
    except BaseException:
        args.keep = bool(os.environ.get("FAMIGLIE_DISTRICT_KEEP"))
        cmd_down(args)
        raise
    args.keep = bool(os.environ.get("FAMIGLIE_DISTRICT_KEEP"))
    cmd_down(args)
    say("district: all ok" if code == 0 else "district: FAILED (see above)")
    return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "status"):
        sub.add_parser(name)
    for name in ("up", "load", "all"):
        cmd = sub.add_parser(name)
        # half the load test's default 50 + 20: the whole set (two nodes,
        # two clusters, nginx) and the load tool share one machine
        cmd.add_argument(
            "--portal", type=int, default=25, help="the load test's portal users"
        )
        cmd.add_argument(
            "--backoffice",
            type=int,
            default=10,
            help="the load test's back-office users (a fifth finance clerks)",
        )
        cmd.add_argument(
            "--duration",
            type=int,
            default=int(os.environ.get("FAMIGLIE_DISTRICT_DURATION") or 150),
            help="seconds of load (the users start one a second)",
        )
    down = sub.add_parser("down")
    down.add_argument("--keep", action="store_true", help="keep the folder (logs)")
    args = parser.parse_args()
    try:
        if not os.environ.get(famiglie.INNER):
            python = famiglie.bootstrap()
            env = dict(os.environ, **{famiglie.INNER: "1"})
            argv = [python, str(Path(__file__).resolve()), *sys.argv[1:]]
            os.execve(argv[0], argv, env)
        return {
            "up": cmd_up,
            "load": cmd_load,
            "check": cmd_check,
            "down": cmd_down,
            "status": cmd_status,
            "all": cmd_all,
        }[args.command](args)
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return 2
    except subprocess.CalledProcessError as exc:
        print(
            f"ERROR: command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
