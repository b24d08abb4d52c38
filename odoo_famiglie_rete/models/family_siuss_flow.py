import base64
import hashlib
import hmac
import os
import re
from datetime import date, datetime, timezone

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

# INPS's schemas (DM 206/2014): the Comune downloads them, the addon reads
# them from the company's folder; they are never copied into the addon.
NS = "http://inps.it/Casellario"
SCHEMA_FILES = {"PS_PSA_SINA": "PS_PSA_SINA201812.xsd", "SINBA": "SINBA.xsd"}
# The flow's type in its identifier ('EEEEE.TIPO.AAAAMMGG.NNNNNNN')
ID_TYPES = {"PS_PSA_SINA": "PS", "SINBA": "SINBA"}
FLOW_TYPES = [("PS_PSA_SINA", "PS-PSA-SINA"), ("SINBA", "SINBA")]
OPERATIONS = [("I", "Insertion"), ("C", "Cancellation")]
STATES = [
    ("ready", "Ready"),
    ("sent", "Collected by INPS"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
]
OUTCOMES = [
    ("OK", "OK"),
    ("DATI_NON_TROVATI", "Data Not Found"),
    ("RICHIESTA_INVALIDA", "Invalid Request"),
    ("ERRORE_GENERICO", "Generic Error"),
]
# An attribute of the flow, and the field of the application it comes from
# (to name the field of a validation error in the user's language).
ATTRIBUTE_FIELDS = {
    "CodiceFiscale": ("family.case.member", "fiscal_code"),
    "Cognome": ("family.case.member", "last_name"),
    "Nome": ("family.case.member", "first_name"),
    "AnnoNascita": ("family.case.member", "birthdate"),
    "LuogoNascita": ("family.case.member", "birth_place_code"),
    "Genere": ("family.case.member", "gender"),
    "CodiceCittadinanza": ("family.case.member", "citizenship_code"),
    "CodiceSecondaCittadinanza": ("family.case.member", "citizenship2_code"),
    "CodiceRegione": ("family.case.member", "residence_region_code"),
    "CodiceComune": ("family.case.member", "residence_municipality_code"),
    "CodiceNazione": ("family.case.member", "residence_country_code"),
    "CodicePrestazione": ("family.intervention.type", "siuss_code"),
    "DenominazionePrestazione": ("family.intervention.type", "siuss_name"),
    "PresenzaProvaMezzi": ("family.intervention.type", "siuss_means_test"),
    "CaratterePrestazione": ("family.intervention.type", "siuss_character"),
    "AreaUtenza": ("family.intervention.type", "siuss_area"),
    "ProtocolloDomanda": ("family.intervention", "siuss_application_ref"),
    "NumeroProtocolloDSU": ("family.intervention", "siuss_dsu_number"),
    "AnnoProtocolloDSU": ("family.intervention", "siuss_dsu_year"),
    "DataDSU": ("family.intervention", "siuss_dsu_date"),
    "DataInizioPrestazione": ("family.intervention", "date_start"),
    "DataErogazionePrestazione": ("family.intervention", "date_start"),
    "DataFinePrestazione": ("family.intervention", "date_end"),
    "ImportoPrestazione": ("family.intervention", "amount"),
    "ImportoMensile": ("family.intervention", "amount"),
    "ImportoQuotaEnte": ("family.intervention", "siuss_comune_share"),
    "ImportoQuotaUtente": ("family.intervention", "siuss_user_share"),
    "ImportoQuotaSSN": ("family.intervention", "siuss_health_share"),
    "OreServizioMensile": ("family.intervention", "siuss_monthly_hours"),
    "PresaCarico": ("family.intervention", "siuss_taken_in_charge"),
    "Codice": ("res.company", "family_siuss_ente_code"),
    "Indirizzo": ("res.company", "family_siuss_belfiore_code"),
    "CFOperatore": ("res.company", "family_siuss_operator_fiscal_code"),
    # SINBA
    "IDBeneficiario": ("family.case.member", "fiscal_code"),
    "MinoreStranieroNoAcc": ("family.case.member", "sinba_unaccompanied"),
    "CondizioneMinore": ("family.case.member", "sinba_parents_condition"),
    "LuogoVita": ("family.case.member", "sinba_living_place"),
    "ScuolaFrequentata": ("family.case.member", "sinba_school"),
    "CondizioneLavoro": ("family.case.member", "sinba_work"),
    "Disabilita": ("family.case.member", "sinba_disability"),
    "TipoDisabilita": ("family.case.member", "sinba_disability_type"),
    "ValutazioneMinore": ("family.case.member", "sinba_assessment"),
    "SegnalazioneAutoritaGiudiziaria": ("family.case.member", "sinba_judicial_report"),
    "DataSegnalazione": ("family.case.member", "sinba_judicial_report_date"),
    "ProvvedimentoGiudiziario": ("family.case.member", "sinba_court_order"),
    "DataProvvedimentoGiudiziario": ("family.case.member", "sinba_court_order_date"),
    "AutoritaProvvedimento": ("family.case.member", "sinba_court_authority"),
    "FasciaEtaBeneficiario": ("family.case.member", "birthdate"),
    "CodiceRegioneResidenza": ("family.case.member", "residence_region_code"),
    "CodiceNazioneResidenza": ("family.case.member", "residence_country_code"),
    "CodiceCittadinanzaPadre": ("family.case.member", "citizenship_code"),
    "CodiceCittadinanzaMadre": ("family.case.member", "citizenship_code"),
    "CodiceRegioneResidenzaPadre": ("family.case.member", "residence_region_code"),
    "CodiceRegioneResidenzaMadre": ("family.case.member", "residence_region_code"),
    "ComposizioneFamiglia": ("family.case.member", "relation"),
    "DataPrimaSegnalazione": ("family.case", "date_intake"),
    "FonteSegnalazione": ("family.case", "sinba_report_source"),
    "ValutazioneFamigliaMinore": ("family.case", "sinba_family_assessment"),
    "FasciaISEEBeneficiario": ("family.case", "isee_value"),
}
ERROR_ATTRIBUTE = re.compile(r"attribute '(\w+)'")
ERROR_ELEMENT = re.compile(r"^Element '\{[^}]*\}(\w+)'")
ERROR_VALUE = re.compile(r"[Tt]he value '([^']*)'")


def siuss_schema_dir(company):
    """The folder of INPS's schemas: the company's setting.

    ``FAMIGLIE_SIUSS_SCHEMAS`` in the environment stands in for a company
    without one (the tests, a server keeping them in one place)."""
    return company.sudo().family_siuss_schema_dir or os.environ.get(
        "FAMIGLIE_SIUSS_SCHEMAS"
    )


def _decimal(value):
    return f"{float_round(value, 2):.2f}"


class FlowSequence:
    """Identifiers 'EEEEE.TIPO.AAAAMMGG.NNNNNNN' (a daily progressive) and
    strictly increasing timestamps (the e-service pages on them)."""

    def __init__(self, flows, company, flow_type):
        today = fields.Date.context_today(flows)
        ente = company.sudo().family_siuss_ente_code
        self.prefix = f"{ente}.{ID_TYPES[flow_type]}.{today:%Y%m%d}."
        same_day = flows.search(
            [("company_id", "=", company.id), ("name", "=like", f"{self.prefix}%")]
        )
        self.number = max(
            (int(n.rsplit(".", 1)[1]) for n in same_day.mapped("name")), default=0
        )
        last = flows.search_read(
            [("company_id", "=", company.id)],
            ["ts_millis"],
            order="ts_millis desc",
            limit=1,
        )
        self.ts = int(last[0]["ts_millis"]) if last else 0

    def next(self):
        self.number += 1
        now = int(datetime.now(tz=timezone.utc).timestamp() * 1000)
        self.ts = max(now, self.ts + 1)
        return f"{self.prefix}{self.number:07d}", self.ts


class FamilySiussFlow(models.Model):
    """One SIUSS flow: one beneficiary and one benefit, as the e-service wants.

    Built from the interventions by ``_siuss_build``; kept once collected by
    INPS (content, date, identifier), never sent twice; an intervention
    changed or deleted after being sent gives a cancellation and, changed, a
    new insertion in the next build.
    """

    _name = "family.siuss.flow"
    _description = "SIUSS Flow"
    _order = "ts_millis desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Flow Identifier", required=True, readonly=True)
    flow_type = fields.Selection(
        FLOW_TYPES, string="Type", required=True, readonly=True, default="PS_PSA_SINA"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    operation = fields.Selection(OPERATIONS, required=True, readonly=True)
    intervention_id = fields.Many2one(
        "family.intervention",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    cancelled_flow_id = fields.Many2one(
        "family.siuss.flow",
        string="Cancels",
        readonly=True,
        ondelete="restrict",
        index="btree_not_null",
    )
    cancelled = fields.Boolean(
        string="Cancelled Later",
        readonly=True,
        index=True,
        help="A later flow cancels this insertion (SINBA: replaces this flow).",
    )
    case_id = fields.Many2one(
        "family.case",
        string="Case",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    member_id = fields.Many2one(
        "family.case.member",
        string="Minor",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The minor of a SINBA flow.",
    )
    case_reference = fields.Char(readonly=True, index=True)
    fiscal_code = fields.Char(string="Beneficiary's Codice Fiscale", readonly=True)
    benefit_code = fields.Char(string="INPS Benefit Code", readonly=True)
    date_from = fields.Date(string="Period From", readonly=True)
    date_to = fields.Date(string="Period To", readonly=True)
    ts_millis = fields.Float(
        string="Timestamp (ms)",
        digits=(16, 0),
        readonly=True,
        index=True,
        aggregator=None,
        help="ts_flusso in milliseconds: the e-service's 'since' compares it.",
    )
    date_built = fields.Datetime(string="Built On", readonly=True)
    xml_file = fields.Binary(string="Flow (XML)", attachment=False, readonly=True)
    xml_filename = fields.Char(compute="_compute_xml_filename")
    signature = fields.Char(readonly=True, help="A digest of what was sent.")
    state = fields.Selection(
        STATES, default="ready", required=True, readonly=True, index=True
    )
    date_sent = fields.Datetime(string="Collected On", readonly=True)
    outcome_code = fields.Selection(OUTCOMES, string="INPS Outcome", readonly=True)
    outcome_message = fields.Text(string="Outcome Detail", readonly=True)
    outcome_date = fields.Datetime(string="Acquired On", readonly=True)
    siuss_acquisition_ref = fields.Char(string="SIUSS Acquisition Code", readonly=True)
    purged = fields.Boolean(
        string="Personal Data Removed",
        readonly=True,
        index=True,
        help="The case was anonymised at the end of its retention: the flow's "
        "content and the beneficiary's codice fiscale are gone; its identifier, "
        "dates, benefit and INPS's outcome stay as the record of what was sent.",
    )
    date_purged = fields.Datetime(string="Personal Data Removed On", readonly=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE (company_id, name)",
            "A flow identifier is used once per Comune.",
        )
    ]

    @api.depends("name")
    def _compute_xml_filename(self):
        for flow in self:
            flow.xml_filename = f"{flow.name}.xml" if flow.name else False

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if self.filtered(lambda f: f.state != "ready"):
            raise UserError(
                self.env._(
                    "A flow collected by INPS is kept: it cannot be deleted. "
                    "Change the intervention: the next flow cancels it."
                )
            )

    # ------------------------------------------------------------------
    # The e-service's view of a flow
    # ------------------------------------------------------------------
    def _ts_flusso(self):
        self.ensure_one()
        moment = datetime.fromtimestamp(self.ts_millis / 1000, tz=timezone.utc)
        return (
            moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        )

    def _waas_entry(self):
        """The flow as an item of GET /flussi (schema ``Flusso``)."""
        self.ensure_one()
        company = self.company_id.sudo()
        return {
            "codice_ente": company.family_siuss_belfiore_code,
            "denominazione_ente": company.name[:256],
            "id_flusso": self.name,
            "tipo": self.flow_type,
            "ts_flusso": self._ts_flusso(),
            "flusso": self.xml_file.decode() if self.xml_file else "",
        }

    def _waas_record_outcome(self, esito):
        """Record an item of POST /esiti (schema ``EsitoFlusso``)."""
        self.ensure_one()
        code = esito["codice_esito"]
        acquired = esito.get("ts_acquisizione")
        try:
            acquired = datetime.fromisoformat(acquired.replace("Z", "+00:00"))
            acquired = acquired.astimezone(timezone.utc).replace(tzinfo=None)
        except (AttributeError, ValueError):
            acquired = fields.Datetime.now()
        self.write(
            {
                "state": "accepted" if code == "OK" else "rejected",
                "outcome_code": code,
                "outcome_message": esito.get("descrizione_esito") or False,
                "outcome_date": acquired,
                "siuss_acquisition_ref": esito.get("id_acquisizione_siuss") or False,
                "date_sent": self.date_sent or fields.Datetime.now(),
            }
        )

    # ------------------------------------------------------------------
    # Schemas
    # ------------------------------------------------------------------
    @api.model
    def _siuss_schema(self, company, flow_type):
        """INPS's schema for ``flow_type`` from the company's folder."""
        folder = siuss_schema_dir(company)
        filename = SCHEMA_FILES[flow_type]
        path = folder and os.path.join(folder, filename)
        if not path or not os.path.isfile(path):
            raise UserError(
                self.env._(
                    "INPS's schema %(file)s is not in the SIUSS schema folder "
                    "(%(folder)s): download it from INPS and set the folder in "
                    "the settings of Rete Famiglie.",
                    file=filename,
                    folder=folder or self.env._("not set"),
                )
            )
        try:
            return etree.XMLSchema(etree.parse(path))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
            raise UserError(
                self.env._(
                    "INPS's schema %(file)s cannot be read: %(error)s",
                    file=path,
                    error=error,
                )
            ) from error

    def _field_label(self, attribute):
        model, fname = ATTRIBUTE_FIELDS.get(attribute, (None, None))
        if not model:
            return attribute
        return self.env[model]._fields[fname]._description_string(self.env)

    def _schema_errors(self, schema, document):
        """The schema's errors on ``document`` in the user's language."""
        if schema.validate(document):
            return []
        errors = []
        for error in schema.error_log:
            found = ERROR_ATTRIBUTE.search(error.message) or ERROR_ELEMENT.search(
                error.message
            )
            value = ERROR_VALUE.search(error.message)
            label = self._field_label(found.group(1)) if found else error.message
            if "missing" in error.message:
                errors.append(self.env._("%(field)s is missing", field=label))
            elif value:
                errors.append(
                    self.env._(
                        "%(field)s is not valid (%(value)s)",
                        field=label,
                        value=value.group(1),
                    )
                )
            else:
                errors.append(self.env._("%(field)s is not valid", field=label))
        return errors

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------
    @api.model
    def _siuss_check_company(self, company):
        company = company.sudo()
        missing = [
            company._fields[fname]._description_string(self.env)
            for fname in (
                "family_siuss_ente_code",
                "family_siuss_belfiore_code",
                "family_siuss_operator_fiscal_code",
            )
            if not company[fname]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The SIUSS flows need the Comune's %(fields)s: fill them in "
                    "the settings of Rete Famiglie.",
                    fields=", ".join(missing),
                )
            )

    @api.model
    def _siuss_interventions(self, company, date_from, date_to):
        """The benefits the Comune granted in the period.

        Its own interventions, and the associations' that the Comune pays
        (compensable under the protocol); active or done.
        """
        return self.env["family.intervention"].search(
            [
                ("company_id", "=", company.id),
                ("date_start", ">=", date_from),
                ("date_start", "<=", date_to),
                ("state", "in", ("active", "done")),
                ("case_id.anonymized", "=", False),
                "|",
                ("provider_id", "=", company.partner_id.id),
                ("compensable", "=", True),
            ],
            order="id",
        )

    @api.model
    def _ente_element(self, company):
        company = company.sudo()
        attrs = {
            "Codice": company.family_siuss_ente_code or "",
            "Denominazione": (company.name or "")[:100],
            "Indirizzo": company.family_siuss_belfiore_code or "",
            "CFOperatore": (company.family_siuss_operator_fiscal_code or "").upper(),
        }
        return etree.Element(f"{{{NS}}}Ente", attrs)

    @api.model
    def _beneficiary(self, intervention):
        """The member the benefit goes to: the intervention's, or the
        reference person of the family."""
        member = intervention.member_id
        if not member:
            member = intervention.case_id.member_ids.filtered(
                lambda m: m.relation == "reference"
            )[:1]
        return member

    @api.model
    def _check_values(self, intervention, member):
        """What the flow needs and the records lack, by field name."""
        itype = intervention.type_id
        missing = []
        if not member:
            return [intervention._fields["member_id"]]
        needed = [
            "fiscal_code",
            "last_name",
            "first_name",
            "birthdate",
            "birth_place_code",
            "gender",
            "citizenship_code",
            "residence_country_code",
        ]
        if member.residence_country_code == "380":
            needed += ["residence_region_code", "residence_municipality_code"]
        missing += [member._fields[f] for f in needed if not member[f]]
        missing += [
            itype._fields[f]
            for f in ("siuss_name", "siuss_means_test", "siuss_character")
            if not itype[f]
        ]
        if intervention.siuss_taken_in_charge and not itype.siuss_area:
            missing.append(itype._fields["siuss_area"])
        if not intervention.siuss_application_ref:
            missing.append(intervention._fields["siuss_application_ref"])
        if itype.siuss_means_test == "1":
            missing += [
                intervention._fields[f]
                for f in ("siuss_dsu_number", "siuss_dsu_year", "siuss_dsu_date")
                if not intervention[f]
            ]
        if intervention.amount <= 0:
            missing.append(intervention._fields["amount"])
        return missing

    @api.model
    def _months(self, intervention, date_to):
        """The months of the year the periodic benefit covers (1 to 12)."""
        start = intervention.date_start
        end = min(intervention.date_end or date_to, date(start.year, 12, 31))
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return max(1, min(12, months))

    @api.model
    def _beneficiary_element(self, intervention, member, date_to, operation="I"):
        """The Beneficiario element of one benefit (schema order)."""
        itype = intervention.type_id
        beneficiary = etree.Element(
            f"{{{NS}}}Beneficiario", {"CodiceFiscale": member.fiscal_code or ""}
        )
        registry = {
            "Cognome": (member.last_name or "").strip()[:36],
            "Nome": (member.first_name or "").strip()[:36],
            "AnnoNascita": str(member.birthdate.year) if member.birthdate else "",
            "LuogoNascita": (member.birth_place_code or "").upper(),
            "Genere": {"male": "1", "female": "2"}.get(member.gender, ""),
            "CodiceCittadinanza": member.citizenship_code or "",
        }
        if member.citizenship2_code:
            registry["CodiceSecondaCittadinanza"] = member.citizenship2_code
        etree.SubElement(beneficiary, f"{{{NS}}}Anagrafica", registry)
        address = {"CodiceNazione": member.residence_country_code or ""}
        if member.residence_region_code:
            address["CodiceRegione"] = member.residence_region_code
        if member.residence_municipality_code:
            address["CodiceComune"] = member.residence_municipality_code
        etree.SubElement(beneficiary, f"{{{NS}}}Indirizzo", address)
        benefit = {
            "TipoOperazione": operation,
            "PresenzaProvaMezzi": itype.siuss_means_test or "",
            "CaratterePrestazione": itype.siuss_character or "",
            "CodicePrestazione": itype.siuss_code or "",
            "DenominazionePrestazione": itype.siuss_name or "",
            "ProtocolloDomanda": intervention.siuss_application_ref or "",
            "PresaCarico": "1" if intervention.siuss_taken_in_charge else "2",
        }
        if intervention.siuss_dsu_number:
            benefit["NumeroProtocolloDSU"] = intervention.siuss_dsu_number
            benefit["AnnoProtocolloDSU"] = str(intervention.siuss_dsu_year or "")
            benefit["DataDSU"] = str(intervention.siuss_dsu_date or "")
        amount = intervention.amount
        shares = (
            intervention.siuss_comune_share,
            intervention.siuss_user_share,
            intervention.siuss_health_share,
        )
        if itype.siuss_character == "1":
            months = self._months(intervention, date_to)
            benefit["DataInizioPrestazione"] = str(intervention.date_start)
            if (
                intervention.date_end
                and intervention.date_end.year == intervention.date_start.year
            ):
                benefit["DataFinePrestazione"] = str(intervention.date_end)
            benefit["PeriodoErogazione"] = str(months)
            benefit["ImportoMensile"] = _decimal(amount / months)
            shares = tuple(share / months for share in shares)
        else:
            benefit["DataErogazionePrestazione"] = str(intervention.date_start)
            benefit["ImportoPrestazione"] = _decimal(amount)
        if intervention.siuss_user_share or intervention.siuss_health_share:
            benefit["ImportoQuotaEnte"] = _decimal(shares[0])
            benefit["ImportoQuotaUtente"] = _decimal(shares[1])
            if intervention.siuss_health_share:
                benefit["ImportoQuotaSSN"] = _decimal(shares[2])
        if intervention.siuss_monthly_hours:
            benefit["OreServizioMensile"] = _decimal(intervention.siuss_monthly_hours)
        if itype.siuss_area:
            benefit["AreaUtenza"] = itype.siuss_area
        etree.SubElement(beneficiary, f"{{{NS}}}PrestazioniSociali", benefit)
        return beneficiary

    @api.model
    def _document(self, company, name, beneficiary):
        root = etree.Element(f"{{{NS}}}Flusso", nsmap={None: NS})
        identification = etree.SubElement(
            root, f"{{{NS}}}IdentificazioneFlusso", {"Nome": name}
        )
        identification.append(self._ente_element(company))
        root.append(beneficiary)
        return root

    @staticmethod
    def _signature(beneficiary):
        return hashlib.sha256(etree.tostring(beneficiary, method="c14n")).hexdigest()

    @api.model
    def _siuss_build(self, company, date_from, date_to):
        """Build the PS-PSA-SINA flows of the period; return the new flows.

        Everything is checked before anything is written: a missing or
        invalid value anywhere stops the build with every problem listed,
        each naming the case and the field.
        """
        self._siuss_check_company(company)
        schema = self._siuss_schema(company, "PS_PSA_SINA")
        interventions = self._siuss_interventions(company, date_from, date_to)
        unmapped = interventions.type_id.filtered(
            lambda t: not t.siuss_excluded and not t.siuss_code
        )
        if unmapped:
            raise UserError(
                self.env._(
                    "These intervention types have no INPS benefit code: "
                    "%(types)s. Map them in Configuration > Intervention Types, "
                    "or mark them as not sent to INPS.",
                    types=", ".join(sorted(unmapped.mapped("display_name"))),
                )
            )
        interventions = interventions.filtered(lambda i: not i.type_id.siuss_excluded)
        live = self.search(
            [
                ("company_id", "=", company.id),
                ("flow_type", "=", "PS_PSA_SINA"),
                ("operation", "=", "I"),
                ("cancelled", "=", False),
                ("purged", "=", False),
                ("state", "!=", "rejected"),
            ]
        )
        live_of = {
            flow.intervention_id.id: flow for flow in live if flow.intervention_id
        }
        problems, inserts = [], []
        for intervention in interventions:
            member = self._beneficiary(intervention)
            # the beneficiary named for the manager who fixes the data
            label = ", ".join(
                filter(None, [intervention.case_id.reference, member.name])
            )
            label = f"{label} ({intervention.type_id.name})"
            missing = self._check_values(intervention, member)
            if missing:
                problems += [
                    self.env._(
                        "%(case)s: %(field)s is missing",
                        case=label,
                        field=field._description_string(self.env),
                    )
                    for field in missing
                ]
                continue
            beneficiary = self._beneficiary_element(intervention, member, date_to)
            errors = self._schema_errors(
                schema, self._document(company, "X.PS.00000000.0000000", beneficiary)
            )
            if errors:
                problems += [f"{label}: {error}" for error in errors]
                continue
            signature = self._signature(beneficiary)
            previous = live_of.pop(intervention.id, None)
            if previous and previous.signature == signature:
                continue
            inserts.append((intervention, member, beneficiary, signature, previous))
        if problems:
            raise UserError(
                self.env._(
                    "The SIUSS flow cannot be built:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        # live insertions of the period whose intervention is gone or no
        # longer a benefit granted in it: cancelled
        stale = [
            flow
            for flow in live_of.values()
            if flow.date_from <= date_to and flow.date_to >= date_from
        ]
        stale += [
            flow
            for flow in live
            if not flow.intervention_id
            and flow.date_from <= date_to
            and flow.date_to >= date_from
        ]
        stale += [previous for *_rest, previous in inserts if previous]
        sequence = FlowSequence(self, company, "PS_PSA_SINA")
        stale = self.union(*stale)
        # never collected: replaced, nothing to cancel
        stale.filtered(lambda f: f.state == "ready").unlink()
        stale = stale.exists()
        vals_list = []
        for flow in stale:
            beneficiary = etree.fromstring(base64.b64decode(flow.xml_file))[1]
            beneficiary.find(f"{{{NS}}}PrestazioniSociali").set("TipoOperazione", "C")
            vals_list.append(
                self._flow_vals(
                    company,
                    sequence,
                    beneficiary,
                    schema,
                    {
                        "operation": "C",
                        "cancelled_flow_id": flow.id,
                        "intervention_id": flow.intervention_id.id,
                        "case_id": (flow.case_id or flow.intervention_id.case_id).id,
                        "case_reference": flow.case_reference,
                        "fiscal_code": flow.fiscal_code,
                        "benefit_code": flow.benefit_code,
                        "date_from": date_from,
                        "date_to": date_to,
                    },
                )
            )
        stale.cancelled = True
        for intervention, member, beneficiary, signature, _previous in inserts:
            vals_list.append(
                self._flow_vals(
                    company,
                    sequence,
                    beneficiary,
                    schema,
                    {
                        "operation": "I",
                        "intervention_id": intervention.id,
                        "case_id": intervention.case_id.id,
                        "case_reference": intervention.case_id.reference,
                        "fiscal_code": member.fiscal_code,
                        "benefit_code": intervention.type_id.siuss_code,
                        "date_from": date_from,
                        "date_to": date_to,
                        "signature": signature,
                    },
                )
            )
        new = self.create(vals_list)
        self.env["family.access.log"]._log(
            new.case_id, "siuss", model=self._name, force=True
        )
        return new

    def _flow_vals(
        self, company, sequence, beneficiary, schema, vals, flow_type="PS_PSA_SINA"
    ):
        """The values of a new flow: named, dated, validated once more."""
        name, ts_millis = sequence.next()
        document = self._document(company, name, beneficiary)
        errors = self._schema_errors(schema, document)
        if errors:
            raise UserError(
                self.env._(
                    "The SIUSS flow cannot be built:\n%(problems)s",
                    problems="\n".join(
                        f"{vals['case_reference']}: {e}" for e in errors
                    ),
                )
            )
        content = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
        return {
            **vals,
            "name": name,
            "flow_type": flow_type,
            "company_id": company.id,
            "ts_millis": ts_millis,
            "date_built": fields.Datetime.now(),
            "xml_file": base64.b64encode(content),
        }

    # ------------------------------------------------------------------
    # SINBA: the minors of the families taken in charge
    # ------------------------------------------------------------------
    @api.model
    def _sinba_interventions(self, company, date_from, date_to):
        """The benefits of the period that count for SINBA: those granted
        by the Comune (as for PS-PSA-SINA) to a family taken in charge
        ('PresaCarico'), whose type has an INPS benefit code."""
        return self._siuss_interventions(company, date_from, date_to).filtered(
            lambda i: i.siuss_taken_in_charge
            and i.type_id.siuss_code
            and not i.type_id.siuss_excluded
        )

    @api.model
    def _sinba_minors(self, cases, date_from, date_to):
        """The members of ``cases`` who were minors during the period."""
        return self.env["family.case.member"].search(
            [
                ("case_id", "in", cases.ids),
                ("birthdate", ">", date_from - relativedelta(years=18)),
                ("birthdate", "<=", date_to),
            ],
            order="case_id, id",
        )

    @api.model
    def _sinba_beneficiary_id(self, company, member):
        """IDBeneficiario: a pseudonym, never the codice fiscale.

        An HMAC of the codice fiscale (or, without one, of the member) keyed
        with the database's secret: the same minor has the same identifier
        every year, and nobody without the secret can go back to the person.
        """
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        subject = (member.fiscal_code or f"member-{member.id}").upper()
        digest = hmac.new(
            (secret or "").encode(),
            f"{company.id}:{subject}".encode(),
            hashlib.sha256,
        ).hexdigest()
        return digest[:20].upper()

    @staticmethod
    def _sinba_age_band(member, date_to):
        age = min(relativedelta(date_to, member.birthdate).years, 17)
        return str(min(age // 3 + 1, 6))

    @staticmethod
    def _sinba_isee_band(value):
        """FasciaISEEBeneficiario from the family's ISEE value."""
        for band, ceiling in enumerate((0, 3000, 6000, 9000, 12000, 15000, 20000)):
            if value <= ceiling:
                return str(band + 1)
        return "8"

    @staticmethod
    def _sinba_household(minor):
        """ComposizioneFamiglia: who lives with the minor (INPS's codes),
        and the minor's mother and father (members), from each member's
        relation to the reference person. A member whose sex is needed
        and missing is returned apart."""
        mother = father = minor.browse()
        codes, unknown_sex = set(), minor.browse()
        others = minor.case_id.member_ids - minor
        for other in others:
            if minor.relation == "child" and other.relation in ("reference", "partner"):
                code = "parent"
            elif minor.relation == "sibling" and other.relation == "parent":
                code = "parent"
            elif (minor.relation, other.relation) in (
                ("child", "child"),
                ("sibling", "sibling"),
                ("sibling", "reference"),
                ("reference", "sibling"),
                ("grandchild", "grandchild"),
            ):
                code = "3"
            elif (minor.relation, other.relation) in (
                ("child", "parent"),
                ("grandchild", "reference"),
                ("grandchild", "partner"),
            ):
                code = "4"
            else:
                code = "6"
            if code == "parent":
                if other.gender == "female":
                    code, mother = "1", mother or other
                elif other.gender == "male":
                    code, father = "2", father or other
                else:
                    unknown_sex |= other
                    continue
            codes.add(code)
        return sorted(codes, key=int), mother, father, unknown_sex

    @api.model
    def _sinba_check_values(self, minor, unknown_sex, codes, date_to):
        """What the SINBA flow needs and the records lack: the labels."""
        case = minor.case_id
        needed = [
            (minor, "birthdate"),
            (minor, "residence_country_code"),
            (minor, "sinba_parents_condition"),
            (minor, "sinba_living_place"),
            (minor, "sinba_school"),
            (minor, "sinba_assessment"),
            (case, "sinba_report_source"),
            (case, "sinba_family_assessment"),
        ]
        if minor.residence_country_code == "380":
            needed.append((minor, "residence_region_code"))
        # of working age (16): the work condition is asked
        if minor.birthdate and relativedelta(date_to, minor.birthdate).years >= 16:
            needed.append((minor, "sinba_work"))
        missing = [
            record._fields[fname]._description_string(self.env)
            for record, fname in needed
            if not record[fname]
        ]
        missing += [
            self.env._(
                "%(field)s of %(member)s",
                field=other._fields["gender"]._description_string(self.env),
                member=other.name,
            )
            for other in unknown_sex
        ]
        if not codes:
            missing.append(
                self.env._(
                    "%(field)s (no one lives with the minor)",
                    field=minor._fields["relation"]._description_string(self.env),
                )
            )
        return missing

    @api.model
    def _sinba_element(self, company, minor, codes, interventions, date_to):
        """The SINBA element of one minor (attributes of SinbaType)."""
        case = minor.case_id
        household, mother, father, _unknown = self._sinba_household(minor)
        yes_no = {True: "1", False: "2"}
        attrs = {
            "IDBeneficiario": self._sinba_beneficiary_id(company, minor),
            "MinoreStranieroNoAcc": yes_no[bool(minor.sinba_unaccompanied)],
            "CondizioneMinore": minor.sinba_parents_condition or "",
            "LuogoVita": minor.sinba_living_place or "",
            "ScuolaFrequentata": minor.sinba_school or "",
            # under 16, not of working age: inactive
            "CondizioneLavoro": minor.sinba_work
            or ("1" if relativedelta(date_to, minor.birthdate).years < 16 else ""),
            "Disabilita": yes_no[bool(minor.sinba_disability)],
            "DataPrimaSegnalazione": f"{case.date_intake:%m/%Y}"
            if case.date_intake
            else "",
            "FonteSegnalazione": case.sinba_report_source or "",
            "ValutazioneMinore": minor.sinba_assessment or "",
            "ValutazioneFamigliaMinore": case.sinba_family_assessment or "",
            "SegnalazioneAutoritaGiudiziaria": yes_no[
                bool(minor.sinba_judicial_report)
            ],
            "ProvvedimentoGiudiziario": yes_no[bool(minor.sinba_court_order)],
            "FasciaEtaBeneficiario": self._sinba_age_band(minor, date_to),
            "AnnoNascita": str(minor.birthdate.year),
            "CodiceNazioneResidenza": minor.residence_country_code or "",
        }
        optional = {
            "TipoDisabilita": minor.sinba_disability and minor.sinba_disability_type,
            "CodiceCittadinanzaPadre": father.citizenship_code,
            "CodiceCittadinanzaMadre": mother.citizenship_code,
            "CodiceRegioneResidenzaPadre": father.residence_region_code,
            "CodiceRegioneResidenzaMadre": mother.residence_region_code,
            "DataSegnalazione": minor.sinba_judicial_report
            and minor.sinba_judicial_report_date
            and f"{minor.sinba_judicial_report_date:%m/%Y}",
            "DataProvvedimentoGiudiziario": minor.sinba_court_order
            and minor.sinba_court_order_date
            and f"{minor.sinba_court_order_date:%m/%Y}",
            "AutoritaProvvedimento": minor.sinba_court_order
            and minor.sinba_court_authority,
            # the network's associations work with the social service
            "CollaborazioniInterventi": "8"
            if any(i.provider_id != company.partner_id for i in interventions)
            else False,
            "FasciaISEEBeneficiario": case.isee_expiry
            and self._sinba_isee_band(case.isee_value),
            "CodiceRegioneResidenza": minor.residence_region_code,
        }
        attrs.update({key: value for key, value in optional.items() if value})
        element = etree.Element(f"{{{NS}}}SINBA", attrs)
        benefits = etree.SubElement(element, f"{{{NS}}}Prestazioni")
        for code in codes:
            etree.SubElement(benefits, f"{{{NS}}}CodicePrestazione").text = code
        family = etree.SubElement(element, f"{{{NS}}}Famiglia")
        for code in household:
            etree.SubElement(family, f"{{{NS}}}ComposizioneFamiglia").text = code
        return element

    @api.model
    def _sinba_build(self, company, date_from, date_to):
        """Build the SINBA flows of the period; return the new flows.

        One flow per minor (the e-service's rule: one beneficiary each) of
        the families with a benefit taken in charge in the period, listing
        the benefits' INPS codes. Everything is checked before anything is
        written; an error names the case, the minor and the field. SINBA has
        no cancellation: a minor's data changed after being sent is sent
        again in a new flow, which replaces the earlier one.
        """
        self._siuss_check_company(company)
        schema = self._siuss_schema(company, "SINBA")
        interventions = self._sinba_interventions(company, date_from, date_to)
        by_case = {}
        for intervention in interventions:
            by_case.setdefault(intervention.case_id, []).append(intervention)
        minors = self._sinba_minors(interventions.case_id, date_from, date_to)
        # the households at once, not one family at a time
        minors.case_id.member_ids.fetch(
            ["name", "relation", "gender", "citizenship_code", "residence_region_code"]
        )
        live = self.search(
            [
                ("company_id", "=", company.id),
                ("flow_type", "=", "SINBA"),
                ("member_id", "in", minors.ids),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
                ("cancelled", "=", False),
                ("purged", "=", False),
                ("state", "!=", "rejected"),
            ]
        )
        live_of = {flow.member_id.id: flow for flow in live}
        problems, todo = [], []
        for minor in minors:
            label = f"{minor.case_id.reference}, {minor.name}"
            case_interventions = by_case[minor.case_id]
            codes = sorted(set(i.type_id.siuss_code for i in case_interventions))
            household, _mother, _father, unknown_sex = self._sinba_household(minor)
            missing = self._sinba_check_values(minor, unknown_sex, household, date_to)
            if missing:
                problems += [
                    self.env._("%(case)s: %(field)s is missing", case=label, field=f)
                    for f in missing
                ]
                continue
            element = self._sinba_element(
                company, minor, codes, case_interventions, date_to
            )
            errors = self._schema_errors(
                schema, self._document(company, "X.SINBA.00000000.0000000", element)
            )
            if errors:
                problems += [f"{label}: {error}" for error in errors]
                continue
            signature = self._signature(element)
            previous = live_of.get(minor.id)
            if previous and previous.signature == signature:
                continue
            todo.append((minor, element, signature, previous))
        if problems:
            raise UserError(
                self.env._(
                    "The SIUSS flow cannot be built:\n%(problems)s",
                    problems="\n".join(problems),
                )
            )
        sequence = FlowSequence(self, company, "SINBA")
        previous = self.union(*(p for *_rest, p in todo if p))
        # never collected: replaced; collected: the new flow replaces it
        previous.filtered(lambda f: f.state == "ready").unlink()
        previous.exists().cancelled = True
        vals_list = [
            self._flow_vals(
                company,
                sequence,
                element,
                schema,
                {
                    "operation": "I",
                    "case_id": minor.case_id.id,
                    "member_id": minor.id,
                    "case_reference": minor.case_id.reference,
                    "benefit_code": ", ".join(
                        c.text for c in element.iter(f"{{{NS}}}CodicePrestazione")
                    )[:256],
                    "date_from": date_from,
                    "date_to": date_to,
                    "signature": signature,
                },
                flow_type="SINBA",
            )
            for minor, element, signature, _previous in todo
        ]
        new = self.create(vals_list)
        self.env["family.access.log"]._log(
            new.case_id, "siuss", model=self._name, force=True
        )
        return new

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    @api.model
    def _siuss_forget(self, cases):
        """The flows of ``cases``, anonymised at the end of their retention.

        A flow never collected by INPS is deleted (nobody holds it). A flow
        INPS collected is the Comune's record of a transmission required by
        law (DM 206/2014): its identifier, type, operation, dates, benefit
        code, state and INPS's outcome and acquisition code stay; its content
        (names, codice fiscale, birth, household), the beneficiary's codice
        fiscale and INPS's free-text message are removed. INPS keeps its own
        copy under its own retention.
        """
        flows = self.sudo().search(
            [
                "|",
                "|",
                ("case_id", "in", cases.ids),
                ("intervention_id.case_id", "in", cases.ids),
                # a cancellation built before flows kept their case, of an
                # intervention since deleted: its reference is left
                "&",
                ("company_id", "in", cases.company_id.ids),
                ("case_reference", "in", cases.mapped("reference")),
            ]
        )
        ready = flows.filtered(lambda f: f.state == "ready")
        ready.unlink()
        (flows - ready).write(
            {
                "xml_file": False,
                "fiscal_code": False,
                "signature": False,
                "outcome_message": False,
                "member_id": False,
                "purged": True,
                "date_purged": fields.Datetime.now(),
            }
        )
