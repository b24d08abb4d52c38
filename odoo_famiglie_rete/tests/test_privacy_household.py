"""Members, household composition and other parties' interventions.

Every rule is tried over real HTTP (JSON-RPC ``/web/dataset/call_kw``) from
the side of the user who must not see: a share that opens the household but
not the identity gives relation, age band, sex and minor, never a name, a
codice fiscale or a note; other parties' interventions come only as a
summary (type, category, dates, quantity, provider), never their notes or
amounts.
"""

from dateutil.relativedelta import relativedelta
from stdnum.it import codicefiscale

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PortalCommon, new_share

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


@tagged("post_install", "-at_install")
class TestPrivacyHousehold(PortalCommon):
    """case_h: shared with association A for its household, not its identity;
    the Comune's intervention in case_a has a name, notes and an amount."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        Member = env["family.case.member"]
        today = cls.today
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
        new_share(
            env,
            cls.case_h,
            cls.assoc_a,
            share_identity=False,
            share_household=True,
            volunteer_user_ids=[Command.set(cls.vol_a.ids)],
        )
        # the Comune's intervention in case_a, as the summary shows it
        cls.int_comune.write(
            {
                "name": "Contributo riservato",
                "notes": "Nota del Comune sull'intervento",
                "quantity": 2,
                "unit_value": 123.45,
            }
        )

    def test_household_without_identity_hides_the_members(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Member = "family.case.member"
        case = [("case_id", "=", self.case_h.id)]
        for method, args, kwargs in (
            ("search_read", [case], {"fields": ["name", "fiscal_code"]}),
            ("search_read", [case], {}),
            ("search", [[("name", "ilike", "Acca")]], {}),
            ("search", [[("fiscal_code", "=", CF_PAOLO)]], {}),
            ("search_count", [case], {}),
            ("read_group", [case], {"fields": ["case_id"], "groupby": ["case_id"]}),
            ("name_search", ["Acca"], {}),
            ("web_search_read", [case], {"specification": {"name": {}}}),
        ):
            with self.subTest(method=method, args=args, kwargs=kwargs):
                answer = self.assertRpcNothing(
                    ROW_RULE, Member, method, *args, **kwargs
                )
                self.assertNoSecret(answer, "Paolo", "Lucia", CF_PAOLO, NOTE)
        ids = (self.paolo | self.lucia).ids
        self.assertRpcRefused(AccessError, ROW_RULE, Member, "read", ids, ["name"])
        self.assertRpcRefused(
            AccessError, ROW_RULE, Member, "web_read", ids, specification={"name": {}}
        )
        # the member's contact is never open to associations
        self.assertRpcNothing(
            NO_ACL,
            "res.partner",
            "search_read",
            [("id", "=", self.paolo.partner_id.id)],
            fields=["name"],
        )

    def test_household_shows_the_composition_only(self):
        self.authenticate("coord_alfa", "coord_alfa")
        rows = self.rpc(
            "family.case.household", "search_read", [("case_id", "=", self.case_h.id)]
        )
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
        fields_ = self.rpc("family.case.household", "fields_get")
        self.assertFalse(IDENTITY_FIELDS & set(fields_))
        self.assertFalse(
            [f for f, d in fields_.items() if d.get("relation") == "res.partner"]
        )
        # the name cannot be asked for on the projection either
        with mute_logger("odoo.http"):
            self.assertRpcRefused(
                ValueError,
                "Invalid field",
                "family.case.household",
                "read",
                [self.paolo.id],
                ["name"],
            )

    def test_identity_opens_names_never_notes(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Member = "family.case.member"
        rows = self.rpc(
            Member,
            "search_read",
            [("case_id", "=", self.case_a.id)],
            fields=["name", "fiscal_code", "birthdate", "age", "is_minor", "phone"],
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows[0]["name"], rows[0]["fiscal_code"], rows[0]["birthdate"]),
            ("Mario Alfa", CF_MARIO, "1975-02-10"),
        )
        self.assertEqual(rows[0]["phone"], "+39 02 1234567")
        # everything readable, read at once: never the notes
        rows = self.rpc(Member, "read", self.member_a.ids)
        self.assertNoSecret(rows, NOTE)
        for fname in ("notes", "relation", "gender", "other_case_ids", "partner_id"):
            with self.subTest(field=fname):
                self.assertRpcRefused(
                    AccessError, FIELD_RULE, Member, "read", self.member_a.ids, [fname]
                )
        # identity but not household: no composition
        self.share_a.sudo().share_household = False
        self.assertRpcNothing(
            ROW_RULE,
            "family.case.household",
            "search_read",
            [("case_id", "=", self.case_a.id)],
        )

    def test_other_association_sees_nothing(self):
        self.authenticate("coord_beta", "coord_beta")
        for model in ("family.case.member", "family.case.household"):
            for case in (self.case_a, self.case_h):
                with self.subTest(model=model, case=case.name):
                    self.assertRpcNothing(
                        ROW_RULE, model, "search_read", [("case_id", "=", case.id)]
                    )
            self.assertRpcRefused(
                AccessError, ROW_RULE, model, "read", self.member_a.ids, ["case_id"]
            )

    def test_volunteer_sees_only_assigned_families(self):
        # vol_alfa2 follows no family of association A
        self.authenticate("vol_alfa2", "vol_alfa2")
        for model in ("family.case.member", "family.case.household"):
            with self.subTest(model=model):
                self.assertRpcNothing(ROW_RULE, model, "search_read", [])
        # vol_alfa follows case_a (identity) and case_h (household)
        self.authenticate("vol_alfa", "vol_alfa")
        rows = self.rpc("family.case.member", "search_read", [], ["name"])
        self.assertEqual([r["name"] for r in rows], ["Mario Alfa"])
        rows = self.rpc(
            "family.case.household",
            "search_read",
            [("case_id", "=", self.case_h.id)],
            ["relation"],
        )
        self.assertEqual(len(rows), 2)

    def test_finance_reads_no_member_and_no_household(self):
        self._login(self.finance)
        for model in ("family.case.member", "family.case.household"):
            with self.subTest(model=model):
                self.assertRpcRefused(AccessError, NO_ACL, model, "search_read", [])
                self.assertRpcRefused(
                    AccessError, NO_ACL, model, "read", self.member_a.ids, ["case_id"]
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
            Household.with_user(self.worker_2).search([("id", "=", member.id)])
        )
        self.assertEqual(
            Household.with_user(self.worker).search([("id", "=", member.id)]).relation,
            "reference",
        )
        self._login(self.worker_2)
        self.assertRpcRefused(
            AccessError,
            ROW_RULE,
            "family.case.household",
            "read",
            member.ids,
            ["relation"],
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
        rows = self.rpc("family.intervention", "read", intervention.ids, ["member_id"])
        self.assertEqual(rows[0]["member_id"][0], self.lucia.id)
        self.assertNoSecret(rows, "Lucia")
        rows = self.rpc(
            "family.intervention",
            "web_read",
            intervention.ids,
            specification={"member_id": {"fields": {"display_name": {}}}},
        )
        self.assertNoSecret(rows, "Lucia")
        # with the identity shared, the name is there
        self.int_a.member_id = self.member_a
        rows = self.rpc("family.intervention", "read", self.int_a.ids, ["member_id"])
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
        token = self._csrf(url)
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
        today = self.today
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

    # ------------------------------------------------------------------
    # Other parties' interventions
    # ------------------------------------------------------------------
    def test_portal_reads_only_its_own_interventions(self):
        self.share_a.sudo().share_other_interventions = True
        self.authenticate("coord_alfa", "coord_alfa")
        Intervention = "family.intervention"
        rows = self.rpc(
            Intervention, "search_read", [("case_id", "=", self.case_a.id)], ["id"]
        )
        self.assertEqual([r["id"] for r in rows], self.int_a.ids)
        self.assertRpcRefused(
            AccessError,
            ROW_RULE,
            Intervention,
            "read",
            self.int_comune.ids,
            ["type_id"],
        )
        self.assertRpcNothing(
            ROW_RULE, Intervention, "search", [("provider_id", "=", self.comune.id)]
        )
        groups = self.rpc(
            Intervention,
            "read_group",
            [],
            fields=["amount:sum"],
            groupby=["provider_id"],
        )
        self.assertEqual([g["provider_id"][0] for g in groups], self.assoc_a.ids)
        # the overlap warning names the other parties: social workers only
        self.assertRpcRefused(
            AccessError,
            FIELD_RULE,
            Intervention,
            "read",
            self.int_a.ids,
            ["overlap_warning"],
        )

    def test_summary_opens_with_the_category_only(self):
        self.authenticate("coord_alfa", "coord_alfa")
        Summary = "family.intervention.summary"
        domain = [("case_id", "=", self.case_a.id)]
        self.assertRpcNothing(ROW_RULE, Summary, "search_read", domain)
        self.assertRpcRefused(
            AccessError, ROW_RULE, Summary, "read", self.int_comune.ids, ["type_id"]
        )
        self.share_a.sudo().share_other_interventions = True
        rows = self.rpc(
            Summary, "search_read", domain + [("id", "=", self.int_comune.id)]
        )
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
        fields_ = self.rpc(Summary, "fields_get")
        self.assertFalse(PRIVATE_INTERVENTION_FIELDS & set(fields_))
        # another association, and a volunteer not assigned: nothing
        for login in ("coord_beta", "vol_alfa2"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertRpcNothing(ROW_RULE, Summary, "search_read", domain)

    def test_finance_reads_interventions_not_the_summary(self):
        self._login(self.finance)
        self.assertRpcRefused(
            AccessError, NO_ACL, "family.intervention.summary", "search_read", []
        )
        rows = self.rpc(
            "family.intervention",
            "read",
            self.int_comune.ids,
            ["amount", "type_id", "provider_id", "quantity"],
        )
        self.assertEqual(rows[0]["amount"], 246.9)
        self.assertRpcRefused(
            AccessError,
            FIELD_RULE,
            "family.intervention",
            "read",
            self.int_comune.ids,
            ["notes"],
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
