import base64
import re
from datetime import date

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import (
    PASSWORD,
    SPECS,
    YEAR,
    JsonRpcMixin,
    SiussCommon,
    fiscal_code,
    new_share,
)
from .test_siuss_waas import OpenApiMixin

NS = {"s": "http://inps.it/Casellario"}
TOKEN = "waas-token-of-the-comune"
ACCESS_ERROR = "odoo.exceptions.AccessError"


class SinbaCommon(SiussCommon):
    """The SIUSS fixture's family with a mother and a son of nine, taken in
    charge in 2024 (the rent and the parcel), with what SINBA needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Member = cls.env["family.case.member"]
        Partner = cls.env["res.partner"]
        cls.case.write(
            {
                "date_intake": date(2023, 10, 2),
                "sinba_report_source": "13",
                "sinba_family_assessment": "12",
                "isee_value": 4500,
                "isee_expiry": date(YEAR, 12, 31),
            }
        )
        cls.mother = Member.create(
            {
                "case_id": cls.case.id,
                "partner_id": Partner.create({"name": "Lucia Bianchi"}).id,
                "relation": "partner",
                "fiscal_code": fiscal_code("BNCLCU85C41F205"),
                "birthdate": date(1985, 3, 1),
                "citizenship_code": "380",
                "residence_country_code": "380",
                "residence_region_code": "03",
            }
        )
        cls.child_code = fiscal_code("RSSLCU15E10C523")
        cls.child = Member.create(
            {
                "case_id": cls.case.id,
                "partner_id": Partner.create({"name": "Luca Rossi"}).id,
                "relation": "child",
                "fiscal_code": cls.child_code,
                "first_name": "Luca",
                "last_name": "Rossi",
                "birthdate": date(2015, 5, 10),
                "citizenship_code": "380",
                "residence_country_code": "380",
                "residence_region_code": "03",
                "residence_municipality_code": "015070",
                "sinba_parents_condition": "1",
                "sinba_living_place": "1",
                "sinba_school": "5",
                "sinba_assessment": "2",
            }
        )

    def _document(self, flow):
        return etree.fromstring(base64.b64decode(flow.xml_file))

    def _sinba(self, flow):
        return self._document(flow).find("s:SINBA", NS)


@tagged("post_install", "-at_install")
class TestSiussSinba(SinbaCommon):
    def test_sinba_flow_validates_against_inps_schema(self):
        flows = self.build(flow_type="SINBA")
        self.assertEqual(len(flows), 1, "one flow per minor: the son only")
        flow = flows
        schema = etree.XMLSchema(etree.parse(str(SPECS / "SINBA.xsd")))
        document = self._document(flow)
        self.assertTrue(schema.validate(document), schema.error_log)
        self.assertRegex(flow.name, r"^C523\.SINBA\.\d{8}\.\d{7}$")
        self.assertEqual(flow.flow_type, "SINBA")
        self.assertEqual((flow.member_id, flow.case_id), (self.child, self.case))
        sinba = self._sinba(flow)
        self.assertEqual(
            [c.text for c in sinba.findall("s:Prestazioni/s:CodicePrestazione", NS)],
            ["A1.08", "A1.13"],
            "the family's benefits taken in charge",
        )
        self.assertEqual(
            [c.text for c in sinba.findall("s:Famiglia/s:ComposizioneFamiglia", NS)],
            ["1", "2"],
            "mother and father",
        )
        expected = {
            "MinoreStranieroNoAcc": "2",
            "CondizioneMinore": "1",
            "LuogoVita": "1",
            "ScuolaFrequentata": "5",
            "CondizioneLavoro": "1",  # nine years old: not of working age
            "Disabilita": "2",
            "ValutazioneMinore": "2",
            "ValutazioneFamigliaMinore": "12",
            "FonteSegnalazione": "13",
            "DataPrimaSegnalazione": "10/2023",
            "SegnalazioneAutoritaGiudiziaria": "2",
            "ProvvedimentoGiudiziario": "2",
            "FasciaEtaBeneficiario": "4",  # nine at the end of 2024
            "FasciaISEEBeneficiario": "3",
            "AnnoNascita": "2015",
            "CodiceNazioneResidenza": "380",
            "CodiceRegioneResidenza": "03",
            "CodiceCittadinanzaMadre": "380",
            "CodiceCittadinanzaPadre": "380",
            "CollaborazioniInterventi": "8",  # an association's parcel
        }
        self.assertEqual({k: sinba.get(k) for k in expected}, expected)
        # a pseudonym, stable, never the person's identity
        pseudonym = sinba.get("IDBeneficiario")
        self.assertRegex(pseudonym, r"^[0-9A-F]{20}$")
        content = base64.b64decode(flow.xml_file).decode()
        for secret in (self.child_code, "Rossi", "Luca", "2015-05-10"):
            self.assertNotIn(secret, content)
        self.assertFalse(flow.fiscal_code)
        self.assertEqual(
            self.env["family.siuss.flow"]._sinba_beneficiary_id(
                self.env.company, self.child
            ),
            pseudonym,
        )
        # in the access log, by the manager
        self.assertTrue(
            self.env["family.access.log"].search_count(
                [
                    ("channel", "=", "siuss"),
                    ("user_id", "=", self.manager.id),
                    ("case_id", "=", self.case.id),
                ]
            )
        )
        self.assertFalse(self.build(flow_type="SINBA"), "nothing new")

    def test_changed_after_sending_is_sent_again_once(self):
        first = self.build(flow_type="SINBA")
        first.write({"state": "sent"})
        self.child.sinba_school = "6"
        second = self.build(flow_type="SINBA")
        self.assertEqual(len(second), 1)
        self.assertEqual(self._sinba(second).get("ScuolaFrequentata"), "6")
        self.assertTrue(first.cancelled, "replaced by the new flow")
        self.assertFalse(self.build(flow_type="SINBA"), "nothing is sent twice")
        # not yet collected: replaced, not kept
        self.child.sinba_school = "7"
        third = self.build(flow_type="SINBA")
        self.assertFalse(second.exists())
        self.assertEqual(self._sinba(third).get("ScuolaFrequentata"), "7")

    def test_both_flows_in_one_build(self):
        flows = self.build(flow_type="all")
        self.assertEqual(
            sorted(flows.mapped("flow_type")), ["PS_PSA_SINA", "PS_PSA_SINA", "SINBA"]
        )
        self.assertEqual(len(set(flows.mapped("ts_millis"))), 3)

    def test_no_benefit_taken_in_charge_no_sinba(self):
        (self.rent | self.parcel).write({"siuss_taken_in_charge": False})
        self.assertFalse(self.build(flow_type="SINBA"))

    def test_missing_value_gives_the_italian_error_not_a_file(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"].search(
            [("name", "=", "odoo_famiglie_rete")]
        )._update_translations(["it_IT"], overwrite=True)
        self.child.sinba_school = False
        self.case.sinba_family_assessment = False
        label = re.escape(f"{self.case.reference}, Luca Rossi")
        with self.assertRaisesRegex(
            UserError,
            r"Il flusso SIUSS non può essere generato:\n"
            rf"{label}: manca il campo «Scuola frequentata»\n"
            rf"{label}: manca il campo «Valutazione della famiglia dei minori»",
        ):
            self.build(lang="it_IT", flow_type="SINBA")
        self.assertFalse(self.env["family.siuss.flow"].search([]))
        # a parent whose sex is unknown is named
        self.child.sinba_school = "5"
        self.case.sinba_family_assessment = "12"
        self.mother.gender = False
        with self.assertRaisesRegex(
            UserError, rf"{label}: manca il campo «Sesso di Lucia Bianchi»"
        ):
            self.build(lang="it_IT", flow_type="SINBA")

    def test_work_condition_asked_from_sixteen(self):
        self.child.birthdate = date(2008, 6, 1)  # sixteen at the end of 2024
        with self.assertRaisesRegex(
            UserError, r"Luca Rossi: Work Condition is missing"
        ):
            self.build(flow_type="SINBA")
        self.child.sinba_work = "1"
        sinba = self._sinba(self.build(flow_type="SINBA"))
        self.assertEqual(
            (sinba.get("CondizioneLavoro"), sinba.get("FasciaEtaBeneficiario")),
            ("1", "6"),
        )

    def test_schema_error_names_the_minor_and_field(self):
        # present, but not what INPS's schema accepts (years 1900-2099)
        self.case.date_intake = date(1899, 12, 1)
        with self.assertRaisesRegex(
            UserError,
            rf"{re.escape(self.case.reference)}, Luca Rossi: Report Date is not "
            r"valid \(12/1899\)",
        ):
            self.build(flow_type="SINBA")
        self.assertFalse(self.env["family.siuss.flow"].search([]))

    def test_personal_data_export_names_inps_as_recipient(self):
        """GDPR art. 15(1)(c): what was sent to INPS about the person, in the
        manager's export; the flows stay the manager's only."""
        flows = self.build(flow_type="all")
        report = self.env["report.odoo_famiglie_rete.report_family_member_data"]

        def exported(user, member):
            data = report.with_user(user)._get_personal_data(member)
            return data["persons"][0]["memberships"][0]

        father = exported(self.manager, self.member)
        self.assertEqual(
            {row["flow"] for row in father["siuss_flows"]},
            set(flows.filtered(lambda f: f.flow_type == "PS_PSA_SINA").mapped("name")),
        )
        self.assertEqual(father["siuss_flows"][0]["recipient"], "INPS (SIUSS)")
        son = exported(self.manager, self.child)
        self.assertEqual(
            [row["flow"] for row in son["siuss_flows"]],
            flows.filtered(lambda f: f.flow_type == "SINBA").mapped("name"),
        )
        self.assertFalse(exported(self.manager, self.mother)["siuss_flows"])
        self.assertNotIn("siuss_flows", exported(self.worker, self.member))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "odoo_famiglie_rete.family_case_member_report_personal_data",
                self.member.ids,
            )[0]
        )
        self.assertIn(b"Communicated to INPS (SIUSS)", html)
        self.assertIn(father["siuss_flows"][0]["flow"].encode(), html)

    def test_anonymised_case_keeps_sent_flows_without_personal_data(self):
        flows = self.build(flow_type="all")
        sent = flows.filtered(lambda f: f.flow_type == "PS_PSA_SINA")
        sent.write({"state": "accepted", "outcome_message": "Rossi Mario: OK"})
        unsent = flows - sent
        # an older cancellation: neither its case nor its intervention left
        sent |= self.env["family.siuss.flow"].create(
            {
                "name": "C523.PS.20240101.0000001",
                "operation": "C",
                "state": "accepted",
                "case_reference": self.case.reference,
                "fiscal_code": self.member.fiscal_code,
                "benefit_code": "A1.08",
                "xml_file": base64.b64encode(b"<Flusso/>"),
            }
        )
        self.case.action_close_case()
        self.case._family_anonymize()
        self.assertFalse(unsent.exists(), "never collected: deleted")
        self.assertEqual(sent.exists(), sent, "collected: a legal record, kept")
        for flow in sent:
            self.assertTrue(flow.purged)
            self.assertTrue(flow.date_purged)
            self.assertFalse(flow.xml_file)
            self.assertFalse(flow.fiscal_code)
            self.assertFalse(flow.outcome_message)
            self.assertEqual(flow.state, "accepted")
            self.assertTrue(flow.benefit_code)
        # the register of what was sent stays; nothing is built again or
        # cancelled for the anonymised family
        self.assertFalse(self.build(flow_type="all"))


@tagged("post_install", "-at_install")
class TestSiussSinbaQueries(SinbaCommon):
    def _families(self, count, year):
        """``count`` families, each a mother and a son taken in charge in
        ``year`` with a rent contribution."""
        Partner = self.env["res.partner"]
        for number in range(count):
            case = self.env["family.case"].create(
                {
                    "name": f"Famiglia Verdi {number}",
                    "user_id": self.worker.id,
                    "sinba_report_source": "3",
                    "sinba_family_assessment": "13",
                }
            )
            mother, son = self.env["family.case.member"].create(
                [
                    {
                        "case_id": case.id,
                        "partner_id": Partner.create(
                            {"name": f"Rosa Verdi {number}"}
                        ).id,
                        "relation": "reference",
                        "gender": "female",
                        "birthdate": date(1980, 1, 1),
                        "citizenship_code": "380",
                    },
                    {
                        "case_id": case.id,
                        "partner_id": Partner.create(
                            {"name": f"Ugo Verdi {number}"}
                        ).id,
                        "relation": "child",
                        "gender": "male",
                        "birthdate": date(2012, 1, 1),
                        "residence_country_code": "380",
                        "residence_region_code": "03",
                        "sinba_parents_condition": "1",
                        "sinba_living_place": "1",
                        "sinba_school": "6",
                        "sinba_assessment": "1",
                    },
                ]
            )
            self.env["family.intervention"].create(
                {
                    "case_id": case.id,
                    "provider_id": self.comune.id,
                    "type_id": self.type_rent.id,
                    "member_id": mother.id,
                    "date_start": date(year, 2, 1),
                    "quantity": 1,
                    "unit_value": 300,
                    "state": "done",
                    "siuss_taken_in_charge": True,
                }
            )

    def _queries(self, year):
        """The flows of ``year`` built, and the queries it took."""
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        flows = self.build(date(year, 1, 1), date(year, 12, 31), flow_type="SINBA")
        return flows, self.cr.sql_log_count - before

    def test_no_query_per_minor(self):
        """Building the SINBA flows of six families costs what one costs."""
        self._families(1, YEAR + 1)
        self._families(6, YEAR + 2)
        self._queries(YEAR)  # the caches warm
        one, queries_one = self._queries(YEAR + 1)
        six, queries_six = self._queries(YEAR + 2)
        self.assertEqual((len(one), len(six)), (1, 6))
        self.assertGreater(queries_one, 0)
        self.assertLessEqual(queries_six, queries_one, "no query per minor")


@tagged("post_install", "-at_install")
class TestSiussSinbaAccess(OpenApiMixin, JsonRpcMixin, SinbaCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._waas_and_outsiders("sinba")
        # the family shared with the association, every category open: the
        # association reads the minor's identity, never the SINBA data
        new_share(
            cls.env,
            cls.case,
            cls.assoc_a,
            share_identity=True,
            share_household=True,
            share_needs=True,
            share_goals=True,
            share_other_interventions=True,
            share_documents=True,
        )

    def test_inps_collects_the_sinba_flow(self):
        flow = self.build(flow_type="SINBA")
        response = self.url_open(
            "/waas/v1/flussi?since=0",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertDocumented(response)
        payload = response.json()
        [entry] = payload["elenco_flussi"]
        self.assertEqual((entry["id_flusso"], entry["tipo"]), (flow.name, "SINBA"))
        self.assertIn(b"<SINBA", base64.b64decode(entry["flusso"]))
        self.assertEqual(flow.state, "sent")
        self.assertTrue(
            self.env["family.access.log"].search_count(
                [("channel", "=", "siuss_collect"), ("case_id", "=", self.case.id)]
            )
        )
        # its content gone with the case's retention: no longer served
        self.case.action_close_case()
        self.case._family_anonymize()
        response = self.url_open(
            "/waas/v1/flussi?since=0",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        self.assertEqual(response.json(), {"elenco_flussi": []})

    @mute_logger("odoo.http", "odoo.models")
    def test_no_role_but_the_manager_reaches_a_sinba_flow(self):
        flow = self.build(flow_type="SINBA")
        for user in (self.sw, self.finance, self.portal):
            with self.subTest(user=user.login):
                self.authenticate(user.login, PASSWORD)
                for method, args in (
                    ("search_read", ([["flow_type", "=", "SINBA"]], ["name"])),
                    ("read", ([flow.id], ["xml_file", "member_id"])),
                    ("web_search_read", ([], {"name": {}})),
                    ("read_group", ([], ["__count"], ["flow_type"])),
                    ("search_count", ([],)),
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
                self.assertNotIn(b"SINBA", response.content)
                # the minor's SINBA data: the social service's only
                if user == self.portal:
                    [row] = self.rpc(
                        "family.case.member", "read", [self.child.id], ["name"]
                    )
                    self.assertEqual(row["name"], "Luca Rossi", "the share opens it")
                if user != self.sw:
                    self.assertEqual(
                        self.rpc_error(
                            "family.case.member",
                            "read",
                            [self.child.id],
                            ["sinba_assessment"],
                        ),
                        ACCESS_ERROR,
                    )
                # and the e-service wants INPS's credential, not a session
                response = self.url_open("/waas/v1/flussi?since=0")
                self.assertEqual(response.status_code, 401)
        self.authenticate(self.manager.login, PASSWORD)
        rows = self.rpc(
            "family.siuss.flow", "search_read", [["flow_type", "=", "SINBA"]], ["name"]
        )
        self.assertEqual([row["name"] for row in rows], [flow.name])
        response = self.url_open(f"/web/content/family.siuss.flow/{flow.id}/xml_file")
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"SINBA", response.content)
