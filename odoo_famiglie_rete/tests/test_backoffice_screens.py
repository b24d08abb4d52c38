"""Every screen a back-office role reaches opens without an access error.

One walk per role (manager, social worker, finance clerk), over HTTP, as the
web client asks for each screen: for every menu of the app the role sees, the
views of its action (``get_views``), its list and kanban (``web_search_read``
with the view's fields, grouped as the view says), its pivot and graph
(``read_group``), its calendar and activity views, then the form of its first
record (``web_read`` with the form's fields) with the chatter's data
(``/mail/thread/data``, ``/mail/thread/messages``). From each form, the
records its links open: a many2one to another model of the addon (the case
reference on an intervention, for the finance clerk) and a line of a list
inside the form, each in its own form. A screen that fails names the role,
the menu and the call.
"""

import json
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PortalCommon, form_fields_spec

# The views the web client opens from a window action.
DATA_VIEWS = ("list", "kanban", "form", "pivot", "graph", "calendar", "activity")


@tagged("post_install", "-at_install")
class TestBackofficeScreens(PortalCommon):
    """On the portal's fixtures (a shared family with its plan, reviews,
    messages and documents; the associations' terms), what a first day adds:
    a referral, a to-do, a note on an intervention, a statement with its
    lines, an access-log entry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.users = {
            "manager": cls.manager,
            "social_worker": cls.worker,
            "finance": cls.finance,
        }
        env["family.referral"].create(
            {
                "case_id": cls.case_a.id,
                "service_id": cls.service.id,
                "member_id": cls.member_a.id,
                "reason": "Visita specialistica",
            }
        )
        cls.case_a.activity_schedule(
            "mail.mail_activity_data_todo", user_id=cls.worker.id
        )
        cls.int_a.message_post(body="Nota sull'intervento")
        cls._done(cls.assoc_a, date(2024, 3, 1), quantity=2)
        statement = cls._statement(cls.party_a)
        assert statement.line_ids, "the statement pays the association's help"
        env["family.access.log"].sudo().create(
            {
                "user_id": cls.finance.id,
                "case_id": cls.case_a.id,
                "case_reference": cls.case_a.reference,
                "channel": "form",
                "model": "family.case",
            }
        )

    # ------------------------------------------------------------------
    # The web client's calls
    # ------------------------------------------------------------------
    def _json(self, route, **params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        error = answer.get("error")
        self.assertFalse(
            error,
            error and f"{route}: {error['data']['name']}: {error['data']['message']}",
        )
        return answer["result"]

    def _eval(self, text, user):
        return safe_eval(
            text or "{}",
            {
                "uid": user.id,
                "context_today": fields.Date.today,
                "datetime": datetime,
                "relativedelta": relativedelta,
                "active_id": False,
                "allowed_company_ids": user.company_ids.ids,
            },
        )

    def _menu_actions(self, user):
        """The app's menus the client shows the user (a menu shows when its
        parents do), with their window actions."""
        root = self.env.ref("odoo_famiglie_rete.menu_family_root")
        Menu = self.env["ir.ui.menu"].with_user(user)
        visible = Menu._visible_menu_ids()
        menus = (
            Menu.browse(visible)
            .sudo()
            .filtered(lambda m: m.action and m.parent_path.startswith(f"{root.id}/"))
        )
        return [
            (menu.complete_name, menu.action)
            for menu in menus
            if menu.action._name == "ir.actions.act_window"
        ]

    def _open_action(self, action, user, seen):
        """The action's views, as the client loads them from the menu."""
        # the client loads the action through /web/action/load
        loaded = self._json("/web/action/load", action_id=action.id)
        model = loaded["res_model"]
        context = self._eval(loaded.get("context"), user)
        domain = self._eval(loaded.get("domain") or "[]", user)
        modes = [m for m in loaded["view_mode"].split(",") if m in DATA_VIEWS]
        views = self.rpc(
            model,
            "get_views",
            views=[(False, mode) for mode in modes],
            options={"load_filters": True, "action_id": action.id},
            context=context,
        )["views"]
        first = None
        for mode in ("list", "kanban"):
            if mode not in views:
                continue
            arch = etree.fromstring(views[mode]["arch"])
            spec = form_fields_spec(self.env, model, arch)
            group_by = arch.get("default_group_by")
            if group_by:
                self.rpc(
                    model,
                    "web_read_group",
                    domain,
                    [],
                    [group_by],
                    limit=80,
                    context=context,
                )
                # the kanban's progress bars: their counts by the bar's field
                progressbar = arch.find("progressbar")
                if progressbar is not None:
                    self.rpc(
                        model,
                        "read_progress_bar",
                        domain=domain,
                        group_by=group_by,
                        progress_bar={
                            "field": progressbar.get("field"),
                            "colors": json.loads(progressbar.get("colors") or "{}"),
                            "help": progressbar.get("help") or "",
                        },
                        context=context,
                    )
            result = self.rpc(
                model,
                "web_search_read",
                domain,
                spec,
                limit=80,
                order=arch.get("default_order") or "",
                count_limit=10001,
                context=context,
            )
            first = first or (result["records"] and result["records"][0]["id"])
        for mode in ("pivot", "graph"):
            if mode in views:
                arch = etree.fromstring(views[mode]["arch"])
                measures = [
                    f"{f.get('name')}:sum"
                    for f in arch.iter("field")
                    if f.get("type") == "measure"
                ]
                group_by = [
                    f.get("name")
                    for f in arch.iter("field")
                    if f.get("type") != "measure"
                ][:1]
                self.rpc(
                    model,
                    "read_group",
                    domain,
                    measures or ["__count"],
                    group_by,
                    lazy=False,
                    context=context,
                )
        if "calendar" in views:
            arch = etree.fromstring(views["calendar"]["arch"])
            names = {f.get("name") for f in arch.iter("field")}
            names |= {arch.get(a) for a in ("date_start", "date_stop") if arch.get(a)}
            self.rpc(model, "search_read", domain, sorted(names), context=context)
        if "activity" in views:
            self.rpc(
                "mail.activity",
                "get_activity_data",
                res_model=model,
                domain=domain,
                context=context,
            )
        if "form" in views:
            if self.env[model]._transient:
                arch = etree.fromstring(views["form"]["arch"])
                self.rpc(
                    model,
                    "onchange",
                    [],
                    {},
                    [],
                    form_fields_spec(self.env, model, arch),
                    context=context,
                )
            elif first:
                self._open_form(model, first, seen, views["form"])

    def _open_form(self, model, res_id, seen, view=None):
        """One record's form, its chatter, and the forms its links open."""
        if model in seen:
            return
        seen.add(model)
        if view is None:
            view = self.rpc(model, "get_views", views=[(False, "form")])["views"][
                "form"
            ]
        arch = etree.fromstring(view["arch"])
        spec = form_fields_spec(self.env, model, arch)
        record = self.rpc(model, "web_read", [res_id], spec)[0]
        if arch.find(".//chatter") is not None:
            # what the chatter asks for (has_activities: from get_views)
            self._json(
                "/mail/thread/data",
                thread_model=model,
                thread_id=res_id,
                request_list=[
                    "activities",
                    "attachments",
                    "followers",
                    "scheduledMessages",
                    "suggestedRecipients",
                ]
                if self.rpc(model, "get_views", views=[(False, "form")])["models"][
                    model
                ].get("has_activities")
                else ["attachments", "followers", "suggestedRecipients"],
            )
            self._json("/mail/thread/messages", thread_model=model, thread_id=res_id)
        Model = self.env[model]
        for name, value in record.items():
            field = Model._fields.get(name)
            if not field or not field.comodel_name:
                continue
            if not field.comodel_name.startswith("family.") or not value:
                continue
            if field.type == "many2one":
                self._open_form(field.comodel_name, value["id"], seen)
            elif value and isinstance(value[0], dict):
                self._open_form(field.comodel_name, value[0]["id"], seen)

    def test_every_screen_opens_for_every_role(self):
        for role, user in self.users.items():
            self.authenticate(user.login, user.login)
            actions = self._menu_actions(user)
            self.assertTrue(actions, role)
            seen = set()
            for name, action in actions:
                with self.subTest(role=role, menu=name):
                    self._open_action(action, user, seen)
            # the walk reached the family's screens, for finance through the
            # case reference of an intervention
            self.assertIn("family.case", seen, role)
            self.assertIn("family.intervention", seen, role)
