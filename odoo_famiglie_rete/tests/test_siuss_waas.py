import base64
import json
import re

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import (
    RequestsOpenAPIRequest,
    RequestsOpenAPIResponse,
)
from openapi_schema_validator import OAS30Validator

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import PASSWORD, SPECS, JsonRpcMixin, SiussCommon

TOKEN = "waas-token-of-the-comune"
ACCESS_ERROR = "odoo.exceptions.AccessError"


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1, where ``1e+20`` (INPS's ``UnixTimestamp``
    maximum) is a string; OpenAPI documents are YAML 1.2, where it is a
    number."""


Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+$"),
    list("-+0123456789."),
)


def inps_openapi():
    """INPS's OpenAPI document (``api-comuni.yaml``), as a dict."""
    return yaml.load((SPECS / "api-comuni.yaml").read_text(), Loader=Yaml12Loader)


def openapi_validator(name):
    """A validator of INPS's OpenAPI schema ``name`` (OpenAPI 3.0 schema
    semantics, openapi-schema-validator)."""
    spec = inps_openapi()
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)


def openapi_service(base_url):
    """INPS's OpenAPI document served at ``base_url`` (openapi-core): it
    checks a response against its operation's documented status, content
    type and schema."""
    spec = inps_openapi()
    spec["servers"] = [{"url": f"{base_url}/waas/v1"}]
    # RFC 9457 problems are JSON too
    config = Config(
        extra_media_type_deserializers={"application/problem+json": json.loads}
    )
    return OpenAPI.from_dict(spec, config=config)


class OpenApiMixin:
    """Mixed into an ``HttpCase``: check answers against INPS's document."""

    @classmethod
    def _waas_and_outsiders(cls, prefix):
        """The Comune's e-service token, and the roles a flow never reaches:
        ``finance``, ``sw`` (a social worker: flows are the manager's) and
        ``portal`` (a coordinator of association A); logins ``<prefix>_finance``,
        ``<prefix>_worker``, ``<prefix>_portal``."""
        cls.env.company.family_siuss_waas_token = TOKEN
        for attr, login, groups in (
            ("finance", "finance", "odoo_famiglie_rete.group_family_finance"),
            ("sw", "worker", "odoo_famiglie_rete.group_family_social_worker"),
            ("portal", "portal", "base.group_portal"),
        ):
            user = new_test_user(
                cls.env, login=f"{prefix}_{login}", password=PASSWORD, groups=groups
            )
            setattr(cls, attr, user)
        cls.portal.partner_id.parent_id = cls.assoc_a
        cls.portal.family_portal_role = "coordinator"

    def setUp(self):
        super().setUp()
        self.openapi = openapi_service(self.base_url())

    def assertDocumented(self, response):
        """The answer is one the OpenAPI document declares for the call:
        status, content type and body (openapi-core)."""
        self.openapi.validate_response(
            RequestsOpenAPIRequest(response.request),
            RequestsOpenAPIResponse(response),
        )


@tagged("post_install", "-at_install")
class TestSiussWaas(OpenApiMixin, JsonRpcMixin, SiussCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._waas_and_outsiders("siuss")

    def _get(self, path, token=TOKEN):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.url_open(path, headers=headers)

    def _flussi(self, since, limit=None):
        query = f"since={since}" + (f"&limit={limit}" if limit is not None else "")
        response = self._get(f"/waas/v1/flussi?{query}")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertDocumented(response)
        payload = response.json()
        openapi_validator("Entries").validate(payload)
        return payload["elenco_flussi"]

    def test_status(self):
        response = self._get("/waas/v1/status", token=None)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/problem+json")
        self.assertDocumented(response)

    def test_flussi_paging_and_esiti(self):
        flows = self.build()
        self.assertEqual(self._flussi(0, limit=0), [])
        first = self._flussi(0, limit=1)
        self.assertEqual(len(first), 1)
        entry = first[0]
        oldest = flows.sorted("ts_millis")[0]
        self.assertEqual(entry["id_flusso"], oldest.name)
        self.assertEqual(entry["codice_ente"], "C523")
        self.assertEqual(entry["tipo"], "PS_PSA_SINA")
        self.assertIn(b"<Flusso", base64.b64decode(entry["flusso"]))
        since = int(oldest.ts_millis)
        second = self._flussi(since)
        self.assertEqual([e["id_flusso"] for e in second], [(flows - oldest).name])
        self.assertEqual(self._flussi(int(max(flows.mapped("ts_millis")))), [])
        self.assertEqual(set(flows.mapped("state")), {"sent"})
        # the collection is in the access log
        self.assertTrue(
            self.env["family.access.log"].search_count(
                [("channel", "=", "siuss_collect"), ("case_id", "=", self.case.id)]
            )
        )
        rejected = flows - oldest
        body = {
            "elenco_esiti": [
                {
                    "id_flusso": oldest.name,
                    "tipo": "PS_PSA_SINA",
                    "ts_flusso": entry["ts_flusso"],
                    "ts_acquisizione": "2025-01-10T10:00:00.000Z",
                    "codice_esito": "OK",
                    "id_acquisizione_siuss": "22738",
                },
                {
                    "id_flusso": rejected.name,
                    "tipo": "PS_PSA_SINA",
                    "ts_flusso": second[0]["ts_flusso"],
                    "ts_acquisizione": "2025-01-10T10:00:00.000Z",
                    "codice_esito": "RICHIESTA_INVALIDA",
                    "descrizione_esito": "Codice prestazione non valido",
                },
            ]
        }
        openapi_validator("ElencoEsiti").validate(body)
        response = self.url_open(
            "/waas/v1/esiti",
            data=json.dumps(body),
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/json",
            },
        )
        self.assertEqual(response.status_code, 204, response.text)
        self.assertDocumented(response)
        self.assertEqual(oldest.state, "accepted")
        self.assertEqual(oldest.siuss_acquisition_ref, "22738")
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(rejected.outcome_message, "Codice prestazione non valido")
        # a rejected flow is built again (INPS did not take it)
        rebuilt = self.build()
        self.assertEqual(rebuilt.intervention_id, rejected.intervention_id)

    @mute_logger("odoo.http")
    def test_refused_without_the_credential(self):
        self.build()
        for token in (None, "wrong-token"):
            response = self._get("/waas/v1/flussi?since=0", token=token)
            # the document lists no 401 (PDND's gateway refuses first in
            # production): the answer is still a Problem
            self.assertEqual(response.status_code, 401)
            openapi_validator("Problem").validate(response.json())
            response = self.url_open(
                "/waas/v1/esiti",
                data=json.dumps({"elenco_esiti": []}),
                headers={"Authorization": f"Bearer {token}"} if token else {},
            )
            self.assertEqual(response.status_code, 401)
            self.assertDocumented(response)  # /esiti: any error is a Problem
        self.assertEqual(
            set(self.env["family.siuss.flow"].search([]).mapped("state")), {"ready"}
        )
        for query in ("", "since=abc", "since=0&limit=101", "since=-1"):
            response = self._get(f"/waas/v1/flussi?{query}")
            self.assertEqual(response.status_code, 400, query)
            self.assertDocumented(response)
        response = self.url_open(
            "/waas/v1/esiti",
            data=json.dumps({"elenco_esiti": [{"id_flusso": "x"}]}),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertDocumented(response)

    @mute_logger("odoo.http", "odoo.models")
    def test_no_role_but_the_manager_reaches_a_flow(self):
        flow = self.build()[0]
        for user in (self.sw, self.finance, self.portal):
            with self.subTest(user=user.login):
                self.authenticate(user.login, PASSWORD)
                for method, args in (
                    ("search_read", ([], ["name"])),
                    ("read", ([flow.id], ["xml_file"])),
                    ("web_search_read", ([], {"name": {}})),
                    ("read_group", ([], ["__count"], ["state"])),
                ):
                    self.assertEqual(
                        self.rpc_error("family.siuss.flow", method, *args),
                        ACCESS_ERROR,
                        f"{user.login} calls {method}",
                    )
                response = self.url_open(
                    f"/web/content/family.siuss.flow/{flow.id}/xml_file"
                )
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(b"Casellario", response.content)
                self.assertEqual(
                    self.rpc_error(
                        "family.intervention",
                        "read",
                        [self.rent.id],
                        ["siuss_dsu_number"],
                    )
                    if user != self.sw
                    else None,
                    ACCESS_ERROR if user != self.sw else None,
                )
        self.authenticate(self.manager.login, PASSWORD)
        rows = self.rpc("family.siuss.flow", "search_read", [], ["name"])
        self.assertIn(flow.name, [row["name"] for row in rows])
        response = self.url_open(f"/web/content/family.siuss.flow/{flow.id}/xml_file")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"Casellario", response.content)

    def test_the_managers_year(self):
        """The cycle as the manager lives it: map the catalogue, build the
        year, read the report, fix a missing birth place, build again; INPS
        collects the flows and posts its outcome."""
        self.type_parcel.siuss_code = False
        self.member.birth_place_code = False
        with self.assertRaisesRegex(UserError, "no INPS benefit code: Food parcel"):
            self.build(flow_type="all")
        self.type_parcel.with_user(self.manager).siuss_code = "A1.13"
        with self.assertRaisesRegex(
            UserError, r"Place of Birth \(Belfiore Code\) is missing"
        ):
            self.build(flow_type="all")
        self.assertFalse(self.env["family.siuss.flow"].search([]), "nothing half-saved")
        self.member.with_user(self.manager).birth_place_code = "F205"
        flows = self.build(flow_type="all")
        self.assertEqual(len(flows), 2)
        # INPS, through the e-service
        entries = self._flussi(0)
        self.assertEqual({e["id_flusso"] for e in entries}, set(flows.mapped("name")))
        esiti = [
            {
                "id_flusso": entry["id_flusso"],
                "tipo": entry["tipo"],
                "ts_flusso": entry["ts_flusso"],
                "ts_acquisizione": "2025-01-10T10:00:00.000Z",
                "codice_esito": "OK",
                "id_acquisizione_siuss": f"2025{number:06d}",
            }
            for number, entry in enumerate(entries, start=1)
        ]
        response = self.url_open(
            "/waas/v1/esiti",
            data=json.dumps({"elenco_esiti": esiti}),
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "Content-Type": "application/json",
            },
        )
        self.assertEqual(response.status_code, 204, response.text)
        self.assertDocumented(response)
        self.assertEqual(set(flows.mapped("state")), {"accepted"})
        self.assertTrue(all(flows.mapped("siuss_acquisition_ref")))
        self.assertEqual(self._flussi(int(max(flows.mapped("ts_millis")))), [])
