import base64
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user


class PortalCommon(HttpCase):
    """Two associations, their portal users, and families shared with them.

    - case_a: shared with association A (every category), volunteer assigned;
    - case_a2: shared with A (identity only), no volunteer assigned;
    - case_b: shared with association B only;
    - case_restricted: restricted, shared with nobody.

    Never the demo data. Passwords are the logins.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        today = cls.today = fields.Date.today()
        cls.comune = env.company.partner_id
        cls.comune.write({"name": "Comune di Prova", "is_family_network_member": True})
        Partner = env["res.partner"]
        cls.assoc_a = Partner.create(
            {
                "name": "Associazione Alfa",
                "is_company": True,
                "is_family_network_member": True,
            }
        )
        cls.assoc_b = Partner.create(
            {
                "name": "Associazione Beta",
                "is_company": True,
                "is_family_network_member": True,
            }
        )
        protocol = env["family.protocol"].create(
            {
                "name": "Protocollo portale",
                "date_start": today - timedelta(days=365),
                "date_end": today + timedelta(days=365),
                "party_ids": [
                    Command.create({"partner_id": cls.assoc_a.id}),
                    Command.create({"partner_id": cls.assoc_b.id}),
                ],
            }
        )
        protocol.action_confirm()
        cls.worker = new_test_user(
            env,
            login="portal_sw",
            name="Giulia Assistente",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        cls.coord_a = cls._portal_user("coord_alfa", "Carla Coordinatrice", cls.assoc_a)
        cls.vol_a = cls._portal_user(
            "vol_alfa", "Vittorio Volontario", cls.assoc_a, "volunteer"
        )
        cls.vol_a2 = cls._portal_user(
            "vol_alfa2", "Valeria Volontaria", cls.assoc_a, "volunteer"
        )
        cls.coord_b = cls._portal_user("coord_beta", "Bruno Coordinatore", cls.assoc_b)

        Case = env["family.case"]
        Member = env["family.case.member"]
        cls.case_a = Case.create({"name": "Famiglia Alfa", "user_id": cls.worker.id})
        cls.member_a = Member.create(
            {
                "case_id": cls.case_a.id,
                "partner_id": Partner.create({"name": "Mario Alfa"}).id,
                "relation": "reference",
            }
        )
        cls.case_a2 = Case.create({"name": "Famiglia Gamma", "user_id": cls.worker.id})
        cls.case_b = Case.create({"name": "Famiglia Beta", "user_id": cls.worker.id})
        cls.member_b = Member.create(
            {
                "case_id": cls.case_b.id,
                "partner_id": Partner.create({"name": "Bianca Beta"}).id,
            }
        )
        cls.case_restricted = Case.create(
            {
                "name": "Famiglia Riservata",
                "user_id": cls.worker.id,
                "restricted": True,
            }
        )
        cls.share_a = cls._share(
            cls.case_a,
            cls.assoc_a,
            share_documents=True,
            volunteer_user_ids=[Command.set(cls.vol_a.ids)],
        )
        cls.share_a2 = cls._share(
            cls.case_a2,
            cls.assoc_a,
            share_household=False,
            share_needs=False,
            share_goals=False,
        )
        cls.share_b = cls._share(cls.case_b, cls.assoc_b, share_documents=True)

        Type = env["family.intervention.type"]
        cls.type_parcel = Type.create(
            {"name": "Pacco portale", "category": "food_goods", "unit_value": 25.0}
        )
        cls.type_rent = Type.create(
            {"name": "Affitto portale", "category": "housing_bills", "unit_value": 100}
        )
        Plan = env["family.plan"]
        cls.plan_a = Plan.create(
            {
                "case_id": cls.case_a.id,
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Spesa mensile garantita",
                            "party_id": cls.assoc_a.id,
                            "indicator": "Pacchi al mese",
                            "target": "4",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Trovare lavoro",
                            "party_id": cls.comune.id,
                            "indicator": "Mesi di lavoro",
                        }
                    ),
                ],
            }
        )
        cls.goal_a = cls.plan_a.goal_ids.filtered(lambda g: g.party_id == cls.assoc_a)
        cls.goal_comune = cls.plan_a.goal_ids - cls.goal_a
        cls.plan_b = Plan.create(
            {
                "case_id": cls.case_b.id,
                "goal_ids": [
                    Command.create(
                        {"name": "Obiettivo Beta", "party_id": cls.assoc_b.id}
                    )
                ],
            }
        )
        cls.goal_b = cls.plan_b.goal_ids
        Intervention = env["family.intervention"]
        cls.int_a = Intervention.create(
            {
                "case_id": cls.case_a.id,
                "provider_id": cls.assoc_a.id,
                "type_id": cls.type_parcel.id,
                "date_start": today,
                "name": "Pacco di benvenuto",
            }
        )
        cls.int_comune = Intervention.create(
            {
                "case_id": cls.case_a.id,
                "provider_id": cls.comune.id,
                "type_id": cls.type_parcel.id,
                "date_start": today,
            }
        )
        cls.int_b = Intervention.create(
            {
                "case_id": cls.case_b.id,
                "provider_id": cls.assoc_b.id,
                "type_id": cls.type_parcel.id,
                "date_start": today,
            }
        )
        Attachment = env["ir.attachment"]
        cls.document_a = Attachment.create(
            {
                "name": "piano_condiviso.txt",
                "datas": base64.b64encode(b"documento condiviso"),
                "res_model": "family.case",
                "res_id": cls.case_a.id,
            }
        )
        cls.document_b = Attachment.create(
            {
                "name": "relazione_beta.txt",
                "datas": base64.b64encode(b"riservato beta"),
                "res_model": "family.case",
                "res_id": cls.case_b.id,
            }
        )
        Review = env["family.review"]
        cls.review_a = Review.create(
            {
                "case_id": cls.case_a.id,
                "date": fields.Datetime.now() + timedelta(days=10),
                "location": "Sala Consiglio",
                "partner_ids": [Command.set((cls.coord_a | cls.vol_a).partner_id.ids)],
                "user_id": cls.worker.id,
            }
        )
        cls.review_a_past = Review.create(
            {
                "case_id": cls.case_a.id,
                "date": fields.Datetime.now() - timedelta(days=20),
                "partner_ids": [Command.set(cls.coord_a.partner_id.ids)],
                "user_id": cls.worker.id,
            }
        )
        cls.review_a_uninvited = Review.create(
            {
                "case_id": cls.case_a.id,
                "date": fields.Datetime.now() + timedelta(days=5),
                "user_id": cls.worker.id,
            }
        )
        cls.review_b = Review.create(
            {
                "case_id": cls.case_b.id,
                "date": fields.Datetime.now() + timedelta(days=10),
                "partner_ids": [Command.set(cls.coord_b.partner_id.ids)],
                "user_id": cls.worker.id,
            }
        )
        # the Comune's internal note and a shared message
        cls.case_a.with_user(cls.worker).message_post(
            body="Nota interna riservata al Comune",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.case_a.with_user(cls.worker).message_post(
            body="Benvenuti nella discussione condivisa",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @classmethod
    def _portal_user(cls, login, name, association, role="coordinator"):
        user = new_test_user(
            cls.env,
            login=login,
            password=login,
            name=name,
            groups="base.group_portal",
            lang="en_US",
        )
        user.partner_id.parent_id = association
        user.family_portal_role = role
        return user

    @classmethod
    def _share(cls, case, association, **values):
        return cls.env["family.case.share"].create(
            {
                "case_id": case.id,
                "partner_id": association.id,
                "legal_basis": "consent",
                "consent_date": cls.today,
                **values,
            }
        )

    def _logs(self, user, case=None):
        domain = [("user_id", "=", user.id), ("channel", "=", "portal")]
        if case:
            domain.append(("case_id", "=", case.id))
        return self.env["family.access.log"].search(domain)
