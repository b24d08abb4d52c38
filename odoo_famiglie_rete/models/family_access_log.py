import contextlib
import threading
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools import SQL

# The web client's calls that open a form, and those that read records' data.
FORM_METHODS = ("web_read", "web_save")
RPC_READ_METHODS = ("read", "search_read")
LIST_METHODS = ("web_search_read",)
GROUP_METHODS = ("read_group", "web_read_group", "read_progress_bar")
SEARCH_METHODS = ("name_search",)

# The channel of each method the web client calls (/web/dataset/call_kw).
WEB_CHANNELS = dict.fromkeys(FORM_METHODS, "form")
WEB_CHANNELS.update(dict.fromkeys(RPC_READ_METHODS, "rpc"))
WEB_CHANNELS.update(dict.fromkeys(LIST_METHODS, "list"))
WEB_CHANNELS.update(dict.fromkeys(GROUP_METHODS, "group"))
WEB_CHANNELS.update(dict.fromkeys(SEARCH_METHODS, "search"))


@contextlib.contextmanager
def primary_cursor(env):
    """A read/write cursor on the primary database, committed when it closes.

    Used to write the access log while the request reads on a read-only
    cursor (the replica of ``db_replica_host``): the entry is committed on the
    primary before the data read leaves the server. When the primary cannot
    be reached the cursor fails, and so does the read: a family's data is
    never served unlogged.

    In test mode Odoo simulates a read-only cursor with a savepoint of the one
    test transaction and ``SET TRANSACTION READ ONLY``, and refuses to open a
    read/write test cursor above it while it holds that savepoint. The
    read-only cursor has written nothing, so its savepoint is rolled back
    first: its next query opens a new one, read-only again, that sees the
    entries committed here, as a new transaction on the replica would.
    """
    registry = env.registry
    savepoint = getattr(env.cr, "_savepoint", None)
    if registry.in_test_mode() and savepoint:
        savepoint.close(rollback=True)
        env.cr._savepoint = None
    with registry.cursor(readonly=False) as cr:
        yield cr


# Above this many cases, a read's entries are written as one batch
# (``family.access.log.batch``) that a cron expands into one entry per case
# within a minute; up to it, the request writes them itself.
BATCH_THRESHOLD = 1000

CHANNELS = [
    ("form", "Back-office Form"),
    ("portal", "Portal Page"),
    ("rpc", "RPC Read"),
    ("report", "Report"),
    ("export", "Export"),
    ("list", "Back-office List"),
    ("group", "Grouped View"),
    ("search", "Name Search"),
    ("download", "Document Download"),
    ("siuss", "SIUSS Flow Built"),
    ("siuss_collect", "SIUSS Flow Collected by INPS"),
]


class FamilyAccessLog(models.Model):
    _name = "family.access.log"
    _description = "Access Log"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Datetime(
        required=True, readonly=True, index=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Association",
        readonly=True,
        index="btree_not_null",
        help="The association of the portal user, if any.",
    )
    case_id = fields.Many2one(
        "family.case", string="Family Case", required=True, readonly=True, index=True
    )
    case_reference = fields.Char(readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True, index=True)
    model = fields.Char(string="Technical Model", readonly=True)
    model_description = fields.Char(
        string="Data Opened",
        compute="_compute_model_description",
        help="What was opened, as the interface names it (e.g. Family Case).",
    )

    @api.depends("model")
    @api.depends_context("lang")
    def _compute_model_description(self):
        """The model's description in the reader's language, one query."""
        names = {
            model.model: model.name
            for model in self.env["ir.model"]
            .sudo()
            .search([("model", "in", list(set(self.mapped("model"))))])
        }
        for entry in self:
            entry.model_description = names.get(entry.model, entry.model)

    def write(self, vals):
        if vals:
            raise AccessError(self.env._("The access log cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get("family_access_log_purge"):
            raise AccessError(self.env._("The access log cannot be deleted."))
        return super().unlink()

    @api.model
    def _log(self, cases, channel, model=None, force=False, unique=False):
        """Record that the current user opened ``cases`` through ``channel``.

        ``cases`` is a recordset of ``family.case`` (or their ids), or an
        ``SQL`` query selecting the cases' ids (e.g. the cases behind the
        groups of a ``read_group``): either way the entries are written by
        one ``INSERT`` whatever their number, with the cases' references read
        in the same query.

        ``unique``: the ``SQL`` query selects each case once (the ids of
        ``family.case`` itself), so it is not matched against the cases.

        More cases than ``BATCH_THRESHOLD`` are written as one batch
        (``family.access.log.batch``) that a cron expands within a minute.

        Only association (portal) users and finance users are logged; the
        Comune's social workers are the cases' owners. ``force`` logs any
        user, even in sudo mode: the SIUSS flows (personal data leaving the
        Comune for INPS) are logged when built and when collected.
        """
        user = self.env.user
        if not force and (self.env.su or not self._is_logged_user(user)):
            return
        threshold = BATCH_THRESHOLD
        batch_ids = None
        if isinstance(cases, SQL):
            case_filter = SQL("c.id IN (%s)", cases)
        else:
            ids = list(cases.ids if isinstance(cases, models.BaseModel) else cases)
            if not ids:
                return
            ids = sorted(set(ids))
            case_filter = SQL("c.id = ANY(%s)", ids)
            if len(ids) > threshold:
                batch_ids = ids
        association = (
            user.commercial_partner_id
            if user.share and not user._is_public()
            else False
        )
        entry = (
            fields.Datetime.now(),
            user.id,
            association.id if association else None,
            channel,
            model or "family.case",
        )
        key = (user.id, channel, model, case_filter)
        batch = SQL(
            """
            INSERT INTO family_access_log_batch
                   (date, user_id, partner_id, channel, model, case_ids)
            """
        )
        if batch_ids is not None:
            # more cases than the threshold, known here: one batch
            query = SQL(
                """
                WITH batch AS (%s SELECT %s, %s, %s, %s, %s, %s::int4[] RETURNING id)
                SELECT count(*) FROM batch
                """,
                batch,
                *entry,
                batch_ids,
            )
            self._family_write_log(query, key, then="_family_batch_written")
            return
        self.env["family.case"].flush_model(["reference"])
        if isinstance(cases, SQL):
            # How many cases the query finds is known only in SQL: one
            # statement gathers their ids in an array and writes it as a
            # batch when they are more than the threshold, else the entries.
            found = (
                cases
                if unique
                else SQL("SELECT c.id FROM family_case c WHERE %s", case_filter)
            )
            query = SQL(
                """
                WITH found AS (SELECT ARRAY(%(found)s) AS ids),
                batch AS (
                    %(batch)s
                    SELECT %(date)s, %(user)s, %(partner)s, %(channel)s, %(model)s,
                           found.ids
                      FROM found
                     WHERE cardinality(found.ids) > %(threshold)s
                 RETURNING id
                ),
                direct AS (
                    INSERT INTO family_access_log
                           (date, user_id, partner_id, case_id, case_reference,
                            channel, model)
                    SELECT %(date)s, %(user)s, %(partner)s, c.id, c.reference,
                           %(channel)s, %(model)s
                      FROM found
                      JOIN family_case c ON c.id = ANY(found.ids)
                     WHERE cardinality(found.ids) <= %(threshold)s
                )
                SELECT count(*) FROM batch
                """,
                found=found,
                threshold=threshold,
                batch=batch,
                date=entry[0],
                user=entry[1],
                partner=entry[2],
                channel=entry[3],
                model=entry[4],
            )
            self._family_write_log(query, key, then="_family_batch_written")
            return
        query = SQL(
            """
            INSERT INTO family_access_log
                   (date, user_id, partner_id, case_id, case_reference, channel, model)
            SELECT %s, %s, %s, c.id, c.reference, %s, %s
              FROM family_case c
             WHERE %s
            """,
            *entry,
            case_filter,
        )
        self._family_write_log(query, key)

    @api.model
    def _family_batch_written(self):
        """After a statement that may write a batch: wake the expansion."""
        if self.env.cr.fetchone()[0]:
            self.env["family.access.log.batch"]._family_trigger_expand()

    @api.model
    def _family_write_log(self, query, key, then=None):
        """Run the ``INSERT`` of the log on the primary database.

        On a read/write cursor it runs in the request's own transaction. On a
        read-only cursor (Odoo 18 serves the read-only calls and routes, the
        web client's reads and the portal's pages among them, on the replica
        when ``db_replica_host`` is set) it runs in a transaction of its own
        on the primary, committed before the read goes on (``primary_cursor``).

        When a read-only request then writes something else, Odoo rolls it back
        and serves it again on the primary: the entries already committed by
        the first attempt (``key``: user, channel, model, cases) are not
        written twice.

        ``then``, the name of a method of this model, is called after the
        query on the same cursor (e.g. to trigger the expansion of a batch in
        the same transaction).
        """
        key = repr(key)
        committed = getattr(request, "_family_access_logged", None) if request else None
        if not self.env.cr.readonly:
            if committed and key in committed:
                return
            self.env.flush_query(query)
            self.env.cr.execute(query)
            if then:
                getattr(self, then)()
            return
        with primary_cursor(self.env) as cr:
            cr.execute(query)
            if then:
                getattr(self.with_env(self.env(cr=cr)), then)()
        if request:
            if committed is None:
                committed = request._family_access_logged = set()
            committed.add(key)

    @api.model
    def _call_channel(self, model, methods, server=None, external="rpc"):
        """The channel of the running call to one of ``methods`` of ``model``.

        - the web client's ``/web/dataset/call_kw`` of one of ``methods`` on
          ``model``: the method's channel (``WEB_CHANNELS``); a call of another
          method or model (a record read inside another call) is not logged;
        - the external API (XML-RPC, JSON-RPC): ``external``;
        - server code without a request (tests, scripts): ``server``;
        - any other request: ``None`` (the portal, reports and downloads log
          themselves).
        """
        if not request:
            return external if self._is_external_rpc() else server
        if not request.httprequest.path.startswith("/web/dataset/call_kw"):
            return None
        params = request.params or {}
        method = params.get("method")
        if params.get("model") != model or method not in methods:
            return None
        return WEB_CHANNELS[method]

    @api.model
    def _log_form(self, cases, model):
        """Log ``cases`` when a back-office form of ``model`` is opened."""
        if self.env.su:
            return
        channel = self._call_channel(model, FORM_METHODS, server="form", external=None)
        if channel:
            self._log(cases, channel, model=model)

    @api.model
    def _log_rpc(self, cases, model):
        """Log ``cases`` when records of ``model`` are read.

        The external API (XML-RPC, JSON-RPC) always counts; the web client's
        call_kw of read and search_read (channel RPC) and of web_search_read
        (the list, channel List) of ``model``; a form's web_read is logged as
        a form.
        """
        if self.env.su:
            return
        channel = self._call_channel(model, RPC_READ_METHODS + LIST_METHODS)
        if channel:
            self._log(cases, channel, model=model)

    @api.model
    def _is_call(self, model, methods):
        """True when the request calls one of ``methods`` of ``model``.

        Server code without a request (tests, scripts) counts too, but not the
        external API, which has its own channel.
        """
        if not request:
            return not self._is_external_rpc()
        if not request.httprequest.path.startswith("/web/dataset/call_kw"):
            return False
        params = request.params or {}
        return params.get("model") == model and params.get("method") in methods

    @api.model
    def _is_external_rpc(self):
        # odoo.http.dispatch_rpc hides the request while it runs; the thread
        # still knows the URL it serves.
        url = getattr(threading.current_thread(), "url", None) or ""
        return urlsplit(url).path.startswith(("/xmlrpc/", "/jsonrpc"))

    @api.model
    def _is_logged_user(self, user):
        # from the groups (cached), not the user's row
        if user._is_public():
            return False
        if not user._is_internal():
            return True
        return user.has_group(
            "odoo_famiglie_rete.group_family_finance"
        ) and not user.has_group("odoo_famiglie_rete.group_family_social_worker")

    @api.model
    def _cron_purge(self):
        """Remove the entries older than the companies' retention of the log."""
        for company in self.env["res.company"].search([]):
            months = company.family_access_log_months
            if months <= 0:
                continue
            limit = fields.Datetime.now() - relativedelta(months=months)
            old = self.search(
                [("date", "<", limit), ("case_id.company_id", "=", company.id)]
            )
            old.with_context(family_access_log_purge=True).unlink()
