"""Members, household composition and other parties' interventions.

Every rule is tried over real HTTP (JSON-RPC ``/web/dataset/call_kw``) from
the side of the user who must not see: a share that opens the household but
not the identity gives relation, age band, sex and minor, never a name, a
codice fiscale or a note; other parties' interventions come only as a
summary (type, category, dates, quantity, provider), never their notes or
amounts.
"""

import json
import re

from dateutil.relativedelta import relativedelta
from stdnum.it import codicefiscale

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_portal import PortalCommon

CF_PAOLO = "CCAPLA80A01F205" + codicefiscale.calc_check_digit("CCAPLA80A01F205")
CF_LUCIA = "CCALCU15D45F205" + codicefiscale.calc_check_digit("CCALCU15D45F205")
CF_MARIO = "LFAMRA75B10F205" + codicefiscale.calc_check_digit("LFAMRA75B10F205")
NOTE = "Nota riservata sul componente"
ROW_RULE = "doesn't have 'read' access to"
FIELD_RULE = "You do not have enough rights to access the fields"
NO_ACL = "You are not allowed to access"
# what the household projection must never hold
IDENTITY_FIELDS = {"name", "fiscal_code", "birthdate", "partner_id", "notes"}
# what the interventions' summary must never hold
PRIVATE_INTERVENTION_FIELDS = {
    "name",
    "notes",
    "amount",
    "unit_value",
    "member_id",
    "goal_id",
    "compensable",
}


class HouseholdCommon(PortalCommon):
    """case_h: shared with association A for its household, not its identity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        Member = env["family.case.member"]
        today = fields.Date.today()
        cls.member_a.write(
            {"fiscal_code": CF_MARIO, "birthdate": "1975-02-10", "notes": NOTE}
        )
        cls.member_a.partner_id.write(
            {"phone": "+39 02 1234567", "street": "Via Roma 1", "city": "Cernusco"}
        )
        cls.case_h = env["family.case"].create(
            {"name": "Famiglia Acca", "user_id": cls.worker.id}
        )
        cls.paolo = Member.create(
            {
                "case_id": cls.case_h.id,
                "partner_id": Partner.create({"name": "Paolo Acca"}).id,
                "relation": "reference",
                "fiscal_code": CF_PAOLO,
                "birthdate": "1980-01-01",
                "notes": NOTE,
            }
        )
        cls.lucia = Member.create(
            {
                "case_id": cls.case_h.id,
                "partner_id": Partner.create({"name": "Lucia Acca"}).id,
                "relation": "child",
                "fiscal_code": CF_LUCIA,
                "birthdate": today - relativedelta(years=9),
            }
        )
        cls.share_h = cls._share(
            cls.case_h,
            cls.assoc_a,
            share_identity=False,
            share_household=True,
            volunteer_user_ids=[Command.set(cls.vol_a.ids)],
        )
        cls.finance = new_test_user(
            env,
            login="fin_household",
            password="fin_household",
            groups="odoo_famiglie_rete.group_family_finance",
        )
        cls.worker2 = new_test_user(
            env,
            login="sw_household2",
            password="sw_household2",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )

    def _call(self, model, method, *args, **kwargs):
        """Call ``model.method`` over JSON-RPC as the authenticated user.

        Returns ``(result, error message)``: the message the user would see.
        """
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]["message"]
        return body["result"], None

    def assertRefused(self, call, message):
        result, error = call
        self.assertIsNone(result)
        self.assertIn(message, error or "")

    def assertNothing(self, call, message=ROW_RULE):
        """Nothing comes back: an empty answer, or a refusal with ``message``."""
        result, error = call
        if error is None:
            if isinstance(result, dict) and "records" in result:
                result = result["records"]  # web_search_read
            self.assertFalse(result)
        else:
            self.assertIn(message, error)

    def assertNoSecret(self, result, *secrets):
        text = json.dumps(result)
        for secret in secrets:
            self.assertNotIn(secret, text)


@tagged("post_install", "-at_install")
class TestPrivacyHousehold(HouseholdCommon):
    def test_household_without_identity_hides_the_members(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Member = "family.case.member"
        case = [("case_id", "=", self.case_h.id)]
        for call in (
            self._call(Member, "search_read", case, fields=["name", "fiscal_code"]),
            self._call(Member, "search_read", case),
            self._call(Member, "search", [("name", "ilike", "Acca")]),
            self._call(Member, "search", [("fiscal_code", "=", CF_PAOLO)]),
            self._call(Member, "search_count", case),
            self._call(
                Member, "read_group", case, fields=["case_id"], groupby=["case_id"]
            ),
            self._call(Member, "name_search", "Acca"),
            self._call(Member, "web_search_read", case, specification={"name": {}}),
        ):
            with self.subTest(call=call):
                self.assertNothing(call)
                self.assertNoSecret(call, "Paolo", "Lucia", CF_PAOLO, NOTE)
        ids = (self.paolo | self.lucia).ids
        self.assertRefused(self._call(Member, "read", ids, ["name"]), ROW_RULE)
        self.assertRefused(
            self._call(Member, "web_read", ids, specification={"name": {}}), ROW_RULE
        )
        # the member's contact is never open to associations
        self.assertNothing(
            self._call(
                "res.partner",
                "search_read",
                [("id", "=", self.paolo.partner_id.id)],
                fields=["name"],
            ),
            NO_ACL,
        )

    def test_household_shows_the_composition_only(self):
        self.authenticate("coord_alfa", "coord_alfa")
        rows, error = self._call(
            "family.case.household",
            "search_read",
            [("case_id", "=", self.case_h.id)],
        )
        self.assertIsNone(error)
        self.assertEqual(
            [
                (r["id"], r["relation"], r["age_band"], r["gender"], r["is_minor"])
                for r in rows
            ],
            [
                (self.paolo.id, "reference", "45_64", "male", False),
                (self.lucia.id, "child", "6_10", "female", True),
            ],
        )
        self.assertFalse(IDENTITY_FIELDS & set(rows[0]))
        self.assertNoSecret(rows, "Paolo", "Lucia", CF_PAOLO, NOTE)
        # the family's data was opened: the access log says so
        entry = self.env["family.access.log"].search(
            [("user_id", "=", self.coord_a.id), ("model", "=", "family.case.household")]
        )
        self.assertEqual((entry.case_id, entry.channel), (self.case_h, "rpc"))
        fields_, error = self._call("family.case.household", "fields_get")
        self.assertFalse(IDENTITY_FIELDS & set(fields_))
        self.assertFalse(
            [f for f, d in fields_.items() if d.get("relation") == "res.partner"]
        )
        # the name cannot be asked for on the projection either
        with mute_logger("odoo.http"):
            self.assertRefused(
                self._call("family.case.household", "read", [self.paolo.id], ["name"]),
                "Invalid field",
            )

    def test_identity_opens_names_never_notes(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Member = "family.case.member"
        rows, error = self._call(
            Member,
            "search_read",
            [("case_id", "=", self.case_a.id)],
            fields=["name", "fiscal_code", "birthdate", "age", "is_minor", "phone"],
        )
        self.assertIsNone(error)
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows[0]["name"], rows[0]["fiscal_code"], rows[0]["birthdate"]),
            ("Mario Alfa", CF_MARIO, "1975-02-10"),
        )
        self.assertEqual(rows[0]["phone"], "+39 02 1234567")
        # everything readable, read at once: never the notes
        rows, error = self._call(Member, "read", self.member_a.ids)
        self.assertIsNone(error)
        self.assertNoSecret(rows, NOTE)
        for fname in ("notes", "relation", "gender", "other_case_ids", "partner_id"):
            with self.subTest(field=fname):
                self.assertRefused(
                    self._call(Member, "read", self.member_a.ids, [fname]),
                    FIELD_RULE,
                )
        # identity but not household: no composition
        self.share_a.sudo().share_household = False
        self.assertNothing(
            self._call(
                "family.case.household",
                "search_read",
                [("case_id", "=", self.case_a.id)],
            )
        )

    def test_other_association_sees_nothing(self):
        self.authenticate("coord_beta", "coord_beta")
        for model in ("family.case.member", "family.case.household"):
            for case in (self.case_a, self.case_h):
                with self.subTest(model=model, case=case.name):
                    self.assertNothing(
                        self._call(model, "search_read", [("case_id", "=", case.id)])
                    )
            self.assertRefused(
                self._call(model, "read", self.member_a.ids, ["case_id"]), ROW_RULE
            )

    def test_volunteer_sees_only_assigned_families(self):
        # vol_alfa2 follows no family of association A
        self.authenticate("vol_alfa2", "vol_alfa2")
        for model in ("family.case.member", "family.case.household"):
            with self.subTest(model=model):
                self.assertNothing(self._call(model, "search_read", []))
        # vol_alfa follows case_a (identity) and case_h (household)
        self.authenticate("vol_alfa", "vol_alfa")
        rows, _error = self._call("family.case.member", "search_read", [], ["name"])
        self.assertEqual([r["name"] for r in rows], ["Mario Alfa"])
        rows, _error = self._call(
            "family.case.household",
            "search_read",
            [("case_id", "=", self.case_h.id)],
            ["relation"],
        )
        self.assertEqual(len(rows), 2)

    def test_finance_reads_no_member_and_no_household(self):
        self.authenticate("fin_household", "fin_household")
        for model in ("family.case.member", "family.case.household"):
            with self.subTest(model=model):
                self.assertRefused(self._call(model, "search_read", []), NO_ACL)
                self.assertRefused(
                    self._call(model, "read", self.member_a.ids, ["case_id"]), NO_ACL
                )

    def test_restricted_case_household_for_its_manager_only(self):
        member = self.env["family.case.member"].create(
            {
                "case_id": self.case_restricted.id,
                "partner_id": self.env["res.partner"].create({"name": "Rita R"}).id,
                "relation": "reference",
            }
        )
        Household = self.env["family.case.household"]
        self.assertFalse(
            Household.with_user(self.worker2).search([("id", "=", member.id)])
        )
        self.assertEqual(
            Household.with_user(self.worker).search([("id", "=", member.id)]).relation,
            "reference",
        )
        self.authenticate("sw_household2", "sw_household2")
        self.assertRefused(
            self._call("family.case.household", "read", member.ids, ["relation"]),
            ROW_RULE,
        )

    def test_own_beneficiary_has_no_name_without_identity(self):
        """The ORM reads a many2one's name as superuser: not the member's."""
        intervention = self.env["family.intervention"].create(
            {
                "case_id": self.case_h.id,
                "provider_id": self.assoc_a.id,
                "type_id": self.type_parcel.id,
                "member_id": self.lucia.id,
            }
        )
        self.authenticate("coord_alfa", "coord_alfa")
        rows, error = self._call(
            "family.intervention", "read", intervention.ids, ["member_id"]
        )
        self.assertIsNone(error)
        self.assertEqual(rows[0]["member_id"][0], self.lucia.id)
        self.assertNoSecret(rows, "Lucia")
        rows, error = self._call(
            "family.intervention",
            "web_read",
            intervention.ids,
            specification={"member_id": {"fields": {"display_name": {}}}},
        )
        self.assertIsNone(error)
        self.assertNoSecret(rows, "Lucia")
        # with the identity shared, the name is there
        self.int_a.member_id = self.member_a
        rows, _error = self._call(
            "family.intervention", "read", self.int_a.ids, ["member_id"]
        )
        self.assertEqual(rows[0]["member_id"][1], "Mario Alfa")

    def test_intervention_form_keeps_a_beneficiary_it_may_not_see(self):
        intervention = self.env["family.intervention"].create(
            {
                "case_id": self.case_h.id,
                "provider_id": self.assoc_a.id,
                "type_id": self.type_parcel.id,
                "member_id": self.lucia.id,
            }
        )
        self.authenticate("coord_alfa", "coord_alfa")
        url = f"/my/famiglie/{self.case_h.id}/interventi/{intervention.id}"
        page = self.url_open(url).text
        self.assertNotIn('name="member_id"', page)
        self.assertNotIn("Lucia", page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            url,
            data={
                "csrf_token": token,
                "type_id": self.type_parcel.id,
                "date_start": str(self.today),
                "quantity": "3",
                "state": "active",
            },
            allow_redirects=False,
        )
        self.assertNotIn("o_family_error", response.text)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(intervention.quantity, 3)
        self.assertEqual(intervention.member_id, self.lucia)
        # with the identity, the members are offered
        page = self.url_open(
            f"/my/famiglie/{self.case_a.id}/interventi/{self.int_a.id}"
        ).text
        self.assertIn('name="member_id"', page)
        self.assertIn("Mario Alfa", page)

    def test_age_bands(self):
        today = fields.Date.today()
        Member = self.env["family.case.member"]
        case = self.env["family.case"].create({"name": "Famiglia Eta"})
        ages = {0: "0_2", 3: "3_5", 10: "6_10", 13: "11_13", 17: "14_17"}
        ages |= {18: "18_24", 25: "25_44", 64: "45_64", 65: "65_plus"}
        members = Member.create(
            [
                {
                    "case_id": case.id,
                    "partner_id": self.env["res.partner"].create({"name": f"P{a}"}).id,
                    "birthdate": today - relativedelta(years=a),
                }
                for a in ages
            ]
            + [
                {
                    "case_id": case.id,
                    "partner_id": self.env["res.partner"].create({"name": "X"}).id,
                }
            ]
        )
        rows = self.env["family.case.household"].search([("case_id", "=", case.id)])
        self.assertEqual(rows.ids, members.ids)
        self.assertEqual(
            rows.mapped("age_band"), [*ages.values(), "unknown"], list(ages)
        )
        self.assertEqual(rows.mapped("is_minor"), members.mapped("is_minor"))
        # archived members leave the household
        members[0].active = False
        self.assertNotIn(
            members[0].id,
            self.env["family.case.household"].search([("case_id", "=", case.id)]).ids,
        )


@tagged("post_install", "-at_install")
class TestPrivacyOtherInterventions(HouseholdCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.int_comune.write(
            {
                "name": "Contributo riservato",
                "notes": "Nota del Comune sull'intervento",
                "quantity": 2,
                "unit_value": 123.45,
            }
        )

    def test_portal_reads_only_its_own_interventions(self):
        self.share_a.sudo().share_other_interventions = True
        self.authenticate("coord_alfa", "coord_alfa")
        Intervention = "family.intervention"
        rows, error = self._call(
            Intervention, "search_read", [("case_id", "=", self.case_a.id)], ["id"]
        )
        self.assertIsNone(error)
        self.assertEqual([r["id"] for r in rows], self.int_a.ids)
        self.assertRefused(
            self._call(Intervention, "read", self.int_comune.ids, ["type_id"]),
            ROW_RULE,
        )
        self.assertNothing(
            self._call(Intervention, "search", [("provider_id", "=", self.comune.id)])
        )
        groups, error = self._call(
            Intervention,
            "read_group",
            [],
            fields=["amount:sum"],
            groupby=["provider_id"],
        )
        self.assertEqual([g["provider_id"][0] for g in groups], self.assoc_a.ids)
        # the overlap warning names the other parties: social workers only
        self.assertRefused(
            self._call(Intervention, "read", self.int_a.ids, ["overlap_warning"]),
            FIELD_RULE,
        )

    def test_summary_opens_with_the_category_only(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Summary = "family.intervention.summary"
        domain = [("case_id", "=", self.case_a.id)]
        self.assertNothing(self._call(Summary, "search_read", domain))
        self.assertRefused(
            self._call(Summary, "read", self.int_comune.ids, ["type_id"]), ROW_RULE
        )
        self.share_a.sudo().share_other_interventions = True
        rows, error = self._call(
            Summary, "search_read", domain + [("id", "=", self.int_comune.id)]
        )
        self.assertIsNone(error)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(
            (
                row["type_id"][0],
                row["category"],
                row["provider_id"],
                row["quantity"],
                row["state"],
            ),
            (
                self.type_parcel.id,
                "food_goods",
                [self.comune.id, "Comune di Prova"],
                2.0,
                "planned",
            ),
        )
        self.assertFalse(PRIVATE_INTERVENTION_FIELDS & set(row))
        self.assertNoSecret(rows, "Contributo riservato", "Nota del Comune", "123.45")
        fields_, _error = self._call(Summary, "fields_get")
        self.assertFalse(PRIVATE_INTERVENTION_FIELDS & set(fields_))
        # another association, and a volunteer not assigned: nothing
        for login in ("coord_beta", "vol_alfa2"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertNothing(self._call(Summary, "search_read", domain))

    def test_finance_reads_interventions_not_the_summary(self):
        self.authenticate("fin_household", "fin_household")
        self.assertRefused(
            self._call("family.intervention.summary", "search_read", []), NO_ACL
        )
        rows, error = self._call(
            "family.intervention",
            "read",
            self.int_comune.ids,
            ["amount", "type_id", "provider_id", "quantity"],
        )
        self.assertIsNone(error)
        self.assertEqual(rows[0]["amount"], 246.9)
        self.assertRefused(
            self._call("family.intervention", "read", self.int_comune.ids, ["notes"]),
            FIELD_RULE,
        )

    def test_overlap_warning_names_parties_only_through_the_summary(self):
        intervention = self.int_a.with_user(self.coord_a)
        self.assertTrue(intervention.has_overlap)
        warning = intervention._portal_overlap_warning(show_parties=True)
        self.assertIn("another party", warning)
        self.assertNotIn("Comune di Prova", warning)
        self.share_a.share_other_interventions = True
        warning = intervention._portal_overlap_warning(show_parties=True)
        self.assertIn("Comune di Prova", warning)
        self.assertNotIn(
            "Comune di Prova", intervention._portal_overlap_warning(show_parties=False)
        )

    def test_overlap_warnings_in_one_search(self):
        """The page's warnings cost the same for one intervention or many."""
        self.share_a.share_other_interventions = True
        own = self.int_a | self.env["family.intervention"].create(
            [
                {
                    "case_id": self.case_a.id,
                    "provider_id": self.assoc_a.id,
                    "type_id": self.type_parcel.id,
                    "date_start": self.today,
                }
                for _i in range(4)
            ]
        )
        self.env.flush_all()

        def queries(records):
            self.env.invalidate_all()
            records = records.with_user(self.coord_a)
            before = self.env.cr.sql_log_count
            warnings = records._portal_overlap_warnings(show_parties=True)
            self.assertEqual(len(warnings), len(records))
            self.assertIn("Comune di Prova", warnings[records[0].id])
            return self.env.cr.sql_log_count - before

        queries(own)  # warm the caches of the rules and the registry
        self.assertEqual(queries(own[:1]), queries(own))

    def test_family_page(self):
        self.authenticate("coord_alfa", "coord_alfa")
        page = self.url_open(f"/my/famiglie/{self.case_h.id}").text
        # household without identity: the composition, never a name
        self.assertIn("o_family_composition", page)
        self.assertIn("Reference Person", page)
        self.assertIn("6-10", page)
        for secret in ("Paolo", "Lucia", CF_PAOLO, NOTE):
            self.assertNotIn(secret, page)
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("Mario Alfa", page)
        self.assertIn("+39 02 1234567", page)
        self.assertNotIn(NOTE, page)
        self.assertNotIn("o_family_other_intervention", page)
        self.share_a.sudo().share_other_interventions = True
        page = self.url_open(f"/my/famiglie/{self.case_a.id}").text
        self.assertIn("o_family_other_intervention", page)
        self.assertIn("Comune di Prova", page)
        for secret in ("Contributo riservato", "Nota del Comune", "246,90", "246.90"):
            self.assertNotIn(secret, page)
