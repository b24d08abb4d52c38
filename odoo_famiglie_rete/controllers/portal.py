"""The associations' portal: the families shared with them.

Every route reads and writes through the ORM as the portal user: the record
rules of the access layer decide what an association sees. An id the user
may not see answers 404, whether it exists or not. Every access to a family
is written to the access log with the "portal" channel.
"""

import math

from markupsafe import Markup, escape

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.family_case_share import SHARE_CATEGORIES
from ..models.family_intervention import STATES as INTERVENTION_STATES
from ..models.family_plan_goal import GOAL_STATES

PAGE_SIZE = 20
LOG = "family.access.log"


class FamilyPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @staticmethod
    def _family_association():
        return request.env.user.commercial_partner_id

    @staticmethod
    def _family_is_coordinator():
        return request.env.user.family_portal_role == "coordinator"

    def _family_case_domain(self, search=None):
        """Search by reference, and by name only where the name is shared.

        The name is searched in ``family.case.identity``, whose record rules
        open only the families whose share opens the identity: searching the
        name of any other family would tell the association who it is.
        """
        if not search:
            return []
        # a sub-query on the identities (their record rules apply), not a list
        # of ids: an association may follow thousands of families
        names = request.env["family.case.identity"]._search([("name", "ilike", search)])
        return ["|", ("reference", "ilike", search), ("id", "in", names)]

    @staticmethod
    def _family_names(cases):
        """{case id: family name} of ``cases`` whose share opens the identity.

        Read as the user from ``family.case.identity``: the record rules
        return only the names the association may see.
        """
        identities = request.env["family.case.identity"].search(
            [("id", "in", cases.ids)]
        )
        return {identity.id: identity.name for identity in identities}

    @staticmethod
    def _family_next_reviews(cases):
        """{case id: date} of the next review of ``cases`` the user is invited to."""
        groups = request.env["family.review"]._read_group(
            [
                ("case_id", "in", cases.ids),
                ("partner_ids", "in", request.env.user.partner_id.ids),
                ("state", "=", "planned"),
                ("date", ">=", fields.Datetime.now()),
            ],
            ["case_id"],
            ["date:min"],
        )
        return {case.id: date for case, date in groups}

    def _family_get_case(self, case_id):
        """The case, read as the portal user, or 404.

        The search carries the id in its domain: the record rules answer, and
        a case that does not exist looks the same as one of another
        association.
        """
        if not request.env.user.share:
            raise request.not_found()
        case = request.env["family.case"].search([("id", "=", case_id)], limit=1)
        if not case:
            raise request.not_found()
        return case

    def _family_share_flags(self, case):
        """The categories the user's active share(s) of ``case`` open."""
        shares = request.env["family.case.share"].search(
            [
                ("case_id", "=", case.id),
                ("partner_id", "=", self._family_association().id),
                ("state", "=", "active"),
            ]
        )
        return {flag: any(shares.mapped(flag)) for flag in SHARE_CATEGORIES}, shares

    def _family_log(self, case, model="family.case"):
        request.env[LOG]._log(case, "portal", model=model)

    def _family_get_child(self, model, record_id, case, extra_domain=None):
        """A record of ``model`` belonging to ``case``, seen by the user, or 404."""
        domain = [("id", "=", record_id), ("case_id", "=", case.id)]
        record = request.env[model].search(
            expression.AND([domain, extra_domain or []]), limit=1
        )
        if not record:
            raise request.not_found()
        return record

    def _family_types(self):
        return request.env["family.intervention.type"].search([])

    def _family_members(self, case):
        """The members of the case, read as the user: none unless the share
        opens the family's identity (the record rules decide)."""
        return request.env["family.case.member"].search([("case_id", "=", case.id)])

    def _family_household(self, case):
        """The household's rows, one per member, joined by id.

        Each row is ``(member, composition)``: the member (name, contacts)
        where the share opens the identity, the composition (relation, age
        band, sex, minor) where it opens the household; either may be empty.
        Both are read as the user, and the record rules decide.
        """
        members = self._family_members(case)
        composition = request.env["family.case.household"].search(
            [("case_id", "=", case.id)]
        )
        by_id = {row.id: row for row in composition}
        rows = [(member, by_id.pop(member.id, None)) for member in members]
        rows += [(None, row) for row in composition if row.id in by_id]
        return rows

    def _family_other_interventions(self, case):
        """Other parties' interventions: type, dates, quantity and provider.

        Read on ``family.intervention.summary`` as the user: nothing unless
        the share opens the other parties' interventions. The providers'
        names come with the many2one as the ORM reads it (associations do not
        read other parties' contacts).
        """
        summaries = request.env["family.intervention.summary"].search(
            [
                ("case_id", "=", case.id),
                ("provider_id", "!=", self._family_association().id),
            ]
        )
        names = {
            row["id"]: row["provider_id"] and row["provider_id"][1]
            for row in summaries.read(["provider_id"])
        }
        return [(summary, names.get(summary.id)) for summary in summaries]

    def _family_goals(self, case):
        """Goals of the case assigned to the user's association (current plans)."""
        return request.env["family.plan.goal"].search(
            [
                ("case_id", "=", case.id),
                ("party_id", "=", self._family_association().id),
                ("plan_id.state", "!=", "superseded"),
            ]
        )

    def _family_documents(self, case, attachment_id=None):
        """Documents of the case: its attachments, not those of its messages.

        Portal users have no access to ``ir.attachment`` at all (Odoo's own
        portal serves documents in sudo mode after checking the record). Call
        it only for a case read as the user through ``_family_get_case`` and
        whose share opens the documents: the search is then limited to that
        single family's own files.
        """
        Attachment = request.env["ir.attachment"].sudo()
        domain = [
            ("res_model", "=", "family.case"),
            ("res_id", "=", case.id),
            ("res_field", "=", False),
        ]
        # Attachments of the discussion (and of the Comune's internal notes)
        # are not documents: leave out every attachment of a message.
        request.env.cr.execute(
            """
            SELECT rel.attachment_id
              FROM message_attachment_rel rel
              JOIN mail_message msg ON msg.id = rel.message_id
             WHERE msg.model = %s AND msg.res_id = %s
            """,
            ["family.case", case.id],
        )
        message_attachments = [row[0] for row in request.env.cr.fetchall()]
        if message_attachments:
            domain.append(("id", "not in", message_attachments))
        if attachment_id is not None:
            domain.append(("id", "=", attachment_id))
        documents = Attachment.search(domain, order="create_date desc, id desc")
        # the data layer has the last word (the share, the messages' rules)
        readable = documents.sudo(False)._family_portal_readable()
        return documents.filtered(lambda doc: doc.id in readable.ids)

    def _family_messages(self, case):
        """The shared discussion: public comments of the case.

        Read as the portal user; the Comune's internal notes are never
        returned (mail.message hides them), and the domain asks for public
        comments only.
        """
        comment = request.env.ref("mail.mt_comment")
        return request.env["mail.message"].search(
            [
                ("model", "=", "family.case"),
                ("res_id", "=", case.id),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", comment.id),
                ("is_internal", "=", False),
            ],
            order="date desc, id desc",
            limit=100,
        )

    @staticmethod
    def _family_parse_date(value, label, errors, required=False):
        value = (value or "").strip()
        if not value:
            if required:
                errors[label] = request.env._("The date is required.")
            return False
        try:
            return fields.Date.to_date(value)
        except ValueError:
            errors[label] = request.env._("Enter a valid date (day, month and year).")
            return False

    @staticmethod
    def _family_parse_number(value, label, errors, required=False):
        value = (value or "").strip().replace(",", ".")
        if not value:
            if required:
                errors[label] = request.env._("The value is required.")
            return None
        try:
            number = float(value)
        except ValueError:
            errors[label] = request.env._("Enter a number.")
            return None
        if math.isnan(number) or math.isinf(number):
            errors[label] = request.env._("Enter a number.")
            return None
        if number < 0:
            errors[label] = request.env._("The value cannot be negative.")
            return None
        return number

    @staticmethod
    def _family_parse_id(value):
        try:
            return int(value or 0)
        except (TypeError, ValueError):
            return -1

    @staticmethod
    def _family_error_text(exc):
        """The message of a model error, for the page (never a traceback)."""
        return exc.args[0] if exc.args else request.env._("The data is not valid.")

    # ------------------------------------------------------------------
    # /my home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        user = request.env.user
        if "family_case_count" in counters:
            values["family_case_count"] = (
                request.env["family.case"].search_count([]) if user.share else 0
            )
        if "family_review_count" in counters:
            values["family_review_count"] = (
                request.env["family.review"].search_count(
                    [("partner_ids", "in", user.partner_id.ids)]
                )
                if user.share
                else 0
            )
        if "family_compensation_count" in counters:
            values["family_compensation_count"] = (
                request.env["family.compensation"].search_count([])
                if self._family_statements_available()
                else 0
            )
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
    )
    def portal_my_families(self, page=1, search=None, **kw):
        if not request.env.user.share:
            raise request.not_found()
        Case = request.env["family.case"]
        search = (search or "").strip()[:100]
        domain = self._family_case_domain(search)
        total = Case.search_count(domain)
        pager = portal_pager(
            url="/my/famiglie",
            url_args={"search": search} if search else {},
            total=total,
            page=page,
            step=PAGE_SIZE,
        )
        # the cases' default order (priority, then the newest intake), which
        # an index serves: no sort of every shared family for one page
        cases = Case.search(
            domain,
            limit=PAGE_SIZE,
            offset=pager["offset"],
        )
        self._family_log(cases)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "cases": cases,
                "family_names": self._family_names(cases),
                "next_reviews": self._family_next_reviews(cases),
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
        interventions = Intervention.search([("case_id", "=", case.id)])
        association = self._family_association()
        now = fields.Datetime.now()
        reviews = request.env["family.review"].search(
            [
                ("case_id", "=", case.id),
                ("partner_ids", "in", request.env.user.partner_id.ids),
            ]
        )
        volunteers = request.env["res.users"]
        if self._family_is_coordinator():
            volunteers = self._family_volunteers()
        goals = (
            self._family_goals(case)
            if flags["share_goals"]
            else request.env["family.plan.goal"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "case": case,
                "flags": flags,
                "shares": shares,
                "household": self._family_household(case),
                "family_name": self._family_names(case).get(case.id),
                # read as the user: the record rules open the needs only where
                # the share does
                "need_areas": request.env["family.case.needs"]
                .search([("id", "=", case.id)])
                .need_area_ids,
                "goals": goals,
                "goals_to_approve": self._family_goals_to_approve(goals)
                if self._family_is_coordinator()
                else [],
                "goal_states": GOAL_STATES,
                "interventions": interventions,
                "other_interventions": self._family_other_interventions(case),
                "overlap_warnings": interventions._portal_overlap_warnings(
                    flags["share_other_interventions"]
                ),
                "intervention_categories": dict(
                    Intervention._fields["category"]._description_selection(request.env)
                ),
                "own_provider": association,
                "reviews_upcoming": reviews.filtered(
                    lambda r: r.state == "planned" and r.date >= now
                ).sorted("date"),
                "reviews_past": reviews.filtered(
                    lambda r: not (r.state == "planned" and r.date >= now)
                ),
                "documents": self._family_documents(case)
                if flags["share_documents"]
                else [],
                "messages": self._family_messages(case),
                "is_coordinator": self._family_is_coordinator(),
                "volunteers": volunteers,
                "assigned_volunteers": shares.volunteer_user_ids,
                "page_name": "family_case",
                "errors": {},
                "form": {},
            }
        )
        values.update(extra)
        return values

    @http.route(
        "/my/famiglie/<int:case_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_family(self, case_id, **kw):
        case = self._family_get_case(case_id)
        self._family_log(case)
        values = self._family_page_values(case)
        if kw.get("saved"):
            values["saved"] = True
        return request.render("odoo_famiglie_rete.portal_my_family", values)

    def _family_page_with_errors(self, case, errors, form=None):
        """The family page again, with the messages of a refused form."""
        values = self._family_page_values(case, errors=errors, form=form or {})
        return request.render("odoo_famiglie_rete.portal_my_family", values)

    # ------------------------------------------------------------------
    # Interventions
    # ------------------------------------------------------------------
    def _family_intervention_values(self, case, intervention, form, errors):
        flags, _shares = self._family_share_flags(case)
        return dict(
            self._prepare_portal_layout_values(),
            case=case,
            intervention=intervention,
            types=self._family_types(),
            members=self._family_members(case),
            goals=self._family_goals(case)
            if flags["share_goals"]
            else request.env["family.plan.goal"],
            states=INTERVENTION_STATES,
            form=form,
            errors=errors,
            page_name="family_intervention",
        )

    @staticmethod
    def _family_intervention_form(intervention):
        if not intervention:
            return {
                "date_start": fields.Date.to_string(
                    fields.Date.context_today(request.env["family.intervention"])
                ),
                "quantity": "1",
                "state": "planned",
            }
        return {
            "type_id": str(intervention.type_id.id),
            "name": intervention.name or "",
            "date_start": fields.Date.to_string(intervention.date_start) or "",
            "date_end": fields.Date.to_string(intervention.date_end) or "",
            "quantity": str(intervention.quantity),
            "amount": str(intervention.amount),
            "member_id": str(intervention.member_id.id or ""),
            "goal_id": str(intervention.goal_id.id or ""),
            "state": intervention.state,
        }

    def _family_validate_intervention(self, case, post, errors):
        """Values to write from the posted form; fills ``errors``."""
        _ = request.env._
        vals = {}
        type_id = self._family_parse_id(post.get("type_id"))
        type_ = self._family_types().filtered(lambda t: t.id == type_id)
        if not type_:
            errors["type_id"] = _("Choose a type of intervention from the list.")
        else:
            vals["type_id"] = type_.id
        date_start = self._family_parse_date(
            post.get("date_start"), "date_start", errors, required=True
        )
        date_end = self._family_parse_date(post.get("date_end"), "date_end", errors)
        if date_start and date_end and date_end < date_start:
            errors["date_end"] = _("The end date cannot be before the start date.")
        vals.update(date_start=date_start, date_end=date_end)
        quantity = self._family_parse_number(
            post.get("quantity"), "quantity", errors, required=True
        )
        if quantity is not None:
            vals["quantity"] = quantity
        amount = self._family_parse_number(post.get("amount"), "amount", errors)
        if amount is not None:
            vals["amount"] = amount
        member_id = self._family_parse_id(post.get("member_id"))
        members = self._family_members(case)
        if member_id:
            members = members.filtered(lambda m: m.id == member_id)
            if not members:
                errors["member_id"] = _("Choose a member of this family.")
            vals["member_id"] = members.id or False
        elif members:
            vals["member_id"] = False
        # else the identity is not shared: the form offers no beneficiary, and
        # the one the Comune may have set stays as it is
        goal_id = self._family_parse_id(post.get("goal_id"))
        if goal_id:
            flags, _shares = self._family_share_flags(case)
            goals = (
                self._family_goals(case).filtered(lambda g: g.id == goal_id)
                if flags["share_goals"]
                else request.env["family.plan.goal"]
            )
            if not goals:
                errors["goal_id"] = _(
                    "Choose one of the goals of this family assigned to your "
                    "association."
                )
            vals["goal_id"] = goals.id or False
        else:
            vals["goal_id"] = False
        state = post.get("state") or "planned"
        if state not in dict(INTERVENTION_STATES):
            errors["state"] = _("Choose a state from the list.")
        else:
            vals["state"] = state
        vals["name"] = (post.get("name") or "").strip()[:200] or False
        return vals

    def _family_intervention_fields(self, post):
        """The form's values: the fields an association may write, as the
        model declares them (``family.portal.write.mixin``)."""
        keys = request.env["family.intervention"]._family_portal_write_fields
        return {key: post.get(key) or "" for key in keys}

    def _family_save_intervention(self, case, intervention, post):
        errors = {}
        vals = self._family_validate_intervention(case, post, errors)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    if intervention:
                        if (
                            "amount" in vals
                            and vals["amount"] == intervention.amount
                            and (
                                vals.get("quantity") != intervention.quantity
                                or vals.get("type_id") != intervention.type_id.id
                            )
                        ):
                            # the amount shown was left as it was: let the
                            # new quantity or type compute it again
                            del vals["amount"]
                        intervention.write(vals)
                    else:
                        intervention = request.env["family.intervention"].create(
                            dict(
                                vals,
                                case_id=case.id,
                                provider_id=self._family_association().id,
                            )
                        )
            except (UserError, ValidationError, AccessError) as exc:
                errors["global"] = self._family_error_text(exc)
        if errors:
            errors.setdefault(
                "global", request.env._("Some values are not valid: check them below.")
            )
            values = self._family_intervention_values(
                case, intervention, self._family_intervention_fields(post), errors
            )
            return request.render(
                "odoo_famiglie_rete.portal_family_intervention", values
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#interventions")

    def _family_intervention_page(self, case, intervention, post):
        """The form of a new (``intervention`` None) or existing intervention."""
        self._family_log(case, model="family.intervention")
        if request.httprequest.method == "POST":
            return self._family_save_intervention(case, intervention, post)
        values = self._family_intervention_values(
            case, intervention, self._family_intervention_form(intervention), {}
        )
        return request.render("odoo_famiglie_rete.portal_family_intervention", values)

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/nuovo",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_family_intervention_new(self, case_id, **post):
        case = self._family_get_case(case_id)
        return self._family_intervention_page(case, None, post)

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_family_intervention_edit(self, case_id, intervention_id, **post):
        case = self._family_get_case(case_id)
        # only my association's own interventions, and not yet compensated
        intervention = self._family_get_child(
            "family.intervention",
            intervention_id,
            case,
            [("provider_id", "=", self._family_association().id)],
        )
        if intervention._family_is_compensated():
            raise request.not_found()
        return self._family_intervention_page(case, intervention, post)

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
        current_value = (post.get("current_value") or "").strip()
        if len(current_value) > 100:
            errors[f"goal_{goal.id}"] = request.env._(
                "The indicator value is too long (at most 100 characters)."
            )
        if not errors:
            try:
                with request.env.cr.savepoint():
                    # only the progress: the agreed values stay as approved
                    goal.write({"state": state, "current_value": current_value})
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
        )
        return request.redirect(f"/my/famiglie/{case.id}#discussion")

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------
    @http.route(
        "/my/famiglie/<int:case_id>/documenti/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_family_document(self, case_id, attachment_id, **kw):
        case = self._family_get_case(case_id)
        flags, _shares = self._family_share_flags(case)
        if not flags["share_documents"]:
            raise request.not_found()
        attachment = self._family_documents(case, attachment_id=attachment_id)
        if not attachment:
            raise request.not_found()
        self._family_log(case, model="ir.attachment")
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment)
            .get_response(as_attachment=True)
        )

    # ------------------------------------------------------------------
    # Volunteers (coordinator)
    # ------------------------------------------------------------------
    def _family_volunteers(self):
        """The volunteers of the coordinator's association (read as the user)."""
        return request.env["res.users"].search(
            [
                ("share", "=", True),
                ("family_portal_role", "=", "volunteer"),
                (
                    "partner_id.commercial_partner_id",
                    "=",
                    self._family_association().id,
                ),
            ]
        )

    @http.route(
        "/my/famiglie/<int:case_id>/volontari",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_assign_volunteers(self, case_id, **post):
        case = self._family_get_case(case_id)
        if not self._family_is_coordinator():
            raise request.not_found()
        self._family_log(case, model="family.case.share")
        _flags, shares = self._family_share_flags(case)
        if not shares:
            raise request.not_found()
        volunteers = self._family_volunteers()
        wanted = {
            self._family_parse_id(value)
            for value in request.httprequest.form.getlist("volunteer_ids")
        }
        unknown = wanted - set(volunteers.ids)
        if unknown:
            return self._family_page_with_errors(
                case,
                {
                    "volunteers": request.env._(
                        "Choose only volunteers of your association."
                    )
                },
            )
        chosen = volunteers.filtered(lambda u: u.id in wanted)
        try:
            with request.env.cr.savepoint():
                # as the coordinator: the record rule lets them write only the
                # assigned volunteers of their association's active shares
                shares.write({"volunteer_user_ids": [fields.Command.set(chosen.ids)]})
        except (UserError, ValidationError, AccessError) as exc:
            return self._family_page_with_errors(
                case, {"volunteers": self._family_error_text(exc)}
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#volunteers")

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    @http.route(
        "/my/verifiche", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_my_reviews(self, **kw):
        if not request.env.user.share:
            raise request.not_found()
        reviews = request.env["family.review"].search(
            [("partner_ids", "in", request.env.user.partner_id.ids)],
            order="date desc, id desc",
            limit=200,
        )
        self._family_log(reviews.case_id, model="family.review")
        now = fields.Datetime.now()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "reviews_upcoming": reviews.filtered(
                    lambda r: r.state == "planned" and r.date >= now
                ).sorted("date"),
                "reviews_past": reviews.filtered(
                    lambda r: not (r.state == "planned" and r.date >= now)
                ),
                "page_name": "family_reviews",
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_reviews", values)

    @http.route(
        "/my/verifiche/<int:review_id>/ics", type="http", auth="user", methods=["GET"]
    )
    def portal_review_ics(self, review_id, **kw):
        if not request.env.user.share:
            raise request.not_found()
        review = request.env["family.review"].search(
            [
                ("id", "=", review_id),
                ("partner_ids", "in", request.env.user.partner_id.ids),
            ],
            limit=1,
        )
        if not review or not review.event_id:
            raise request.not_found()
        self._family_log(review.case_id, model="family.review")
        # The review was read by the ORM as the user: its single (private)
        # meeting is exported in sudo mode.
        event = review.sudo().event_id
        content = event._get_ics_file().get(event.id)
        if not content:
            raise request.not_found()
        return request.make_response(
            content,
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", len(content)),
                (
                    "Content-Disposition",
                    http.content_disposition(f"verifica-{review.id}.ics"),
                ),
            ],
        )

    # ------------------------------------------------------------------
    # Statements (coordinators)
    # ------------------------------------------------------------------
    @staticmethod
    def _family_statements_available():
        return (
            request.env.user.share
            and request.env.user.family_portal_role == "coordinator"
        )

    @http.route(
        ["/my/rendiconti", "/my/rendiconti/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_statements(self, page=1, **kw):
        if not self._family_statements_available():
            raise request.not_found()
        # read as the coordinator: the record rule keeps to the association's
        # approved, billed and paid statements
        Compensation = request.env["family.compensation"]
        domain = [("partner_id", "=", self._family_association().id)]
        pager = portal_pager(
            url="/my/rendiconti",
            total=Compensation.search_count(domain),
            page=page,
            step=PAGE_SIZE,
        )
        statements = Compensation.search(
            domain,
            order="date_from desc, id desc",
            limit=PAGE_SIZE,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "statements": statements,
                "states": dict(
                    Compensation._fields["state"]._description_selection(request.env)
                ),
                "payment_states": dict(
                    Compensation._fields["payment_state"]._description_selection(
                        request.env
                    )
                ),
                "pager": pager,
                "page_name": "family_statements",
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_statements", values)

    @http.route(
        "/my/rendiconti/<int:statement_id>/pdf",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def portal_statement_pdf(self, statement_id, **kw):
        """The PDF of one statement of the coordinator's association."""
        if not self._family_statements_available():
            raise request.not_found()
        statement = request.env["family.compensation"].search(
            [
                ("id", "=", statement_id),
                ("partner_id", "=", self._family_association().id),
            ],
            limit=1,
        )
        if not statement:
            raise request.not_found()
        # The statement was found by the ORM as the coordinator: its one
        # document is rendered in sudo mode (the report reads the lines'
        # types and case references, which portal users do not read directly).
        name, content, mimetype = statement.sudo()._family_statement_file()
        return request.make_response(
            content,
            [
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(name)),
            ],
        )
