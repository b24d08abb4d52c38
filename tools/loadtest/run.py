"""``make loadtest``: load and faults on Odoo in production mode.

Run inside Odoo's virtual environment by tools/famiglie.py (``famiglie.py
loadtest``). Subcommands (a stable interface: the district deployment calls
them):

``prepare --dsn DSN --db NAME [--cases N] [--data-dir DIR]``
    create the database on the PostgreSQL server of ``DSN``, install the addon
    without demo data, grow the data with tools/bench_data.py and give the
    load's users known passwords; the users go to ``var/loadtest/users-NAME.json``.
``load --url URL --dsn DSN --db NAME --duration SECONDS``
    ``[--portal 50] [--backoffice 20] [--out DIR]``
    only the load (Locust, headless) against any server, then the checks on
    the written data and the report; ``DIR/reads.jsonl`` lists the family
    reads the server answered, for the caller to find in the access log.
``all`` (the default, what ``make loadtest`` runs)
    a temporary PostgreSQL cluster (initdb in a temporary folder, its own
    port), prepare, Odoo in prefork mode on loopback, the load with the
    faults injected at set times, the checks, the report; everything is torn
    down at the end, on Ctrl-C and on failure.
``job statement|retention ...``
    (internal) the statement builder or the retention job in its own
    process, as its button or its cron runs it, so that it can be killed.
"""

import argparse
import contextlib
import getpass
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import famiglie  # noqa: E402
from famiglie import ADDON, REPO, UserError, say  # noqa: E402

LOCUST_VENV = Path(
    os.environ.get("FAMIGLIE_LOADTEST_VENV") or famiglie.HOME / "loadtest-venv"
)
LOCUSTFILE = HERE / "locustfile.py"
OUT_DIR = REPO / "var" / "loadtest"
DEFAULT_CASES = 3000
PASSWORD_NOTE = "every load user's password is its login (a test database only)"
MARKER_PREFIX = "LT-"
# The page Odoo serves while PostgreSQL cannot be reached (models/http_outage.py)
OUTAGE_MARK = 'id="famiglie-service-unavailable"'
# Targets of issue 14
TARGET_PORTAL_P95 = 0.500
RECOVERY_LIMIT = 60.0
# users started per second (70 users: 70 s), as people arrive at work; a
# login costs Odoo about half a second of CPU (its password hash)
RAMP_PER_S = 1
# the faults need this long after the ramp-up (see Faults.__call__)
FAULTS_SECONDS = 150


def ramp_seconds(users):
    return users / RAMP_PER_S


def log(msg):
    say(f"[loadtest {time.strftime('%H:%M:%S')}] {msg}")


# ---------------------------------------------------------------------------
# PostgreSQL: the server of a DSN, a temporary cluster
# ---------------------------------------------------------------------------


def use_dsn(dsn):
    """Point libpq (psycopg2, Odoo's subprocesses) at the server of ``dsn``."""
    from psycopg2.extensions import parse_dsn

    params = parse_dsn(dsn or "")
    for key, var in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("sslmode", "PGSSLMODE"),
    ):
        if params.get(key):
            os.environ[var] = str(params[key])
    if params.get("dbname"):
        del params["dbname"]
    return params


def connect(db, autocommit=True):
    import psycopg2

    conn = psycopg2.connect(dbname=db, connect_timeout=5)
    conn.autocommit = autocommit
    return conn


def pg_bindir():
    """The binaries of the newest PostgreSQL installed (initdb, pg_ctl)."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name)
        if p.parent.parent.name.isdigit()
        else 0,
    )
    if not candidates:
        raise UserError(
            "initdb not found: install PostgreSQL's server package "
            "(Debian: postgresql) or put its bin folder on the PATH."
        )
    return candidates[-1].parent


def free_port(start, stop):
    for port in range(start, stop + 1):
        if not famiglie.port_in_use(port):
            return port
    raise UserError(f"No free port between {start} and {stop}.")


class Cluster:
    """A PostgreSQL cluster of its own, in a temporary folder.

    initdb and the server refuse to run as root: as root they run as the
    ``postgres`` system user (the folder is given to it). The cluster's
    superuser is named after the user running the load test, so Odoo and
    psycopg2 connect with the usual defaults (trust on loopback only).
    """

    def __init__(self, root, port):
        self.root = Path(root) / "pg"
        self.data = self.root / "data"
        self.logfile = self.root / "postgresql.log"
        self.port = port
        self.bindir = pg_bindir()
        self.as_user = "postgres" if os.geteuid() == 0 else None
        self.user = getpass.getuser()

    def _cmd(self, *args):
        cmd = [str(self.bindir / args[0]), *map(str, args[1:])]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return cmd

    def _run(self, *args, timeout=120):
        res = subprocess.run(
            self._cmd(*args), capture_output=True, text=True, timeout=timeout
        )
        if res.returncode != 0:
            raise UserError(
                f"{args[0]} failed ({res.returncode}): "
                f"{(res.stderr or res.stdout).strip()[-400:]}"
            )
        return res

    def init(self):
        self.root.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.root, self.as_user, self.as_user)
            os.chmod(self.root.parent, 0o755)
        self._run(
            "initdb",
            "-D",
            self.data,
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        conf = self.data / "postgresql.conf"
        with open(conf, "a", encoding="utf-8") as out:
            out.write(
                "\n# famiglie loadtest\n"
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                "max_connections = 200\n"
                "shared_buffers = 256MB\n"
                "work_mem = 16MB\n"
                "maintenance_work_mem = 128MB\n"
                "effective_cache_size = 1GB\n"
                # durability stays on: the test is about losing nothing
                "fsync = on\n"
                "synchronous_commit = on\n"
                "log_min_messages = warning\n"
            )

    def env(self):
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": self.user}

    @property
    def dsn(self):
        return f"host=127.0.0.1 port={self.port} user={self.user}"

    def start(self):
        self._run(
            "pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", "60", "start"
        )

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def running(self):
        res = subprocess.run(
            self._cmd("pg_ctl", "-D", self.data, "status"),
            capture_output=True,
            text=True,
        )
        return res.returncode == 0


# ---------------------------------------------------------------------------
# prepare: the database, its data and the load's users
# ---------------------------------------------------------------------------


def users_file(db):
    return OUT_DIR / f"users-{db}.json"


def prepare(db, cases, data_dir, portal_count=50, backoffice_count=20, fresh=False):
    """Create ``db`` with the addon and the data, and the load's users."""
    import bench
    import bench_data

    famiglie.DATA_DIR = Path(data_dir)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    famiglie.pg_connect().close()
    if famiglie.db_exists(db):
        if not fresh and users_file(db).exists():
            log(f"{db} exists and {users_file(db)} too: kept (--fresh remakes it)")
            return json.loads(users_file(db).read_text())
        famiglie.drop_db(db)
    started = time.time()
    log(f"Creating {db} with {ADDON} (no demo data) ...")
    famiglie.LOG_DIR.mkdir(parents=True, exist_ok=True)
    famiglie.install_addon(db, famiglie.LOG_DIR / "loadtest-install.log")
    # the Comune works in Italian: the pages are rendered with the translations
    res = subprocess.run(
        famiglie.odoo_cmd(
            "-d",
            db,
            "--load-language=it_IT",
            "--stop-after-init",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--logfile={famiglie.LOG_DIR / 'loadtest-install.log'}",
        ),
        check=False,
    )
    if res.returncode != 0:
        raise UserError(
            "Loading the Italian language failed: see var/log/loadtest-install.log"
        )
    t_install = time.time() - started
    sz = bench_data.sizes_for(cases)
    log(
        f"Generating {cases:,} cases, ~{sz['interventions']:,} interventions "
        f"(tools/bench_data.py) ..."
    )
    rng = random.Random(20240612)
    env = bench.odoo_env(db)
    env = env(context=bench_data.CONTEXT)
    try:
        conf = bench_data.setup_config(env, rng, sz)
        bulk = bench_data.generate_bulk(env, rng, sz, conf)
        statement_id = bench_data.create_statement(env, conf, bulk)
        # Italian is the Comune's language: the default of new contacts, so
        # the portal's addresses carry no /it/ prefix
        env["ir.default"].set("res.partner", "lang", "it_IT")
        # a family's document in the filestore (the district's backup check
        # restores it and compares its checksum)
        env["ir.attachment"].create(
            {
                "name": "relazione_sociale.txt",
                "raw": b"Rete Famiglie: documento di prova del carico\n",
                "res_model": "family.case",
                "res_id": env["family.case"].search([], limit=1, order="id").id,
            }
        )
        users = load_users(env, conf, portal_count, backoffice_count)
        users["statement_id"] = statement_id
        # The retention job of the test is the one the test runs (and kills):
        # the scheduled one waits until tomorrow.
        env.ref("odoo_famiglie_rete.ir_cron_family_case_anonymize").write(
            {"nextcall": datetime.now() + timedelta(days=1)}
        )
        env.cr.commit()
    finally:
        env.cr.close()
    conn = connect(db)
    with conn.cursor() as cr:
        cr.execute("VACUUM ANALYZE")
    conn.close()
    users.update(
        db=db,
        cases=cases,
        prepared_on=date.today().isoformat(),
        seconds={"install": round(t_install), "total": round(time.time() - started)},
        note=PASSWORD_NOTE,
    )
    users_file(db).write_text(json.dumps(users, indent=1))
    log(f"{db} ready in {time.time() - started:.0f}s; users: {users_file(db)}")
    return users


ROLE_NAMES = {"sw": "Assistente sociale", "fin": "Ufficio amministrativo"}


def load_users(env, conf, portal_count, backoffice_count):
    """50 portal users (the associations' coordinators, then volunteers) and
    20 back-office users (social workers, and finance clerks for the
    statements), each with its login as password."""
    Users = env["res.users"].with_context(no_reset_password=True)
    company = conf["company_a"]
    internal = env.ref("base.group_user").id
    sw_g = env.ref("odoo_famiglie_rete.group_family_social_worker").id
    fin_g = env.ref("odoo_famiglie_rete.group_family_finance").id
    # coordinators first, then volunteers (the role is in the data's keys)
    portal_ids = sorted(
        (role != "coordinator", uid)
        for (_assoc, role), uids in conf["portal"].items()
        for uid in uids
    )
    portal = env["res.users"].browse([uid for _, uid in portal_ids[:portal_count]])
    n_finance = max(1, backoffice_count // 5)
    n_social = backoffice_count - n_finance
    office = env["res.users"]
    for role, count, group in (("sw", n_social, sw_g), ("fin", n_finance, fin_g)):
        for n in range(1, count + 1):
            office |= Users.create(
                {
                    "name": f"Carico {ROLE_NAMES[role]} {n:02d}",
                    "login": f"load.{role}.{n:02d}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [internal, group])],
                }
            )
    for user in portal | office:
        user.sudo().write({"password": user.login, "lang": "it_IT"})
    env.cr.execute(
        """SELECT id FROM family_case
            WHERE company_id = %s AND NOT is_closed AND NOT restricted
         ORDER BY id""",
        (company.id,),
    )
    open_cases = [r[0] for r in env.cr.fetchall()]
    types = env["family.intervention.type"].search([]).ids
    return {
        "portal": [
            {"login": u.login, "password": u.login, "role": u.family_portal_role}
            for u in portal
        ],
        "backoffice": [
            {
                "login": u.login,
                "password": u.login,
                "role": "social_worker" if ".sw." in u.login else "finance",
            }
            for u in office
        ],
        "open_cases": open_cases,
        "types": types,
    }


# ---------------------------------------------------------------------------
# Odoo in production mode
# ---------------------------------------------------------------------------


def odoo_bin():
    import odoo

    root = Path(odoo.__file__).resolve().parent.parent
    for candidate in (root / "odoo-bin", Path(sys.executable).parent / "odoo"):
        if candidate.exists():
            return str(candidate)
    raise UserError("odoo-bin not found next to the odoo package.")


class OdooServer:
    """Odoo with prefork workers, the gevent worker and the limits."""

    def __init__(self, db, data_dir, http_port, gevent_port, workers, logfile):
        self.db = db
        self.http_port = http_port
        self.gevent_port = gevent_port
        self.logfile = Path(logfile)
        self.cmd = [
            sys.executable,
            odoo_bin(),
            f"--addons-path={famiglie.addons_path()}",
            f"--data-dir={data_dir}",
            "-d",
            db,
            f"--db-filter=^{re.escape(db)}$",
            "--no-database-list",
            # server-wide: the page of models/http_outage.py is served even
            # by a worker that never reached the database
            f"--load=base,web,{ADDON}",
            f"--workers={workers}",
            "--max-cron-threads=1",
            "--limit-memory-soft=1610612736",
            "--limit-memory-hard=2147483648",
            "--limit-time-cpu=60",
            "--limit-time-real=120",
            "--limit-request=8192",
            "--db_maxconn=16",
            "--http-interface=127.0.0.1",
            f"--http-port={http_port}",
            f"--gevent-port={gevent_port}",
            f"--logfile={self.logfile}",
            "--log-level=info",
        ]
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self):
        self.logfile.unlink(missing_ok=True)
        self.proc = subprocess.Popen(self.cmd, start_new_session=True)
        deadline = time.time() + 180
        import urllib.request

        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise UserError(f"Odoo stopped at start: see {self.logfile}")
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=10) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise UserError(f"Odoo did not answer within 3 minutes: see {self.logfile}")

    def http_workers(self):
        """The live HTTP workers (children of the master, from its log)."""
        import psutil

        text = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
        pids = [int(p) for p in re.findall(r"Worker WorkerHTTP \((\d+)\) alive", text)]
        children = {c.pid for c in psutil.Process(self.proc.pid).children()}
        return [p for p in dict.fromkeys(pids) if p in children]

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


# ---------------------------------------------------------------------------
# The statement builder and the retention job, in processes of their own
# ---------------------------------------------------------------------------

JOB_APP = "famiglie-loadtest-{job}"


def job_main(args):
    """Inside a process of its own: run the job as its button or cron does."""
    import bench

    famiglie.DATA_DIR = Path(args.data_dir)
    env = bench.odoo_env(args.db)
    try:
        if args.job == "statement":
            statement = env["family.compensation"].browse(args.statement_id)
            finance = env["res.users"].search([("login", "=", args.as_login)], limit=1)
            statement.with_user(finance or env.user).action_compute_lines()
            env.cr.commit()
            print(
                json.dumps({"done": True, "lines": len(statement.line_ids)}), flush=True
            )
        else:
            batches = 0
            due = due_cases(env.cr)
            while due:
                # as the cron runs it: one batch per transaction
                env["family.case"]._cron_anonymize(batch_size=args.batch)
                env.cr.commit()
                batches += 1
                remaining = due_cases(env.cr)
                print(
                    json.dumps({"committed": batches, "remaining": len(remaining)}),
                    flush=True,
                )
                if len(remaining) >= len(due):
                    raise UserError("The retention job anonymised nothing in a batch.")
                due = remaining
            print(json.dumps({"done": True, "batches": batches}), flush=True)
    finally:
        env.cr.close()
    return 0


def due_cases(cr):
    cr.execute(
        """SELECT c.id FROM family_case c
             JOIN res_company co ON co.id = c.company_id
            WHERE c.is_closed AND NOT COALESCE(c.anonymized, false)
              AND c.date_closed IS NOT NULL AND co.family_retention_years > 0
              AND c.date_closed < (CURRENT_DATE
                  - make_interval(years => co.family_retention_years))
         ORDER BY c.id"""
    )
    return [r[0] for r in cr.fetchall()]


class Job:
    def __init__(self, name, db, data_dir, extra):
        self.name = name
        self.app = JOB_APP.format(job=name)
        self.cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "job",
            name,
            "--db",
            db,
            "--data-dir",
            str(data_dir),
            *map(str, extra),
        ]
        self.lines = []
        self.proc = None

    def start(self):
        env = dict(os.environ, ODOO_PGAPPNAME=self.app, **{famiglie.INNER: "1"})
        self.proc = subprocess.Popen(
            self.cmd, stdout=subprocess.PIPE, text=True, env=env
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.lines.append(json.loads(line))

    def run(self, timeout=900):
        self.start()
        rc = self.proc.wait(timeout)
        time.sleep(0.2)
        return rc, self.lines

    def writing_backend(self, conn):
        """(pid, query) of the job's backend once its transaction has written."""
        with conn.cursor() as cr:
            cr.execute(
                """SELECT pid, left(regexp_replace(query, '\\s+', ' ', 'g'), 60)
                     FROM pg_stat_activity
                    WHERE application_name = %s AND backend_xid IS NOT NULL""",
                (self.app,),
            )
            return cr.fetchone()

    def kill_halfway(self, conn, after_commits=0, timeout=300):
        """SIGKILL the job once its open transaction has written rows (and,
        for the retention job, after ``after_commits`` committed batches):
        work done, nothing committed of the current transaction."""
        self.start()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return {
                    "killed": False,
                    "why": "finished before it could be killed",
                    "output": self.lines,
                }
            commits = sum(1 for line in self.lines if "committed" in line)
            found = self.writing_backend(conn)
            if found and commits >= after_commits:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                # the server notices the client is gone at its next message;
                # wait until the transaction is rolled back
                for _ in range(600):
                    with conn.cursor() as cr:
                        cr.execute(
                            "SELECT count(*) FROM pg_stat_activity"
                            " WHERE application_name = %s",
                            (self.app,),
                        )
                        if not cr.fetchone()[0]:
                            break
                    with conn.cursor() as cr:
                        cr.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = %s AND state LIKE 'idle%%'",
                            (self.app,),
                        )
                    time.sleep(0.1)
                return {
                    "killed": True,
                    "at": time.time(),
                    "commits_before": commits,
                    "query_running": found[1],
                }
            time.sleep(0.01)
        self.proc.kill()
        return {"killed": False, "why": "it never wrote within the timeout"}


# ---------------------------------------------------------------------------
# The load (Locust, in its own virtual environment)
# ---------------------------------------------------------------------------


def locust_python():
    python = LOCUST_VENV / "bin" / "python"
    req = HERE / "requirements.txt"
    stamp = LOCUST_VENV / ".requirements"
    if python.exists() and stamp.exists() and stamp.read_text() == req.read_text():
        return python
    base = getattr(sys, "_base_executable", None) or shutil.which("python3")
    log(f"Creating the load tool's environment {LOCUST_VENV} (Locust, once) ...")
    subprocess.run([base, "-m", "venv", "--clear", str(LOCUST_VENV)], check=True)
    famiglie.LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(famiglie.LOG_DIR / "loadtest-venv.log", "w", encoding="utf-8") as pip_log:
        res = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-r",
                str(req),
            ],
            stdout=pip_log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if res.returncode != 0:
        raise UserError(
            f"Installing Locust into {LOCUST_VENV} failed: "
            "see var/log/loadtest-venv.log"
        )
    stamp.write_text(req.read_text())
    return python


def run_locust(url, users, out, duration, portal, backoffice, think, faults=None):
    """Locust headless; ``faults`` runs in this process meanwhile."""
    python = locust_python()
    locust = python.parent / "locust"
    out.mkdir(parents=True, exist_ok=True)
    users_path = out / "users.json"
    users_path.write_text(json.dumps(users))
    env = dict(
        os.environ,
        LOADTEST_USERS=str(users_path),
        LOADTEST_EVENTS=str(out / "requests.jsonl"),
        LOADTEST_LEDGER=str(out / "ledger.jsonl"),
        LOADTEST_READS=str(out / "reads.jsonl"),
        LOADTEST_PORTAL=str(portal),
        LOADTEST_BACKOFFICE=str(backoffice),
        LOADTEST_THINK=think,
        LOADTEST_OUTAGE_MARK=OUTAGE_MARK,
        LOADTEST_MARKER=MARKER_PREFIX,
    )
    for var in (famiglie.INNER, "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(var, None)
    total = portal + backoffice
    cmd = [
        str(locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(total),
        "-r",
        str(RAMP_PER_S),
        "-t",
        f"{int(duration)}s",
        "--stop-timeout",
        "20",
        "--host",
        url,
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log(
        f"Load: {portal} portal users and {backoffice} back-office users "
        f"for {duration}s on {url}"
    )
    started = time.time()
    with open(out / "locust.log", "w", encoding="utf-8") as logf:
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT)
        timeline = []
        try:
            if faults:
                timeline = faults(started)
            rc = proc.wait(duration + 120)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(30)
                if proc.poll() is None:
                    proc.kill()
    if rc not in (0, 1):
        raise UserError(f"Locust failed ({rc}): see {out / 'locust.log'}")
    return started, time.time(), timeline


# ---------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------


class CpuMeter:
    """CPU seconds used by Odoo's processes and PostgreSQL's during the load.

    Sampled every two seconds per process: a killed worker keeps what it had
    used when last seen; a process born during the load counts from zero.
    """

    def __init__(self, odoo_pid, pg_data):
        self.odoo_pid = odoo_pid
        self.pg_data = Path(pg_data)
        self.seen = {"odoo": {}, "postgres": {}}
        self.first = {"odoo": {}, "postgres": {}}
        self.initial = {"odoo": set(), "postgres": set()}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _procs(self):
        import psutil

        out = {"odoo": [], "postgres": []}
        with contextlib.suppress(psutil.Error):
            master = psutil.Process(self.odoo_pid)
            out["odoo"] = [master, *master.children(recursive=True)]
        with contextlib.suppress(psutil.Error, OSError, ValueError, IndexError):
            pid = int((self.pg_data / "postmaster.pid").read_text().split()[0])
            post = psutil.Process(pid)
            out["postgres"] = [post, *post.children(recursive=True)]
        return out

    def sample(self):
        import psutil

        for side, procs in self._procs().items():
            for proc in procs:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    key = (proc.pid, proc.create_time())
                    used = times.user + times.system
                    self.first[side].setdefault(key, used)
                    self.seen[side][key] = used

    def _loop(self):
        while not self.stop.wait(2):
            self.sample()

    @staticmethod
    def _machine():
        """Busy CPU seconds of the whole machine, and of this process's
        finished children (the load tool, the jobs)."""
        import resource

        import psutil

        t = psutil.cpu_times()
        busy = sum(t) - t.idle - getattr(t, "iowait", 0)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return busy, kids.ru_utime + kids.ru_stime

    def start(self):
        self.sample()
        self.initial = {side: set(keys) for side, keys in self.seen.items()}
        self.machine0 = self._machine()
        self.thread.start()

    def result(self):
        self.stop.set()
        self.sample()
        out = {
            side: round(
                sum(
                    used - (self.first[side][key] if key in self.initial[side] else 0)
                    for key, used in self.seen[side].items()
                ),
                1,
            )
            for side in self.seen
        }
        busy, kids = self._machine()
        out["load_tool_and_jobs"] = round(kids - self.machine0[1], 1)
        out["machine_busy"] = round(busy - self.machine0[0], 1)
        # what other programs of the machine took meanwhile
        out["other_programs"] = round(
            max(
                0.0,
                out["machine_busy"]
                - out["odoo"]
                - out["postgres"]
                - out["load_tool_and_jobs"],
            ),
            1,
        )
        return out


class Faults:
    """Each fault at its time, in the order of the issue."""

    def __init__(self, cluster, server, db, data_dir, users, outage, duration):
        self.cluster = cluster
        self.server = server
        self.db = db
        self.data_dir = data_dir
        self.users = users
        self.outage = outage
        self.duration = duration
        self.ramp = ramp_seconds(len(users["portal"]) + len(users["backoffice"]))
        self.timeline = []
        self.facts = {}

    def mark(self, name, start, end=None, **info):
        self.timeline.append(
            {"name": name, "start": start, "end": end or start, **info}
        )
        log(f"fault {name}: {info or ''}")

    def wait_until(self, t0, offset):
        delay = t0 + offset - time.time()
        if delay > 0:
            time.sleep(delay)

    def __call__(self, t0):
        # after the ramp-up, 30 s apart; the jobs' re-runs once PostgreSQL
        # is back
        start = self.ramp + 15
        for offset, fault in (
            (start, self.kill_worker),
            (start + 30, self.statement_halfway),
            (start + 60, self.retention_halfway),
            (start + 90, self.restart_postgres),
            (start + 90, self.complete_jobs),
        ):
            self.wait_until(t0, offset)
            try:
                fault()
            except Exception as exc:  # noqa: BLE001 - reported as a failed check
                log(f"fault {fault.__name__} failed: {exc!r}")
                self.facts.setdefault("fault_errors", []).append(
                    f"{fault.__name__}: {exc!r}"
                )
        return self.timeline

    def kill_worker(self):
        import psutil

        workers = self.server.http_workers()
        if not workers:
            self.mark("worker killed", time.time(), error="no HTTP worker found")
            return
        pid = random.choice(workers)
        t = time.time()
        os.kill(pid, signal.SIGKILL)
        # the master notices and forks a new one
        replaced = None
        for _ in range(100):
            time.sleep(0.1)
            live = self.server.http_workers()
            children = {c.pid for c in psutil.Process(self.server.proc.pid).children()}
            if pid not in children and len([p for p in live if p != pid]) >= len(
                workers
            ):
                replaced = time.time() - t
                break
        self.facts["worker"] = {"pid": pid, "replaced_after_s": replaced}
        self.mark("worker killed", t, t + 1.0, pid=pid, replaced_after_s=replaced)

    def statement_halfway(self):
        with contextlib.closing(connect(self.db)) as conn:
            self._statement_halfway(conn)

    def _statement_halfway(self, conn):
        sid = self.users["statement_id"]
        finance = next(
            u["login"] for u in self.users["backoffice"] if u["role"] == "finance"
        )
        job = Job(
            "statement",
            self.db,
            self.data_dir,
            ["--statement-id", sid, "--as-login", finance],
        )
        t = time.time()
        before = check_statement(self.db, sid)
        result = job.kill_halfway(conn)
        after = check_statement(self.db, sid)
        result.update(
            lines_before=before["lines"],
            lines_after_kill=after["lines"],
            total_after_kill=after["amount_total"],
            consistent_after_kill=statement_consistent(after),
            unchanged=(before["lines"], before["amount_total"])
            == (after["lines"], after["amount_total"]),
        )
        self.facts["statement_kill"] = result
        self.mark("statement builder killed", t, time.time(), **result)

    def retention_halfway(self):
        with contextlib.closing(connect(self.db)) as conn:
            self._retention_halfway(conn)

    def _retention_halfway(self, conn):
        with conn.cursor() as cr:
            due = due_cases(cr)
            cr.execute(
                "SELECT case_id, count(*) FROM family_case_member "
                "WHERE case_id = ANY(%s) GROUP BY case_id",
                (due,),
            )
            members = dict(cr.fetchall())
        batch = max(1, len(due) // 5)
        self.facts["retention_due"] = {
            "cases": len(due),
            "batch": batch,
            "members": members,
        }
        job = Job("retention", self.db, self.data_dir, ["--batch", batch])
        t = time.time()
        result = job.kill_halfway(conn, after_commits=1)
        self.facts["retention_kill"] = result
        self.mark("retention job killed", t, time.time(), **result)

    def restart_postgres(self):
        t = time.time()
        self.cluster.stop("fast")
        stopped = time.time()
        time.sleep(self.outage)
        self.cluster.start()
        end = time.time()
        self.facts["postgres"] = {"stop_s": stopped - t, "down_s": end - stopped}
        self.mark("postgres restarted", t, end, down_s=round(end - stopped, 1))

    def complete_jobs(self):
        # PostgreSQL is back: let the load run a little before the re-runs
        time.sleep(10)
        sid = self.users["statement_id"]
        finance = next(
            u["login"] for u in self.users["backoffice"] if u["role"] == "finance"
        )
        t = time.time()
        rc, out = Job(
            "statement",
            self.db,
            self.data_dir,
            ["--statement-id", sid, "--as-login", finance],
        ).run()
        self.facts["statement_rerun"] = {"rc": rc, "output": out, "s": time.time() - t}
        self.mark("statement builder re-run", t, time.time(), rc=rc)
        t = time.time()
        batch = self.facts.get("retention_due", {}).get("batch", 200)
        rc, out = Job("retention", self.db, self.data_dir, ["--batch", batch]).run()
        self.facts["retention_rerun"] = {"rc": rc, "output": out, "s": time.time() - t}
        self.mark("retention job re-run", t, time.time(), rc=rc)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def read_jsonl(path):
    rows = []
    if Path(path).exists():
        with open(path, encoding="utf-8") as f:
            for line in f:
                with contextlib.suppress(ValueError):
                    rows.append(json.loads(line))
    return rows


def check_writes(db, ledger):
    """Every acknowledged write is in the database once; none is twice."""
    conn = connect(db)
    found = {}
    with conn.cursor() as cr:
        cr.execute(
            "SELECT name FROM family_intervention WHERE name LIKE %s",
            (MARKER_PREFIX + "%",),
        )
        for (name,) in cr.fetchall():
            found[name] = found.get(name, 0) + 1
        cr.execute(
            "SELECT body FROM mail_message"
            " WHERE model = 'family.case' AND body LIKE %s",
            ("%" + MARKER_PREFIX + "%",),
        )
        for (body,) in cr.fetchall():
            for marker in set(
                re.findall(re.escape(MARKER_PREFIX) + r"[0-9a-f-]{36}", body)
            ):
                found[marker] = found.get(marker, 0) + 1
    conn.close()
    acked = [w for w in ledger if w.get("ack")]
    failed = [w for w in ledger if not w.get("ack")]
    lost = [w["marker"] for w in acked if found.get(w["marker"], 0) == 0]
    twice = sorted(m for m, n in found.items() if n > 1)
    failed_present = sum(1 for w in failed if found.get(w["marker"], 0))
    by_kind = {}
    for w in ledger:
        k = by_kind.setdefault(w["kind"], {"acknowledged": 0, "failed": 0})
        k["acknowledged" if w.get("ack") else "failed"] += 1
    return {
        "acknowledged": len(acked),
        "failed": len(failed),
        "failed_but_present": failed_present,
        "lost": lost,
        "twice": twice,
        "by_kind": by_kind,
    }


def check_statement(db, sid):
    conn = connect(db)
    with conn.cursor() as cr:
        cr.execute(
            """SELECT s.amount_total, count(l.id), COALESCE(sum(l.amount), 0),
                      count(l.id) FILTER (WHERE i.compensation_id IS DISTINCT FROM s.id)
                 FROM family_compensation s
            LEFT JOIN family_compensation_line l ON l.compensation_id = s.id
            LEFT JOIN family_intervention i ON i.id = l.intervention_id
                WHERE s.id = %s GROUP BY s.id""",
            (sid,),
        )
        total, lines, line_sum, unlinked = cr.fetchone()
        cr.execute(
            """SELECT count(*) FROM family_intervention i
                WHERE i.compensation_id IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM family_compensation_line l
                       WHERE l.intervention_id = i.id
                         AND l.compensation_id = i.compensation_id)"""
        )
        dangling = cr.fetchone()[0]
        cr.execute(
            """SELECT count(*) FROM (
                 SELECT intervention_id FROM family_compensation_line
                  WHERE intervention_id IS NOT NULL
                    AND state IS DISTINCT FROM 'cancelled'
               GROUP BY intervention_id HAVING count(*) > 1) t"""
        )
        twice = cr.fetchone()[0]
    conn.close()
    return {
        "lines": lines,
        "amount_total": float(total or 0),
        "sum_of_lines": float(line_sum),
        "lines_whose_intervention_points_elsewhere": unlinked,
        "interventions_pointing_to_no_line": dangling,
        "interventions_in_two_live_statements": twice,
    }


def statement_consistent(st):
    """A statement is whole: its total is the sum of its lines, and its lines
    and its interventions point to each other."""
    return (
        abs(st["amount_total"] - st["sum_of_lines"]) < 0.005
        and not st["lines_whose_intervention_points_elsewhere"]
        and not st["interventions_pointing_to_no_line"]
    )


def check_retention(db, due_before):
    conn = connect(db)
    with conn.cursor() as cr:
        due = due_cases(cr)
        ids = list(map(int, due_before.get("members", {}))) or [0]
        cr.execute(
            """SELECT c.id, c.anonymized, count(m.id), c.name
                 FROM family_case c LEFT JOIN family_case_member m ON m.case_id = c.id
                WHERE c.id = ANY(%s) GROUP BY c.id""",
            (ids,),
        )
        rows = cr.fetchall()
    conn.close()
    members = {int(k): v for k, v in due_before.get("members", {}).items()}
    half = [
        cid
        for cid, anonymized, count, _name in rows
        if (anonymized and count) or (not anonymized and count != members.get(cid, 0))
    ]
    return {"due_after": len(due), "half_anonymised": half, "checked": len(rows)}


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

ERROR_KINDS_OK = {"ok"}


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)


def window_of(event, windows):
    start, end = event["t"], event["t"] + event["ms"] / 1000
    for w in windows:
        if start <= w["end"] + w.get("grace", 0) and end >= w["start"]:
            return w["name"]
    return None


def analyse(events, windows, started, ended, ramp_end):
    """Per action: throughput, p50/p95, errors by kind, in and out of the
    fault windows. The ramp-up (every user logging in) is no fault: its
    errors count, its times are given apart from the steady load's."""
    actions = {}
    for ev in events:
        ev["window"] = window_of(ev, windows)
        a = actions.setdefault(
            ev["name"],
            {
                "channel": ev.get("channel"),
                "n": 0,
                "ok_ms": [],
                "ramp_ms": [],
                "errors": {},
                "errors_in_windows": {},
                "n_in_windows": 0,
            },
        )
        a["n"] += 1
        if ev["window"]:
            a["n_in_windows"] += 1
            if ev["kind"] not in ERROR_KINDS_OK:
                key = f"{ev['kind']} ({ev['window']})"
                a["errors_in_windows"][key] = a["errors_in_windows"].get(key, 0) + 1
        elif ev["kind"] not in ERROR_KINDS_OK:
            a["errors"][ev["kind"]] = a["errors"].get(ev["kind"], 0) + 1
        elif ev["t"] < ramp_end:
            a["ramp_ms"].append(ev["ms"])
        else:
            a["ok_ms"].append(ev["ms"])
    seconds = max(ended - started, 1)
    table = []
    for name, a in sorted(
        actions.items(), key=lambda kv: (kv[1]["channel"] or "", kv[0])
    ):
        table.append(
            {
                "action": name,
                "channel": a["channel"],
                "requests": a["n"],
                "per_s": round(a["n"] / seconds, 2),
                "p50_ms": round(pct(a["ok_ms"], 50) or 0),
                "p95_ms": round(pct(a["ok_ms"], 95) or 0),
                "ramp_up_p95_ms": round(pct(a["ramp_ms"], 95) or 0),
                "errors_outside": a["errors"],
                "in_fault_windows": a["n_in_windows"],
                "errors_in_fault_windows": a["errors_in_windows"],
            }
        )
    return table


def recovery(events, pg_window):
    """Seconds from PostgreSQL's start to the first success, and to the
    moment every action succeeds again."""
    if not pg_window:
        return None
    after = sorted(
        (e for e in events if e["t"] >= pg_window["end"]), key=lambda e: e["t"]
    )
    first = next((e for e in after if e["kind"] == "ok"), None)
    last_error = None
    for e in after:
        if e["kind"] != "ok" and e["t"] < pg_window["end"] + RECOVERY_LIMIT * 2:
            last_error = e
    return {
        "first_success_s": round(first["t"] + first["ms"] / 1000 - pg_window["end"], 2)
        if first
        else None,
        "last_error_after_restart_s": round(last_error["t"] - pg_window["end"], 2)
        if last_error
        else 0.0,
        "last_error_kind": last_error["kind"] if last_error else None,
    }


def outage_pages(events, pg_window):
    """Every portal answer while PostgreSQL was down."""
    if not pg_window:
        return None
    seen = {}
    for e in events:
        if e.get("channel") != "portal" or e.get("window") != pg_window["name"]:
            continue
        seen[e["kind"]] = seen.get(e["kind"], 0) + 1
    return seen


def build_report(args, events, ledger, windows, facts, started, ended, db, users):
    ramp_end = started + ramp_seconds(args.portal + args.backoffice) + 10
    table = analyse(events, windows, started, ended, ramp_end)
    pg_window = next((w for w in windows if w["name"] == "postgres restarted"), None)
    checks = []

    def check(name, ok, detail):
        checks.append(
            {"check": name, "result": "PASS" if ok else "FAIL", "detail": detail}
        )

    writes = check_writes(db, ledger)
    check(
        "every acknowledged write is in the database",
        writes["acknowledged"] > 0 and not writes["lost"],
        f"{writes['acknowledged']} acknowledged, {len(writes['lost'])} missing"
        + (f" (e.g. {writes['lost'][:3]})" if writes["lost"] else ""),
    )
    check(
        "no write is in the database twice",
        not writes["twice"],
        f"{len(writes['twice'])} markers found more than once; "
        f"{writes['failed']} writes failed, {writes['failed_but_present']} of them "
        "reached the database anyway",
    )
    if "statement_kill" in facts or args.statement_id:
        sid = users.get("statement_id")
        kill = facts.get("statement_kill", {})
        st = check_statement(db, sid)
        rerun = facts.get("statement_rerun", {})
        check(
            "statement builder killed halfway leaves nothing",
            kill.get("killed")
            and kill.get("unchanged")
            and kill.get("consistent_after_kill"),
            f"killed while running {kill.get('query_running')!r}: "
            f"{kill.get('lines_before')} lines before, "
            f"{kill.get('lines_after_kill')} after, "
            f"total {kill.get('total_after_kill')}, "
            f"{'consistent' if kill.get('consistent_after_kill') else 'INCONSISTENT'}"
            if kill.get("killed")
            else f"not killed: {kill.get('why')}",
        )
        check(
            "statement complete after its re-run",
            rerun.get("rc") == 0
            and st["lines"] > 0
            and abs(st["amount_total"] - st["sum_of_lines"]) < 0.005
            and not st["lines_whose_intervention_points_elsewhere"]
            and not st["interventions_pointing_to_no_line"],
            f"{st['lines']} lines, total {st['amount_total']:.2f} = sum of lines "
            f"{st['sum_of_lines']:.2f}; re-run rc {rerun.get('rc')} in "
            f"{rerun.get('s', 0):.1f}s",
        )
        check(
            "no intervention in two live statements",
            st["interventions_in_two_live_statements"] == 0,
            f"{st['interventions_in_two_live_statements']} interventions in two",
        )
    if "retention_kill" in facts:
        kill = facts["retention_kill"]
        ret = check_retention(db, facts.get("retention_due", {}))
        rerun = facts.get("retention_rerun", {})
        check(
            "retention job killed halfway, then completes on its next run",
            kill.get("killed")
            and rerun.get("rc") == 0
            and ret["due_after"] == 0
            and not ret["half_anonymised"],
            (
                f"killed after {kill.get('commits_before')} committed batches"
                if kill.get("killed")
                else f"not killed: {kill.get('why')}"
            )
            + f"; re-run rc {rerun.get('rc')}: {ret['due_after']} cases still due, "
            f"{len(ret['half_anonymised'])} half anonymised of {ret['checked']}",
        )
    if "worker" in facts:
        w = facts["worker"]
        check(
            "a killed worker is replaced",
            w.get("replaced_after_s") is not None,
            f"worker {w.get('pid')} killed, "
            f"replaced after {w.get('replaced_after_s')}s",
        )
    if facts.get("fault_errors") is not None or windows:
        check(
            "every fault was injected",
            not facts.get("fault_errors"),
            "; ".join(facts.get("fault_errors") or [])
            or ", ".join(w["name"] for w in windows),
        )
    seen = outage_pages(events, pg_window)
    if pg_window:
        bad = {k: n for k, n in (seen or {}).items() if k not in ("ok", "outage_page")}
        check(
            "portal during the outage: the Italian page, never a traceback",
            not bad and (seen or {}).get("outage_page", 0) > 0,
            f"portal answers while PostgreSQL was down: {seen}",
        )
        rec = recovery(events, pg_window)
        check(
            "the service recovers by itself",
            rec["first_success_s"] is not None
            and rec["last_error_after_restart_s"] <= RECOVERY_LIMIT,
            f"first success {rec['first_success_s']}s after PostgreSQL was back, "
            f"last error {rec['last_error_after_restart_s']}s after "
            f"({rec['last_error_kind']})",
        )
    else:
        rec = None
    outside = sum(sum(r["errors_outside"].values()) for r in table)
    check(
        "target: 0 server errors outside the fault windows",
        outside == 0,
        f"{outside} errors: "
        + ", ".join(
            f"{r['action']} {r['errors_outside']}" for r in table if r["errors_outside"]
        ),
    )
    portal_pages = [
        r
        for r in table
        if r["channel"] == "portal" and not r["action"].startswith("login")
    ]
    worst = max(portal_pages, key=lambda r: r["p95_ms"]) if portal_pages else None
    # --p95-target 0: the latency is in the table, not a check
    if args.p95_target:
        check(
            f"target: p95 of portal pages under {args.p95_target} ms",
            bool(worst) and worst["p95_ms"] < args.p95_target,
            (
                f"worst {worst['action']} p95 {worst['p95_ms']} ms after the ramp-up "
                f"(the first {ramp_end - started:.0f}s, every user logging in: "
                f"{max(r['ramp_up_p95_ms'] for r in portal_pages)} ms)"
                + (
                    f"; other programs of the machine took "
                    f"{facts['cpu_seconds']['other_programs']}s of its "
                    f"{facts['cpu_seconds']['machine_busy']}s of busy CPU"
                    if facts.get("cpu_seconds")
                    else ""
                )
            )
            if worst
            else "no portal page",
        )
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": famiglie_commit(),
        "machine": machine(),
        "url": args.url,
        "db": db,
        "cases": users.get("cases"),
        "portal_users": args.portal,
        "think_s": args.think,
        "backoffice_users": args.backoffice,
        "duration_s": round(ended - started),
        "requests": len(events),
        "actions": table,
        "windows": windows,
        "faults": {k: v for k, v in facts.items() if k != "retention_due"},
        "writes": {
            k: v if not isinstance(v, list) else len(v) for k, v in writes.items()
        },
        "recovery": rec,
        "checks": checks,
    }


def famiglie_commit():
    res = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    )
    return res.stdout.strip() or "unknown"


def machine():
    import platform

    import psutil

    return {
        "cpus": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def print_report(rep):
    print()
    print(
        f"Load test {rep['date']} commit {rep['commit']}: "
        f"{rep['portal_users']} portal + "
        f"{rep['backoffice_users']} back-office users for {rep['duration_s']}s, "
        f"{rep['requests']} requests, {rep['cases']} cases; machine {rep['machine']}"
    )
    head = (
        "action",
        "channel",
        "req",
        "req/s",
        "p50 ms",
        "p95 ms",
        "ramp-up p95",
        "errors outside",
        "errors in fault windows",
    )
    rows = [
        (
            r["action"],
            r["channel"] or "",
            str(r["requests"]),
            f"{r['per_s']:.2f}",
            str(r["p50_ms"]),
            str(r["p95_ms"]),
            str(r["ramp_up_p95_ms"]),
            ", ".join(f"{k}: {v}" for k, v in r["errors_outside"].items()) or "0",
            ", ".join(f"{k}: {v}" for k, v in r["errors_in_fault_windows"].items())
            or "0",
        )
        for r in rep["actions"]
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=False)]
    for row in (head, *rows):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
    if rep["windows"]:
        print("\nFaults:")
        t0 = min(w["start"] for w in rep["windows"])
        for w in rep["windows"]:
            extra = {
                k: v
                for k, v in w.items()
                if k not in ("name", "start", "end", "output")
            }
            print(f"  {w['name']}: {w['end'] - w['start']:.1f}s {extra}")
        del t0
    res = rep["faults"]
    if res.get("cpu_seconds"):
        cpu = res["cpu_seconds"]
        per = (cpu["odoo"] + cpu["postgres"]) / max(rep["requests"], 1) * 1000
        print(
            f"\nResources: CPU {cpu['odoo']}s Odoo + {cpu['postgres']}s PostgreSQL "
            f"over {rep['duration_s']}s ({per:.0f} ms of CPU per request); "
            f"the load tool and jobs {cpu.get('load_tool_and_jobs')}s; other programs "
            f"of the machine {cpu.get('other_programs')}s of "
            f"{cpu.get('machine_busy')}s busy; "
            f"Odoo memory {res.get('odoo_rss_mb')} MB; "
            f"PostgreSQL {res.get('postgres')}"
        )
    print("\nWrites:", rep["writes"])
    print("\nChecks:")
    for c in rep["checks"]:
        print(f"  {c['result']}  {c['check']}: {c['detail']}")
    failed = [c for c in rep["checks"] if c["result"] == "FAIL"]
    print(
        f"\n{len(rep['checks']) - len(failed)} checks passed, {len(failed)} failed",
        flush=True,
    )


def finish(args, out, started, ended, windows, facts, db, users):
    events = read_jsonl(out / "requests.jsonl")
    ledger = read_jsonl(out / "ledger.jsonl")
    if args.outage_file and Path(args.outage_file).exists():
        windows = windows + json.loads(Path(args.outage_file).read_text())
    rep = build_report(args, events, ledger, windows, facts, started, ended, db, users)
    path = OUT_DIR / f"{date.today().isoformat()}-{rep['commit']}-{out.name}.json"
    path.write_text(json.dumps(rep, indent=1, default=str))
    print_report(rep)
    print(f"Report: {path}; requests and ledger: {out}", flush=True)
    return 1 if any(c["result"] == "FAIL" for c in rep["checks"]) else 0


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cmd_prepare(args):
    use_dsn(args.dsn)
    prepare(
        args.db, args.cases, args.data_dir, args.portal, args.backoffice, args.fresh
    )
    return 0


def cmd_load(args):
    use_dsn(args.dsn)
    users = json.loads(Path(args.users or users_file(args.db)).read_text())
    out = (
        Path(args.out)
        if args.out
        else OUT_DIR / f"run-{time.strftime('%Y%m%d-%H%M%S')}"
    )
    started, ended, _ = run_locust(
        args.url, users, out, args.duration, args.portal, args.backoffice, args.think
    )
    return finish(args, out, started, ended, [], {}, args.db, users)


def cmd_all(args):
    """Temporary cluster, prepare, Odoo in prefork, load and faults, report."""
    locust_python()
    root = Path(tempfile.mkdtemp(prefix="famiglie-loadtest-"))
    cluster = server = None
    stop = []

    def on_signal(signum, _frame):
        stop.append(signum)
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_signal)
    try:
        pg_port = args.pg_port or free_port(55432, 55439)
        cluster = Cluster(root, pg_port)
        log(f"Temporary PostgreSQL cluster in {cluster.data}, port {pg_port}")
        cluster.init()
        cluster.start()
        os.environ.update(cluster.env())
        os.environ.pop("PGPASSWORD", None)
        data_dir = root / "odoo-data"
        db = args.db
        users = prepare(db, args.cases, data_dir, args.portal, args.backoffice, True)
        http_port = args.http_port or free_port(18069, 18079)
        gevent_port = args.gevent_port or free_port(18072, 18079)
        if gevent_port == http_port:
            gevent_port = free_port(http_port + 1, 18079)
        famiglie.LOG_DIR.mkdir(parents=True, exist_ok=True)
        server = OdooServer(
            db,
            data_dir,
            http_port,
            gevent_port,
            args.workers,
            famiglie.LOG_DIR / "loadtest-odoo.log",
        )
        log(
            f"Odoo: {args.workers} HTTP workers, a cron worker and the gevent worker "
            f"on {server.url} (gevent {gevent_port}); log {server.logfile}"
        )
        server.start()
        warm_up(server.url, users)
        args.url = server.url
        faults = Faults(
            cluster, server, db, data_dir, users, args.outage, args.duration
        )
        if not args.no_faults and args.duration < faults.ramp + FAULTS_SECONDS:
            raise UserError(
                f"--duration {args.duration} is too short for the faults: at least "
                f"{faults.ramp + FAULTS_SECONDS:.0f}s with these users."
            )
        out = OUT_DIR / f"run-{time.strftime('%Y%m%d-%H%M%S')}"
        meter = CpuMeter(server.proc.pid, cluster.data)
        meter.start()
        started, ended, windows = run_locust(
            server.url,
            users,
            out,
            args.duration,
            args.portal,
            args.backoffice,
            args.think,
            faults=None if args.no_faults else faults,
        )
        cpu = meter.result()
        for w in windows:
            if w["name"] == "postgres restarted":
                w["grace"] = 2.0
        # Odoo's memory after the load, for the sizing table
        facts = dict(faults.facts)
        facts["odoo_rss_mb"] = odoo_rss(server)
        facts["cpu_seconds"] = cpu
        facts["postgres"] = dict(facts.get("postgres", {}), **pg_figures(db))
        return finish(args, out, started, ended, windows, facts, db, users)
    except KeyboardInterrupt:
        log("Interrupted: tearing down")
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
        if server:
            server.stop()
        if cluster and cluster.running():
            with contextlib.suppress(UserError, subprocess.TimeoutExpired):
                cluster.stop("fast")
        if args.keep:
            log(f"Kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
            log(f"Removed {root} (cluster, filestore)")


def pg_figures(db):
    """The database's size and PostgreSQL's connections at the end."""
    with contextlib.closing(connect(db)) as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT pg_database_size(current_database()) / 1048576,"
            " (SELECT count(*) FROM pg_stat_activity"
            "   WHERE datname = current_database())"
        )
        size, conns = cr.fetchone()
    return {"database_mb": int(size), "connections_at_end": conns}


def warm_up(url, users):
    """What a server does once after its start (the portal's and the back
    office's asset bundles are built at their first page), before the load."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    for user, pages in (
        (users["portal"][0], ("/my", "/my/famiglie")),
        (users["backoffice"][0], ("/odoo",)),
    ):
        jar.clear()
        page = opener.open(url + "/web/login", timeout=300).read().decode()
        token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"login": user["login"], "password": user["password"], "csrf_token": token}
        ).encode()
        opener.open(url + "/web/login", data=data, timeout=300).read()
        for path in pages:
            opener.open(url + path, timeout=300).read()
    log("Warmed up (asset bundles built)")


def odoo_rss(server):
    import psutil

    try:
        master = psutil.Process(server.proc.pid)
        procs = [master, *master.children(recursive=True)]
        return {
            "total": round(sum(p.memory_info().rss for p in procs) / 2**20),
            "per_process_max": round(max(p.memory_info().rss for p in procs) / 2**20),
            "processes": len(procs),
        }
    except psutil.Error:
        return None


def split_people(people):
    """(portal, back office) for ``people`` at work at once: the proportion
    of the default load (50 + 20)."""
    if people < 2:
        raise UserError("--people: at least 2 (one on the portal, one in the office)")
    portal = max(1, round(people * 5 / 7))
    return portal, people - portal


def parser():
    p = argparse.ArgumentParser(
        prog="famiglie.py loadtest", description=__doc__.splitlines()[0]
    )
    sub = p.add_subparsers(dest="cmd")

    def common(sp, with_dsn=True):
        if with_dsn:
            sp.add_argument(
                "--dsn", default="", help="libpq DSN of the PostgreSQL server"
            )
        sp.add_argument("--db", default="famiglie_loadtest")
        sp.add_argument("--portal", type=int, default=50)
        sp.add_argument("--backoffice", type=int, default=20)
        sp.add_argument(
            "--people",
            type=int,
            help="people at work at once, split as the default 50 + 20: five "
            "sevenths on the portal, the rest in the back office (overrides "
            "--portal and --backoffice); the data has 500 portal users (a "
            "coordinator and nine volunteers per association): beyond, people "
            "share a login",
        )
        sp.add_argument(
            "--think",
            default="5,15",
            help="each person's pause between two pages, min,max seconds",
        )

    prep = sub.add_parser("prepare")
    common(prep)
    prep.add_argument("--cases", type=int, default=DEFAULT_CASES)
    prep.add_argument("--data-dir", default=str(famiglie.DATA_DIR))
    prep.add_argument("--fresh", action="store_true")
    load = sub.add_parser("load")
    common(load)
    load.add_argument("--url", required=True)
    load.add_argument("--duration", type=int, default=180)
    load.add_argument("--users", help="the users' JSON (default: prepare's)")
    load.add_argument(
        "--out", help="the folder of the requests, ledger and reads (default: new)"
    )
    load.add_argument(
        "--p95-target",
        type=int,
        default=round(TARGET_PORTAL_P95 * 1000),
        help="the portal pages' p95 target in ms; 0: reported, not checked "
        "(a functional test on a machine shared with its proxy and database)",
    )
    load.add_argument(
        "--outage-file",
        help="JSON list of fault windows "
        '[{"name", "start", "end"}] (epoch seconds) made by the caller',
    )
    allp = sub.add_parser("all")
    common(allp, with_dsn=False)
    allp.add_argument("--cases", type=int, default=DEFAULT_CASES)
    allp.add_argument("--duration", type=int, default=300)
    allp.add_argument(
        "--outage", type=float, default=10.0, help="seconds PostgreSQL stays down"
    )
    allp.add_argument("--workers", type=int, default=4)
    allp.add_argument("--pg-port", type=int)
    allp.add_argument("--http-port", type=int)
    allp.add_argument("--gevent-port", type=int)
    allp.add_argument("--no-faults", action="store_true")
    allp.add_argument("--keep", action="store_true", help="keep the temporary folder")
    job = sub.add_parser("job")
    job.add_argument("job", choices=("statement", "retention"))
    job.add_argument("--db", required=True)
    job.add_argument("--data-dir", required=True)
    job.add_argument("--statement-id", type=int)
    job.add_argument("--as-login")
    job.add_argument("--batch", type=int, default=200)
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        argv = ["all", *argv]
    args = parser().parse_args(argv)
    for name, default in (
        ("outage_file", None),
        ("statement_id", None),
        ("url", None),
        ("p95_target", round(TARGET_PORTAL_P95 * 1000)),
    ):
        if not hasattr(args, name):
            setattr(args, name, default)
    try:
        if getattr(args, "people", None):
            args.portal, args.backoffice = split_people(args.people)
        return {
            "prepare": cmd_prepare,
            "load": cmd_load,
            "all": cmd_all,
            "job": job_main,
        }[args.cmd](args)
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
