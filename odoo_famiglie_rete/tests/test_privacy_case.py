from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PortalCommon, new_share

GUARD = "you are not allowed to read them"
# a record the record rules withhold, a model without access rights
RULE = "top-secret records"
ACL = "You are not allowed to access"


@tagged("post_install", "-at_install")
class TestPrivacyCaseIdentity(PortalCommon):
    """The family's name and need areas, seen by whom may not see them.

    Every call goes over real HTTP (JSON-RPC ``/web/dataset/call_kw``) with
    the user's own session, as a portal or finance user's browser or script
    would.

    - case_hidden: shared with association A without identity nor needs,
      coordinator A invited to its review;
    - case_a: shared with A with every category (fixture), volunteer vol_a;
    - case_b: shared with B only.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.housing = env["family.need.area"].create({"name": "Casa privacy"})
        cls.work = env["family.need.area"].create({"name": "Lavoro privacy"})
        cls.case_hidden = env["family.case"].create(
            {
                "name": "Famiglia Segreta",
                "user_id": cls.worker.id,
                "need_area_ids": [Command.set(cls.housing.ids)],
            }
        )
        cls.case_a.need_area_ids = [Command.set(cls.work.ids)]
        new_share(
            env,
            cls.case_hidden,
            cls.assoc_a,
            share_identity=False,
            share_needs=False,
            volunteer_user_ids=[Command.set(cls.vol_a.ids)],
        )
        cls.review_hidden = env["family.review"].create(
            {
                "case_id": cls.case_hidden.id,
                "date": fields.Datetime.now() + timedelta(days=3),
                "partner_ids": [Command.set(cls.coord_a.partner_id.ids)],
                "user_id": cls.worker.id,
            }
        )

    # ------------------------------------------------------------------
    # The family's name
    # ------------------------------------------------------------------
    def test_coordinator_without_identity_reads_no_name(self):
        self._login(self.coord_a)
        case = self.case_hidden
        # the fields the user may not read are refused, not emptied
        self.assertRpcRefused(
            AccessError, 'fields "name"', "family.case", "read", [case.id], ["name"]
        )
        self.assertRpcRefused(
            AccessError,
            'fields "name"',
            "family.case",
            "web_read",
            [case.id],
            {"name": {}},
        )
        # what is readable carries no name: the display name is the reference
        rows = self.rpc("family.case", "read", [case.id], ["display_name", "stage_id"])
        self.assertEqual(rows[0]["display_name"], case.reference)
        self.assertNoSecret(rows, "Famiglia Segreta")
        rows = self.rpc("family.case", "read", [case.id], [])
        self.assertNotIn("name", rows[0])
        self.assertNotIn("need_area_ids", rows[0])
        self.assertNoSecret(rows, "Famiglia Segreta")
        result = self.rpc(
            "family.case",
            "web_search_read",
            domain=[],
            specification={"display_name": {}, "reference": {}},
        )
        self.assertIn(case.id, [row["id"] for row in result["records"]])
        self.assertNoSecret(result, "Famiglia Segreta", "Famiglia Alfa")
        self.assertRpcRefused(
            AccessError,
            'fields "name"',
            "family.case",
            "web_search_read",
            domain=[],
            specification={"name": {}},
        )
        # name_search answers by reference only: the name finds nothing
        self.assertEqual(
            self.rpc("family.case", "name_search", name="Segreta"),
            [],
        )
        found = self.rpc("family.case", "name_search", name=case.reference)
        self.assertEqual(found, [[case.id, case.reference]])

    def test_search_on_the_name_is_no_oracle(self):
        self._login(self.coord_a)
        # a domain, an order or a groupby on the name is refused, whether the
        # guessed name exists or not: the answer tells nothing
        for guess in ("Famiglia Segreta", "Famiglia Inesistente"):
            message = self.assertRpcRefused(
                AccessError, GUARD, "family.case", "search", [("name", "=", guess)]
            )
            self.assertIn("name", message)
            self.assertRpcRefused(
                AccessError,
                GUARD,
                "family.case",
                "search_count",
                [("name", "ilike", guess)],
            )
            # through a path from another model, too
            self.assertRpcRefused(
                AccessError,
                GUARD,
                "family.review",
                "search",
                [("case_id.name", "=", guess)],
            )
        self.assertRpcRefused(
            AccessError, GUARD, "family.case", "search", [], order="name"
        )
        self.assertRpcRefused(
            AccessError, GUARD, "family.case", "search", [], order="priority desc"
        )
        self.assertRpcRefused(
            AccessError, GUARD, "family.case", "read_group", [], ["reference"], ["name"]
        )
        self.assertRpcRefused(
            AccessError,
            GUARD,
            "family.case",
            "web_read_group",
            [],
            ["reference"],
            ["name"],
        )
        # the one2many and many2many fields the user may not read are refused
        # too (Odoo itself checks only stored columns)
        self.assertRpcRefused(
            AccessError,
            GUARD,
            "family.case",
            "search",
            [("need_area_ids", "in", self.housing.ids)],
        )
        self.assertRpcRefused(
            AccessError,
            GUARD,
            "family.case",
            "search",
            [("member_ids", "any", [("fiscal_code", "!=", False)])],
        )
        self.assertRpcRefused(
            AccessError, GUARD, "family.case", "search", [("review_overdue", "=", True)]
        )
        self.assertRpcRefused(
            AccessError,
            GUARD,
            "family.case",
            "read_group",
            [],
            ["reference"],
            ["need_area_ids"],
        )
        # what the user reads stays searchable and sortable
        ids = self.rpc(
            "family.case",
            "search",
            [("reference", "=", self.case_hidden.reference)],
            order="reference",
        )
        self.assertEqual(ids, self.case_hidden.ids)

    def test_display_names_pointing_to_the_case(self):
        self._login(self.coord_a)
        rows = self.rpc(
            "family.review", "read", [self.review_hidden.id], ["display_name"]
        )
        self.assertIn(self.case_hidden.reference, rows[0]["display_name"])
        self.assertNoSecret(rows, "Famiglia Segreta")
        rows = self.rpc(
            "family.review",
            "web_read",
            [self.review_hidden.id],
            {"case_id": {"fields": {"display_name": {}}}, "display_name": {}},
        )
        self.assertEqual(rows[0]["case_id"]["display_name"], self.case_hidden.reference)
        self.assertNoSecret(rows, "Famiglia Segreta")
        rows = self.rpc(
            "family.intervention",
            "search_read",
            [("case_id", "=", self.case_a.id)],
            ["case_id", "display_name"],
        )
        self.assertTrue(rows)
        self.assertNoSecret(rows, "Famiglia Alfa")

    def test_identity_shared_opens_the_name_in_the_projection_only(self):
        self._login(self.coord_a)
        # never on the case itself, even when the share opens the identity
        self.assertRpcRefused(
            AccessError,
            'fields "name"',
            "family.case",
            "read",
            [self.case_a.id],
            ["name"],
        )
        rows = self.rpc("family.case", "read", [self.case_a.id], ["display_name"])
        self.assertEqual(rows[0]["display_name"], self.case_a.reference)
        rows = self.rpc("family.case.identity", "search_read", [], ["case_id", "name"])
        self.assertEqual(
            {row["id"]: row["name"] for row in rows},
            {self.case_a.id: "Famiglia Alfa", self.case_a2.id: "Famiglia Gamma"},
        )
        self.assertEqual(
            {row["id"]: row["case_id"][1] for row in rows}[self.case_a.id],
            self.case_a.reference,
        )
        # the projection of a case whose share withholds the identity is
        # not there: a read by id is refused, a search finds nothing
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.identity",
            "read",
            [self.case_hidden.id],
            ["name"],
        )
        self.assertEqual(
            self.rpc(
                "family.case.identity", "search", [("name", "=", "Famiglia Segreta")]
            ),
            [],
        )
        # the portal's name search reads the same projection
        self.assertEqual(
            self.rpc("family.case.identity", "name_search", name="Famiglia"),
            [[self.case_a.id, "Famiglia Alfa"], [self.case_a2.id, "Famiglia Gamma"]]
            if self.case_a.id > self.case_a2.id
            else [
                [self.case_a2.id, "Famiglia Gamma"],
                [self.case_a.id, "Famiglia Alfa"],
            ],
        )

    def test_revoked_identity_closes_the_projection_at_once(self):
        self.share_a.share_identity = False
        self._login(self.coord_a)
        rows = self.rpc("family.case.identity", "search_read", [], ["name"])
        self.assertEqual([row["name"] for row in rows], ["Famiglia Gamma"])

    def test_volunteer_sees_only_assigned_families(self):
        self._login(self.vol_a)
        rows = self.rpc("family.case.identity", "search_read", [], ["name"])
        # case_a is assigned to vol_a; case_a2 (identity shared) is not
        self.assertEqual([row["name"] for row in rows], ["Famiglia Alfa"])
        self._login(self.vol_a2)
        self.assertEqual(
            self.rpc("family.case.identity", "search_read", [], ["name"]), []
        )
        self.assertEqual(
            self.rpc("family.case.needs", "search_read", [], ["need_area_ids"]), []
        )
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.identity",
            "read",
            [self.case_a.id],
            ["name"],
        )

    def test_other_association_sees_nothing(self):
        self._login(self.coord_b)
        rows = self.rpc("family.case.identity", "search_read", [], ["name"])
        self.assertEqual([row["name"] for row in rows], ["Famiglia Beta"])
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.identity",
            "read",
            [self.case_a.id],
            ["name"],
        )
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.needs",
            "read",
            [self.case_a.id],
            ["need_area_ids"],
        )
        self.assertRpcRefused(
            AccessError, RULE, "family.case", "read", [self.case_a.id], ["reference"]
        )

    def test_finance_never_reads_the_name(self):
        self._login(self.finance)
        self.assertRpcRefused(
            AccessError,
            'fields "name"',
            "family.case",
            "read",
            [self.case_a.id],
            ["name"],
        )
        rows = self.rpc("family.case", "search_read", [], ["reference", "display_name"])
        self.assertTrue(rows)
        self.assertNoSecret(rows, "Famiglia")
        self.assertRpcRefused(
            AccessError, GUARD, "family.case", "search", [("name", "ilike", "Famiglia")]
        )
        self.assertEqual(self.rpc("family.case", "name_search", name="Famiglia"), [])
        # no access to the projections at all
        self.assertRpcRefused(
            AccessError, ACL, "family.case.identity", "search_read", [], ["name"]
        )
        self.assertRpcRefused(
            AccessError, ACL, "family.case.needs", "search_read", [], ["need_area_ids"]
        )
        # the intervention list and its grouping by case, as the finance
        # menu opens them
        result = self.rpc(
            "family.intervention",
            "web_read_group",
            [],
            ["amount:sum"],
            ["case_id"],
        )
        self.assertTrue(result["groups"])
        self.assertNoSecret(result, "Famiglia")

    def test_social_worker_still_reads_and_searches_the_name(self):
        self._login(self.worker)
        ids = self.rpc("family.case", "search", [("name", "=", "Famiglia Segreta")])
        self.assertEqual(ids, self.case_hidden.ids)
        rows = self.rpc("family.case", "read", ids, ["display_name", "need_area_ids"])
        self.assertEqual(
            rows[0]["display_name"], f"{self.case_hidden.reference} - Famiglia Segreta"
        )
        self.assertEqual(rows[0]["need_area_ids"], self.housing.ids)
        self.rpc(
            "family.case",
            "web_read_group",
            [],
            ["reference"],
            ["need_area_ids"],
        )
        # restricted cases stay with their case manager, in the projection too
        self._login(self.worker_2)
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.identity",
            "read",
            [self.case_restricted.id],
            ["name"],
        )

    # ------------------------------------------------------------------
    # Need areas
    # ------------------------------------------------------------------
    def test_needs_only_where_shared(self):
        self._login(self.coord_a)
        self.assertRpcRefused(
            AccessError,
            'fields "need_area_ids"',
            "family.case",
            "read",
            [self.case_a.id],
            ["need_area_ids"],
        )
        rows = self.rpc("family.case.needs", "search_read", [], ["need_area_ids"])
        # case_a shares the needs; case_a2 and case_hidden do not
        self.assertEqual(
            {row["id"]: row["need_area_ids"] for row in rows},
            {self.case_a.id: self.work.ids},
        )
        self.assertRpcRefused(
            AccessError,
            RULE,
            "family.case.needs",
            "read",
            [self.case_hidden.id],
            ["need_area_ids"],
        )
        self.assertEqual(
            self.rpc(
                "family.case.needs",
                "search",
                [("need_area_ids", "in", self.housing.ids)],
            ),
            [],
        )

    # ------------------------------------------------------------------
    # The ORM, without HTTP: the guard's rule and the superuser
    # ------------------------------------------------------------------
    def test_guard_leaves_record_rules_and_sudo_alone(self):
        Case = self.env["family.case"].with_user(self.coord_a)
        with self.assertRaisesRegex(AccessError, GUARD):
            Case.search([("restricted", "=", True)])
        # the rules filter on share_ids and restricted, which the user may not
        # read: they run in sudo mode and still answer
        self.assertIn(self.case_hidden, Case.search([]))
        self.assertNotIn(self.case_b, Case.search([]))
        self.assertEqual(
            Case.sudo().search([("name", "=", "Famiglia Segreta")]), self.case_hidden
        )
