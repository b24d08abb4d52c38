from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.family_intervention import COMPENSATION_LOCKED_FIELDS
from .common import PortalCommon

# What the portal's forms write (controllers/portal/), spelled out here
# rather than imported: widening a model's declaration must fail this test.
INTERVENTION_FORM = {
    "type_id",
    "name",
    "date_start",
    "date_end",
    "quantity",
    "amount",
    "member_id",
    "goal_id",
    "state",
}
GOAL_FORM = {"state", "current_value"}
SHARE_FORM = {"volunteer_user_ids"}
REFUSED = "An association cannot write these fields of"
RULE = "Sorry, {user} (id={id}) doesn't have '{operation}"
OWN_PROVIDER = "An association can only record its own interventions"


@tagged("post_install", "-at_install")
class TestPrivacyWrites(PortalCommon):
    """Associations write only what they own, over JSON-RPC as over the portal.

    Each model declares the fields an association may write; every other
    field, enumerated at run time (a field added later is covered), is
    refused by the ORM with a message naming it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_parcel.compensable = False
        cls.type_rent.compensable = True
        cls.int_a.compensable = False

    def _rule(self, user, operation=""):
        """The record rules' refusal (of ``operation``, or of any)."""
        return RULE.format(user=user.name, id=user.id, operation=operation)

    def _refused_fields(self, model, allowed):
        return sorted(set(self.env[model]._fields) - set(allowed))

    # ------------------------------------------------------------------
    # Interventions
    # ------------------------------------------------------------------
    def test_intervention_fields_outside_the_form_refused(self):
        fnames = self._refused_fields("family.intervention", INTERVENTION_FORM)
        for name in ("compensable", "provider_id", "case_id", "unit_value"):
            self.assertIn(name, fnames)
        for user in (self.coord_a, self.vol_a):
            self._login(user)
            for fname in fnames:
                with self.subTest(user=user.login, field=fname):
                    self.assertRpcRefused(
                        AccessError,
                        f"({fname})",
                        "family.intervention",
                        "write",
                        [self.int_a.id],
                        {fname: False},
                    )
        self.assertEqual(self.int_a.provider_id, self.assoc_a)
        self.assertFalse(self.int_a.compensable)

    def test_intervention_refusal_names_the_field(self):
        self._login(self.coord_a)
        message = self.assertRpcRefused(
            AccessError,
            REFUSED,
            "family.intervention",
            "write",
            [self.int_a.id],
            {"compensable": True, "quantity": 2},
        )
        self.assertIn("Compensable (compensable)", message)
        self.assertNotIn("quantity", message)
        self.assertFalse(self.int_a.compensable)
        self.assertEqual(self.int_a.quantity, 1)

    def test_intervention_form_fields_written(self):
        for user, state in ((self.coord_a, "active"), (self.vol_a, "done")):
            self._login(user)
            with self.subTest(user=user.login):
                values = {
                    "type_id": self.type_rent.id,
                    "name": f"Affitto di {user.login}",
                    "date_start": fields.Date.to_string(self.today),
                    "date_end": fields.Date.to_string(self.today + timedelta(days=3)),
                    "quantity": 2,
                    "amount": 150,
                    "member_id": self.member_a.id,
                    "goal_id": self.goal_a.id,
                    "state": state,
                }
                self.assertEqual(set(values), INTERVENTION_FORM)
                self.assertTrue(
                    self.rpc("family.intervention", "write", [self.int_a.id], values)
                )
                self.int_a.invalidate_recordset()
                self.assertEqual(self.int_a.type_id, self.type_rent)
                self.assertEqual(self.int_a.amount, 150)
                self.assertEqual(self.int_a.state, state)
                self.assertEqual(self.int_a.goal_id, self.goal_a)
                # the type decides whether it is paid, not the association
                self.assertTrue(self.int_a.compensable)
                self.assertEqual(self.int_a.provider_id, self.assoc_a)

    def test_compensated_intervention_keeps_what_was_paid(self):
        self.int_a.compensated = True  # as an approved statement would
        self._login(self.coord_a)
        for fname in sorted(COMPENSATION_LOCKED_FIELDS & INTERVENTION_FORM):
            with self.subTest(field=fname):
                self.assertRpcRefused(
                    AccessError,
                    f"({fname})",
                    "family.intervention",
                    "write",
                    [self.int_a.id],
                    {fname: False},
                )
        self.assertTrue(
            self.rpc("family.intervention", "write", [self.int_a.id], {"name": "N"})
        )

    def _new_values(self, case=None, **values):
        return {
            "case_id": (case or self.case_a).id,
            "type_id": self.type_rent.id,
            "date_start": fields.Date.to_string(self.today),
            "quantity": 1,
            **values,
        }

    def test_intervention_create(self):
        for user in (self.coord_a, self.vol_a):
            self._login(user)
            with self.subTest(user=user.login):
                new_id = self.rpc(
                    "family.intervention", "create", [self._new_values()]
                )[0]
                new = self.env["family.intervention"].browse(new_id)
                self.assertEqual(new.provider_id, self.assoc_a)
                self.assertTrue(new.compensable)  # from the type
                self.assertEqual(new.amount, 100)

    def test_intervention_create_refused(self):
        Intervention = self.env["family.intervention"]
        before = Intervention.search_count([])
        for user in (self.coord_a, self.vol_a):
            self._login(user)
            with self.subTest(user=user.login, case="another provider"):
                for provider in (self.assoc_b, self.comune):
                    self.assertRpcRefused(
                        AccessError,
                        OWN_PROVIDER,
                        "family.intervention",
                        "create",
                        [self._new_values(provider_id=provider.id)],
                    )
            with self.subTest(user=user.login, case="compensable sent"):
                for value in (True, False):
                    self.assertRpcRefused(
                        AccessError,
                        "(compensable)",
                        "family.intervention",
                        "create",
                        [self._new_values(compensable=value)],
                    )
            with self.subTest(user=user.login, case="compensable as a default"):
                self.assertRpcRefused(
                    AccessError,
                    "(compensable)",
                    "family.intervention",
                    "create",
                    [self._new_values()],
                    context={"default_compensable": True},
                )
            with self.subTest(user=user.login, case="provider as a default"):
                self.assertRpcRefused(
                    AccessError,
                    OWN_PROVIDER,
                    "family.intervention",
                    "create",
                    [self._new_values()],
                    context={"default_provider_id": self.assoc_b.id},
                )
            with self.subTest(user=user.login, case="other fields"):
                for fname in ("unit_value", "notes", "has_overlap"):
                    self.assertRpcRefused(
                        AccessError,
                        f"({fname})",
                        "family.intervention",
                        "create",
                        [self._new_values(**{fname: False})],
                    )
            for case in (self.case_b, self.case_restricted):
                with self.subTest(user=user.login, case=case.name):
                    # a family it does not read: refused as a link first
                    self.assertRpcRefused(
                        AccessError,
                        self._rule(user, "read"),
                        "family.intervention",
                        "create",
                        [self._new_values(case=case)],
                    )
        # the volunteer is not assigned to the second family of the association
        self._login(self.vol_a)
        self.assertRpcRefused(
            AccessError,
            self._rule(self.vol_a, "read"),
            "family.intervention",
            "create",
            [self._new_values(case=self.case_a2)],
        )
        self.assertEqual(Intervention.search_count([]), before)

    def test_declarations_are_the_portal_forms(self):
        Intervention = self.env["family.intervention"]
        self.assertEqual(Intervention._family_portal_write_fields, INTERVENTION_FORM)
        self.assertEqual(
            Intervention._family_portal_create_fields,
            INTERVENTION_FORM | {"case_id", "provider_id"},
        )
        self.assertEqual(
            self.env["family.plan.goal"]._family_portal_write_fields, GOAL_FORM
        )
        self.assertEqual(
            self.env["family.case.share"]._family_portal_write_fields, SHARE_FORM
        )
        for model in ("family.plan.goal", "family.case.share", "family.case"):
            self.assertFalse(self.env[model]._family_portal_create_fields, model)

    def test_other_parties_interventions_refused(self):
        self.share_a.share_other_interventions = True
        self._login(self.coord_a)
        # the Comune's, on a family shared with the association: readable, not
        # writable
        self.assertRpcRefused(
            AccessError,
            self._rule(self.coord_a, "write"),
            "family.intervention",
            "write",
            [self.int_comune.id],
            {"quantity": 5},
        )
        # another association's, on a family not shared with it
        self.assertRpcRefused(
            AccessError,
            self._rule(self.coord_a, "write"),
            "family.intervention",
            "write",
            [self.int_b.id],
            {"quantity": 5},
        )
        self.assertRpcRefused(
            AccessError,
            "You are not allowed to delete",
            "family.intervention",
            "unlink",
            [self.int_a.id],
        )
        self.assertEqual((self.int_comune | self.int_b).mapped("quantity"), [1, 1])

    def test_links_only_to_what_the_share_opens(self):
        """A goal of another party, a member of another family: refused.

        Every family record an association links to must be one it reads
        (``family.portal.write.mixin``): the record rules refuse the rest.
        """
        self._login(self.coord_a)
        for fname, record in (
            ("goal_id", self.goal_comune),
            ("goal_id", self.goal_b),
            ("member_id", self.member_b),
        ):
            with self.subTest(field=fname, record=record.display_name):
                self.assertRpcRefused(
                    AccessError,
                    self._rule(self.coord_a, "read"),
                    "family.intervention",
                    "write",
                    [self.int_a.id],
                    {fname: record.id},
                )
                self.assertRpcRefused(
                    AccessError,
                    self._rule(self.coord_a, "read"),
                    "family.intervention",
                    "create",
                    [self._new_values(**{fname: record.id})],
                )
        self.assertFalse(self.int_a.goal_id)
        self.assertFalse(self.int_a.member_id)

    # ------------------------------------------------------------------
    # Goals and shares
    # ------------------------------------------------------------------
    def test_goal_fields(self):
        fnames = self._refused_fields("family.plan.goal", GOAL_FORM)
        for user in (self.coord_a, self.vol_a):
            self._login(user)
            self.assertTrue(
                self.rpc(
                    "family.plan.goal",
                    "write",
                    [self.goal_a.id],
                    {"state": "in_progress", "current_value": user.id},
                )
            )
            self.assertEqual(self.goal_a.current_value, user.id)
            for fname in fnames:
                with self.subTest(user=user.login, field=fname):
                    self.assertRpcRefused(
                        AccessError,
                        f"({fname})",
                        "family.plan.goal",
                        "write",
                        [self.goal_a.id],
                        {fname: False},
                    )
            # the plan's workflow context opens nothing to an association
            self.assertRpcRefused(
                AccessError,
                "(approval_state)",
                "family.plan.goal",
                "write",
                [self.goal_a.id],
                {"approval_state": "approved"},
                context={"family_plan_workflow": True},
            )
            for goal in (self.goal_comune, self.goal_b):
                with self.subTest(user=user.login, goal=goal.name):
                    self.assertRpcRefused(
                        AccessError,
                        self._rule(user),
                        "family.plan.goal",
                        "write",
                        [goal.id],
                        {"state": "achieved"},
                    )
        self.assertEqual(self.goal_a.approval_state, "pending")
        self.assertEqual((self.goal_comune | self.goal_b).mapped("state"), ["open"] * 2)

    def test_share_fields(self):
        fnames = self._refused_fields("family.case.share", SHARE_FORM)
        self._login(self.coord_a)
        self.assertTrue(
            self.rpc(
                "family.case.share",
                "write",
                [self.share_a.id],
                {"volunteer_user_ids": [Command.set((self.vol_a | self.vol_a2).ids)]},
            )
        )
        self.assertEqual(self.share_a.volunteer_user_ids, self.vol_a | self.vol_a2)
        for fname in fnames:
            with self.subTest(field=fname):
                self.assertRpcRefused(
                    AccessError,
                    f"({fname})",
                    "family.case.share",
                    "write",
                    [self.share_a.id],
                    {fname: False},
                )
        # another association's share
        self.assertRpcRefused(
            AccessError,
            self._rule(self.coord_a),
            "family.case.share",
            "write",
            [self.share_b.id],
            {"volunteer_user_ids": [Command.clear()]},
        )
        # a volunteer assigns nobody
        self._login(self.vol_a)
        self.assertRpcRefused(
            AccessError,
            self._rule(self.vol_a, "write"),
            "family.case.share",
            "write",
            [self.share_a.id],
            {"volunteer_user_ids": [Command.clear()]},
        )
        self.assertEqual(self.share_a.volunteer_user_ids, self.vol_a | self.vol_a2)
        self.assertTrue(self.share_a.share_documents)

    # ------------------------------------------------------------------
    # Finance
    # ------------------------------------------------------------------
    def test_finance_writes_no_record_of_a_case(self):
        """Every model of a case (found at run time) and the case itself."""
        env = self.env
        env["family.referral"].create(
            {"case_id": self.case_a.id, "service_id": self.service.id, "reason": "R"}
        )
        env["family.review.outcome"].create(
            {"review_id": self.review_a.id, "goal_id": self.goal_a.id}
        )
        mixin = "family.case.child.mixin"
        models = env.registry.descendants([mixin], "_inherit") - {mixin}
        self._login(self.finance)
        for model in sorted(models | {"family.case"}):
            record = env[model].search([], limit=1)
            with self.subTest(model=model):
                self.assertTrue(record)
                self.assertRpcRefused(
                    AccessError,
                    "You are not allowed to",
                    model,
                    "write",
                    [record.id],
                    {"create_date": False},
                )

    def test_finance_writes_no_family_data(self):
        self._login(self.finance)
        for model, record, values in (
            ("family.intervention", self.int_a, {"quantity": 9}),
            ("family.intervention", self.int_a, {"compensable": True}),
            ("family.case", self.case_a, {"reference": "X"}),
        ):
            with self.subTest(model=model, values=values):
                self.assertRpcRefused(
                    AccessError,
                    "You are not allowed to modify",
                    model,
                    "write",
                    [record.id],
                    values,
                )
        self.assertRpcRefused(
            AccessError,
            "You are not allowed to create",
            "family.intervention",
            "create",
            [
                {
                    "case_id": self.case_a.id,
                    "provider_id": self.assoc_a.id,
                    "type_id": self.type_rent.id,
                }
            ],
        )
        self.assertEqual(self.int_a.quantity, 1)
        self.assertFalse(self.int_a.compensable)
