#!/usr/bin/env python3
"""Setup, demo server and test runner for the Rete Famiglie addons.

Called by the Makefile (``make run``, ``make test``).  It works in two stages:

1. With whatever ``python3`` started it, it finds or installs Odoo 18.0 in a
   virtual environment kept outside the repository
   (``$FAMIGLIE_HOME/venv``, by default ``~/.local/share/odoo_famiglie_rete``).
2. It then starts again inside that environment, checks PostgreSQL and runs
   Odoo.

Every error a new user is likely to meet is reported as one clear line.
"""

import argparse
import ast
import getpass
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "odoo_famiglie_rete"
HOME = Path(
    os.environ.get("FAMIGLIE_HOME")
    or Path.home() / ".local" / "share" / "odoo_famiglie_rete"
)
VENV = Path(os.environ.get("FAMIGLIE_VENV") or HOME / "venv")
DATA_DIR = HOME / "data"
LOG_DIR = REPO / "var" / "log"
ODOO_MAJOR = 18
ODOO_GIT = "https://github.com/odoo/odoo.git"
DEMO_DB = os.environ.get("FAMIGLIE_DB", "famiglie_demo")
HTTP_PORT = int(os.environ.get("FAMIGLIE_PORT", "8069"))
INNER = "FAMIGLIE_INNER"

# Printed by ``make run``: one login per role.
DEMO_LOGINS = [
    ("Amministratore", "admin", "admin"),
    ("Responsabile servizi sociali", "responsabile", "responsabile"),
    ("Assistente sociale", "assistente", "assistente"),
    ("Assistente sociale (2)", "assistente2", "assistente2"),
    ("Ufficio amministrativo", "amministrativo", "amministrativo"),
    ("Portale: referente San Vincenzo", "coord.sanvincenzo", "coord.sanvincenzo"),
    ("Portale: volontario San Vincenzo", "vol.sanvincenzo", "vol.sanvincenzo"),
    ("Portale: referente CAV", "coord.cav", "coord.cav"),
    ("Portale: volontaria CAV", "vol.cav", "vol.cav"),
    ("Portale: referente Auser", "coord.auser", "coord.auser"),
    ("Portale: volontario Auser", "vol.auser", "vol.auser"),
    ("Portale: referente Farsi Prossimo", "coord.farsiprossimo", "coord.farsiprossimo"),
    ("Portale: volontario Farsi Prossimo", "vol.farsiprossimo", "vol.farsiprossimo"),
]


ITALIAN_COMPANY = """
env.company.write(
    {"country_id": env.ref("base.it").id, "currency_id": env.ref("base.EUR").id}
)
env.cr.commit()
"""


class UserError(Exception):
    """An error shown to the user as one line, without a traceback."""


def say(msg):
    print(f"[famiglie] {msg}", flush=True)


def venv_python():
    return VENV / "bin" / "python"


# ---------------------------------------------------------------------------
# Stage 1: find or install Odoo 18.0
# ---------------------------------------------------------------------------

PROBE = (
    "import os, odoo.release as r; "
    "print(r.version_info[0], r.version, os.path.dirname(os.path.dirname(r.__file__)))"
)


def probe_odoo(python):
    """Return (major, version, path) of the Odoo ``python`` imports, or None."""
    try:
        out = subprocess.run(
            [str(python), "-c", PROBE],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    major, version, path = out.stdout.strip().splitlines()[-1].split(" ", 2)
    return int(major), version, path


def source_major(src):
    release = Path(src) / "odoo" / "release.py"
    if not release.is_file():
        raise UserError(
            f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py there)."
        )
    match = re.search(r"^version_info = \((\d+),", release.read_text(), re.M)
    return int(match.group(1)) if match else None


def pip_env():
    """Environment for pip: cbor2 5.4.2 only builds with setuptools<70."""
    HOME.mkdir(parents=True, exist_ok=True)
    constraint = HOME / "build-constraints.txt"
    constraint.write_text("setuptools<70\n")
    files = [f for f in os.environ.get("PIP_CONSTRAINT", "").split() if f]
    system = Path("/etc/xdg/pip/constraints.txt")
    if system.is_file() and str(system) not in files:
        files.append(str(system))
    files.append(str(constraint))
    env = dict(os.environ, PIP_CONSTRAINT=" ".join(files))
    return env


def pip(*args):
    cmd = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check"]
    subprocess.run(cmd + list(args), check=True, env=pip_env())


def download_odoo():
    target = HOME / "odoo-18.0"
    if (target / "odoo" / "release.py").is_file():
        return target
    if not shutil.which("git"):
        raise UserError(
            "Odoo 18.0 is not installed and git is missing to download it: "
            "set ODOO_SRC to an Odoo 18.0 source tree."
        )
    say(f"Downloading Odoo 18.0 into {target} ...")
    tmp = target.with_name("odoo-18.0.part")
    shutil.rmtree(tmp, ignore_errors=True)
    res = subprocess.run(
        ["git", "clone", "--depth", "1", "--branch", "18.0", ODOO_GIT, str(tmp)],
        check=False,
    )
    if res.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserError(
            "Odoo 18.0 is not installed and could not be downloaded (no network?): "
            "set ODOO_SRC to an Odoo 18.0 source tree, e.g. "
            "ODOO_SRC=/path/to/odoo make run"
        )
    tmp.rename(target)
    return target


def install_odoo(src):
    major = source_major(src)
    if major != ODOO_MAJOR:
        raise UserError(
            f"ODOO_SRC={src} holds Odoo {major}, this addon needs Odoo {ODOO_MAJOR}.0."
        )
    if not venv_python().exists():
        say(f"Creating the virtual environment {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip("--upgrade", "pip<25", "wheel", "setuptools<70")
    say(f"Installing Odoo 18.0 from {src} and its requirements ...")
    pip("-r", str(Path(src) / "requirements.txt"))
    pip("--no-build-isolation", "--no-deps", "-e", str(src))


def ensure_requirements():
    """Install the addon's own Python requirements when one is missing."""
    req = REPO / "requirements.txt"
    check = subprocess.run(
        [
            str(venv_python()),
            str(Path(__file__).resolve()),
            "check-requirements",
            str(req),
        ],
        check=False,
        env=dict(os.environ, **{INNER: "1"}),
    )
    if check.returncode != 0:
        say("Installing the addon's Python requirements ...")
        pip("-r", str(req))


def bootstrap():
    """Return the python of an environment that imports Odoo 18.0."""
    candidates = []
    if os.environ.get("PYTHON"):
        candidates.append(os.environ["PYTHON"])
    candidates += [str(venv_python()), sys.executable]
    for python in candidates:
        if not Path(python).exists() and not shutil.which(python):
            continue
        found = probe_odoo(python)
        if not found:
            continue
        major, version, path = found
        if major != ODOO_MAJOR:
            raise UserError(
                f"Found Odoo {version} in {path} (python {python}); "
                f"this addon needs Odoo {ODOO_MAJOR}.0."
            )
        if Path(python) == venv_python():
            ensure_requirements()
        return shutil.which(python) or python
    src = os.environ.get("ODOO_SRC")
    install_odoo(src if src else download_odoo())
    ensure_requirements()
    return str(venv_python())


# ---------------------------------------------------------------------------
# Stage 2: inside the environment that has Odoo
# ---------------------------------------------------------------------------


def pg_target():
    host = os.environ.get("PGHOST") or "the local Unix socket"
    port = os.environ.get("PGPORT") or "5432"
    user = os.environ.get("PGUSER") or getpass.getuser()
    return host, port, user


def pg_connect(dbname="postgres"):
    import psycopg2

    try:
        return psycopg2.connect(dbname=dbname, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        host, port, user = pg_target()
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise UserError(
            f"Cannot reach PostgreSQL at host {host}, port {port}, as user {user} "
            f"({detail}). Point at another server with PGHOST, PGPORT and PGUSER."
        ) from None


def db_exists(name):
    conn = pg_connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return bool(cr.fetchone())
    finally:
        conn.close()


def drop_db(name):
    conn = pg_connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            # identifiers cannot be parameters: quote it through PostgreSQL
            cr.execute("SELECT quote_ident(%s)", (name,))
            cr.execute("DROP DATABASE IF EXISTS " + cr.fetchone()[0])
    finally:
        conn.close()
    shutil.rmtree(DATA_DIR / "filestore" / name, ignore_errors=True)


def addons_path():
    import odoo

    paths = [str(REPO)]
    odoo_dir = Path(odoo.__file__).resolve().parent
    for candidate in (odoo_dir.parent / "addons", odoo_dir / "addons"):
        if (candidate / "web").is_dir() or (candidate / "base").is_dir():
            paths.append(str(candidate))
    return ",".join(paths)


def odoo_cmd(*args, command=None):
    return [
        sys.executable,
        "-c",
        "import sys, odoo.cli; sys.exit(odoo.cli.main())",
        *([command] if command else []),
        f"--addons-path={addons_path()}",
        f"--data-dir={DATA_DIR}",
        *args,
    ]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def cmd_run(_args):
    if port_in_use(HTTP_PORT):
        raise UserError(
            f"Port {HTTP_PORT} is already in use: stop the program using it "
            "(another Odoo?) or choose another port with FAMIGLIE_PORT=8070 make run."
        )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    install_log = LOG_DIR / "install.log"
    if db_exists(DEMO_DB):
        say(f"Upgrading {ADDON} in the database {DEMO_DB} ...")
        steps = [["-u", ADDON, "--load-language=it_IT"]]
    else:
        say(f"Creating the database {DEMO_DB} with {ADDON} and its demo data ...")
        # The Comune is Italian before accounting is installed, so that Odoo
        # picks the Italian chart of accounts (l10n_it) in euros. Accounting
        # comes first, on its own: the chart is loaded at the end of its
        # installation, and the addon's demo statements need it.
        steps = [
            ["-i", "base", "--load-language=it_IT"],
            "italian-company",
            ["-i", "account"],
            ["-i", ADDON],
        ]
    for step in steps:
        if step == "italian-company":
            res = subprocess.run(
                odoo_cmd(
                    "-d", DEMO_DB, "--no-http", "--log-level=warn", command="shell"
                ),
                input=ITALIAN_COMPANY,
                text=True,
                capture_output=True,
                check=False,
            )
        else:
            res = subprocess.run(
                odoo_cmd(
                    "-d",
                    DEMO_DB,
                    *step,
                    "--stop-after-init",
                    "--log-level=warn",
                    f"--logfile={install_log}",
                ),
                check=False,
            )
        if res.returncode != 0:
            raise UserError(f"Installing {ADDON} failed: see {install_log}")
    url = f"http://127.0.0.1:{HTTP_PORT}"
    print()
    say(f"Rete Famiglie is served on {url}  (Ctrl-C stops it)")
    say("Demo logins (login / password):")
    for role, login, password in DEMO_LOGINS:
        say(f"  {role:<34} {login} / {password}")
    say(f"Server log: {LOG_DIR / 'odoo.log'}")
    print(flush=True)
    cmd = odoo_cmd(
        "-d",
        DEMO_DB,
        f"--db-filter=^{DEMO_DB}$",
        "--http-interface=127.0.0.1",
        f"--http-port={HTTP_PORT}",
        f"--logfile={LOG_DIR / 'odoo.log'}",
    )
    # Odoo takes over this process: Ctrl-C reaches it directly and it stops
    # cleanly (a second Ctrl-C forces it).
    os.execv(cmd[0], cmd)


LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>\S+): (?P<msg>.*)$"
)
RESULT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)


def cmd_test(args):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    db = f"famiglie_test_{os.getpid()}"
    logfile = LOG_DIR / "test.log"
    if not shutil.which("chromium") and not shutil.which("google-chrome"):
        say("WARNING: Chromium not found: the browser tests are skipped.")
    if not shutil.which("wkhtmltopdf"):
        say("WARNING: wkhtmltopdf not found: the tests of PDF reports will fail.")
    pg_connect().close()
    tags = args.tags or f"/{ADDON}"
    if args.reuse_base:
        copy_db(base_template(), db)
    cmd = odoo_cmd(
        "-d",
        db,
        "-i",
        ADDON,
        "--without-demo=all",
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        "--log-level=info",
    )
    say(f"Testing {ADDON} in the throw-away database {db}; full log: {logfile}")
    errors = 0
    result = None
    show = False
    started = time.time()
    try:
        with open(logfile, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
            for line in proc.stdout:
                log.write(line)
                match = LOG_LINE.match(line)
                if match:
                    level = match.group("level")
                    show = level in ("WARNING", "ERROR", "CRITICAL")
                    if level in ("ERROR", "CRITICAL"):
                        errors += 1
                    found = RESULT.search(match.group("msg"))
                    if found:
                        result = found
                        show = True
                    if match.group("logger").startswith("odoo.modules.module") and (
                        "Running" in line
                    ):
                        show = True
                if show:
                    sys.stdout.write(line)
            rc = proc.wait()
    finally:
        drop_db(db)
    elapsed = time.time() - started
    if result:
        run = int(result.group("run"))
        failed = int(result.group("failed")) + int(result.group("errors"))
        # an error in a class's setUpClass counts as failed before any test ran
        passed = max(run - failed, 0)
    else:
        passed, failed = 0, 1
        say("Odoo stopped before reporting test results (see the log).")
    # An error logged outside of a failing test (install, data, tour) fails too.
    if errors > failed:
        say(f"{errors} error(s) were logged: see {logfile}")
    say(f"Ran in {elapsed:.0f}s; database {db} dropped.")
    print(f"{passed} passed, {failed} failed", flush=True)
    if rc != 0 or failed or errors or not result or not passed:
        return 1
    return 0


# Odoo's own tests that the addon's rules on Odoo's models (partners,
# calendar, messages) could break: partners of ``base``, all of ``calendar``
# and ``portal``, and the message and partner tests of ``mail``.
ODOO_TEST_MODULES = "base,calendar,portal,mail"
ODOO_TEST_TAG_LIST = (
    "/base:TestPartner",
    "/base:TestPartnerAddressCompany",
    "/base:TestPartnerForm",
    "/base:TestPartnerRecursion",
    "/calendar",
    "/portal",
    "/mail:TestMailMessage",
    "/mail:TestThreadController",
    "/mail:TestMessageUpdateController",
    "/mail:TestAttachmentController",
    "/mail:TestDiscussChannelAccess",
    "/mail:TestPartner",
)
ODOO_TEST_TAGS = ",".join(ODOO_TEST_TAG_LIST)
# a failing test, or a class whose setUpClass failed (logged by the suite)
FAILED_TEST = re.compile(
    r"^\S+ \S+ \d+ ERROR \S+ (?P<logger>odoo\.\S+): " r"(?:FAIL|ERROR): (?P<test>.+)$"
)


def run_odoo_tests(db, tags, logfile):
    """Update Odoo's modules in ``db`` with their tests; return the results.

    ``-u base,...`` reloads every installed module in order, as an upgrade
    does: at each module's step only the modules before it are loaded, which
    is when a rule naming a field of a later module breaks.
    """
    cmd = odoo_cmd(
        "-d",
        db,
        "-u",
        ODOO_TEST_MODULES,
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        "--log-level=info",
        f"--logfile={logfile}",
    )
    subprocess.run(cmd, check=False)
    return parse_odoo_test_log(logfile)


def parse_odoo_test_log(logfile):
    """Return the number of tests run and the names of those that failed."""
    result, failed = None, set()
    with open(logfile, encoding="utf-8", errors="replace") as log:
        for line in log:
            found = FAILED_TEST.match(line.rstrip("\n"))
            if found:
                failed.add(f"{found.group('logger')}: {found.group('test')}")
            found = RESULT.search(line)
            if found:
                result = found
    if not result:
        raise UserError(f"Odoo stopped before reporting test results: see {logfile}")
    return int(result.group("run")), failed


def cmd_test_odoo(args):
    """Odoo's own tests with and without the addon, compared."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    pg_connect().close()
    tags = args.tags or ODOO_TEST_TAGS
    template = base_template()
    results = {}
    for label, with_addon in (("without", False), ("with", True)):
        db = f"famiglie_odoo_{label}_{os.getpid()}"
        logfile = LOG_DIR / f"test-odoo-{label}-addon.log"
        copy_db(template, db)
        try:
            if with_addon:
                say(f"Installing {ADDON} in {db} ...")
                install_addon(db, LOG_DIR / "test-odoo-install.log")
            say(f"Odoo's tests {label} {ADDON} ({tags}); log: {logfile}")
            results[label] = run_odoo_tests(db, tags, logfile)
        finally:
            drop_db(db)
    (run_without, failed_without), (run_with, failed_with) = (
        results["without"],
        results["with"],
    )
    worse = sorted(failed_with - failed_without)
    better = sorted(failed_without - failed_with)
    say(f"Without {ADDON}: {len(failed_without)} failed of {run_without} tests")
    say(f"With {ADDON}:    {len(failed_with)} failed of {run_with} tests")
    for test in worse:
        say(f"  red only with the addon: {test}")
    for test in better:
        say(f"  red only without the addon: {test}")
    if worse or run_with < run_without:
        print(f"WORSE with {ADDON}: {len(worse)} more failures", flush=True)
        return 1
    print(f"Same failures or better with {ADDON}", flush=True)
    return 0


def addon_depends():
    manifest = REPO / ADDON / "__manifest__.py"
    return ast.literal_eval(manifest.read_text())["depends"]


def base_template():
    """A database with the addon's dependencies installed, made once.

    For ``--reuse-base`` only (quicker runs while developing): its name
    carries a hash of the Odoo tree and of the dependencies, so a change of
    either makes a new one. ``make test`` always starts from nothing.
    """
    import odoo

    key = hashlib.sha1(
        f"{Path(odoo.__file__).resolve()}|{odoo.release.version}|"
        f"{sorted(addon_depends())}".encode()
    ).hexdigest()[:10]
    name = f"famiglie_base_{key}"
    if db_exists(name):
        return name
    say(f"Making the template database {name} (dependencies only, once) ...")
    res = subprocess.run(
        odoo_cmd(
            "-d",
            name,
            "-i",
            ",".join(addon_depends()),
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
        ),
        check=False,
    )
    if res.returncode != 0:
        drop_db(name)
        raise UserError(f"Could not make the template database {name}.")
    return name


def install_addon(db, logfile):
    """Install the addon, without demo data, in the database ``db``."""
    _run_addon(db, logfile, "Installing", "-i", ADDON, "--without-demo=all")


def update_addon(db, logfile):
    """Update the addon (``-u``) in the database ``db``: a changed
    translation is loaded over the old one."""
    _run_addon(db, logfile, "Updating", "-u", ADDON, "--i18n-overwrite")


def _run_addon(db, logfile, doing, *args):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(
        odoo_cmd(
            "-d",
            db,
            *args,
            "--stop-after-init",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--logfile={logfile}",
        ),
        check=False,
    )
    if res.returncode != 0:
        raise UserError(f"{doing} {ADDON} in {db} failed: see {logfile}")


def copy_db(template, name):
    conn = pg_connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT quote_ident(%s), quote_ident(%s)", (name, template))
            new, tpl = cr.fetchone()
            cr.execute(f"CREATE DATABASE {new} TEMPLATE {tpl}")
    finally:
        conn.close()
    src = DATA_DIR / "filestore" / template
    if src.is_dir():
        shutil.copytree(src, DATA_DIR / "filestore" / name)


POT = REPO / ADDON / "i18n" / f"{ADDON}.pot"
# Odoo stamps these on every export; without them a new template differs from
# the old one only where a string changed (as OCA's templates do).
POT_DATES = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"\n', re.M)


def cmd_pot(_args):
    """Export the addon's translation template with Odoo's own exporter."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    logfile = LOG_DIR / "pot.log"
    # Odoo empties the file it exports to before it starts: export into var/
    # (the name must end in .pot), so that a failed export leaves the
    # template as it was.
    part = LOG_DIR / f"{ADDON}.pot"
    db = f"famiglie_pot_{os.getpid()}"
    pg_connect().close()
    copy_db(base_template(), db)
    say(f"Exporting {POT.relative_to(REPO)} from the throw-away database {db} ...")
    common = ("-d", db, "--log-level=warn", f"--logfile={logfile}")
    try:
        for step in (
            ["-i", ADDON, "--without-demo=all", "--max-cron-threads=0"],
            [f"--i18n-export={part}", f"--modules={ADDON}", "--language="],
        ):
            res = subprocess.run(
                odoo_cmd(*common, *step, "--stop-after-init"), check=False
            )
            if res.returncode != 0:
                raise UserError(
                    f"Exporting the translation template failed: see {logfile}"
                )
    finally:
        drop_db(db)
    text = POT_DATES.sub("", part.read_text(encoding="utf-8"))
    POT.write_text(text, encoding="utf-8")
    part.unlink()
    entries = text.count("\nmsgid ") - 1
    say(f"{POT.relative_to(REPO)}: {entries} strings; database {db} dropped.")
    sync_po(POT.with_name("it.po"))
    return 0


def sync_po(po_path):
    """Give the translations the template's references, keep their msgstr.

    Odoo applies a translation only to the fields and views its entry names,
    so the references follow the template. Entries gone from the template
    are dropped, except those of the demo data (not in the template, which
    is exported without demo); new ones are added untranslated and listed.
    """
    import polib

    pot = polib.pofile(str(POT), wrapwidth=78)
    po = polib.pofile(str(po_path), wrapwidth=78)
    demo = "\n".join(p.read_text() for p in (REPO / ADDON / "demo").glob("*.xml"))
    known = {(e.msgctxt, e.msgid): e for e in po}
    entries = []
    for tmpl in pot:
        entry = known.pop((tmpl.msgctxt, tmpl.msgid), None)
        if entry is None:
            entry = polib.POEntry(msgid=tmpl.msgid, msgctxt=tmpl.msgctxt, msgstr="")
        entry.occurrences = tmpl.occurrences
        entry.comment = tmpl.comment
        entry.flags = tmpl.flags
        entries.append(entry)
    kept = [e for e in known.values() if e.msgid and e.msgid in demo]
    po[:] = entries + kept
    po.save(str(po_path))
    missing = [e.msgid for e in entries if e.msgid and not e.msgstr]
    say(
        f"{po_path.relative_to(REPO)}: references follow the template; "
        f"{len(known) - len(kept)} obsolete entries dropped; "
        f"{len(missing)} to translate" + "".join(f"\n  {m}" for m in missing)
    )


def cmd_bench(args):
    """``make bench``: tools/bench.py, inside the environment that has Odoo."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    return bench.main(args.bench_args)


def cmd_loadtest(args):
    """``make loadtest``: tools/loadtest/run.py, in the environment that has Odoo."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "loadtest"))
    import run as loadtest

    return loadtest.main(args.loadtest_args)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cmd_check_requirements(args):
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:
        Requirement = None
    for raw in Path(args.file).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line) if Requirement else None
        name = req.name if req else re.split(r"[<>=!~;\[ ]", line)[0]
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            return 1
        # a version outside the pins is installed again
        if (
            req
            and req.specifier
            and not req.specifier.contains(version, prereleases=True)
        ):
            return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="install or upgrade the demo database and serve it")
    test = sub.add_parser("test", help="run the addon's tests in a throw-away database")
    test.add_argument("--tags", help="Odoo --test-tags (default: the whole addon)")
    test.add_argument(
        "--reuse-base",
        action="store_true",
        help="start from a kept database holding the dependencies (quicker)",
    )
    odoo_tests = sub.add_parser(
        "test-odoo",
        help="run Odoo's own tests with and without the addon and compare them",
    )
    odoo_tests.add_argument(
        "--tags", help=f"Odoo --test-tags (default: {ODOO_TEST_TAGS})"
    )
    sub.add_parser("setup", help="only find or install Odoo 18.0")
    sub.add_parser("pot", help="regenerate the addon's translation template (.pot)")
    sub.add_parser(
        "bench",
        help="grow a benchmark database and time the pages (see tools/bench.py)",
        add_help=False,
    )
    sub.add_parser(
        "loadtest",
        help="Odoo in production mode under load, with faults "
        "(see tools/loadtest/run.py)",
        add_help=False,
    )
    req = sub.add_parser("check-requirements")
    req.add_argument("file")
    # ``bench`` and ``loadtest`` pass their own options on to their tool
    args, rest = parser.parse_known_args()
    if rest and args.command not in ("bench", "loadtest"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "bench":
        args.bench_args = rest
    if args.command == "loadtest":
        args.loadtest_args = rest
    try:
        if args.command == "check-requirements":
            return cmd_check_requirements(args)
        if not os.environ.get(INNER):
            python = bootstrap()
            if args.command == "setup":
                say(f"Odoo 18.0 is ready in {python}")
                return 0
            env = dict(os.environ, **{INNER: "1"})
            argv = [python, str(Path(__file__).resolve())] + sys.argv[1:]
            os.execve(argv[0], argv, env)
        return {
            "run": cmd_run,
            "test": cmd_test,
            "test-odoo": cmd_test_odoo,
            "pot": cmd_pot,
            "bench": cmd_bench,
            "loadtest": cmd_loadtest,
        }[args.command](args)
    except UserError as exc:
        print(f"ERROR: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except subprocess.CalledProcessError as exc:
        print(
            f"ERROR: command failed ({exc.returncode}): {' '.join(map(str, exc.cmd))}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
