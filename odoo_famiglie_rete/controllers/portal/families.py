"""Portal: the families shared with the association, and what their page does."""

import babel.dates
from markupsafe import Markup, escape

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import format_amount
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ...models.family_access_log import primary_cursor
from ...models.family_document_file_mixin import DOCUMENT_MAX_BYTES, DOCUMENT_MIMETYPES
from ...models.family_plan_goal import GOAL_STATES, format_number, parse_number
from .common import FamilyPortalCommon


class FamilyPortalFamilies(FamilyPortalCommon):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "family_case_count" in counters:
            values["family_case_count"] = (
                self._family_counter("family.case", []) if request.env.user.share else 0
            )
        wanted = {
            kind
            for kind in self._family_todo_domains()
            if f"family_todo_{kind}_count" in counters
        }
        if wanted:
            # only the counters asked for: the home page fills the cards it
            # shows, and finds no place for the others
            counts = (
                self._family_todo_counts(wanted)
                if request.env.user.share
                else dict.fromkeys(wanted, 0)
            )
            for kind, count in counts.items():
                values[f"family_todo_{kind}_count"] = count
        return values

    # ------------------------------------------------------------------
    # Families
    # ------------------------------------------------------------------
    @http.route(
        ["/my/famiglie", "/my/famiglie/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_families(self, page=1, search=None, filterby=None, **kw):
        if not request.env.user.share:
            raise request.not_found()
        Case = request.env["family.case"]
        search = (search or "").strip()[:100]
        attention = filterby == "attention"
        domain = self._family_case_domain(search)
        if attention:
            domain = expression.AND([domain, self._family_attention_domain()])
        url_args = {"search": search} if search else {}
        if attention:
            url_args["filterby"] = "attention"
        total = self._family_pager_total("family.case", domain, page)
        pager = portal_pager(
            url="/my/famiglie",
            url_args=url_args,
            total=total,
            page=page,
            step=self._items_per_page,
        )
        # the cases' default order (priority, then the newest intake), which
        # an index serves: no sort of every shared family for one page
        cases = Case.search_fetch(
            domain,
            ["reference", "stage_id"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        self._family_log(cases)
        reviews = self._family_next_reviews(cases)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "cases": cases,
                "family_names": self._family_names(cases),
                "next_reviews": self._family_next_review_dates(reviews),
                "todo": self._family_todo(cases, next_reviews=reviews),
                "plan_states": self._family_plan_states(cases),
                "attention": attention,
                "today": fields.Date.context_today(request.env.user),
                "pager": pager,
                "search": search,
                "page_name": "family_cases",
                "default_url": "/my/famiglie",
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_families", values)

    def _family_page_values(self, case, **extra):
        flags, shares = self._family_share_flags(case)
        Intervention = request.env["family.intervention"]
        # what the page shows of them, in the search's own query
        interventions = Intervention.search_fetch(
            [("case_id", "=", case.id)],
            [
                "case_id",
                "company_id",
                "provider_id",
                "type_id",
                "category",
                "name",
                "date_start",
                "date_end",
                "quantity",
                "amount",
                "state",
                "compensated",
                "has_overlap",
            ],
        )
        association = self._family_association()
        reviews = request.env["family.review"].search_fetch(
            [
                ("case_id", "=", case.id),
                ("partner_ids", "in", request.env.user.partner_id.ids),
            ],
            ["case_id", "date", "state", "location", "event_id"],
        )
        # how many volunteers the coordinator's share names (the share read
        # as the user; its users are of the association, by its constraint,
        # and only the volunteers among them are counted, as the volunteers'
        # page lists them): who they are, and the form that changes them,
        # are on that page (``portal_family_volunteers``)
        assigned_count = (
            len(
                shares.sudo().volunteer_user_ids.filtered(
                    lambda user: user.family_portal_role == "volunteer"
                )
            )
            if self._family_is_coordinator()
            else 0
        )
        goals = (
            self._family_goals(case)
            if flags["share_goals"]
            else request.env["family.plan.goal"]
        )
        upcoming, past = reviews._family_split_upcoming()
        messages = self._family_messages(case)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "case": case,
                "flags": flags,
                "shares": shares,
                "household": self._family_household(case, flags),
                "family_name": self._family_names(case).get(case.id),
                # read as the user: the record rules open the needs only where
                # the share does (and where it does not, they are not asked for)
                # (fetched with the search: the rules in its query, not
                # checked again record by record)
                "need_areas": request.env["family.case.needs"]
                .search_fetch([("id", "=", case.id)], ["need_area_ids"])
                .need_area_ids
                if flags["share_needs"]
                else request.env["family.need.area"],
                "goals": goals,
                "goals_to_approve": self._family_goals_to_approve(goals)
                if self._family_is_coordinator()
                else [],
                "goal_states": GOAL_STATES,
                "family_number": lambda value: format_number(request.env, value),
                "interventions": interventions,
                "intervention_lines": self._family_intervention_lines(interventions),
                "other_interventions": self._family_other_interventions(case)
                if flags["share_other_interventions"]
                else [],
                "overlap_warnings": interventions._portal_overlap_warnings(
                    flags["share_other_interventions"]
                ),
                "intervention_categories": dict(
                    Intervention._fields["category"]._description_selection(request.env)
                ),
                "own_provider": association,
                "reviews_upcoming": upcoming,
                "reviews_past": past,
                "documents": self._family_documents(case)
                if flags["share_documents"]
                else [],
                "messages": messages,
                "message_attachments": self._family_message_attachments(messages),
                "is_coordinator": self._family_is_coordinator(),
                "assigned_volunteer_count": assigned_count,
                "page_name": "family_case",
                "unread_message_ids": [],
                "document_max_mb": DOCUMENT_MAX_BYTES // 1024 // 1024,
                "document_types": ", ".join(DOCUMENT_MIMETYPES.values()),
                "errors": {},
                "form": {},
            }
        )
        values.update(extra)
        return values

    @staticmethod
    def _family_intervention_lines(interventions):
        """{intervention id: its dates, amount and state} as the family page
        shows them, in the user's language and currency format.

        Formatted as Odoo's ``format_date`` and ``format_amount`` do, with
        the language and its date pattern looked up once for the page (not
        for every date, nor through a QWeb field widget per cell), each date
        and each amount formatted once.
        """
        env = request.env
        states = dict(interventions._fields["state"]._description_selection(env))
        lang = get_lang(env)
        locale = babel_locale_parse(lang.code)
        pattern = posix_to_ldml(lang.date_format, locale=locale)
        dates, amounts = {}, {}

        def day(value):
            if value not in dates:
                dates[value] = babel.dates.format_date(
                    value, format=pattern, locale=locale
                )
            return dates[value]

        def money(amount, currency):
            key = (amount, currency.id)
            if key not in amounts:
                amounts[key] = format_amount(env, amount, currency, lang.code)
            return amounts[key]

        return {
            intervention.id: {
                "dates": " → ".join(
                    day(value)
                    for value in (intervention.date_start, intervention.date_end)
                    if value
                ),
                "amount": money(intervention.amount, intervention.currency_id),
                "state": states.get(intervention.state, intervention.state),
            }
            for intervention in interventions
        }

    @http.route(
        "/my/famiglie/<int:case_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        # served on the replica (db_replica_host); the access log and the
        # messages marked read are written on the primary (primary_cursor)
        readonly=True,
    )
    def portal_my_family(self, case_id, **kw):
        case = self._family_get_case(case_id)
        self._family_log(case)
        values = self._family_page_values(case)
        # the messages of the social service are read now (Odoo's own
        # "mark as read" of the user's notifications): the messages of the
        # case the user has an unread notification of, found from the user's
        # own notifications (what ``needaction`` searches), among the
        # messages an association user may find (Odoo's own domain: never an
        # internal note), without the access check of each message that a
        # search of ``mail.message`` makes; only those of the page's messages
        # are shown as new
        Message = request.env["mail.message"]
        messages = [("model", "=", "family.case"), ("res_id", "=", case.id)]
        if not request.env.user._is_internal():
            messages += Message._get_search_domain_share()
        notifications = (
            request.env["mail.notification"]
            .sudo()
            .search_fetch(
                [
                    ("res_partner_id", "=", request.env.user.partner_id.id),
                    ("is_read", "=", False),
                    ("mail_message_id", "any", messages),
                ],
                ["mail_message_id"],
            )
        )
        unread = Message.browse(notifications.mail_message_id.ids)
        values["unread_message_ids"] = unread.ids
        if unread and request.env.cr.readonly:
            # served on the replica: marked read on the primary
            with primary_cursor(request.env) as cr:
                unread.with_env(unread.env(cr=cr)).set_message_done()
        else:
            unread.set_message_done()
        if kw.get("saved"):
            values["saved"] = True
        return request.render("odoo_famiglie_rete.portal_my_family", values)

    def _family_page_with_errors(self, case, errors, form=None):
        """The family page again, with the messages of a refused form."""
        values = self._family_page_values(case, errors=errors, form=form or {})
        return request.render("odoo_famiglie_rete.portal_my_family", values)

    # ------------------------------------------------------------------
    # Goals
    # ------------------------------------------------------------------
    @http.route(
        "/my/famiglie/<int:case_id>/obiettivi/<int:goal_id>",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_goal_update(self, case_id, goal_id, **post):
        case = self._family_get_case(case_id)
        goal = self._family_get_child(
            "family.plan.goal",
            goal_id,
            case,
            [
                ("party_id", "=", self._family_association().id),
                ("plan_id.state", "!=", "superseded"),
            ],
        )
        self._family_log(case, model="family.plan.goal")
        errors = {}
        state = post.get("state")
        if state not in dict(GOAL_STATES):
            errors[f"goal_{goal.id}"] = request.env._("Choose a state from the list.")
        current_value = (post.get("current_value") or "").strip()[:100]
        values = {"state": state}
        if current_value:
            # a number in the goal's unit, written the user's way
            number = parse_number(request.env, current_value)
            if number is None:
                errors[f"goal_{goal.id}"] = request.env._(
                    "The indicator value must be a number in the goal's unit "
                    "(%(unit)s), for example 3 or 2.5.",
                    unit=goal.indicator_unit or goal.indicator or "-",
                )
            values["current_value"] = number
        if not errors:
            try:
                with request.env.cr.savepoint():
                    # only the progress: the agreed values stay as approved
                    goal.write(values)
            except (UserError, ValidationError, AccessError) as exc:
                errors[f"goal_{goal.id}"] = self._family_error_text(exc)
        if errors:
            return self._family_page_with_errors(
                case,
                errors,
                form={
                    f"goal_{goal.id}": {"state": state, "current_value": current_value}
                },
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#goals")

    @staticmethod
    def _family_goals_to_approve(goals):
        """The goals among ``goals`` that wait for the association's approval."""
        return goals.filtered(
            lambda g: g.plan_id.state == "approval" and g.approval_state == "pending"
        )

    @http.route(
        "/my/famiglie/<int:case_id>/obiettivi/approva",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_goals_approve(self, case_id, **post):
        """The coordinator approves the goals the plan assigns to the association."""
        case = self._family_get_case(case_id)
        if not self._family_is_coordinator():
            raise request.not_found()
        flags, _shares = self._family_share_flags(case)
        if not flags["share_goals"]:
            raise request.not_found()
        self._family_log(case, model="family.plan.goal")
        goals = self._family_goals_to_approve(self._family_goals(case))
        if not goals:
            return self._family_page_with_errors(
                case,
                {
                    "approval": request.env._(
                        "No goal of your association waits for approval."
                    )
                },
            )
        try:
            with request.env.cr.savepoint():
                # The goals and their plans were read by the ORM as the
                # coordinator; approving for the association's own party runs
                # in sudo mode on those plans only (the user stays the author).
                goals.plan_id.sudo().action_approve(party=self._family_association())
        except (UserError, ValidationError, AccessError) as exc:
            return self._family_page_with_errors(
                case, {"approval": self._family_error_text(exc)}
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#goals")

    # ------------------------------------------------------------------
    # Discussion
    # ------------------------------------------------------------------
    @http.route(
        "/my/famiglie/<int:case_id>/messaggi",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_message_post(self, case_id, message=None, **post):
        case = self._family_get_case(case_id)
        self._family_log(case, model="mail.message")
        text = (message or "").strip()
        error = False
        if not text:
            error = request.env._("Write a message before sending it.")
        elif len(text) > 5000:
            error = request.env._("The message is too long (at most 5000 characters).")
        raw = name = False
        if not error and post.get("file"):
            # a file goes with the message only where the share opens the
            # documents (other associations read it where theirs does)
            self._family_require_documents(case)
            raw, name, error = self._family_read_upload(post.get("file"))
        if error:
            return self._family_page_with_errors(
                case, {"message": error}, form={"message": text}
            )
        body = Markup("<br/>").join(escape(line) for line in text.splitlines())
        # The case was read by the ORM as the user just above; the post runs
        # in sudo on that single record (associations only read cases) and is
        # a public comment by the user's own contact, visible to the social
        # worker and to the parties the case is shared with.
        case.sudo().with_context(mail_create_nosubscribe=True).message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=request.env.user.partner_id.id,
            # Odoo writes the file on the case, in sudo mode as for its own
            # portal's chatter
            attachments=[(name, raw)] if raw else [],
        )
        return request.redirect(f"/my/famiglie/{case.id}#discussion")

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------
    @http.route(
        "/my/famiglie/<int:case_id>/documenti",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_document_upload(self, case_id, **post):
        """An association adds a document (a receipt, a signed form, the
        photo of a delivery note) to a family whose share opens the
        documents: the Comune reads it in the case, the other associations
        where their share opens the documents. The file is checked (a PDF or
        an image, not too large) before anything is written."""
        case = self._family_get_case(case_id)
        self._family_require_documents(case)
        self._family_log(case, model="ir.attachment")
        description = (post.get("description") or "").strip()[:200]
        raw, name, error = self._family_read_upload(post.get("file"), required=True)
        if error:
            return self._family_page_with_errors(
                case, {"document": error}, form={"description": description}
            )
        # The case was read by the ORM as the user just above, and its share
        # opens the documents; associations have no access to attachments
        # (as in Odoo's own portal): the file is written in sudo mode on that
        # single family, the user its author.
        self._family_attach(case, raw, name, description)
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#documents")

    @http.route(
        "/my/famiglie/<int:case_id>/documenti/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_family_document(self, case_id, attachment_id, **kw):
        case = self._family_get_case(case_id)
        self._family_require_documents(case)
        attachment = self._family_documents(case, attachment_id=attachment_id)
        return self._family_download(case, attachment)

    @http.route(
        "/my/famiglie/<int:case_id>/messaggi/allegati/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_family_message_attachment(self, case_id, attachment_id, **kw):
        """A file of a message of the shared discussion, where the share
        opens the documents (the data layer decides,
        ``ir.attachment._family_portal_readable``)."""
        case = self._family_get_case(case_id)
        attachment = self._family_message_attachments(
            self._family_messages(case)
        ).filtered(lambda a: a.id == attachment_id)
        return self._family_download(case, attachment)

    # ------------------------------------------------------------------
    # Volunteers (coordinator)
    # ------------------------------------------------------------------
    def _family_volunteers(self):
        """The volunteers of the coordinator's association (read as the user),
        with their names (what the page shows)."""
        return request.env["res.users"].search_fetch(
            [
                ("share", "=", True),
                ("family_portal_role", "=", "volunteer"),
                (
                    "partner_id.commercial_partner_id",
                    "=",
                    self._family_association().id,
                ),
            ],
            ["name"],
        )

    def _family_volunteers_case(self, case_id):
        """The case and the coordinator's active share(s) of it, or 404
        (a volunteer, or no active share)."""
        case = self._family_get_case(case_id)
        if not self._family_is_coordinator():
            raise request.not_found()
        self._family_log(case, model="family.case.share")
        _flags, shares = self._family_share_flags(case)
        if not shares:
            raise request.not_found()
        return case, shares

    def _family_volunteers_page(
        self, case, shares, volunteers, errors=None, chosen=None
    ):
        """The volunteers' page: the association's volunteers, those the
        share names checked (or, after a refused form, those the user
        ``chosen``)."""
        # which of them the share names: the share is read as the user, its
        # volunteers' ids are matched against the users read as the user
        # (not read a second time, rules and all)
        named = (
            chosen if chosen is not None else set(shares.sudo().volunteer_user_ids.ids)
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "case": case,
                "family_name": self._family_names(case).get(case.id),
                "volunteers": volunteers,
                "assigned_volunteers": volunteers.filtered(
                    lambda user: user.id in named
                ),
                "page_name": "family_volunteers",
                "errors": errors or {},
            }
        )
        return request.render("odoo_famiglie_rete.portal_family_volunteers", values)

    @http.route(
        "/my/famiglie/<int:case_id>/volontari",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_family_volunteers(self, case_id, **kw):
        case, shares = self._family_volunteers_case(case_id)
        return self._family_volunteers_page(case, shares, self._family_volunteers())

    @http.route(
        "/my/famiglie/<int:case_id>/volontari",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_assign_volunteers(self, case_id, **post):
        case, shares = self._family_volunteers_case(case_id)
        volunteers = self._family_volunteers()
        wanted = {
            self._family_parse_id(value)
            for value in request.httprequest.form.getlist("volunteer_ids")
        }
        unknown = wanted - set(volunteers.ids)
        if unknown:
            return self._family_volunteers_page(
                case,
                shares,
                volunteers,
                {
                    "volunteers": request.env._(
                        "Choose only volunteers of your association."
                    )
                },
                chosen=wanted,
            )
        chosen = volunteers.filtered(lambda u: u.id in wanted)
        try:
            with request.env.cr.savepoint():
                # as the coordinator: the record rule lets them write only the
                # assigned volunteers of their association's active shares
                shares.write({"volunteer_user_ids": [fields.Command.set(chosen.ids)]})
        except (UserError, ValidationError, AccessError) as exc:
            return self._family_volunteers_page(
                case,
                shares,
                volunteers,
                {"volunteers": self._family_error_text(exc)},
                chosen=wanted,
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#volunteers")
