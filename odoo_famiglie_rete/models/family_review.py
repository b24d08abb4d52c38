from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# how the minutes attached to a review are told from its other files
MINUTES_TAG = "family_review_minutes"

# Changing these moves or updates the review's calendar meeting.
EVENT_FIELDS = {
    "date",
    "duration",
    "partner_ids",
    "location",
    "state",
    "user_id",
    "case_id",
}


class FamilyReview(models.Model):
    _name = "family.review"
    _description = "Joint Review"
    _family_created_message = _lt("Joint review created")
    _inherit = ["family.thread.mixin", "family.case.child.mixin"]
    _order = "date desc, id desc"

    plan_id = fields.Many2one(
        "family.plan",
        string="Plan",
        index="btree_not_null",
        domain="[('case_id', '=', case_id)]",
        compute="_compute_plan_id",
        store=True,
        readonly=False,
    )
    date = fields.Datetime(required=True, index=True, tracking=True)
    duration = fields.Float(default=1.0, help="Length of the meeting, in hours.")
    location = fields.Char()
    user_id = fields.Many2one(
        "res.users",
        string="Organiser",
        index=True,
        default=lambda self: self.env.user,
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Invited",
        help="The people of the parties invited to the review.",
    )
    event_id = fields.Many2one(
        "calendar.event",
        string="Meeting",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    minutes = fields.Html(
        # the Comune's record of the meeting: names, ISEE, what was said
        groups="odoo_famiglie_rete.group_family_social_worker"
    )
    decisions = fields.Text(
        # what the parties agreed: read by the invited associations, printed
        # in the minutes they download
        help="What the parties agreed at the meeting: shown to the invited "
        "associations in the minutes.",
    )
    outcome_ids = fields.One2many(
        "family.review.outcome", "review_id", string="Outcomes", copy=False
    )
    next_review_date = fields.Date(tracking=True)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Held"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )

    @api.depends("case_id", "case_id.current_plan_id")
    def _compute_plan_id(self):
        """A planned review follows the case's current plan (a draft, one
        awaiting approval or the agreed one); a held or cancelled review keeps
        the plan it reviewed."""
        for review in self:
            if review.state == "planned":
                review.plan_id = review.case_id.current_plan_id
            else:
                review.plan_id = review.plan_id

    @api.depends("case_id", "date")
    @api.depends_context("lang", "tz", "uid")
    def _compute_display_name(self):
        """The day of the meeting in the reader's time zone and date format;
        the case by its reference (whoever reads the review may not read the
        family's name)."""
        for review in self:
            case = review.case_id.reference or ""
            if review.date:
                review.display_name = self.env._(
                    "Joint review of %(date)s - %(case)s",
                    date=review._family_date_label(),
                    case=case,
                )
            elif case:
                review.display_name = self.env._("Joint review - %(case)s", case=case)
            else:
                review.display_name = self.env._("New joint review")

    def _family_date_label(self):
        """The review's day in the reader's time zone and language."""
        self.ensure_one()
        day = fields.Datetime.context_timestamp(self, self.date).date()
        return format_date(self.env, day)

    @api.constrains("date", "next_review_date")
    def _check_next_review_date(self):
        for review in self:
            if (
                review.next_review_date
                and review.date
                and review.next_review_date < review.date.date()
            ):
                raise ValidationError(
                    self.env._(
                        "The date of the next review cannot be before the date of "
                        "this review."
                    )
                )

    @api.constrains("plan_id", "case_id")
    def _check_plan_case(self):
        for review in self.sudo():
            if review.plan_id and review.plan_id.case_id != review.case_id:
                raise ValidationError(
                    self.env._(
                        "The plan of a review must be a plan of the same family "
                        "(%(case)s).",
                        case=review.case_id.reference,
                    )
                )

    @api.constrains("duration")
    def _check_duration(self):
        if any(review.duration < 0 for review in self):
            raise ValidationError(self.env._("The duration cannot be negative."))

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        reviews._sync_event()
        for review in reviews:
            review._family_notify_invited(review.partner_ids)
        return reviews

    def write(self, vals):
        invited_before = (
            {review.id: review.partner_ids for review in self}
            if "partner_ids" in vals
            else {}
        )
        res = super().write(vals)
        for review in self.filtered(lambda r: r.id in invited_before):
            review._family_notify_invited(
                review.partner_ids - invited_before[review.id]
            )
        changed = EVENT_FIELDS & set(vals)
        if vals.get("state") == "done":
            changed.discard("state")  # a held review keeps its meeting as it is
        if changed:
            self._sync_event()
        return res

    def unlink(self):
        self.check_access("unlink")
        self._unlink_except_closed_case()
        # The meetings first, through the ORM (their attendees and messages go
        # with them): their link to the review would delete them in SQL only.
        self.event_id.sudo().with_context(no_mail_to_attendees=True).unlink()
        return super().unlink()

    def _family_notify_invited(self, partners):
        """Association users newly invited to a review still to come are told
        (a portal notification and an e-mail without personal data)."""
        self.ensure_one()
        if self.state != "planned" or not partners:
            return
        Users = self.env["res.users"]
        invited = partners.sudo().user_ids.filtered(
            lambda u: u.share and u.family_portal_role
        )
        # only those who follow the family today (an active share)
        users = invited & Users._family_case_users(self.case_id)
        Users._family_notify(self.case_id, "review", users)

    def _family_split_upcoming(self):
        """(upcoming, past): the planned reviews still to come, soonest
        first; the others (held, cancelled, or past their date) in order."""
        now = fields.Datetime.now()
        upcoming = self.filtered(lambda r: r.state == "planned" and r.date >= now)
        return upcoming.sorted("date"), self - upcoming

    def _event_values(self):
        self.ensure_one()
        start = self.date
        return {
            # The case reference, not the family's name: calendars are
            # shared and synchronised outside Odoo.
            # Written in the Comune's language, whoever plans the review:
            # the meeting is the same for every invited party.
            "name": self.with_context(
                lang=self.case_id.company_id.partner_id.lang or self.env.lang
            ).env._("Joint review %(case)s", case=self.case_id.reference or ""),
            "start": start,
            "stop": start + timedelta(hours=self.duration or 1.0),
            "location": self.location,
            "user_id": self.user_id.id,
            "partner_ids": [
                fields.Command.set((self.partner_ids | self.user_id.partner_id).ids)
            ],
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "privacy": "private",
        }

    def _sync_event(self):
        """Keep a calendar meeting with the invited people for each review.

        The meeting is written in sudo mode: a private event may only be
        changed by its attendees, while every social worker who may change the
        review must be able to move it. Only the review's own event is touched.
        """
        Event = (
            self.env["calendar.event"]
            .sudo()
            .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
        )
        to_create = self.browse()
        for review in self:
            event = review.event_id.sudo().with_context(no_mail_to_attendees=True)
            if review.state == "cancelled":
                if event.active:
                    event.active = False
                continue
            if event:
                values = review._event_values()
                if not event.active:
                    values["active"] = True
                event.write(values)
            else:
                to_create |= review
        if to_create:
            events = Event.create([review._event_values() for review in to_create])
            for review, event in zip(to_create, events, strict=True):
                review.event_id = event

    def action_load_goals(self):
        """Add an outcome line for every goal of the plan still without one."""
        for review in self:
            if review.state != "planned":
                raise UserError(
                    self.env._("Goals can only be loaded into a planned review.")
                )
            missing = review.plan_id.goal_ids - review.outcome_ids.goal_id
            review.outcome_ids = [
                fields.Command.create({"goal_id": goal.id}) for goal in missing
            ]

    def action_done(self):
        """Record the review: the outcomes update the goals.

        The case's "review overdue" activity is marked done.
        """
        today = fields.Date.context_today(self)
        for review in self:
            if review.state != "planned":
                raise UserError(self.env._("Only a planned review can be recorded."))
            if fields.Datetime.context_timestamp(review, review.date).date() > today:
                raise UserError(
                    self.env._(
                        "The review of %(date)s has not been held yet: record its "
                        "outcome on the day of the meeting or after it.",
                        date=review._family_date_label(),
                    )
                )
            if not review.outcome_ids and review.plan_id.goal_ids:
                raise UserError(
                    self.env._(
                        "Record an outcome for the goals before closing: use "
                        "Load goals."
                    )
                )
        self.write({"state": "done"})
        # Each held review is a measure of its goals: the goal keeps the
        # latest one (by the review's date) as its current value.
        for outcome in self.outcome_ids.sorted("date"):
            goal = outcome.goal_id
            values = {"state": outcome.outcome} if outcome.outcome else {}
            measured_on = outcome.date.date()
            if not goal.date_measured or goal.date_measured <= measured_on:
                values.update(
                    current_value=outcome.indicator_value, date_measured=measured_on
                )
            if values:
                goal.write(values)
        activity_type = self.env.ref(
            "odoo_famiglie_rete.mail_activity_type_review_overdue",
            raise_if_not_found=False,
        )
        if activity_type:
            # Only this type, only these cases: the manager's activity may be
            # assigned to someone else than the user recording the review.
            activities = (
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "family.case"),
                        ("res_id", "in", self.case_id.ids),
                        ("activity_type_id", "=", activity_type.id),
                    ]
                )
            )
            activities.action_feedback(feedback=self.env._("Review held."))

    def action_cancel(self):
        for review in self:
            if review.state != "planned":
                raise UserError(self.env._("Only a planned review can be cancelled."))
        self.write({"state": "cancelled"})

    def action_print_pack(self):
        """The review pack for this meeting, as the reader may read it."""
        return self.env.ref(
            "odoo_famiglie_rete.action_report_family_review_pack_review"
        ).report_action(self)

    def action_print_minutes(self):
        """The minutes of held reviews: attached to each review (the last
        printing replaces the previous one), then downloaded."""
        if any(review.state != "done" for review in self):
            raise UserError(
                self.env._("The minutes are printed once the review is held.")
            )
        self._family_attach_minutes()
        return self.env.ref(
            "odoo_famiglie_rete.action_report_family_review_minutes"
        ).report_action(self)

    def _family_attach_minutes(self):
        """Render the minutes as the user and keep them on each review."""
        Report = self.env["ir.actions.report"]
        Attachment = self.env["ir.attachment"]
        for review in self:
            content, kind = Report._render_qweb_pdf(
                "odoo_famiglie_rete.report_family_review_minutes", review.ids
            )
            name = self.env._(
                "Minutes %(case)s %(date)s",
                case=review.case_id.reference or "",
                date=fields.Date.to_string(review.date.date()),
            )
            extension = "pdf" if kind == "pdf" else "html"
            Attachment.search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", review.id),
                    ("description", "=", MINUTES_TAG),
                ]
            ).unlink()
            Attachment.create(
                {
                    "name": f"{name}.{extension}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": review.id,
                    "description": MINUTES_TAG,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
            )

    def action_open_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.event_id.id,
            "view_mode": "form",
        }
