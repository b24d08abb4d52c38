import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_portal import PortalCommon

GUARD = "you are not allowed to read them"
ACCESS_ERROR = "odoo.exceptions.AccessError"
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
        cls.share_hidden = cls._share(
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
        cls.finance = new_test_user(
            env,
            login="privacy_fin",
            password="privacy_fin",
            groups="odoo_famiglie_rete.group_family_finance",
        )
        cls.worker.password = "portal_sw"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _call(self, model, method, *args, **kwargs):
        """Call ``model.method`` over JSON-RPC: (result, error message or None)."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "id": 0,
                    "jsonrpc": "2.0",
                    "method": "call",
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
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"]["data"]
            return None, (data["name"], data["message"])
        return body["result"], None

    def _ok(self, model, method, *args, **kwargs):
        result, error = self._call(model, method, *args, **kwargs)
        self.assertIsNone(error, f"{model}.{method} refused: {error}")
        return result

    def _refused(self, model, method, *args, message=GUARD, **kwargs):
        _result, error = self._call(model, method, *args, **kwargs)
        self.assertTrue(error, f"{model}.{method} was not refused")
        self.assertEqual(error[0], ACCESS_ERROR)
        self.assertIn(message, error[1])
        return error[1]

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _assert_no_name(self, payload, *names):
        text = json.dumps(payload)
        for name in names or ("Famiglia Segreta",):
            self.assertNotIn(name, text)

    # ------------------------------------------------------------------
    # The family's name
    # ------------------------------------------------------------------
    def test_coordinator_without_identity_reads_no_name(self):
        self._login(self.coord_a)
        case = self.case_hidden
        # the fields the user may not read are refused, not emptied
        self._refused(
            "family.case", "read", [case.id], ["name"], message='fields "name"'
        )
        self._refused(
            "family.case",
            "web_read",
            [case.id],
            {"name": {}},
            message='fields "name"',
        )
        # what is readable carries no name: the display name is the reference
        rows = self._ok("family.case", "read", [case.id], ["display_name", "stage_id"])
        self.assertEqual(rows[0]["display_name"], case.reference)
        self._assert_no_name(rows)
        rows = self._ok("family.case", "read", [case.id], [])
        self.assertNotIn("name", rows[0])
        self.assertNotIn("need_area_ids", rows[0])
        self._assert_no_name(rows)
        result = self._ok(
            "family.case",
            "web_search_read",
            domain=[],
            specification={"display_name": {}, "reference": {}},
        )
        self.assertIn(case.id, [row["id"] for row in result["records"]])
        self._assert_no_name(result, "Famiglia Segreta", "Famiglia Alfa")
        self._refused(
            "family.case",
            "web_search_read",
            domain=[],
            specification={"name": {}},
            message='fields "name"',
        )
        # name_search answers by reference only: the name finds nothing
        self.assertEqual(
            self._ok("family.case", "name_search", name="Segreta"),
            [],
        )
        found = self._ok("family.case", "name_search", name=case.reference)
        self.assertEqual(found, [[case.id, case.reference]])

    def test_search_on_the_name_is_no_oracle(self):
        self._login(self.coord_a)
        # a domain, an order or a groupby on the name is refused, whether the
        # guessed name exists or not: the answer tells nothing
        for guess in ("Famiglia Segreta", "Famiglia Inesistente"):
            message = self._refused(
                "family.case", "search", [("name", "=", guess)], message=GUARD
            )
            self.assertIn("name", message)
            self._refused("family.case", "search_count", [("name", "ilike", guess)])
            # through a path from another model, too
            self._refused("family.review", "search", [("case_id.name", "=", guess)])
        self._refused("family.case", "search", [], order="name")
        self._refused("family.case", "search", [], order="priority desc")
        self._refused(
            "family.case",
            "read_group",
            [],
            ["reference"],
            ["name"],
        )
        self._refused(
            "family.case",
            "web_read_group",
            [],
            ["reference"],
            ["name"],
        )
        # the one2many and many2many fields the user may not read are refused
        # too (Odoo itself checks only stored columns)
        self._refused(
            "family.case", "search", [("need_area_ids", "in", self.housing.ids)]
        )
        self._refused(
            "family.case",
            "search",
            [("member_ids", "any", [("fiscal_code", "!=", False)])],
        )
        self._refused("family.case", "search", [("review_overdue", "=", True)])
        self._refused(
            "family.case",
            "read_group",
            [],
            ["reference"],
            ["need_area_ids"],
        )
        # what the user reads stays searchable and sortable
        ids = self._ok(
            "family.case",
            "search",
            [("reference", "=", self.case_hidden.reference)],
            order="reference",
        )
        self.assertEqual(ids, self.case_hidden.ids)

    def test_display_names_pointing_to_the_case(self):
        self._login(self.coord_a)
        rows = self._ok(
            "family.review", "read", [self.review_hidden.id], ["display_name"]
        )
        self.assertIn(self.case_hidden.reference, rows[0]["display_name"])
        self._assert_no_name(rows)
        rows = self._ok(
            "family.review",
            "web_read",
            [self.review_hidden.id],
            {"case_id": {"fields": {"display_name": {}}}, "display_name": {}},
        )
        self.assertEqual(rows[0]["case_id"]["display_name"], self.case_hidden.reference)
        self._assert_no_name(rows)
        rows = self._ok(
            "family.intervention",
            "search_read",
            [("case_id", "=", self.case_a.id)],
            ["case_id", "display_name"],
        )
        self.assertTrue(rows)
        self._assert_no_name(rows, "Famiglia Alfa")

    def test_identity_shared_opens_the_name_in_the_projection_only(self):
        self._login(self.coord_a)
        # never on the case itself, even when the share opens the identity
        self._refused(
            "family.case", "read", [self.case_a.id], ["name"], message='fields "name"'
        )
        rows = self._ok("family.case", "read", [self.case_a.id], ["display_name"])
        self.assertEqual(rows[0]["display_name"], self.case_a.reference)
        rows = self._ok("family.case.identity", "search_read", [], ["case_id", "name"])
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
        self._refused(
            "family.case.identity",
            "read",
            [self.case_hidden.id],
            ["name"],
            message=RULE,
        )
        self.assertEqual(
            self._ok(
                "family.case.identity", "search", [("name", "=", "Famiglia Segreta")]
            ),
            [],
        )
        # the portal's name search reads the same projection
        self.assertEqual(
            self._ok("family.case.identity", "name_search", name="Famiglia"),
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
        rows = self._ok("family.case.identity", "search_read", [], ["name"])
        self.assertEqual([row["name"] for row in rows], ["Famiglia Gamma"])

    def test_volunteer_sees_only_assigned_families(self):
        self._login(self.vol_a)
        rows = self._ok("family.case.identity", "search_read", [], ["name"])
        # case_a is assigned to vol_a; case_a2 (identity shared) is not
        self.assertEqual([row["name"] for row in rows], ["Famiglia Alfa"])
        self._login(self.vol_a2)
        self.assertEqual(
            self._ok("family.case.identity", "search_read", [], ["name"]), []
        )
        self.assertEqual(
            self._ok("family.case.needs", "search_read", [], ["need_area_ids"]), []
        )
        self._refused(
            "family.case.identity", "read", [self.case_a.id], ["name"], message=RULE
        )

    def test_other_association_sees_nothing(self):
        self._login(self.coord_b)
        rows = self._ok("family.case.identity", "search_read", [], ["name"])
        self.assertEqual([row["name"] for row in rows], ["Famiglia Beta"])
        self._refused(
            "family.case.identity", "read", [self.case_a.id], ["name"], message=RULE
        )
        self._refused(
            "family.case.needs",
            "read",
            [self.case_a.id],
            ["need_area_ids"],
            message=RULE,
        )
        self._refused(
            "family.case", "read", [self.case_a.id], ["reference"], message=RULE
        )

    def test_finance_never_reads_the_name(self):
        self._login(self.finance)
        self._refused(
            "family.case", "read", [self.case_a.id], ["name"], message='fields "name"'
        )
        rows = self._ok("family.case", "search_read", [], ["reference", "display_name"])
        self.assertTrue(rows)
        self._assert_no_name(rows, "Famiglia")
        self._refused("family.case", "search", [("name", "ilike", "Famiglia")])
        self.assertEqual(self._ok("family.case", "name_search", name="Famiglia"), [])
        # no access to the projections at all
        self._refused("family.case.identity", "search_read", [], ["name"], message=ACL)
        self._refused(
            "family.case.needs", "search_read", [], ["need_area_ids"], message=ACL
        )
        # the intervention list and its grouping by case, as the finance
        # menu opens them
        result = self._ok(
            "family.intervention",
            "web_read_group",
            [],
            ["amount:sum"],
            ["case_id"],
        )
        self.assertTrue(result["groups"])
        self._assert_no_name(result, "Famiglia")

    def test_social_worker_still_reads_and_searches_the_name(self):
        self._login(self.worker)
        ids = self._ok("family.case", "search", [("name", "=", "Famiglia Segreta")])
        self.assertEqual(ids, self.case_hidden.ids)
        rows = self._ok("family.case", "read", ids, ["display_name", "need_area_ids"])
        self.assertEqual(
            rows[0]["display_name"], f"{self.case_hidden.reference} - Famiglia Segreta"
        )
        self.assertEqual(rows[0]["need_area_ids"], self.housing.ids)
        self._ok(
            "family.case",
            "web_read_group",
            [],
            ["reference"],
            ["need_area_ids"],
        )
        # restricted cases stay with their case manager, in the projection too
        other = new_test_user(
            self.env,
            login="privacy_sw2",
            password="privacy_sw2",
            groups="odoo_famiglie_rete.group_family_social_worker",
        )
        self._login(other)
        self._refused(
            "family.case.identity",
            "read",
            [self.case_restricted.id],
            ["name"],
            message=RULE,
        )

    # ------------------------------------------------------------------
    # Need areas
    # ------------------------------------------------------------------
    def test_needs_only_where_shared(self):
        self._login(self.coord_a)
        self._refused(
            "family.case",
            "read",
            [self.case_a.id],
            ["need_area_ids"],
            message='fields "need_area_ids"',
        )
        rows = self._ok("family.case.needs", "search_read", [], ["need_area_ids"])
        # case_a shares the needs; case_a2 and case_hidden do not
        self.assertEqual(
            {row["id"]: row["need_area_ids"] for row in rows},
            {self.case_a.id: self.work.ids},
        )
        self._refused(
            "family.case.needs",
            "read",
            [self.case_hidden.id],
            ["need_area_ids"],
            message=RULE,
        )
        self.assertEqual(
            self._ok(
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
