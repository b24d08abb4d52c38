"""The privacy policy, field by field, over real HTTP.

Every field of every model of the addon is enumerated at run time and checked
against ``models/privacy_policy.py`` for every role: what ``fields_get``
offers, which records ``web_search_read`` returns, that ``read``, ``search``
(a domain on the field), ``read_group`` (grouped by the field) and
``export_data`` refuse every field the role may not read, and that
``name_search`` and ``display_name`` show nothing more. One family per share
state and category (scheduled, ended, revoked; active with no category, each
category alone, all of them) is shared with association A, so one session per
role reads them all at once.
"""

from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from ..models.privacy_policy import CATEGORIES, META, ODOO_MODEL_FIELDS, POLICY
from .common import (
    JsonRpcMixin,
    form_fields_spec,
    new_external_service,
    new_portal_user,
    new_protocol,
    new_share,
)

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"
# Not on the records of one family: checked by fields_get and the ACLs only.
NO_RECORDS = {
    "family.case.share.revoke",
    "family.access.log",
    "family.protocol",
    "family.protocol.party",
    "family.protocol.party.rate",
    "family.compensation",
    "family.compensation.line",
}
THREAD_MODELS = ("mail.thread", "mail.activity.mixin", "mail.thread.main.attachment")


@tagged("post_install", "-at_install")
class TestPrivacyMatrix(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_notrack=True)
        )
        today = cls.today = fields.Date.today()
        Partner = env["res.partner"]
        cls.comune = env.company.partner_id
        cls.comune.is_family_network_member = True
        cls.assoc_a, cls.assoc_b = Partner.create(
            [
                {"name": name, "is_company": True, "is_family_network_member": True}
                for name in ("Associazione Alfa", "Associazione Beta")
            ]
        )
        new_protocol(
            env,
            cls.assoc_a | cls.assoc_b,
            today - timedelta(days=365),
            today + timedelta(days=365),
        )
        sw = "odoo_famiglie_rete.group_family_social_worker"
        cls.users = {
            "manager": cls._user(
                "m_manager", "odoo_famiglie_rete.group_family_manager"
            ),
            "owner": cls._user("m_owner", sw),
            "social_worker": cls._user("m_worker", sw),
            "finance": cls._user(
                "m_finance",
                "odoo_famiglie_rete.group_family_finance,base.group_allow_export",
            ),
            "coordinator": cls._portal("m_coord", cls.assoc_a, "coordinator"),
            "volunteer": cls._portal("m_vol", cls.assoc_a, "volunteer"),
            "volunteer_unassigned": cls._portal("m_vol2", cls.assoc_a, "volunteer"),
            "coordinator_b": cls._portal("m_coord_b", cls.assoc_b, "coordinator"),
            "no_role": cls._portal("m_norole", cls.assoc_a, False),
        }
        itype = env["family.intervention.type"].create(
            {"name": "Pacco viveri", "category": "food_goods", "compensable": True}
        )
        service = new_external_service(env, "Consultorio")
        need = env["family.need.area"].search([], limit=1)
        configs = [("active", ()), ("active", CATEGORIES)]
        configs += [("active", (category,)) for category in CATEGORIES]
        configs += [
            (state, CATEGORIES) for state in ("scheduled", "expired", "revoked")
        ]
        cls.cases = env["family.case"]
        cls.configs = {}
        for n, (state, categories) in enumerate(configs):
            case = cls._family(n, itype, service, need)
            share = cls._share_in_state(case, cls.assoc_a, state, categories)
            cls.configs[case.id] = share
            cls.cases |= case
        cls.case_b = cls._family(90, itype, service, need)
        cls._share_in_state(cls.case_b, cls.assoc_b, "active", CATEGORIES)
        cls.case_restricted = cls._family(91, itype, service, need, restricted=True)
        cls.all_cases = cls.cases | cls.case_b | cls.case_restricted

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env, login=login, password=login, groups=groups, tz="Europe/Rome"
        )

    @classmethod
    def _portal(cls, login, association, role):
        return new_portal_user(cls.env, login, association, role, tz="Europe/Rome")

    @classmethod
    def _family(cls, n, itype, service, need, restricted=False):
        env = cls.env
        people = env["res.partner"].create(
            [{"name": f"Persona {n}-{i}", "phone": f"+39 02 000{n}{i}"} for i in (1, 2)]
        )
        case = env["family.case"].create(
            {
                "name": f"Famiglia Segreta {n}",
                "user_id": cls.users["owner"].id,
                "restricted": restricted,
                "description": "<p>Situazione riservata</p>",
                "need_area_ids": [Command.link(need.id)],
                "member_ids": [
                    Command.create(
                        {
                            "partner_id": person.id,
                            "relation": relation,
                            "birthdate": birthdate,
                            "notes": "Nota dell'assistente sociale",
                        }
                    )
                    for person, relation, birthdate in zip(
                        people,
                        ("reference", "child"),
                        (
                            cls.today - timedelta(days=40 * 365),
                            cls.today - timedelta(days=3000),
                        ),
                        strict=True,
                    )
                ],
            }
        )
        env["family.intervention"].create(
            [
                {
                    "case_id": case.id,
                    "provider_id": provider.id,
                    "type_id": itype.id,
                    "name": f"Aiuto di {provider.name}",
                    "notes": "Nota riservata",
                    "quantity": 2,
                }
                for provider in (cls.comune, cls.assoc_a, cls.assoc_b)
            ]
        )
        plan = env["family.plan"].create(
            {
                "case_id": case.id,
                "description": "<p>Progetto</p>",
                "goal_ids": [
                    Command.create(
                        {"name": f"Obiettivo {party.name}", "party_id": party.id}
                    )
                    for party in (cls.comune, cls.assoc_a, cls.assoc_b)
                ],
            }
        )
        invited = (
            cls.users["coordinator"]
            | cls.users["volunteer"]
            | cls.users["coordinator_b"]
        ).partner_id
        review = env["family.review"].create(
            {
                "case_id": case.id,
                "date": fields.Datetime.now() + timedelta(days=3),
                "location": "Municipio",
                "partner_ids": [Command.set(invited.ids)],
            }
        )
        env["family.review.outcome"].create(
            [
                {"review_id": review.id, "goal_id": goal.id, "outcome": "partly"}
                for goal in plan.goal_ids
            ]
        )
        env["family.referral"].create(
            {"case_id": case.id, "service_id": service.id, "reason": "Visita"}
        )
        return case

    @classmethod
    def _share_in_state(cls, case, association, state, categories):
        today = cls.today
        dates = {
            "active": (today - timedelta(days=5), False),
            "revoked": (today - timedelta(days=5), False),
            "scheduled": (today + timedelta(days=5), False),
            "expired": (today - timedelta(days=20), today - timedelta(days=1)),
        }[state]
        volunteers = cls.users["volunteer"] | cls.users["coordinator_b"]
        share = new_share(
            cls.env,
            case,
            association,
            legal_basis="public_task",
            date_start=dates[0],
            date_end=dates[1],
            volunteer_user_ids=[
                Command.set(
                    volunteers.filtered(
                        lambda u: u.commercial_partner_id == association
                    ).ids
                )
            ],
            **{category: category in categories for category in CATEGORIES},
        )
        if state == "revoked":
            share.action_revoke()
        assert share.state == state, (share.state, state)
        return share

    # ------------------------------------------------------------------
    # What the policy says
    # ------------------------------------------------------------------
    def _thread_fields(self):
        names = set()
        for model in THREAD_MODELS:
            if model in self.env:
                names |= set(self.env[model]._fields)
        return names - META

    def _policy_role(self, role):
        return {
            "owner": "social_worker",
            "coordinator": "association",
            "volunteer": "association",
            "volunteer_unassigned": "association",
            "coordinator_b": "association",
            "no_role": "association",
        }.get(role, role)

    def _allowed_fields(self, model, role):
        """The fields ``role`` may read on ``model`` (thread fields aside)."""
        rule = POLICY[model][self._policy_role(role)]
        every = set(self.env[model]._fields) - self._thread_fields()
        if rule is None:
            return set()
        if rule == "all":
            return every
        if isinstance(rule, dict):
            return every - set(rule["all-but"])
        return (set(rule) | META) & every

    def _visible_shares(self, role):
        user = self.users[role]
        if not user.share:
            return self.env["family.case.share"]
        return (
            self.env["family.case.share"]
            .search(
                [
                    ("case_id", "in", self.all_cases.ids),
                    ("partner_id", "=", user.commercial_partner_id.id),
                    ("state", "=", "active"),
                ]
            )
            .filtered(
                lambda s: (
                    user.family_portal_role == "coordinator"
                    or user in s.volunteer_user_ids
                )
            )
        )

    def _expected_ids(self, model, role):
        """The records of the fixture ``role`` reads on ``model``."""
        policy_role = self._policy_role(role)
        policy = POLICY[model]
        if policy[policy_role] is None:
            return None  # no access at all
        records = self.env[model].sudo().with_context(active_test=False)
        if model == "family.case":
            records = self.all_cases
        elif "case_id" in records._fields:
            records = records.search([("case_id", "in", self.all_cases.ids)])
        else:
            return set(records.search([]).ids)
        if policy_role == "manager" or policy_role == "finance":
            return set(records.ids)
        if policy_role == "social_worker":
            if role == "owner":
                return set(records.ids)
            return {r.id for r in records if not self._case_of(r).restricted}
        user = self.users[role]
        association = user.commercial_partner_id
        opens = policy["opens"]
        open_cases = {
            share.case_id.id
            for share in self._visible_shares(role)
            if opens == "always" or share[opens]
        }
        own = policy["own"]
        result = set()
        for record in records:
            if self._case_of(record).id not in open_cases:
                continue
            if own == "provider" and record.provider_id != association:
                continue
            if own == "partner" and record.partner_id != association:
                continue
            if own == "invited" and user.partner_id not in record.partner_ids:
                continue
            if own == "party":
                goal = record if model == "family.plan.goal" else record.goal_id
                if goal.party_id != association:
                    continue
                if (
                    model != "family.plan.goal"
                    and user.partner_id not in record.review_id.partner_ids
                ):
                    continue
            result.add(record.id)
        return result

    @staticmethod
    def _case_of(record):
        return record if record._name == "family.case" else record.case_id

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------
    def _login_as(self, role):
        user = self.users[role]
        self._login(user)
        return user

    def _models(self):
        return [model for model in POLICY if model in self.env]

    # ------------------------------------------------------------------
    # The tests
    # ------------------------------------------------------------------
    def test_every_model_and_field_has_a_policy(self):
        """A model of the addon without a line in the policy fails here."""
        addon_models = (
            self.env["ir.model"]
            .search([])
            .filtered(lambda m: "odoo_famiglie_rete" in (m.modules or "").split(", "))
        )
        for model in addon_models:
            Model = self.env[model.model]
            if Model._abstract or model.model.startswith("report."):
                continue
            if model.model in ODOO_MODEL_FIELDS or not model.model.startswith(
                "family."
            ):
                continue
            with self.subTest(model=model.model):
                self.assertIn(model.model, POLICY, "model without a privacy policy")

    @mute_logger("odoo.http", "odoo.models")
    def test_matrix(self):
        for role in self.users:
            with self.subTest(role=role):
                self._check_role(role)

    def _check_role(self, role):
        self._login_as(role)
        # Field-level refusals depend on the groups, not on the share: one
        # user of each kind that may be refused something.
        detailed = role in ("finance", "coordinator")
        for model in self._models():
            allowed = self._allowed_fields(model, role)
            expected = None if model in NO_RECORDS else self._expected_ids(model, role)
            with self.subTest(role=role, model=model):
                if not allowed:
                    self.assertEqual(
                        self.rpc_error(model, "search_read", [], ["id"]),
                        ACCESS_ERROR,
                        f"{role} reads {model}",
                    )
                    continue
                offered = set(self.rpc(model, "fields_get", attributes=["type"]))
                offered -= self._thread_fields()
                self.assertEqual(
                    offered - allowed,
                    set(),
                    f"{role} is offered fields of {model} the policy closes",
                )
                self.assertEqual(
                    allowed - offered,
                    set(),
                    f"{role} is not offered fields of {model} the policy opens",
                )
                if expected is not None:
                    self._check_records(model, role, allowed, expected)
                if detailed:
                    self._check_fields(model, role, allowed, expected)

    def _check_records(self, model, role, allowed, expected):
        spec = {fname: {} for fname in allowed}
        result = self.rpc(
            model,
            "web_search_read",
            [],
            spec,
            context={"active_test": False},
        )
        seen = {row["id"] for row in result["records"]}
        self.assertEqual(seen, expected, f"{role}: records of {model}")
        for row in result["records"]:
            self.assertEqual(set(row) - allowed, set(), f"{role}: fields of {model}")
        if self._policy_role(role) in ("finance", "association"):
            self._check_no_family_name(model, role, result["records"])
        if expected:
            self.rpc(model, "web_read", sorted(expected), spec)
        found = self.rpc(model, "name_search", "", limit=1000)
        self.assertLessEqual(
            {row[0] for row in found}, expected, f"{role}: name_search on {model}"
        )
        if self._policy_role(role) in ("finance", "association"):
            self._check_no_family_name(
                model, role, [{"display_name": row[1]} for row in found]
            )

    def _check_no_family_name(self, model, role, rows):
        """Associations read the family's name only from family.case.identity;
        finance never."""
        if model in ("family.case.identity", "family.case.member"):
            return
        for row in rows:
            text = str(row.get("display_name") or "") + str(row.get("name") or "")
            self.assertNotIn(
                "Famiglia Segreta", text, f"{role}: family name in {model}"
            )
            self.assertNotIn("Persona ", text, f"{role}: person's name in {model}")

    def _check_fields(self, model, role, allowed, expected):
        Model = self.env[model]
        described = Model.fields_get(attributes=["searchable", "groupable", "type"])
        # a record the role reads: a refusal is then the field's, not the record's
        sample = Model.browse(sorted(expected or ())[:1])
        for fname, field in Model._fields.items():
            if fname in self._thread_fields() or fname == "id":
                continue
            info = described.get(fname, {})
            leaf = (
                [(fname, "=", True)]
                if field.type == "boolean"
                else [(fname, "!=", False)]
            )
            if fname in allowed:
                if info.get("searchable") and field.store:
                    self.assertIsNone(
                        self.rpc_error(model, "search_count", leaf),
                        f"{role} cannot search {model}.{fname}",
                    )
                # a many2many grouping counts a record once per value
                if (
                    info.get("groupable")
                    and expected is not None
                    and field.type != "many2many"
                ):
                    groups = self.rpc(
                        model,
                        "read_group",
                        [],
                        ["__count"],
                        [fname],
                        lazy=False,
                        context={"active_test": False},
                    )
                    self.assertEqual(
                        sum(group["__count"] for group in groups),
                        len(expected),
                        f"{role}: {model} grouped by {fname} counts other records",
                    )
                continue
            with self.subTest(field=fname):
                if sample:
                    self.assertEqual(
                        self.rpc_error(model, "read", sample.ids, [fname]),
                        ACCESS_ERROR,
                        f"{role} reads {model}.{fname}",
                    )
                if field.store or field.search:
                    self.assertEqual(
                        self.rpc_error(model, "search_count", leaf),
                        ACCESS_ERROR,
                        f"{role} searches on {model}.{fname} (an oracle)",
                    )
                if field.store and field.column_type:
                    self.assertEqual(
                        self.rpc_error(model, "read_group", [], ["__count"], [fname]),
                        ACCESS_ERROR,
                        f"{role} groups {model} by {fname}",
                    )
                    self.assertEqual(
                        self.rpc_error(
                            model, "search", [], order=f"{fname} asc", limit=1
                        ),
                        ACCESS_ERROR,
                        f"{role} sorts {model} by {fname}",
                    )
                if sample:
                    # associations may not export at all (no export right)
                    self.assertIn(
                        self.rpc_error(model, "export_data", sample.ids, [fname]),
                        (ACCESS_ERROR, USER_ERROR)
                        if self.users[role].share
                        else (ACCESS_ERROR,),
                        f"{role} exports {model}.{fname}",
                    )

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_actions_report")
    def test_reports(self):
        """/report/html and /report/pdf of every report of the addon, on a
        record the role may not read: refused, nothing of the family."""
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "odoo_famiglie_rete.%")]
        )
        self.assertTrue(reports)
        for role in ("finance", "coordinator", "volunteer_unassigned", "coordinator_b"):
            self._login_as(role)
            for report in reports:
                model = report.model
                expected = self._expected_ids(model, role) or set()
                records = self.env[model].sudo().search([], limit=50)
                hidden = [rec.id for rec in records if rec.id not in expected][:1]
                for converter in ("html", "pdf"):
                    if not hidden:
                        continue
                    with self.subTest(
                        role=role, report=report.report_name, converter=converter
                    ):
                        response = self.url_open(
                            f"/report/{converter}/{report.report_name}/{hidden[0]}"
                        )
                        self.assertNotEqual(response.status_code, 200)
                        self.assertNotIn(b"Persona ", response.content)
                        self.assertNotIn(b"Famiglia Segreta", response.content)

    @mute_logger("odoo.http")
    def test_fields_added_to_odoo_models(self):
        for role in ("manager", "social_worker", "finance", "coordinator"):
            self._login_as(role)
            for model, fnames in ODOO_MODEL_FIELDS.items():
                offered = set(self.rpc(model, "fields_get", attributes=["type"]))
                for fname, roles in fnames.items():
                    with self.subTest(role=role, field=f"{model}.{fname}"):
                        self.assertEqual(
                            fname in offered, self._policy_role(role) in roles
                        )

    @mute_logger("odoo.http")
    def test_policy_can_fail(self):
        """The matrix notices a field its policy does not list."""
        policy = POLICY["family.case"]
        saved = policy["association"]
        policy["association"] = saved - {"stage_id"}
        try:
            self._login_as("coordinator")
            offered = set(self.rpc("family.case", "fields_get", attributes=["type"]))
            self.assertIn(
                "stage_id", offered - self._allowed_fields("family.case", "coordinator")
            )
        finally:
            policy["association"] = saved


@tagged("post_install", "-at_install")
class TestMenusPerRole(TestPrivacyMatrix):
    """Every screen a back-office role reaches from the app's menus opens
    without an access error: its list, kanban (with the view's own default
    order) and the form of its first record, as the web client asks for
    them over HTTP."""

    # the fixture of the matrix, without running its tests again
    test_every_model_and_field_has_a_policy = None
    test_matrix = None
    test_fields_added_to_odoo_models = None
    test_policy_can_fail = None
    test_reports = None

    def _menu_actions(self, user):
        root = self.env.ref("odoo_famiglie_rete.menu_family_root")
        menus = (
            self.env["ir.ui.menu"]
            .with_user(user)
            .search([("id", "child_of", root.id), ("action", "!=", False)])
        )
        # the client loads the actions of the menus it shows (/web/action/load)
        return [
            (menu.complete_name, menu.sudo().action)
            for menu in menus
            if menu.sudo().action._name == "ir.actions.act_window"
        ]

    def _open(self, action):
        model = action.res_model
        modes = [
            mode
            for mode in action.view_mode.split(",")
            if mode in ("list", "kanban", "form")
        ]
        views = self.rpc(
            model,
            "get_views",
            views=[(False, mode) for mode in modes],
            options={"load_filters": False},
        )["views"]
        domain = safe_eval(
            action.domain or "[]", {"uid": 0, "context_today": fields.Date.today}
        )
        first = None
        for mode in ("list", "kanban"):
            if mode not in views:
                continue
            arch = etree.fromstring(views[mode]["arch"])
            spec = form_fields_spec(self.env, model, arch)
            result = self.rpc(
                model,
                "web_search_read",
                domain,
                spec,
                limit=80,
                order=arch.get("default_order") or None,
                count_limit=10001,
            )
            first = first or (result["records"][:1] and result["records"][0]["id"])
        if first and "form" in views:
            arch = etree.fromstring(views["form"]["arch"])
            self.rpc(
                model, "web_read", [first], form_fields_spec(self.env, model, arch)
            )

    def test_every_menu_opens_for_every_role(self):
        for role in ("manager", "social_worker", "finance"):
            user = self._login_as(role)
            actions = self._menu_actions(user)
            self.assertTrue(actions, role)
            for name, action in actions:
                with self.subTest(role=role, menu=name):
                    self._open(action)
