from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import FamilyCommon


class FamilyNetworkCommon(FamilyCommon):
    """Two associations under an active protocol, a family and a social worker.

    The protocol runs from 2020 to 2099, so that it is active on any day the
    tests run; the tests that need a date freeze it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = new_test_user(
            cls.env,
            login="sw_network",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        Partner = cls.env["res.partner"]
        cls.assoc_a = Partner.create({"name": "San Vincenzo", "is_company": True})
        cls.assoc_b = Partner.create({"name": "Auser", "is_company": True})
        cls.protocol = cls.env["family.protocol"].create(
            {
                "name": "Protocol 2020-2099",
                "date_start": date(2020, 1, 1),
                "date_end": date(2099, 12, 31),
                "party_ids": [
                    Command.create({"partner_id": cls.assoc_a.id}),
                    Command.create({"partner_id": cls.assoc_b.id}),
                ],
            }
        )
        cls.protocol.action_confirm()
        cls.case = cls.Case.create({"name": "Rossi", "user_id": cls.worker.id})
        cls.member = cls.env["family.case.member"].create(
            {"case_id": cls.case.id, "partner_id": cls.partner_a.id}
        )
        cls.type_parcel = cls.env.ref(
            "odoo_famiglie_rete.intervention_type_food_parcel"
        )
        cls.type_voucher = cls.env.ref(
            "odoo_famiglie_rete.intervention_type_food_voucher"
        )
        cls.type_rent = cls.env.ref("odoo_famiglie_rete.intervention_type_rent")

    def _intervention(self, provider, start, end=None, type_=None, **vals):
        """Create an intervention as the social worker."""
        return (
            self.env["family.intervention"]
            .with_user(self.worker)
            .create(
                {
                    "case_id": self.case.id,
                    "provider_id": provider.id,
                    "type_id": (type_ or self.type_parcel).id,
                    "date_start": start,
                    "date_end": end,
                    **vals,
                }
            )
        )
