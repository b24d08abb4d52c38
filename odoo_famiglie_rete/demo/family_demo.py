import logging
from datetime import date

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class FamilyDemo(models.AbstractModel):
    """What the demo data cannot say in XML: last year's statements, built
    and billed by the application itself."""

    _name = "family.demo"
    _description = "Rete Famiglie Demo Loader"

    @api.model
    def _family_demo_time_zone(self, tz="Europe/Rome"):
        """Every user of the demo database works in Rome's time zone."""
        users = (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("tz", "!=", tz)])
        )
        users.write({"tz": tz})
        return users

    @api.model
    def _family_demo_statements(self):
        """Last year's statements of the demo: one paid, one billed.

        The terms get the company's purchase journal and an expense account
        of its chart (Italian or generic); without a chart nothing is made.
        """
        company = self.env.company
        # The module's translations are loaded after its data: the demo's
        # statements and bills are written in the associations' language.
        langs = self.env["res.lang"].search([("active", "=", True)]).mapped("code")
        if "it_IT" in langs:
            self.env["ir.module.module"]._load_module_terms(
                ["odoo_famiglie_rete"], ["it_IT"]
            )
        if not company.chart_template:
            _logger.warning("No chart of accounts: no demo compensation statements")
            return False
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [*Journal._check_company_domain(company), ("type", "=", "purchase")],
            limit=1,
        )
        Account = self.env["account.account"].with_company(company)
        account = Account.search(
            [*Account._check_company_domain(company), ("code", "=", "490900")], limit=1
        ) or Account.create(
            {
                "code": "490900",
                "name": "Contributi e compensi alle associazioni",
                "account_type": "expense",
            }
        )
        ref = self.env.ref
        parties = (
            ref("odoo_famiglie_rete.protocol_2018_party_san_vincenzo")
            | ref("odoo_famiglie_rete.protocol_2018_party_cav")
            | ref("odoo_famiglie_rete.protocol_2018_party_auser")
            | ref("odoo_famiglie_rete.protocol_2018_party_farsi_prossimo")
        )
        parties.write({"journal_id": journal.id, "expense_account_id": account.id})
        Statement = self.env["family.compensation"]
        if Statement.search_count([("party_id", "in", parties.ids)]):
            return False
        year = fields.Date.context_today(self).year - 1
        period = {
            "date_from": date(year, 1, 1),
            "date_to": date(year, 12, 31),
            "date": date(year, 12, 31),
        }
        paid = Statement.create(
            {"party_id": ref("odoo_famiglie_rete.protocol_2018_party_san_vincenzo").id}
            | period
        )
        billed = Statement.create(
            {"party_id": ref("odoo_famiglie_rete.protocol_2018_party_auser").id}
            | period
        )
        statements = paid | billed
        statements.action_compute_lines()
        statements.filtered("line_ids").action_approve()
        statements.move_id.action_post()
        if paid.move_id:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=paid.move_id.ids
            ).create({})._create_payments()
        return statements
