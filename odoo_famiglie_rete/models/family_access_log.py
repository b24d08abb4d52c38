import threading
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.http import request

# The web client's calls that open a form, and those that read records' data.
FORM_METHODS = ("web_read", "web_save")
RPC_READ_METHODS = ("read", "search_read")


def logs_access(method):
    """Serve the web client's call with a read/write cursor.

    The method is read-only in Odoo, which may then serve it from a read-only
    (replica) cursor; here it writes the access log.
    """
    method._readonly = False
    return method


CHANNELS = [
    ("form", "Back-office Form"),
    ("portal", "Portal Page"),
    ("rpc", "RPC Read"),
    ("report", "Report"),
    ("export", "Export"),
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
    model = fields.Char(string="Data Opened", readonly=True)

    def write(self, vals):
        if vals:
            raise AccessError(self.env._("The access log cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get("family_access_log_purge"):
            raise AccessError(self.env._("The access log cannot be deleted."))
        return super().unlink()

    @api.model
    def _log(self, cases, channel, model=None):
        """Record that the current user opened ``cases`` through ``channel``.

        Only association (portal) users and finance users are logged; the
        Comune's social workers are the cases' owners.
        """
        user = self.env.user
        if not cases or self.env.su or not self._is_logged_user(user):
            return
        association = user.commercial_partner_id if user.share else False
        self.sudo().create(
            [
                {
                    "user_id": user.id,
                    "partner_id": association and association.id,
                    "case_id": case.id,
                    "case_reference": case.sudo().reference,
                    "channel": channel,
                    "model": model or "family.case",
                }
                for case in cases
            ]
        )

    @api.model
    def _log_form(self, cases, model):
        """Log ``cases`` when a back-office form of ``model`` is opened."""
        if cases and not self.env.su and self._is_call(model, FORM_METHODS):
            self._log(cases, "form", model=model)

    @api.model
    def _log_rpc(self, cases, model):
        """Log ``cases`` when records of ``model`` are read through RPC.

        The external API (XML-RPC, JSON-RPC) always counts; the web client's
        call_kw for read and search_read of ``model`` (a form's web_read is
        logged as a form; a list shows no more than the case's name).
        """
        if not cases or self.env.su:
            return
        if (
            self._is_call(model, RPC_READ_METHODS)
            if request
            else self._is_external_rpc()
        ):
            self._log(cases, "rpc", model=model)

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
        if user.share:
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
