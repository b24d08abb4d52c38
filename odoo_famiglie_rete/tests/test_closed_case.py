from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import CLOSED_CASE, CLOSED_RECORDS, AccessCommon, JsonRpcMixin

MIXIN = "family.case.child.mixin"
# One harmless change per model.
WRITES = {
    "family.case.member": {"relation": "child"},
    "family.intervention": {"quantity": 2},
    "family.plan": {"date_end": "2099-12-31"},
    "family.plan.goal": {"current_value": "3"},
    "family.review": {"location": "Sala Consiglio"},
    "family.review.outcome": {"note": "Nota"},
    "family.referral": {"outcome": "Preso in carico"},
    "family.case.share": {"share_documents": True},
}


@tagged("post_install", "-at_install")
class TestClosedCase(JsonRpcMixin, AccessCommon, HttpCase):
    """Every record of a closed case is read-only, on every model, over RPC.

    The models are found at run time: all those inheriting the case-child
    mixin, and the test fails for a model with a ``case_id`` that does not.
    The manager makes the calls: no access right stands in the way, only
    the closed case.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_case = cls.case_a
        cls.closed_case = cls.Case.create({"name": "Verdi", "user_id": cls.worker.id})
        cls.records = {
            case: cls._case_records(case) for case in (cls.open_case, cls.closed_case)
        }
        cls.closed_case.action_close_case()
        assert cls.closed_case.is_closed

    @classmethod
    def _case_records(cls, case):
        """One record of every model of the case (created while it is open)."""
        env = cls.env
        records = {}
        records["family.case.member"] = env["family.case.member"].create(
            cls._values("family.case.member", case, records)
        )
        plan = records["family.plan"] = env["family.plan"].create({"case_id": case.id})
        records["family.plan.goal"] = env["family.plan.goal"].create(
            cls._values("family.plan.goal", case, records)
        )
        records["family.intervention"] = env["family.intervention"].create(
            cls._values("family.intervention", case, records)
        )
        records["family.review"] = env["family.review"].create(
            cls._values("family.review", case, records)
        )
        records["family.review.outcome"] = env["family.review.outcome"].create(
            {
                "review_id": records["family.review"].id,
                "goal_id": records["family.plan.goal"].id,
            }
        )
        records["family.referral"] = env["family.referral"].create(
            cls._values("family.referral", case, records)
        )
        records["family.case.share"] = env["family.case.share"].create(
            cls._values("family.case.share", case, records)
        )
        # a second goal, for a new outcome of the same review
        records["goal_2"] = env["family.plan.goal"].create(
            {"plan_id": plan.id, "name": "Secondo", "party_id": cls.comune.id}
        )
        return records

    @classmethod
    def _values(cls, model, case, records):
        """The values of a new record of ``model`` in ``case``."""
        today = fields.Date.today()
        values = {
            "family.case.member": lambda: {
                "case_id": case.id,
                "partner_id": cls.env["res.partner"].create({"name": "Nuovo"}).id,
            },
            "family.intervention": lambda: {
                "case_id": case.id,
                "provider_id": cls.comune.id,
                "type_id": cls.type_parcel.id,
                "date_start": fields.Date.to_string(today),
            },
            "family.plan": lambda: {"case_id": case.id},
            "family.plan.goal": lambda: {
                "plan_id": records["family.plan"].id,
                "name": "Obiettivo",
                "party_id": cls.comune.id,
            },
            "family.review": lambda: {
                "case_id": case.id,
                "date": fields.Datetime.to_string(
                    fields.Datetime.now() + timedelta(days=7)
                ),
            },
            "family.review.outcome": lambda: {
                "review_id": records["family.review"].id,
                "goal_id": records["goal_2"].id,
            },
            "family.referral": lambda: {
                "case_id": case.id,
                "service_id": cls.service.id,
                "reason": "Sostegno psicologico",
            },
            "family.case.share": lambda: {
                "case_id": case.id,
                "partner_id": cls.assoc_a.id,
                "legal_basis": "public_task",
            },
        }
        if model not in values:
            raise AssertionError(f"{model}: add its values to TestClosedCase")
        return values[model]()

    def _child_models(self):
        models = sorted(self.env.registry.descendants([MIXIN], "_inherit") - {MIXIN})
        self.assertGreaterEqual(len(models), 8, models)
        return models

    def _case_field_to_move(self, model):
        """The field whose value decides the case, and its value in the closed case."""
        Model = self.env[model]
        field = Model._fields["case_id"]
        if not field.related:
            return "case_id", self.closed_case.id
        parent = field.related.split(".")[0]
        comodel = Model._fields[parent].comodel_name
        return parent, self.records[self.closed_case][comodel].id

    def assertRefusedAsClosed(self, model, method, *args, **kwargs):
        """The call is refused because the record's case is closed."""
        return self.assertRpcRefused(
            UserError, CLOSED_RECORDS, model, method, *args, **kwargs
        )

    def test_every_model_of_a_case_inherits_the_mixin(self):
        children = set(self._child_models())
        for name in self.env.registry:
            Model = self.env[name]
            field = Model._fields.get("case_id")
            if (
                Model._abstract
                or Model._transient
                or not field
                or field.type != "many2one"
                or field.comodel_name != "family.case"
                or name == "family.access.log"  # records reads of closed cases too
                # INPS's flows: a closed case's benefits are still reported,
                # and the flows are never edited (built, collected, purged)
                or name == "family.siuss.flow"
                or not Model._auto  # read-only projections (SQL views)
            ):
                continue
            with self.subTest(model=name):
                self.assertIn(name, children)

    def test_create_in_closed_case_refused(self):
        self._login(self.manager)
        for model in self._child_models():
            with self.subTest(model=model):
                values = self._values(
                    model, self.closed_case, self.records[self.closed_case]
                )
                self.assertRefusedAsClosed(model, "create", [values])

    def test_create_in_open_case_allowed(self):
        """The same values work in an open case: the refusal is the closure's."""
        self._login(self.manager)
        for model in self._child_models():
            if model in ("family.plan", "family.case.share"):
                continue  # one draft plan and one share per case are enough
            with self.subTest(model=model):
                values = self._values(
                    model, self.open_case, self.records[self.open_case]
                )
                self.assertTrue(self.rpc(model, "create", [values]))

    def test_write_in_closed_case_refused(self):
        self._login(self.manager)
        for model in self._child_models():
            with self.subTest(model=model):
                record = self.records[self.closed_case][model]
                self.assertRefusedAsClosed(
                    model,
                    "write",
                    [record.id],
                    WRITES[model],
                )
                # the same change on the open case's record works
                record = self.records[self.open_case][model]
                self.assertTrue(self.rpc(model, "write", [record.id], WRITES[model]))

    def test_move_into_closed_case_refused(self):
        self._login(self.manager)
        for model in self._child_models():
            with self.subTest(model=model):
                record = self.records[self.open_case][model]
                fname, value = self._case_field_to_move(model)
                self.assertRefusedAsClosed(
                    model,
                    "write",
                    [record.id],
                    {fname: value},
                )
                self.assertEqual(record.case_id, self.open_case)

    def test_unlink_in_closed_case_refused(self):
        self._login(self.manager)
        for model in self._child_models():
            with self.subTest(model=model):
                record = self.records[self.closed_case][model]
                self.assertRefusedAsClosed(model, "unlink", [record.id])
                self.assertTrue(record.exists())

    def test_context_does_not_open_a_closed_case(self):
        """``family_allow_closed`` is the retention job's, as superuser only."""
        self._login(self.manager)
        context = {"family_allow_closed": True}
        for model in self._child_models():
            with self.subTest(model=model):
                record = self.records[self.closed_case][model]
                self.assertRefusedAsClosed(
                    model,
                    "write",
                    [record.id],
                    WRITES[model],
                    context=context,
                )
        self.assertRpcRefused(
            UserError,
            CLOSED_CASE,
            "family.case",
            "write",
            [self.closed_case.id],
            {"name": "Altro"},
            context=context,
        )

    def test_closing_ends_the_shares(self):
        share = self.records[self.closed_case]["family.case.share"]
        self.assertEqual(share.state, "revoked")
        self.assertEqual(share.date_end, fields.Date.context_today(share))

    def test_reopened_case_is_writable_again(self):
        self.closed_case.action_reopen_case()
        self._login(self.manager)
        for model in self._child_models():
            with self.subTest(model=model):
                record = self.records[self.closed_case][model]
                self.assertTrue(self.rpc(model, "write", [record.id], WRITES[model]))
