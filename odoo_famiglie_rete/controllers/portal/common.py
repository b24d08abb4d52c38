"""The associations' portal: what every area shares.

Every route reads and writes through the ORM as the portal user: the record
rules of the access layer decide what an association sees. An id the user
may not see answers 404, whether it exists or not. Every access to a family
is written to the access log with the "portal" channel.

One file per area, each adding its own routes and its own ``/my`` counter:
``families`` (the family list and page, goals, discussion, documents,
volunteers), ``interventions``, ``reviews`` (and calendar files),
``statements``.
"""

import base64
import math
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.portal.controllers.portal import CustomerPortal

from ...models.family_case_share import SHARE_CATEGORIES
from ...models.family_compensation_document import DOCUMENT_TYPES
from ...models.family_document_file_mixin import DOCUMENT_MAX_BYTES

LOG = "family.access.log"


class FamilyPortalCommon(CustomerPortal):
    # the families and statements lists, read on a phone
    _items_per_page = 20
    # A ``/my`` card counts up to this many records, then says "100+": the
    # count stops there whatever the number of families an association
    # follows (the home page stays as fast at 300,000 cases as at 10,000).
    _family_counter_limit = 100
    # pages the portal's pager shows after the current one (its ``scope``)
    _family_pager_scope = 5
    # the to-do's horizon: a review or the end of an intervention within
    # this many days needs the association's attention
    _family_soon_days = 7
    # the most candidates ``_family_todo_own`` lists before counting them
    _family_todo_own_limit = 1000
    # the ``/my`` cards' counters (each area's ``_prepare_home_portal_values``
    # answers its own), counted with the home page
    _family_home_counters = (
        "family_todo_goals_count",
        "family_todo_messages_count",
        "family_todo_reviews_count",
        "family_todo_ending_count",
        "family_case_count",
        "family_review_count",
    )

    # ------------------------------------------------------------------
    # The home page
    # ------------------------------------------------------------------
    @http.route()
    def home(self, **kw):
        # The home page's layout shows the user's picture twice (Odoo's
        # ``avatar_1024`` and ``avatar_128``). What they are computed from is
        # read here in one go, from the user's own contact as Odoo gives it
        # (``env.user``, in sudo mode): read as the user, each field would
        # go through the contacts' and the users' record rules (their
        # ``child_of`` and ``parent_of`` searched again, then a search of the
        # contact's users) for the contact the rules open to them anyway.
        request.env.user.partner_id.fetch(["user_ids", "image_1024", "image_128"])
        response = super().home(**kw)
        if request.env.user.share:
            # The cards' counts come with the page: one request, where Odoo's
            # script would ask ``/my/counters`` for them in two more after the
            # page loaded (each a round trip on a phone's network, and the
            # cards appearing one after the other). Each count is capped at
            # the card's limit, and as the user: the record rules decide.
            response.qcontext["family_counts"] = self._prepare_home_portal_values(
                self._family_home_counters
            )
        return response

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def _family_counter(cls, model, domain):
        """A ``/my`` card's count, as the user, stopped at the card's limit."""
        limit = cls._family_counter_limit
        count = request.env[model].search_count(domain, limit=limit + 1)
        return f"{limit}+" if count > limit else count

    @classmethod
    def _family_pager_total(cls, model, domain, page):
        """How many records the pager needs to know of, counting no further.

        Enough for the pages it shows after ``page`` and one more record, to
        tell that there is a next page: the count stops there instead of
        counting every family the association follows.
        """
        step = cls._items_per_page
        limit = (max(int(page), 1) + cls._family_pager_scope) * step + 1
        return request.env[model].search_count(domain, limit=limit)

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
        identities = request.env["family.case.identity"].search_fetch(
            [("id", "in", cases.ids)], ["name"]
        )
        return {identity.id: identity.name for identity in identities}

    @staticmethod
    def _family_next_reviews(cases):
        """The planned reviews to come of ``cases`` the user is invited to
        (read as the user), with their case and date: the list's next review
        of each family and its "review soon" to-do, from one query."""
        return request.env["family.review"].search_fetch(
            [
                ("case_id", "in", cases.ids),
                ("partner_ids", "in", request.env.user.partner_id.ids),
                ("state", "=", "planned"),
                ("date", ">=", fields.Datetime.now()),
            ],
            ["case_id", "date"],
            order="date, id",
        )

    @staticmethod
    def _family_next_review_dates(reviews):
        """{case id: date} of the next of ``reviews`` (``_family_next_reviews``)
        of each case."""
        dates = {}
        for review in reviews:
            dates.setdefault(review.case_id.id, review.date)
        return dates

    # ------------------------------------------------------------------
    # The to-do: what needs the association (the family list, ``/my``)
    # ------------------------------------------------------------------
    def _family_todo_domains(self):
        """{kind: domain} of what needs the user, each read as the user on its
        own model (the record rules decide):

        - ``goals``: goals of the association waiting for its approval;
        - ``messages``: messages of the social service the user has not read
          (their inbox notifications, marked read on the family's page);
        - ``reviews``: reviews the user is invited to in the coming days;
        - ``ending``: the association's interventions ending in the coming
          days.
        """
        association = self._family_association()
        today = fields.Date.context_today(request.env.user)
        now = fields.Datetime.now()
        soon = timedelta(days=self._family_soon_days)
        return {
            "goals": (
                "family.plan.goal",
                [
                    ("party_id", "=", association.id),
                    ("approval_state", "=", "pending"),
                    ("plan_id.state", "=", "approval"),
                ],
            ),
            "messages": (
                "mail.message",
                [
                    ("model", "=", "family.case"),
                    ("message_type", "=", "comment"),
                    ("needaction", "=", True),
                ],
            ),
            "reviews": (
                "family.review",
                [
                    ("partner_ids", "in", request.env.user.partner_id.ids),
                    ("state", "=", "planned"),
                    ("date", ">=", now),
                    ("date", "<=", now + soon),
                ],
            ),
            "ending": (
                "family.intervention",
                [
                    ("provider_id", "=", association.id),
                    ("state", "in", ("planned", "active")),
                    ("date_end", ">=", today),
                    ("date_end", "<=", today + soon),
                ],
            ),
        }

    @staticmethod
    def _family_todo_case_field(model):
        return "res_id" if model == "mail.message" else "case_id"

    def _family_todo(self, cases, next_reviews=None):
        """{case id: {kind: count}} of ``cases`` (a page of the list): one
        grouped query per kind, whatever the number of rows. With
        ``next_reviews`` (``_family_next_reviews`` of ``cases``, already read
        for the page) the reviews of the coming days are counted among them,
        with no query of their own."""
        todo = {case_id: {} for case_id in cases.ids}
        if not cases:
            return todo
        kinds = self._family_todo_domains()
        if next_reviews is not None:
            del kinds["reviews"]
            soon = fields.Datetime.now() + timedelta(days=self._family_soon_days)
            for review in next_reviews:
                if review.date <= soon and review.case_id.id in todo:
                    case_todo = todo[review.case_id.id]
                    case_todo["reviews"] = case_todo.get("reviews", 0) + 1
        for kind, (model, domain) in kinds.items():
            field = self._family_todo_case_field(model)
            groups = request.env[model]._read_group(
                [*domain, (field, "in", cases.ids)], [field], ["__count"]
            )
            for case, count in groups:
                case_id = case if isinstance(case, int) else case.id
                if case_id in todo:
                    todo[case_id][kind] = count
        return todo

    def _family_attention_domain(self):
        """The families that need the user: any to-do of any kind, as
        sub-queries of the to-do's models read as the user (never a list of
        every shared family)."""
        domains = []
        for model, domain in self._family_todo_domains().values():
            if model == "mail.message":
                # Odoo's messages answer a search with their ids: the user's
                # unread messages, a handful
                ids = {
                    res_id
                    for (res_id,) in request.env[model]._read_group(domain, ["res_id"])
                }
                domains.append([("id", "in", list(ids))])
            else:
                query = request.env[model]._search(domain)
                domains.append([("id", "in", query.subselect("case_id"))])
        return expression.OR(domains)

    def _family_todo_counts(self, kinds):
        """{kind: count} of the user's to-do of ``kinds``, for ``/my`` (each
        count stops at the cards' limit)."""
        return {
            kind: self._family_counter(model, self._family_todo_own(kind, domain))
            for kind, (model, domain) in self._family_todo_domains().items()
            if kind in kinds
        }

    def _family_todo_own(self, kind, domain):
        """The domain ``/my`` counts for ``kind``, the same records.

        ``ending`` counts the association's own interventions (its provider)
        ending soon. Asked as one query, PostgreSQL misjudges how many
        families a volunteer follows (it takes the association's shares and
        the volunteer's assignments as independent: 17 for 1,538 at 300,000
        cases) and walks every family's interventions, a cost that grows with
        the families. So those interventions are found first by their
        provider and end date alone (an index, a few dozen rows; their ids
        never leave the server), and counted among them as the user: the
        record rules decide, as for every count (and the card's limit applies
        after them). An association with more than ``_family_todo_own_limit``
        of them is counted on the domain itself, as before.
        """
        if kind != "ending":
            return domain
        limit = self._family_todo_own_limit
        own = (
            request.env["family.intervention"]
            .sudo()
            ._search(domain, limit=limit + 1)
            .get_result_ids()
        )
        return domain if len(own) > limit else [("id", "in", own)]

    @staticmethod
    def _family_plan_states(cases):
        """{case id: the state's label} of the current plan of ``cases``
        whose share opens the goals (the record rules decide)."""
        Plan = request.env["family.plan"]
        labels = dict(Plan._fields["state"]._description_selection(request.env))
        groups = Plan._read_group(
            [("case_id", "in", cases.ids), ("state", "!=", "superseded")],
            ["case_id", "state"],
        )
        return {case.id: labels.get(state, state) for case, state in groups}

    def _family_get_case(self, case_id):
        """The case, read as the portal user, or 404.

        The search carries the id in its domain: the record rules answer, and
        a case that does not exist looks the same as one of another
        association.
        """
        if not request.env.user.share:
            raise request.not_found()
        # what the pages show of the case comes with the search's query
        case = request.env["family.case"].search_fetch(
            [("id", "=", case_id)], ["reference", "stage_id"], limit=1
        )
        if not case:
            raise request.not_found()
        return case

    def _family_share_flags(self, case):
        """The categories the user's active share(s) of ``case`` open."""
        # the flags only, in the search's own query (the rules in it)
        shares = request.env["family.case.share"].search_fetch(
            [
                ("case_id", "=", case.id),
                ("partner_id", "=", self._family_association().id),
                ("state", "=", "active"),
            ],
            SHARE_CATEGORIES,
        )
        return {flag: any(shares.mapped(flag)) for flag in SHARE_CATEGORIES}, shares

    def _family_require_documents(self, case):
        """404 unless the user's active share of ``case`` opens its documents."""
        flags, _shares = self._family_share_flags(case)
        if not flags["share_documents"]:
            raise request.not_found()

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
        """The intervention types the association provides (its catalogue,
        set by the manager), else the whole catalogue."""
        Type = request.env["family.intervention.type"]
        provided = self._family_association().family_intervention_type_ids
        if provided:
            return Type.search([("id", "in", provided.ids)])
        return Type.search([])

    def _family_members(self, case):
        """The members of the case, read as the user: none unless the share
        opens the family's identity (the record rules decide)."""
        return request.env["family.case.member"].search_fetch(
            [("case_id", "=", case.id)], ["name", "fiscal_code", "birthdate"]
        )

    def _family_household(self, case, flags):
        """The household's rows, one per member, joined by id.

        Each row is ``(member, composition)``: the member (name, contacts)
        where the share opens the identity, the composition (relation, age
        band, sex, minor) where it opens the household; either may be empty.
        Both are read as the user, and the record rules decide; what the
        user's shares (``flags``) do not open is not asked for.
        """
        members = (
            self._family_members(case)
            if flags["share_identity"]
            else request.env["family.case.member"]
        )
        members._family_prefetch_contacts()
        composition = (
            request.env["family.case.household"].search_fetch(
                [("case_id", "=", case.id)],
                ["relation", "gender", "age_band", "is_minor"],
            )
            if flags["share_household"]
            else request.env["family.case.household"]
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
        """Goals of the case assigned to the user's association (current plans).

        Read as the user (the record rules decide), with what the family page
        shows of them; the goals of a superseded plan are then left out by
        their plan's state (``plan_state``, read in sudo mode as a related
        field is, for goals already read): in the domain, ``plan_id.state``
        added the plan's rules, the same share sub-query a second time, and
        PostgreSQL spent longer planning the query than running it.
        """
        goals = request.env["family.plan.goal"].search_fetch(
            [
                ("case_id", "=", case.id),
                ("party_id", "=", self._family_association().id),
            ],
            [
                "plan_id",
                "name",
                "state",
                "approval_state",
                "progress",
                "indicator",
                "indicator_unit",
                "baseline",
                "target",
                "current_value",
                "date_measured",
                "date_due",
            ],
        )
        return goals.filtered(lambda goal: goal.plan_state != "superseded")

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
        rows = request.env.execute_query(
            SQL(
                """
                SELECT rel.attachment_id
                  FROM message_attachment_rel rel
                  JOIN mail_message msg ON msg.id = rel.message_id
                 WHERE msg.model = %s AND msg.res_id = %s
                """,
                "family.case",
                case.id,
            )
        )
        message_attachments = [row[0] for row in rows]
        if message_attachments:
            domain.append(("id", "not in", message_attachments))
        if attachment_id is not None:
            domain.append(("id", "=", attachment_id))
        # with what the page shows of them (a download reads the rest)
        documents = Attachment.search_fetch(
            domain, ["name", "description"], order="create_date desc, id desc"
        )
        # the data layer has the last word (the share, the messages' rules)
        readable = documents.sudo(False)._family_portal_readable()
        return documents.filtered(lambda doc: doc.id in readable.ids)

    def _family_messages(self, case):
        """The shared discussion: public comments of the case.

        Read as the portal user; the Comune's internal notes are never
        returned (mail.message hides them), and the domain asks for public
        comments only.
        """
        # the subtype's id from the registry's cache (no query to tell that
        # the record exists, as ``env.ref`` does)
        comment_id = request.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        return request.env["mail.message"].search_fetch(
            [
                ("model", "=", "family.case"),
                ("res_id", "=", case.id),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", comment_id),
                ("is_internal", "=", False),
            ],
            ["author_id", "email_from", "date", "body"],
            order="date desc, id desc",
            limit=100,
        )

    # ------------------------------------------------------------------
    # Supporting documents of reimbursed costs (an intervention's, or the
    # volunteers' own expenses): one form, two places
    # ------------------------------------------------------------------
    @staticmethod
    def _family_document_form(post=None):
        """The values the document form shows: the posted ones, or defaults."""
        if post is None:
            return {
                "document_type": "receipt",
                "document_date": fields.Date.to_string(
                    fields.Date.context_today(request.env["res.users"])
                ),
            }
        return {
            key: post.get(key) or ""
            for key in (
                "document_type",
                "document_number",
                "document_date",
                "amount",
                "name",
            )
        }

    def _family_validate_document(self, post, errors):
        """Values of a new document from the posted form; fills ``errors``."""
        _ = request.env._
        vals = {}
        raw, name, error = self._family_read_upload(post.get("file"), required=True)
        if error:
            errors["file"] = error
        else:
            vals["file"] = base64.b64encode(raw)
            vals["file_name"] = name
        document_type = post.get("document_type") or "receipt"
        if document_type not in dict(DOCUMENT_TYPES):
            errors["document_type"] = _("Choose a type of document from the list.")
        vals["document_type"] = document_type
        vals["document_date"] = self._family_parse_date(
            post.get("document_date"), "document_date", errors, required=True
        )
        amount = self._family_parse_number(
            post.get("amount"), "amount", errors, required=True
        )
        if amount is not None and amount <= 0:
            errors["amount"] = _("The amount must be more than zero.")
        vals["amount"] = amount
        vals["document_number"] = (post.get("document_number") or "").strip()[
            :64
        ] or False
        vals["name"] = (post.get("name") or "").strip()[:200] or False
        return vals

    def _family_download(self, case, attachment):
        """The file of ``case``'s page, found as the user, served as a
        download and logged; 404 when there is none."""
        if not attachment:
            raise request.not_found()
        self._family_log(case, model="ir.attachment")
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment)
            .get_response(as_attachment=True)
        )

    def _family_read_upload(self, upload, required=False):
        """(content, file name, error) of an uploaded file: a PDF or an image,
        not too large (``family.document.file.mixin``); nothing is written."""
        _ = request.env._
        if not upload or not getattr(upload, "filename", None):
            return b"", "", _("Choose the file to upload.") if required else False
        # one byte more than allowed: a larger file is refused whole
        raw = upload.read(DOCUMENT_MAX_BYTES + 1)
        if not raw:
            return b"", "", _("The file is empty.")
        try:
            request.env["family.document.file.mixin"]._family_check_file(
                base64.b64encode(raw)
            )
        except ValidationError as exc:
            return b"", "", self._family_error_text(exc)
        return raw, upload.filename[:200], False

    @staticmethod
    def _family_attach(record, raw, name, description=False):
        """A file of ``record`` (a case, or one of the association's own
        interventions), written in sudo mode: associations have no access to
        attachments (as in Odoo's own portal). Call it only for a record read
        as the user, of a case whose share opens the documents; the user is
        the file's author."""
        return (
            request.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "res_model": record._name,
                    "res_id": record.id,
                    "description": description or False,
                }
            )
        )

    def _family_message_attachments(self, messages):
        """The files of the shared discussion's ``messages`` (read as the user,
        ``_family_messages``) the user may be served: kept only where the
        data layer opens them (the share opens the documents)."""
        # associations have no access to attachments: the messages' files,
        # read in sudo mode, then filtered by the data layer as the user
        attachments = messages.sudo().attachment_ids
        if not attachments:
            return attachments
        readable = attachments.sudo(False)._family_portal_readable()
        return attachments.filtered(lambda a: a.id in readable.ids)

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
