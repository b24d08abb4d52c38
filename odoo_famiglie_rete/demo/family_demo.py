import base64
import logging
from datetime import date
from pathlib import Path

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import file_open

from ..models.family_siuss_flow import SCHEMA_FILES, siuss_schema_dir

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
        """Last year's statements of the demo: one paid, one billed; the
        year's transparency register, published.

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
        receipt = base64.b64encode(
            file_open(
                "odoo_famiglie_rete/demo/family_compensation_receipt.pdf", "rb"
            ).read()
        )
        Document = self.env["family.compensation.document"]
        # San Vincenzo's convenzione: its volunteers' train tickets ...
        Document.create(
            {
                "partner_id": paid.partner_id.id,
                "expense_type": "volunteer",
                "document_type": "ticket",
                "document_number": "TRN 0451",
                "document_date": date(year, 10, 14),
                "name": "Biglietti Trenord dei volontari per la raccolta alimentare",
                "amount": 27.6,
                "file": receipt,
                "file_name": "biglietti_trenord.pdf",
            }
        )
        statements.action_compute_lines()
        # ... and the receipt of each intervention it reimburses
        Document.create(
            [
                {
                    "intervention_id": line.intervention_id.id,
                    "document_type": "receipt",
                    "document_number": f"SC {index:04d}",
                    "document_date": line.date,
                    "name": line.name,
                    "amount": line.amount,
                    "file": receipt,
                    "file_name": f"scontrino_{index:04d}.pdf",
                }
                for index, line in enumerate(
                    paid.line_ids.filtered(
                        lambda line: line.intervention_id and line.amount > 0
                    ),
                    start=1,
                )
            ]
        )
        statements.filtered("line_ids").action_approve()
        statements.move_id.action_post()
        if paid.move_id:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=paid.move_id.ids
            ).create({})._create_payments()
        register = self.env["family.transparency.register"].create(
            {"year": year, "company_id": company.id}
        )
        register.action_compute()
        if register.grant_ids:
            register.action_publish()
        return statements

    @api.model
    def _family_demo_siuss(self):
        """The SIUSS data of the demo's persons, and last year's flow.

        What the demo's members lack for INPS is filled here (surname and
        first name split from the demo names; Italian or, for a codice fiscale
        born abroad (Z...), Moroccan citizenship; residence in Cernusco sul
        Naviglio); last year's benefits get an application protocol and, when
        subject to ISEE, a DSU. The flow is built by the application and INPS's
        outcome recorded as the e-service would, the SINBA flow of the minors
        too (see ``_family_demo_sinba``). Without INPS's schemas
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
        self._family_demo_sinba(company, date_from, date_to)
        try:
            with self.env.cr.savepoint():
                flows |= Flow._sinba_build(company, date_from, date_to)
        except UserError as error:
            _logger.warning("Demo SINBA flow not built: %s", error)
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

    @api.model
    def _family_demo_sinba(self, company, date_from, date_to):
        """What SINBA needs of the demo's families with minors taken in
        charge last year: who reported them and the family's assessment on
        the case; on each minor, living in the family, not orphaned, the
        school of their age and the social worker's assessment."""
        Flow = self.env["family.siuss.flow"]
        cases = Flow._sinba_interventions(company, date_from, date_to).case_id
        sources = ("13", "3", "6", "4")  # school, paediatrician, self, volunteers
        for index, case in enumerate(cases.with_context(family_allow_closed=True)):
            if not case.sinba_report_source:
                case.write(
                    {
                        "sinba_report_source": sources[index % len(sources)],
                        "sinba_family_assessment": "13" if index % 3 == 2 else "12",
                    }
                )
        minors = Flow._sinba_minors(cases, date_from, date_to).with_context(
            family_allow_closed=True
        )
        for minor in minors.filtered(lambda m: not m.sinba_school):
            age = date_to.year - minor.birthdate.year
            school = next(
                code
                for limit, code in ((3, "3"), (6, "4"), (11, "5"), (14, "6"), (99, "7"))
                if age < limit
            )
            minor.write(
                {
                    "sinba_parents_condition": "1",
                    "sinba_living_place": "1",
                    "sinba_school": school,
                    "sinba_assessment": "2" if age >= 11 else "1",
                    # at school: inactive, not looking for a job
                    "sinba_work": "1" if age >= 16 else False,
                }
            )
