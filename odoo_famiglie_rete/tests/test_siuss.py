import base64
import re

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SPECS, YEAR, SiussCommon

NS = {"s": "http://inps.it/Casellario"}


@tagged("post_install", "-at_install")
class TestSiussFlow(SiussCommon):
    def _document(self, flow):
        return etree.fromstring(base64.b64decode(flow.xml_file))

    def _benefit(self, flow):
        return self._document(flow).find("s:Beneficiario/s:PrestazioniSociali", NS)

    def test_flows_validate_against_inps_schema(self):
        flows = self.build()
        self.assertEqual(len(flows), 2, "one flow per benefit: rent and parcel")
        schema = etree.XMLSchema(etree.parse(str(SPECS / "PS_PSA_SINA201812.xsd")))
        for flow in flows:
            document = self._document(flow)
            self.assertTrue(schema.validate(document), schema.error_log)
            self.assertRegex(flow.name, r"^C523\.PS\.\d{8}\.\d{7}$")
            self.assertEqual(
                document.find("s:IdentificazioneFlusso", NS).get("Nome"), flow.name
            )
            self.assertEqual(flow.state, "ready")
            self.assertEqual(flow.operation, "I")
            self.assertEqual(flow.case_reference, self.case.reference)
        self.assertEqual(len(set(flows.mapped("name"))), 2)
        self.assertEqual(len(set(flows.mapped("ts_millis"))), 2)
        rent = flows.filtered(lambda f: f.intervention_id == self.rent)
        benefit = self._benefit(rent)
        # periodic: six months of 1,200 euros, the user pays 120
        self.assertEqual(benefit.get("TipoOperazione"), "I")
        self.assertEqual(benefit.get("CaratterePrestazione"), "1")
        self.assertEqual(benefit.get("PeriodoErogazione"), "6")
        self.assertEqual(benefit.get("ImportoMensile"), "200.00")
        self.assertEqual(benefit.get("ImportoQuotaEnte"), "180.00")
        self.assertEqual(benefit.get("ImportoQuotaUtente"), "20.00")
        self.assertEqual(benefit.get("NumeroProtocolloDSU"), self.rent.siuss_dsu_number)
        self.assertEqual(benefit.get("ProtocolloDomanda"), "PG/2024/123")
        registry = self._document(rent).find("s:Beneficiario/s:Anagrafica", NS)
        self.assertEqual(registry.get("Cognome"), "Rossi")
        self.assertEqual(
            registry.get("LuogoNascita"), "F205", "from the codice fiscale"
        )
        self.assertEqual(registry.get("Genere"), "1")
        parcel = flows.filtered(lambda f: f.intervention_id == self.parcel)
        benefit = self._benefit(parcel)
        self.assertEqual(benefit.get("CaratterePrestazione"), "2")
        self.assertEqual(benefit.get("ImportoPrestazione"), "50.00")
        self.assertEqual(benefit.get("DataErogazionePrestazione"), f"{YEAR}-03-05")
        # built flows are in the access log, by the manager
        logs = self.env["family.access.log"].search(
            [("channel", "=", "siuss"), ("user_id", "=", self.manager.id)]
        )
        self.assertEqual(logs.case_id, self.case)
        # built again: nothing new
        self.assertFalse(self.build())

    def test_missing_value_gives_the_italian_error_not_a_file(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"].search(
            [("name", "=", "odoo_famiglie_rete")]
        )._update_translations(["it_IT"], overwrite=True)
        self.member.last_name = False
        with self.assertRaisesRegex(
            UserError,
            r"Il flusso SIUSS non può essere generato:\n"
            + re.escape(self.case.reference)
            + r".*: manca il campo «Cognome»",
        ):
            self.build(lang="it_IT")
        self.assertFalse(self.env["family.siuss.flow"].search([]))

    def test_schema_error_names_the_case_and_field(self):
        # present but not what INPS's schema wants: the schema refuses it
        self.member.birth_place_code = "F20"
        with self.assertRaisesRegex(
            UserError, rf"{re.escape(self.case.reference)}.*Place of Birth.*F20"
        ):
            self.build()
        self.assertFalse(self.env["family.siuss.flow"].search([]))

    def test_unmapped_type_is_reported(self):
        self.type_parcel.siuss_code = False
        with self.assertRaisesRegex(UserError, "no INPS benefit code: Food parcel"):
            self.build()

    def test_missing_schema_is_explained(self):
        self.env.company.family_siuss_schema_dir = "/nonexistent/siuss"
        with self.assertRaisesRegex(UserError, "PS_PSA_SINA201812.xsd is not in"):
            self.build()

    def test_change_after_send_cancels_and_inserts_once(self):
        flows = self.build()
        flows.write({"state": "sent"})
        sent_rent = flows.filtered(lambda f: f.intervention_id == self.rent)
        self.rent.unit_value = 1500
        changed = self.build()
        self.assertEqual(
            sorted(changed.mapped("operation")), ["C", "I"], "one cancellation, one new"
        )
        cancel = changed.filtered(lambda f: f.operation == "C")
        self.assertEqual(cancel.cancelled_flow_id, sent_rent)
        self.assertTrue(sent_rent.cancelled)
        self.assertEqual(self._benefit(cancel).get("TipoOperazione"), "C")
        self.assertEqual(self._benefit(cancel).get("ImportoMensile"), "200.00")
        insert = changed - cancel
        self.assertEqual(self._benefit(insert).get("ImportoMensile"), "250.00")
        self.assertFalse(self.build(), "nothing is sent twice")
        # deleted after being sent: cancelled once
        changed.write({"state": "sent"})
        parcel_flow = flows.filtered(lambda f: f.intervention_id == self.parcel)
        self.parcel.unlink()
        deleted = self.build()
        self.assertEqual(deleted.mapped("operation"), ["C"])
        self.assertEqual(deleted.cancelled_flow_id, parcel_flow)
        self.assertFalse(self.build())
        # a flow collected by INPS is kept
        with self.assertRaisesRegex(UserError, "collected by INPS is kept"):
            parcel_flow.with_user(self.manager).unlink()

    def test_change_before_collection_replaces_the_flow(self):
        flows = self.build()
        self.rent.unit_value = 1500
        replaced = self.build()
        self.assertEqual(replaced.mapped("operation"), ["I"])
        self.assertNotIn(self.rent, flows.exists().intervention_id)
        self.assertEqual(replaced.intervention_id, self.rent)
