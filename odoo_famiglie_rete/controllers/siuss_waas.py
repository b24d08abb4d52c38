"""The SIUSS e-service ("Welfare as a Service", INPS's api-comuni.yaml).

INPS collects the Comune's flows with ``GET /flussi``, notifies its outcome
with ``POST /esiti`` and checks the service with ``GET /status``. In
production PDND's gateway stands in front (its voucher, AUTH_REST_01) and
forwards to these routes with the bearer token the Comune configured
(``res.company.family_siuss_waas_token``); a call without it is refused.
"""

import hmac
import json
import logging

from odoo import fields, http
from odoo.http import request

_logger = logging.getLogger(__name__)

PREFIX = "/waas/v1"
PROBLEM = "application/problem+json"
ESITI = ("OK", "DATI_NON_TROVATI", "RICHIESTA_INVALIDA", "ERRORE_GENERICO")
ESITO_REQUIRED = ("id_flusso", "tipo", "ts_flusso", "ts_acquisizione", "codice_esito")


def _json(payload, status=200, content_type="application/json"):
    return request.make_response(
        json.dumps(payload),
        headers=[("Content-Type", content_type)],
        status=status,
    )


def _problem(status, title, detail=None):
    payload = {"status": status, "title": title}
    if detail:
        payload["detail"] = detail[:4096]
    return _json(payload, status=status, content_type=PROBLEM)


class SiussWaas(http.Controller):
    def _company(self):
        """The Comune whose token the call presents, or None."""
        header = request.httprequest.headers.get("Authorization") or ""
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        token = token.strip()
        companies = (
            request.env["res.company"]
            .sudo()
            .search([("family_siuss_waas_token", "!=", False)])
        )
        for company in companies:
            if hmac.compare_digest(company.family_siuss_waas_token, token):
                return company
        return None

    @http.route(
        f"{PREFIX}/status", type="http", auth="none", methods=["GET"], csrf=False
    )
    def waas_status(self, **kwargs):
        return _json(
            {"status": 200, "title": "OK", "detail": "Servizio attivo"},
            content_type=PROBLEM,
        )

    @http.route(
        f"{PREFIX}/flussi",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        readonly=False,
    )
    def waas_flussi(self, since=None, limit=None, **kwargs):
        company = self._company()
        if not company:
            return _problem(401, "Unauthorized", "Credenziali mancanti o non valide")
        try:
            since = int(since)
            limit = 10 if limit in (None, "") else int(limit)
        except (TypeError, ValueError):
            return _problem(400, "Bad Request", "since e limit sono numeri interi")
        if since < 0 or not 0 <= limit <= 100:
            return _problem(
                400, "Bad Request", "since >= 0 e limit tra 0 e 100 sono richiesti"
            )
        Flow = request.env["family.siuss.flow"].sudo()
        flows = Flow.browse()
        if limit:  # the ORM reads limit=0 as no limit
            flows = Flow.search(
                [
                    ("company_id", "=", company.id),
                    ("ts_millis", ">", since),
                    # collected long ago, its content gone with the case's
                    # retention: nothing left to serve
                    ("purged", "=", False),
                ],
                order="ts_millis, id",
                limit=limit,
            )
        entries = [flow._waas_entry() for flow in flows]
        unsent = flows.filtered(lambda f: f.state == "ready")
        if unsent:
            unsent.write({"state": "sent", "date_sent": fields.Datetime.now()})
        if flows:
            request.env["family.access.log"].sudo()._log(
                flows.case_id | flows.intervention_id.case_id,
                "siuss_collect",
                model=Flow._name,
                force=True,
            )
        return _json({"elenco_flussi": entries})

    @http.route(
        f"{PREFIX}/esiti", type="http", auth="public", methods=["POST"], csrf=False
    )
    def waas_esiti(self, **kwargs):
        company = self._company()
        if not company:
            return _problem(401, "Unauthorized", "Credenziali mancanti o non valide")
        try:
            payload = json.loads(request.httprequest.get_data() or b"null")
            esiti = payload["elenco_esiti"]
            if not isinstance(esiti, list) or len(esiti) > 100:
                raise ValueError
            for esito in esiti:
                if not all(esito.get(key) for key in ESITO_REQUIRED):
                    raise ValueError
                if esito["codice_esito"] not in ESITI:
                    raise ValueError
        except (ValueError, KeyError, TypeError, AttributeError):
            return _problem(400, "Bad Request", "elenco_esiti non valido")
        Flow = request.env["family.siuss.flow"].sudo()
        flows = Flow.search(
            [
                ("company_id", "=", company.id),
                ("name", "in", [esito["id_flusso"] for esito in esiti]),
            ]
        )
        by_name = {flow.name: flow for flow in flows}
        for esito in esiti:
            flow = by_name.get(esito["id_flusso"])
            if not flow:
                _logger.warning(
                    "SIUSS outcome for an unknown flow %s", esito["id_flusso"]
                )
                continue
            flow._waas_record_outcome(esito)
        return request.make_response("", status=204)
