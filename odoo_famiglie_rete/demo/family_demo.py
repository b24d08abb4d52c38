import logging
from datetime import date
from pathlib import Path

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.family_siuss_flow import SCHEMA_FILES, siuss_schema_dir

_logger = logging.getLogger(__name__)


class FamilyDemo(models.AbstractModel):
    """What the demo data cannot say in XML: last year's statements, built
    and billed by the application itself."""

    _name = "family.demo"
    _description = "Rete Famiglie Demo Loader"

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

    @api.model
    def _family_demo_siuss(self):
        """The SIUSS data of the demo's persons, and last year's flow.

        What the demo's members lack for INPS is filled here (surname and
        first name split from the demo names; Italian or, for a codice fiscale
        born abroad (Z...), Moroccan citizenship; residence in Cernusco sul
        Naviglio); last year's benefits get an application protocol and, when
        subject to ISEE, a DSU. The flow is built by the application and INPS's
        outcome recorded as the e-service would. Without INPS's schemas
        (the company's folder, or FAMIGLIE_SIUSS_SCHEMAS) no flow is built.
        """
        company = self.env.company
        # the demo's closed cases had benefits last year too (superuser: the
        # demo data is loaded as such)
        members = (
            self.env["family.case.member"]
            .with_context(family_allow_closed=True)
            .search([("company_id", "=", company.id), ("fiscal_code", "!=", False)])
        )
        for member in members.filtered(lambda m: not m.last_name):
            first, _sep, last = (member.name or "").rpartition(" ")
            abroad = member.fiscal_code[11] == "Z"
            member.write(
                {
                    "first_name": first or last,
                    "last_name": last,
                    "citizenship_code": "504" if abroad else "380",
                    "residence_country_code": "380",
                    "residence_region_code": "03",
                    "residence_municipality_code": "015070",
                }
            )
        year = fields.Date.context_today(self).year - 1
        date_from, date_to = date(year, 1, 1), date(year, 12, 31)
        Flow = self.env["family.siuss.flow"]
        interventions = Flow._siuss_interventions(company, date_from, date_to)
        for intervention in interventions.with_context(family_allow_closed=True):
            vals = {}
            if not intervention.siuss_application_ref:
                vals["siuss_application_ref"] = f"{year}/{intervention.id:05d}"
            if (
                intervention.type_id.siuss_means_test == "1"
                and not intervention.siuss_dsu_number
            ):
                vals.update(
                    siuss_dsu_number=f"INPS-ISEE-{year}-{intervention.id:08d}-00",
                    siuss_dsu_year=year,
                    siuss_dsu_date=date(year, 1, 15),
                )
            if vals:
                intervention.write(vals)
        if Flow.search_count([("company_id", "=", company.id)]):
            return False
        if not siuss_schema_dir(company):
            shared = Path(__file__).resolve().parents[3] / "shared/specs/siuss"
            if not (shared / SCHEMA_FILES["PS_PSA_SINA"]).is_file():
                _logger.warning("No SIUSS schemas: no demo SIUSS flow")
                return False
            company.family_siuss_schema_dir = str(shared)
        try:
            with self.env.cr.savepoint():
                flows = Flow._siuss_build(company, date_from, date_to)
        except UserError as error:
            _logger.warning("Demo SIUSS flow not built: %s", error)
            return False
        for number, flow in enumerate(flows, start=1):
            flow.write({"state": "sent", "date_sent": fields.Datetime.now()})
            flow._waas_record_outcome(
                {
                    "codice_esito": "OK",
                    "ts_acquisizione": flow._ts_flusso(),
                    "id_acquisizione_siuss": f"{year}{number:06d}",
                }
            )
        return flows
