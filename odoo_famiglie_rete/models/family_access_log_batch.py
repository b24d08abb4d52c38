from odoo import api, fields, models
from odoo.tools import SQL

from .family_access_log import CHANNELS

# How many expanded entries the expansion writes in one transaction, at most
# (a batch is never split: one batch bigger than this is expanded alone).
EXPAND_ROWS = 500_000


class FamilyAccessLogBatch(models.Model):
    """The access-log entries of a large read, not yet written one by one.

    When a user opens more families at once than ``BATCH_THRESHOLD`` (a
    grouped view not grouped by case counts every case behind its groups:
    210,000 at 300,000 cases), the request writes one row here: who, when,
    through which channel, which model, and the cases' ids as a PostgreSQL
    array computed in SQL. The cron ``_cron_expand`` (every minute, and at
    once when a batch is written) turns each batch into the ordinary
    ``family.access.log`` entries, one per case with the batch's date, user,
    association, channel and model, and deletes the batch in the same
    statement: no entry is lost or written twice.

    Nobody reads or changes this model but the system: its one access line
    grants nothing to anyone, the cron runs in sudo mode.
    """

    _name = "family.access.log.batch"
    _description = "Access Log Batch"
    _order = "id"
    _log_access = False

    date = fields.Datetime(required=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Association", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    model = fields.Char(string="Technical Model", readonly=True)

    def init(self):
        # The cases' ids: an int[] the ORM has no field for. Stored out of
        # line and not compressed (EXTERNAL): ids of different cases hardly
        # compress, and PostgreSQL's default (EXTENDED) first tries, then
        # gives up: a third of the time of writing 210,000 ids, in the
        # request of the user whose grouped view is logged.
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS case_ids int4[] "
                "NOT NULL DEFAULT '{}'",
                SQL.identifier(self._table),
            )
        )
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN case_ids SET STORAGE EXTERNAL",
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _family_trigger_expand(self):
        """Run the expansion as soon as the cron workers can."""
        cron = self.env.ref(
            "odoo_famiglie_rete.ir_cron_family_access_log_expand",
            raise_if_not_found=False,
        )
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_expand(self):
        """Write the entries of the pending batches, then delete them.

        The batches are locked (``FOR UPDATE SKIP LOCKED``: a second run at
        the same time takes the others), then one statement deletes them and
        inserts their entries, with each case's reference as it is now.
        Returns the number of entries written.
        """
        self = self.sudo()
        cr = self.env.cr
        self.env["family.case"].flush_model(["reference"])
        cr.execute(
            SQL(
                """
                SELECT id, cardinality(case_ids)
                  FROM family_access_log_batch
                 ORDER BY id
                   FOR UPDATE SKIP LOCKED
                """
            )
        )
        ids, rows = [], 0
        pending = cr.fetchall()
        for batch_id, size in pending:
            if ids and rows + size > EXPAND_ROWS:
                break
            ids.append(batch_id)
            rows += size
        if not ids:
            return 0
        cr.execute(
            SQL(
                """
                WITH gone AS (
                    DELETE FROM family_access_log_batch
                     WHERE id = ANY(%s)
                 RETURNING date, user_id, partner_id, channel, model, case_ids
                )
                INSERT INTO family_access_log
                       (date, user_id, partner_id, case_id, case_reference,
                        channel, model)
                SELECT g.date, g.user_id, g.partner_id, c.id, c.reference,
                       g.channel, g.model
                  FROM gone g
                 CROSS JOIN LATERAL unnest(g.case_ids) AS u(case_id)
                  JOIN family_case c ON c.id = u.case_id
                """,
                ids,
            )
        )
        written = cr.rowcount
        self.env["family.access.log"].invalidate_model()
        remaining = len(pending) - len(ids)
        # in a cron run: Odoo runs the job again at once while some remain
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return written
