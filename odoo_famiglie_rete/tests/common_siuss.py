import os
from datetime import date
from pathlib import Path

from stdnum.it import codicefiscale

from odoo.tests import new_test_user

from .common_network import FamilyNetworkCommon

# INPS's schemas are not in the addon: the tests read the copies next to the
# repository (<repo>/../shared/specs/siuss/) or where the environment says.
SPECS = Path(
    os.environ.get("FAMIGLIE_SIUSS_SCHEMAS")
    or Path(__file__).resolve().parents[3] / "shared" / "specs" / "siuss"
)
PASSWORD = "Siuss-test-1"
YEAR = 2024


def fiscal_code(base):
    """A valid codice fiscale from its first 15 characters."""
    return base + codicefiscale.calc_check_digit(base)


class SiussCommon(FamilyNetworkCommon):
    """A Comune with its SIUSS codes, a beneficiary with all INPS needs, two
    benefits of 2024 (the Comune's periodic rent contribution with shares,
    an association's compensable food parcel) and the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="siuss_manager",
            password=PASSWORD,
            groups="odoo_famiglie_rete.group_family_manager",
        )
        cls.env.company.write(
            {
                "family_siuss_ente_code": "C523",
                "family_siuss_belfiore_code": "C523",
                "family_siuss_istat_code": "015070",
                "family_siuss_operator_fiscal_code": fiscal_code("VRDLRA80A41C523"),
                "family_siuss_schema_dir": str(SPECS),
            }
        )
        cls.member.write(
            {
                "fiscal_code": fiscal_code("RSSMRA80A01F205"),
                "last_name": "Rossi",
                "gender": "male",
                "first_name": "Mario",
                "birthdate": date(1980, 1, 1),
                "citizenship_code": "380",
                "residence_country_code": "380",
                "residence_region_code": "03",
                "residence_municipality_code": "015070",
            }
        )
        cls.type_rent.write(
            {
                "siuss_code": "A1.08",
                "siuss_name": "Contributi economici per l'affitto",
                "siuss_area": "3",
                "siuss_character": "1",
                "siuss_means_test": "1",
            }
        )
        cls.type_parcel.write(
            {
                "siuss_code": "A1.13",
                "siuss_name": "Pacchi alimentari e buoni spesa",
                "siuss_area": "3",
                "siuss_character": "2",
                "siuss_means_test": "4",
            }
        )
        cls.type_voucher.siuss_excluded = True
        Intervention = cls.env["family.intervention"]
        cls.rent = Intervention.create(
            {
                "case_id": cls.case.id,
                "provider_id": cls.comune.id,
                "type_id": cls.type_rent.id,
                "member_id": cls.member.id,
                "date_start": date(YEAR, 1, 1),
                "date_end": date(YEAR, 6, 30),
                "quantity": 1,
                "unit_value": 1200,
                "state": "done",
                "siuss_application_ref": "PG/2024/123",
                "siuss_dsu_number": "INPS-ISEE-2024-00000001A-00",
                "siuss_dsu_year": YEAR,
                "siuss_dsu_date": date(YEAR, 1, 10),
                "siuss_user_share": 120,
                "siuss_taken_in_charge": True,
            }
        )
        cls.parcel = Intervention.create(
            {
                "case_id": cls.case.id,
                "provider_id": cls.assoc_a.id,
                "type_id": cls.type_parcel.id,
                "member_id": cls.member.id,
                "date_start": date(YEAR, 3, 5),
                "quantity": 2,
                "unit_value": 25,
                "state": "done",
                "siuss_application_ref": "PG/2024/124",
                "siuss_taken_in_charge": True,
            }
        )
        # an excluded type, and a planned intervention: never in a flow
        Intervention.create(
            [
                {
                    "case_id": cls.case.id,
                    "provider_id": cls.comune.id,
                    "type_id": cls.type_voucher.id,
                    "date_start": date(YEAR, 4, 1),
                    "state": "done",
                },
                {
                    "case_id": cls.case.id,
                    "provider_id": cls.comune.id,
                    "type_id": cls.type_parcel.id,
                    "date_start": date(YEAR, 5, 1),
                    "state": "planned",
                },
            ]
        )

    def build(self, date_from=date(YEAR, 1, 1), date_to=date(YEAR, 12, 31), lang=None):
        """Build the flows of the period as the manager, through the wizard."""
        wizard = (
            self.env["family.siuss.build"]
            .with_user(self.manager)
            .with_context(lang=lang or "en_US")
            .create({"date_from": date_from, "date_to": date_to})
        )
        before = self.env["family.siuss.flow"].search([]).ids
        wizard.action_build()
        return self.env["family.siuss.flow"].search([("id", "not in", before)])
