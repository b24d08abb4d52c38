from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.privacy_policy import POLICY
from .common import JsonRpcMixin

PASSWORD = "District-password-1"


@tagged("post_install", "-at_install")
class TestDistrictPrivacy(JsonRpcMixin, HttpCase):
    """Two Comuni of a district in one database: the people of the second
    Comune read nothing of the first Comune's families, on any channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.comune_1 = env.company
        cls.comune_1.partner_id.is_family_network_member = True
        cls.comune_2 = env["res.company"].create({"name": "Comune di Pioltello"})
        worker_1 = new_test_user(
            env,
            login="d_worker_1",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        cls.users = {
            role: new_test_user(
                env,
                login=f"d_{role}_2",
                password=PASSWORD,
                groups=group,
                company_id=cls.comune_2.id,
                company_ids=[Command.set(cls.comune_2.ids)],
            )
            for role, group in (
                ("manager", "odoo_famiglie_rete.group_family_manager"),
                ("social_worker", "odoo_famiglie_rete.group_family_social_worker"),
                ("finance", "odoo_famiglie_rete.group_family_finance"),
            )
        }
        person = env["res.partner"].create({"name": "Lucia Verdi"})
        cls.case = env["family.case"].create(
            {
                "name": "Famiglia Verdi",
                "user_id": worker_1.id,
                "member_ids": [Command.create({"partner_id": person.id})],
            }
        )
        itype = env["family.intervention.type"].create(
            {"name": "Buono spesa", "category": "food_goods"}
        )
        env["family.intervention"].create(
            {
                "case_id": cls.case.id,
                "provider_id": cls.comune_1.partner_id.id,
                "type_id": itype.id,
            }
        )
        env["family.plan"].create(
            {
                "case_id": cls.case.id,
                "goal_ids": [
                    Command.create(
                        {"name": "Casa", "party_id": cls.comune_1.partner_id.id}
                    )
                ],
            }
        )
        cls.review = env["family.review"].create(
            {
                "case_id": cls.case.id,
                "date": fields.Datetime.now() + timedelta(days=2),
                "partner_ids": [Command.set(worker_1.partner_id.ids)],
            }
        )
        cls.attachment = env["ir.attachment"].create(
            {
                "name": "relazione.txt",
                "raw": b"Relazione riservata",
                "res_model": "family.case",
                "res_id": cls.case.id,
            }
        )
        cls.records = {
            model: env[model].search(
                [("id", "=", cls.case.id)]
                if model == "family.case"
                else [("case_id", "=", cls.case.id)]
            )
            for model in POLICY
            if model in env
            and (model == "family.case" or "case_id" in env[model]._fields)
            and not env[model]._transient
        }

    @mute_logger("odoo.http")
    def test_second_comune_reads_nothing_of_the_first(self):
        self.assertTrue(self.records["family.case.member"])
        self.assertTrue(self.records["family.intervention"])
        for role, user in self.users.items():
            self.authenticate(user.login, PASSWORD)
            for model, records in self.records.items():
                if not records:
                    continue
                with self.subTest(role=role, model=model):
                    refused = self.rpc_error(model, "search_read", [], ["id"])
                    if not refused:
                        rows = self.rpc(model, "search_read", [], ["id"])
                        self.assertFalse(
                            {row["id"] for row in rows} & set(records.ids),
                            f"{role} of the second Comune lists {model}",
                        )
                    self.assertEqual(
                        self.rpc_error(model, "read", records.ids[:1], ["id"]),
                        "odoo.exceptions.AccessError",
                        f"{role} of the second Comune reads {model}",
                    )
                    found = (
                        self.rpc(model, "name_search", "", limit=100)
                        if not refused
                        else []
                    )
                    self.assertFalse({row[0] for row in found} & set(records.ids))
            with self.subTest(role=role, channel="document"):
                response = self.url_open(f"/web/content/{self.attachment.id}")
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(b"Relazione riservata", response.content)
                rows = self.rpc(
                    "ir.attachment", "search_read", [], ["name"], limit=1000
                )
                self.assertNotIn(self.attachment.id, [row["id"] for row in rows])
            with self.subTest(role=role, channel="meeting"):
                event = self.review.event_id
                self.assertTrue(event)
                rows = self.rpc(
                    "calendar.event",
                    "search_read",
                    [("id", "=", event.id)],
                    ["name", "start", "location", "partner_ids"],
                )
                for row in rows:
                    # Odoo shows a private event of others as "Busy", at most
                    self.assertNotIn(self.case.reference, str(row))
                    self.assertFalse(row.get("partner_ids"))
