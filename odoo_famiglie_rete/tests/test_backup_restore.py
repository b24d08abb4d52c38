import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from odoo import sql_db
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

# the administrator of a database made by ``odoo-bin -i`` (login and password)
ADMIN = "admin"
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TABLES = (
    "res_users",
    "res_partner",
    "ir_attachment",
    "ir_model_fields",
    "family_case_stage",
    "family_intervention_type",
    "family_need_area",
)


@tagged("post_install", "-at_install")
class TestBackupRestore(TransactionCase):
    """deploy/backup.sh and deploy/restore.sh on the test database: the
    backup (dump, filestore archive, checksums, rotation) restores into a new
    database and filestore holding the same rows and files, and a user's
    password still checks against the restored database.

    The scripts see what is committed: the installed addon and its data (this
    class writes nothing). ``make district`` does the same on a database
    with families, documents and users, and logs in over HTTP.
    """

    def setUp(self):
        super().setUp()
        if not (DEPLOY / "backup.sh").exists():
            self.skipTest("deploy/ is not next to the addon")
        for program in ("pg_dump", "pg_restore", "psql", "createdb"):
            if not shutil.which(program):
                self.skipTest(f"{program} is not installed")
        self.db = self.env.cr.dbname
        self.restored = f"{self.db}_restored"
        self.data_dir = config["data_dir"]
        self.backups = tempfile.mkdtemp(prefix="famiglie-backup-")
        self.addCleanup(shutil.rmtree, self.backups, True)
        self.addCleanup(self._drop_restored)
        self.env_vars = {
            **os.environ,
            "FAMIGLIE_DB": self.db,
            "FAMIGLIE_DATA_DIR": self.data_dir,
            "FAMIGLIE_BACKUP_DIR": self.backups,
            "FAMIGLIE_BACKUP_KEEP": "1",
        }
        for key, option in (
            ("PGHOST", "db_host"),
            ("PGPORT", "db_port"),
            ("PGUSER", "db_user"),
            ("PGPASSWORD", "db_password"),
        ):
            if config[option]:
                self.env_vars[key] = str(config[option])

    def _drop_restored(self):
        sql_db.close_db(self.restored)
        subprocess.run(
            ["dropdb", "--if-exists", self.restored],
            env=self.env_vars,
            check=False,
            capture_output=True,
        )
        shutil.rmtree(
            Path(self.data_dir) / "filestore" / self.restored, ignore_errors=True
        )

    def _run(self, *cmd):
        result = subprocess.run(
            [str(c) for c in cmd],
            env=self.env_vars,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def _counts(self, cr):
        counts = {}
        for table in TABLES:
            cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cr.fetchone()[0]
        return counts

    def test_backup_and_restore(self):
        first = self._run(DEPLOY / "backup.sh")
        self.assertRegex(first, rf"^backup {self.db}-\d{{8}}T\d{{6}}Z: database ")
        # a second backup a second later: the rotation keeps only the newest
        self.env.cr.execute("SELECT pg_sleep(1.1)")
        second = self._run(DEPLOY / "backup.sh")
        self.assertIn("kept 1", second)
        kept = sorted(Path(self.backups).glob("*.sha256"))
        self.assertEqual(len(kept), 1)
        base = str(kept[0])[: -len(".sha256")]
        self.assertEqual(
            sorted(p.name for p in Path(self.backups).iterdir()),
            sorted(
                Path(base + ext).name
                for ext in (".dump", ".filestore.tar.gz", ".sha256")
            ),
        )

        out = self._run(DEPLOY / "restore.sh", base, self.restored)
        self.assertIn(f"into {self.restored}", out)
        # a second restore under the same name is refused, nothing overwritten
        result = subprocess.run(
            [DEPLOY / "restore.sh", base, self.restored],
            env=self.env_vars,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertNotEqual(result.returncode, 0)

        source = self._counts(self.env.cr)
        with sql_db.db_connect(self.restored).cursor() as cr:
            self.assertEqual(self._counts(cr), source)
            cr.execute(
                "SELECT store_fname, checksum FROM ir_attachment"
                " WHERE store_fname IS NOT NULL"
            )
            files = cr.fetchall()
            cr.execute("SELECT password FROM res_users WHERE login = %s", [ADMIN])
            restored_hash = cr.fetchone()[0]
        # every stored file of the restored database is in its own filestore
        self.assertTrue(files)
        filestore = Path(self.data_dir) / "filestore" / self.restored
        for store_fname, checksum in files:
            content = (filestore / store_fname).read_bytes()
            self.assertEqual(hashlib.sha1(content).hexdigest(), checksum)
        # the administrator's password checks against the restored database
        crypt = self.env["res.users"]._crypt_context()
        self.assertTrue(crypt.verify(ADMIN, restored_hash))
        self.assertFalse(crypt.verify("wrong", restored_hash))
