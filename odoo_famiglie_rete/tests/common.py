"""The records the tests share, in layers; never the demo data.

Each layer adds to the one before it, and a test class takes the lowest one
that has what it needs:

- ``NetworkCommon``: the Comune, two associations in an active
  protocol, three families and their social worker;
- ``AccessCommon``: a user per role, the families shared with the
  associations, their interventions and documents;
- ``PlanCommon``: drafting and agreeing a plan;
- ``CompensationCommon``: accounting, on Odoo's own
  ``AccountTestInvoicingCommon``, and the associations' compensation terms;
- ``PortalCommon``: an ``HttpCase`` with the plans, joint reviews and
  messages the portal shows;
- ``SiussCommon`` (on ``NetworkCommon``): a Comune and a beneficiary with
  everything INPS's SIUSS flows need.

The helpers that make a record (a portal user, a share, a protocol, an
intervention, a statement) are defined once, here. Every user's password is
its login. ``assertRaisesRegex`` runs in a savepoint, as Odoo's
``assertRaises`` does.
"""

import json
import os
import re
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from stdnum.it import codicefiscale

from odoo import Command, fields
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

SOCIAL_WORKER = "odoo_famiglie_rete.group_family_social_worker"
MANAGER = "odoo_famiglie_rete.group_family_manager"
FINANCE = "odoo_famiglie_rete.group_family_finance"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# What a closed case answers to a change of itself, and of its records.
CLOSED_CASE = "is closed: it can no longer be changed"
CLOSED_RECORDS = "is closed: its records can no longer be created, changed or deleted"
ACL_OPERATIONS = {
    "read": "access",
    "write": "modify",
    "create": "create",
    "unlink": "delete",
}


def refused_by_acl(operation, model):
    """Odoo's refusal of ``operation`` on ``model`` by the access rights
    (a regular expression, for ``assertRaisesRegex``)."""
    return (
        f"You are not allowed to {ACL_OPERATIONS[operation]} "
        rf"'[^']+' \({re.escape(model)}\) records"
    )


def refused_by_rule(operation, model):
    """Odoo's refusal of ``operation`` on records of ``model`` by the record
    rules (a regular expression)."""
    return rf"doesn't have '{operation}' access to:\n- [^\n]*\({re.escape(model)}[:)]"


def refused_fields(model, *fields):
    """Odoo's refusal of ``fields`` of ``model`` to the user's groups (a
    regular expression)."""
    names = re.escape(",".join(fields))
    return rf'access the fields "{names}" on [^(]+\({re.escape(model)}\)'


def new_portal_user(env, login, association, role="coordinator", **values):
    """A portal user of ``association`` with its ``role`` there
    (``coordinator``, ``volunteer`` or ``False``)."""
    user = new_test_user(
        env,
        login=login,
        password=login,
        groups="base.group_portal",
        lang="en_US",
        **values,
    )
    user.partner_id.parent_id = association
    user.family_portal_role = role
    return user


def new_share(env, case, association, **values):
    """``case`` shared with ``association`` on the family's consent, today."""
    return env["family.case.share"].create(
        {
            "case_id": case.id,
            "partner_id": association.id,
            "legal_basis": "consent",
            "consent_date": fields.Date.today(),
            **values,
        }
    )


def new_protocol(env, partners, date_start, date_end, confirm=True, **values):
    """A protocol of the Comune with ``partners``, confirmed unless told."""
    protocol = env["family.protocol"].create(
        {
            "name": f"Protocollo {date_start.year}",
            "date_start": date_start,
            "date_end": date_end,
            "party_ids": [Command.create({"partner_id": p.id}) for p in partners],
            **values,
        }
    )
    if confirm:
        protocol.action_confirm()
    return protocol


def new_external_service(env, name):
    """A contact tagged as an external service (families are referred to it)."""
    tag = env.ref("odoo_famiglie_rete.partner_category_external_service")
    return env["res.partner"].create(
        {"name": name, "is_company": True, "category_id": [Command.link(tag.id)]}
    )


def form_fields_spec(env, model_name, node):
    """The ``web_read`` specification the web client builds for a view arch.

    Many2one fields read their display name; x2many fields read the fields of
    their inline list (with its limit and default order, as the client does)
    or, for tags, the display name and colour.
    """
    Model = env[model_name]
    spec = {}

    def walk(element):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                walk(child)
                continue
            name = child.get("name")
            field = Model._fields[name]
            if field.type in ("one2many", "many2many"):
                subview = next(
                    (c for c in child if c.tag in ("list", "kanban", "form")), None
                )
                if subview is not None and subview.tag == "list":
                    entry = {
                        "fields": form_fields_spec(env, field.comodel_name, subview),
                        "limit": int(subview.get("limit", 40)),
                    }
                    if subview.get("default_order"):
                        entry["order"] = subview.get("default_order")
                else:
                    entry = {"fields": {"display_name": {}}}
                    if "color_field" in (child.get("options") or ""):
                        entry["fields"]["color"] = {}
                spec[name] = entry
            elif field.type == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}

    walk(node)
    return spec


class NetworkCommon(TransactionCase):
    """The Comune's network, and three families its social worker follows.

    - ``comune``: the company's partner, "Comune di Prova";
    - ``assoc_a``, ``assoc_b``: two associations of ``protocol``, which runs
      from 2020 to 2099 so that it is active on any day the tests run (the
      tests that need a date freeze it);
    - ``worker``: the social worker of the three families (``CaseW``: the
      cases as seen by her);
    - ``case_a`` ("Famiglia Alfa", ``member_a`` Mario Alfa, its reference
      person), ``case_b`` ("Famiglia Beta", ``member_b``), and
      ``case_restricted``;
    - ``person_a``, ``person_b``: two people in no family yet;
    - ``service``: an external service;
    - ``type_*``: intervention types of the catalogue (its data).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As superuser, also under the accounting layer (whose Odoo base logs
        # in an accountant of its own company).
        env = cls.env = cls.env(
            su=True, context=dict(cls.env.context, tracking_disable=True)
        )
        cls.today = fields.Date.today()
        cls.Case = env["family.case"]
        cls.comune = env.company.partner_id
        cls.comune.write({"name": "Comune di Prova", "is_family_network_member": True})
        Partner = env["res.partner"]
        cls.assoc_a, cls.assoc_b = Partner.create(
            [
                {"name": name, "is_company": True, "is_family_network_member": True}
                for name in ("Associazione Alfa", "Associazione Beta")
            ]
        )
        cls.protocol = new_protocol(
            env, cls.assoc_a | cls.assoc_b, date(2020, 1, 1), date(2099, 12, 31)
        )
        cls.worker = new_test_user(
            env,
            login="worker",
            password="worker",
            name="Giulia Assistente",
            groups=SOCIAL_WORKER,
        )
        cls.CaseW = cls.Case.with_user(cls.worker)
        cls.person_a = Partner.create({"name": "Mario Rossi"})
        cls.person_b = Partner.create({"name": "Anna Rossi"})
        Member = env["family.case.member"]
        cls.case_a = cls.Case.create(
            {"name": "Famiglia Alfa", "user_id": cls.worker.id}
        )
        cls.member_a = Member.create(
            {
                "case_id": cls.case_a.id,
                "partner_id": Partner.create({"name": "Mario Alfa"}).id,
                "relation": "reference",
            }
        )
        cls.case_b = cls.Case.create(
            {"name": "Famiglia Beta", "user_id": cls.worker.id}
        )
        cls.member_b = Member.create(
            {
                "case_id": cls.case_b.id,
                "partner_id": Partner.create({"name": "Bianca Beta"}).id,
            }
        )
        cls.case_restricted = cls.Case.create(
            {
                "name": "Famiglia Riservata",
                "user_id": cls.worker.id,
                "restricted": True,
            }
        )
        cls.service = new_external_service(env, "Centro per l'impiego")
        cls.type_parcel = env.ref("odoo_famiglie_rete.intervention_type_food_parcel")
        cls.type_voucher = env.ref("odoo_famiglie_rete.intervention_type_food_voucher")
        cls.type_rent = env.ref("odoo_famiglie_rete.intervention_type_rent")
        cls.type_listening = env.ref("odoo_famiglie_rete.intervention_type_listening")

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """``exception`` is raised with a message matching ``regex``.

        Unlike unittest's, in a savepoint rolled back on the error (the
        cache cleared first for an ``AccessError``), as Odoo's
        ``assertRaises`` does: what the refused call wrote is undone.
        """
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)

    @classmethod
    def _intervention(cls, provider, start, end=None, type_=None, case=None, **vals):
        """An intervention of ``provider`` (a food parcel unless told) in
        ``case`` (``case_a`` unless told), recorded by the social worker."""
        return (
            cls.env["family.intervention"]
            .with_user(cls.worker)
            .create(
                {
                    "case_id": (case or cls.case_a).id,
                    "provider_id": provider.id,
                    "type_id": (type_ or cls.type_parcel).id,
                    "date_start": start,
                    "date_end": end,
                    **vals,
                }
            )
        )


class AccessCommon(NetworkCommon):
    """A user per role, and what of the families the associations are shown.

    - ``worker_2``: another social worker (not ``case_restricted``'s);
    - ``manager``; ``finance``, who may export;
    - ``coord_a``, ``vol_a``, ``vol_a2``: the coordinator and two volunteers
      of association A; ``coord_b``: the coordinator of association B;
    - ``share_a``: ``case_a`` shared with A, its documents too, ``vol_a``
      assigned to it; ``share_b``: ``case_b`` shared with B, its documents too;
    - ``int_a``, ``int_comune``: today's food parcels of A and of the Comune
      to ``case_a`` (they overlap); ``int_b``: B's to ``case_b``;
    - ``document_a``, ``document_b``: a document of ``case_a``, of ``case_b``;
      ``case_b`` has a message shared with its association.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.worker_2 = new_test_user(
            env,
            login="worker_2",
            password="worker_2",
            name="Paolo Assistente",
            groups=SOCIAL_WORKER,
        )
        cls.manager = new_test_user(
            env,
            login="manager",
            password="manager",
            name="Laura Responsabile",
            groups=MANAGER,
        )
        cls.finance = new_test_user(
            env,
            login="finance",
            password="finance",
            name="Franco Ragioniere",
            groups=f"{FINANCE},base.group_allow_export",
        )
        cls.coord_a = new_portal_user(
            env, "coord_alfa", cls.assoc_a, name="Carla Coordinatrice"
        )
        cls.vol_a = new_portal_user(
            env, "vol_alfa", cls.assoc_a, "volunteer", name="Vittorio Volontario"
        )
        cls.vol_a2 = new_portal_user(
            env, "vol_alfa2", cls.assoc_a, "volunteer", name="Valeria Volontaria"
        )
        cls.coord_b = new_portal_user(
            env, "coord_beta", cls.assoc_b, name="Bruno Coordinatore"
        )
        cls.share_a = new_share(
            env,
            cls.case_a,
            cls.assoc_a,
            share_documents=True,
            volunteer_user_ids=[Command.set(cls.vol_a.ids)],
        )
        cls.share_b = new_share(env, cls.case_b, cls.assoc_b, share_documents=True)
        cls.int_a = cls._intervention(
            cls.assoc_a, cls.today, name="Pacco di benvenuto"
        ).with_env(env)
        cls.int_comune = cls._intervention(cls.comune, cls.today).with_env(env)
        cls.int_b = cls._intervention(cls.assoc_b, cls.today, case=cls.case_b).with_env(
            env
        )
        Attachment = env["ir.attachment"]
        cls.document_a = Attachment.create(
            {
                "name": "piano_condiviso.txt",
                "raw": b"documento condiviso",
                "res_model": "family.case",
                "res_id": cls.case_a.id,
            }
        )
        cls.document_b = Attachment.create(
            {
                "name": "relazione_beta.txt",
                "raw": b"riservato beta",
                "res_model": "family.case",
                "res_id": cls.case_b.id,
            }
        )
        cls.case_b.message_post(
            body="Messaggio condiviso",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _check_views(self, model, view_types, user=None):
        """The views of ``model`` open for ``user`` (the social worker unless
        told): their fields and access rights are valid."""
        views = (
            self.env[model]
            .with_user(user or self.worker)
            .get_views([(False, view_type) for view_type in view_types])
        )
        self.assertEqual(set(views["views"]), set(view_types))
        return views

    def _logs(self, user, channel=None, case=None):
        """The access log of ``user`` (on ``channel``, about ``case``)."""
        domain = [("user_id", "=", user.id)]
        if channel:
            domain.append(("channel", "=", channel))
        if case:
            domain.append(("case_id", "=", case.id))
        return self.env["family.access.log"].search(domain)


class PlanCommon(AccessCommon):
    """Plans: ``_create_plan`` drafts one with a goal for the Comune and one
    for association A, ``_agree`` has every party approve it.
    ``association_no_protocol`` is a network member in no protocol."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["family.plan"]
        cls.Goal = cls.env["family.plan.goal"]
        cls.association_no_protocol = cls.env["res.partner"].create(
            {
                "name": "Associazione senza protocollo",
                "is_company": True,
                "is_family_network_member": True,
            }
        )

    @classmethod
    def _create_plan(cls, case=None, **values):
        """A draft plan with a goal for the Comune and one for association A."""
        return cls.Plan.create(
            {
                "case_id": (case or cls.case_a).id,
                "goal_ids": [
                    Command.create(
                        {
                            "name": "Find a job",
                            "party_id": cls.comune.id,
                            "indicator": "Months employed",
                            "baseline": "0",
                            "target": "6",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Homework support",
                            "party_id": cls.assoc_a.id,
                            "indicator": "Sessions a week",
                            "baseline": "0",
                            "target": "2",
                        }
                    ),
                ],
                **values,
            }
        )

    @classmethod
    def _agree(cls, plan):
        """Submit the plan and approve it for every party."""
        plan.action_submit()
        plan.with_user(cls.manager).action_approve(party=plan.goal_ids.party_id)
        return plan


class CompensationCommon(PlanCommon, AccountTestInvoicingCommon):
    """The associations' compensation, on Odoo's accounting fixtures.

    ``AccountTestInvoicingCommon`` makes the company (the Comune, with the
    generic chart of accounts), its journals and accounts before the network
    is made in it. The statements are billed on its purchase journal and
    expense account, with an analytic account of their own.

    Association A (``party_a``) is paid a rate per type, association B
    (``party_b``) the documented costs.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company_data["default_journal_purchase"]
        cls.expense_account = cls.company_data["default_account_expense"]
        plan = cls.env["account.analytic.plan"].create({"name": "Servizi sociali"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Rete famiglie", "plan_id": plan.id}
        )
        cls.party_a = cls.protocol.party_ids.filtered(
            lambda p: p.partner_id == cls.assoc_a
        )
        cls.party_b = cls.protocol.party_ids - cls.party_a
        accounting = {
            "expense_account_id": cls.expense_account.id,
            "analytic_account_id": cls.analytic.id,
            "journal_id": cls.journal.id,
        }
        cls.party_a.write(
            {
                "compensation_mode": "rate",
                "budget": 1000.0,
                "rate_ids": [
                    Command.create({"type_id": cls.type_parcel.id, "rate": 10.0}),
                    Command.create({"type_id": cls.type_voucher.id, "rate": 25.0}),
                ],
                **accounting,
            }
        )
        cls.party_b.write(
            {"compensation_mode": "reimbursement", "budget": 5000.0, **accounting}
        )

    @classmethod
    def _under_convenzione(cls, party):
        """``party``'s terms become a convenzione (art. 56 CTS): only its
        documented costs are reimbursed."""
        party.write(
            {
                "instrument": "convenzione",
                "compensation_mode": "reimbursement",
                "instrument_reference": "Delibera G.C. n. 187",
            }
        )

    @classmethod
    def _done(cls, provider, start, type_=None, **vals):
        """A done intervention: what a statement pays."""
        return cls._intervention(provider, start, type_=type_, state="done", **vals)

    @classmethod
    def _statement(cls, party, date_from=None, date_to=None, user=None):
        """A statement of ``party`` (2024 unless told) with its lines, made by
        the finance clerk unless told."""
        date_to = date_to or date(2024, 12, 31)
        statement = (
            cls.env["family.compensation"]
            .with_user(user or cls.finance)
            .create(
                {
                    "party_id": party.id,
                    "date_from": date_from or date(2024, 1, 1),
                    "date_to": date_to,
                    "date": date_to,
                }
            )
        )
        statement.action_compute_lines()
        return statement


class JsonRpcMixin:
    """Calls the ORM over real HTTP, as the web client does.

    Mixed into an ``HttpCase``: log in first (``_login``).
    """

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _call_kw(self, model, method, *args, **kwargs):
        """The decoded JSON-RPC answer of ``/web/dataset/call_kw``."""
        payload = {
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
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def rpc(self, model, method, *args, **kwargs):
        """The result of a call that must succeed."""
        answer = self._call_kw(model, method, *args, **kwargs)
        error = answer.get("error")
        self.assertFalse(
            error, error and f"{error['data']['name']}: {error['data']['message']}"
        )
        return answer["result"]

    def assertRpcRefused(self, exception, text, model, method, *args, **kwargs):
        """The call fails with ``exception`` and a message containing ``text``."""
        answer = self._call_kw(model, method, *args, **kwargs)
        self.assertIn("error", answer, f"{model}.{method} was not refused")
        data = answer["error"]["data"]
        self.assertEqual(
            data["name"], f"{exception.__module__}.{exception.__name__}", data
        )
        self.assertIn(text, data["message"])
        return data["message"]

    def assertRpcNothing(self, text, model, method, *args, **kwargs):
        """Nothing comes back: an empty answer, or a refusal containing
        ``text``. Returns the answer, or the refusal's message."""
        answer = self._call_kw(model, method, *args, **kwargs)
        if "error" in answer:
            message = answer["error"]["data"]["message"]
            self.assertIn(text, message)
            return message
        result = answer["result"]
        if isinstance(result, dict) and "records" in result:
            result = result["records"]  # web_search_read
        self.assertFalse(result, f"{model}.{method} answered {result!r}")
        return result

    def assertNoSecret(self, payload, *secrets):
        """None of ``secrets`` is anywhere in ``payload`` (as JSON)."""
        text = json.dumps(payload)
        for secret in secrets:
            self.assertNotIn(secret, text)

    def rpc_error(self, model, method, *args, **kwargs):
        """The class of the error a call fails with
        (``"odoo.exceptions.AccessError"``), or None when it succeeds."""
        error = self._call_kw(model, method, *args, **kwargs).get("error")
        return error["data"]["name"] if error else None


class PortalCommon(JsonRpcMixin, CompensationCommon, HttpCase):
    """What the associations' portal shows, over real HTTP.

    - ``case_a2`` ("Famiglia Gamma"): shared with A for its identity only,
      no volunteer assigned;
    - ``plan_a``: ``case_a``'s plan, ``goal_a`` for A and ``goal_comune``;
      ``goal_b``: association B's goal in ``case_b``'s plan;
    - joint reviews of ``case_a``: ``review_a`` to come (A's coordinator and
      volunteer invited), ``review_a_past`` (the coordinator invited),
      ``review_a_uninvited``; ``review_b`` of ``case_b``;
    - on ``case_a``, an internal note of the Comune and a shared message;
    - a rent contribution is 100 a unit, for round amounts.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.case_a2 = cls.Case.create(
            {"name": "Famiglia Gamma", "user_id": cls.worker.id}
        )
        cls.share_a2 = new_share(
            env,
            cls.case_a2,
            cls.assoc_a,
            share_household=False,
            share_needs=False,
            share_goals=False,
        )
        # the portal's forms price rent per unit here (the catalogue's rent is
        # a sum of money, entered as an amount)
        cls.type_rent.write({"is_money": False, "unit_value": 100})
        cls.plan_a = cls.Plan.create(
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
        plan_b = cls.Plan.create(
            {
                "case_id": cls.case_b.id,
                "goal_ids": [
                    Command.create(
                        {"name": "Obiettivo Beta", "party_id": cls.assoc_b.id}
                    )
                ],
            }
        )
        cls.goal_b = plan_b.goal_ids
        Review = env["family.review"]
        now = fields.Datetime.now()
        cls.review_a, cls.review_a_past, cls.review_a_uninvited = Review.create(
            [
                {
                    "case_id": cls.case_a.id,
                    "date": now + timedelta(days=10),
                    "location": "Sala Consiglio",
                    "partner_ids": [
                        Command.set((cls.coord_a | cls.vol_a).partner_id.ids)
                    ],
                    "user_id": cls.worker.id,
                },
                {
                    "case_id": cls.case_a.id,
                    "date": now - timedelta(days=20),
                    "partner_ids": [Command.set(cls.coord_a.partner_id.ids)],
                    "user_id": cls.worker.id,
                },
                {
                    "case_id": cls.case_a.id,
                    "date": now + timedelta(days=5),
                    "user_id": cls.worker.id,
                },
            ]
        )
        cls.review_b = Review.create(
            {
                "case_id": cls.case_b.id,
                "date": now + timedelta(days=10),
                "partner_ids": [Command.set(cls.coord_b.partner_id.ids)],
                "user_id": cls.worker.id,
            }
        )
        case_a = cls.case_a.with_user(cls.worker)
        case_a.message_post(
            body="Nota interna riservata al Comune",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        case_a.message_post(
            body="Benvenuti nella discussione condivisa",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _csrf(self, url):
        """The CSRF token of the form on the page at ``url``."""
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return CSRF.search(response.text).group(1)

    def assertNotFound(self, response, *secrets):
        """The page answers 404, and shows none of ``secrets``."""
        self.assertEqual(response.status_code, 404, response.url)
        for secret in secrets:
            self.assertNotIn(secret, response.text)


# INPS's schemas are not in the addon: the tests read the copies next to the
# repository (<repo>/../shared/specs/siuss/) or where the environment says.
def _siuss_specs():
    """The environment's folder, else the first ``shared/specs/siuss`` found
    beside the repository or one of the folders above it."""
    if os.environ.get("FAMIGLIE_SIUSS_SCHEMAS"):
        return Path(os.environ["FAMIGLIE_SIUSS_SCHEMAS"])
    here = Path(__file__).resolve()
    for folder in [*here.parents, Path("/work")]:
        candidate = folder / "shared" / "specs" / "siuss"
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "shared" / "specs" / "siuss"


SPECS = _siuss_specs()
PASSWORD = "Siuss-test-1"
YEAR = 2024


def fiscal_code(base):
    """A valid codice fiscale from its first 15 characters."""
    return base + codicefiscale.calc_check_digit(base)


class SiussCommon(NetworkCommon):
    """A Comune with its SIUSS codes, a beneficiary with all INPS needs, two
    benefits of 2024 (the Comune's periodic rent contribution with shares,
    an association's compensable food parcel) and the manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case, cls.member = cls.case_a, cls.member_a
        cls.manager = new_test_user(
            cls.env,
            login="siuss_manager",
            password=PASSWORD,
            groups="odoo_famiglie_rete.group_family_manager",
        )
        cls.env.company.write(
            {
                "family_siuss_ente_code": "C523",
                "family_siuss_belfiore_code": "C523",
                "family_siuss_istat_code": "015070",
                "family_siuss_operator_fiscal_code": fiscal_code("VRDLRA80A41C523"),
                "family_siuss_schema_dir": str(SPECS),
            }
        )
        cls.member.write(
            {
                "fiscal_code": fiscal_code("RSSMRA80A01F205"),
                "last_name": "Rossi",
                "gender": "male",
                "first_name": "Mario",
                "birthdate": date(1980, 1, 1),
                "citizenship_code": "380",
                "residence_country_code": "380",
                "residence_region_code": "03",
                "residence_municipality_code": "015070",
            }
        )
        cls.type_rent.write(
            {
                "siuss_code": "A1.08",
                "siuss_name": "Contributi economici per l'affitto",
                "siuss_area": "3",
                "siuss_character": "1",
                "siuss_means_test": "1",
            }
        )
        cls.type_parcel.write(
            {
                "siuss_code": "A1.13",
                "siuss_name": "Pacchi alimentari e buoni spesa",
                "siuss_area": "3",
                "siuss_character": "2",
                "siuss_means_test": "4",
            }
        )
        cls.type_voucher.siuss_excluded = True
        Intervention = cls.env["family.intervention"]
        cls.rent = Intervention.create(
            {
                "case_id": cls.case.id,
                "provider_id": cls.comune.id,
                "type_id": cls.type_rent.id,
                "member_id": cls.member.id,
                "date_start": date(YEAR, 1, 1),
                "date_end": date(YEAR, 6, 30),
                "quantity": 1,
                "unit_value": 1200,
                "state": "done",
                "siuss_application_ref": "PG/2024/123",
                "siuss_dsu_number": "INPS-ISEE-2024-00000001A-00",
                "siuss_dsu_year": YEAR,
                "siuss_dsu_date": date(YEAR, 1, 10),
                "siuss_user_share": 120,
                "siuss_taken_in_charge": True,
            }
        )
        cls.parcel = Intervention.create(
            {
                "case_id": cls.case.id,
                "provider_id": cls.assoc_a.id,
                "type_id": cls.type_parcel.id,
                "member_id": cls.member.id,
                "date_start": date(YEAR, 3, 5),
                "quantity": 2,
                "unit_value": 25,
                "state": "done",
                "siuss_application_ref": "PG/2024/124",
                "siuss_taken_in_charge": True,
            }
        )
        # an excluded type, and a planned intervention: never in a flow
        Intervention.create(
            [
                {
                    "case_id": cls.case.id,
                    "provider_id": cls.comune.id,
                    "type_id": cls.type_voucher.id,
                    "date_start": date(YEAR, 4, 1),
                    "state": "done",
                },
                {
                    "case_id": cls.case.id,
                    "provider_id": cls.comune.id,
                    "type_id": cls.type_parcel.id,
                    "date_start": date(YEAR, 5, 1),
                    "state": "planned",
                },
            ]
        )

    def build(
        self,
        date_from=date(YEAR, 1, 1),
        date_to=date(YEAR, 12, 31),
        lang=None,
        flow_type="PS_PSA_SINA",
    ):
        """Build the flows of the period as the manager, through the wizard."""
        wizard = (
            self.env["family.siuss.build"]
            .with_user(self.manager)
            .with_context(lang=lang or "en_US")
            .create(
                {"date_from": date_from, "date_to": date_to, "flow_type": flow_type}
            )
        )
        before = self.env["family.siuss.flow"].search([]).ids
        wizard.action_build()
        return self.env["family.siuss.flow"].search([("id", "not in", before)])
