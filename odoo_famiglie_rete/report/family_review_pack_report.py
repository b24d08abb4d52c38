"""The joint review pack: what a party brings to the meeting.

Every part of the pack is read through the ORM as the reader: a social worker
gets the whole case; an association gets only what its share opens, because
the same record rules and field groups that serve the portal pages answer
here (the family's name from ``family.case.identity``, the household from
``family.case.household``, the needs from ``family.case.needs``, its own
goals and interventions, the other parties' interventions from
``family.intervention.summary``). Nothing is read in sudo mode: a part the
reader may not read is simply empty.
"""

from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.osv import expression

OPEN_REFERRALS = ("sent", "accepted")


class ReportFamilyReviewPack(models.AbstractModel):
    _name = "report.odoo_famiglie_rete.report_family_review_pack"
    _description = "Joint Review Pack"

    @api.model
    def _get_report_values(self, docids, data=None):
        cases = self.env["family.case"].browse(docids)
        # the record rules answer: a case the reader may not read stops here
        cases.check_access("read")
        return self._family_values(
            cases, [self._family_pack(case) for case in cases], "family.case"
        )

    @api.model
    def _family_values(self, docs, packs, model):
        env = self.env
        return {
            "doc_ids": docs.ids,
            "doc_model": model,
            "docs": docs,
            "packs": packs,
            "lang": env.lang,
            "fmt_date": lambda value: tools.format_date(env, value) if value else "",
            "fmt_datetime": lambda value: (
                tools.format_datetime(env, value, dt_format="short") if value else ""
            ),
            "fmt_number": lambda value: tools.formatLang(env, value or 0.0),
            "fmt_amount": lambda value, currency: tools.format_amount(
                env, value or 0.0, currency
            ),
            "label": self._family_label,
        }

    @api.model
    def _family_label(self, record, fname):
        """The label of a selection value, in the reader's language."""
        field = record._fields[fname]
        return dict(field._description_selection(self.env)).get(record[fname], "")

    # ------------------------------------------------------------------
    # The pack of one case
    # ------------------------------------------------------------------
    @api.model
    def _family_pack(self, case, review=None):
        """The content of the pack of ``case``, as the reader may read it.

        ``review``: the meeting the pack is for (printed from a review);
        otherwise the next planned review the reader can see, if any. The
        interventions are those since the last review held before it.
        """
        Review = self.env["family.review"]
        if review is None:
            review = Review.search(
                [
                    ("case_id", "=", case.id),
                    ("state", "=", "planned"),
                    ("date", ">=", fields.Datetime.now()),
                ],
                order="date",
                limit=1,
            )
        last_domain = [("case_id", "=", case.id), ("state", "=", "done")]
        if review:
            last_domain += [("date", "<", review.date), ("id", "!=", review.id)]
        last_review = Review.search(last_domain, order="date desc", limit=1)
        since = last_review.date.date() if last_review else False
        header = case.read(["reference", "stage_id", "user_id"])[0]
        return {
            "case": case,
            "reference": header["reference"],
            "stage": header["stage_id"] and header["stage_id"][1],
            "case_manager": header["user_id"] and header["user_id"][1],
            "family_name": self._family_identity(case),
            "household": self._family_household(case),
            "needs": self._family_needs(case),
            "review": review,
            "invited": self._family_invited(review),
            "goals": self._family_goals(case),
            "since": since,
            "interventions": self._family_interventions(case, since),
            "referrals": self._family_referrals(case),
            "last_review": last_review,
            "last_outcomes": self._family_outcomes(last_review),
        }

    @api.model
    def _family_outcomes(self, review):
        """The outcomes of ``review`` whose goal the reader reads (an
        association reads its goals only where its share opens them)."""
        Outcome = self.env["family.review.outcome"]
        if not review:
            return Outcome
        outcomes = Outcome.search([("review_id", "=", review.id)])
        goals = self.env["family.plan.goal"].search(
            [("id", "in", outcomes.goal_id.ids)]
        )
        return outcomes.filtered(lambda outcome: outcome.goal_id in goals)

    @api.model
    def _family_identity(self, case):
        identity = self.env["family.case.identity"].search([("id", "=", case.id)])
        return identity.name if identity else False

    @api.model
    def _family_household(self, case):
        """One row per member: the name where the identity is open, the
        composition where the household is open (either may be missing)."""
        members = self.env["family.case.member"].search([("case_id", "=", case.id)])
        composition = self.env["family.case.household"].search(
            [("case_id", "=", case.id)]
        )
        by_id = {row.id: row for row in composition}
        rows = [
            {"member": member, "composition": by_id.pop(member.id, None)}
            for member in members
        ]
        rows += [
            {"member": None, "composition": row}
            for row in composition
            if row.id in by_id
        ]
        return rows

    @api.model
    def _family_needs(self, case):
        needs = self.env["family.case.needs"].search([("id", "=", case.id)])
        return needs.need_area_ids.mapped("name") if needs else []

    @api.model
    def _family_invited(self, review):
        """The names of the people invited to ``review``.

        The reader reads the review's invited people (the field); their
        names are shown as Odoo shows a many2one's name it reads, whoever
        the reader is.
        """
        if not review:
            return []
        ids = review.read(["partner_ids"])[0]["partner_ids"]
        return self.env["res.partner"].browse(ids).sudo().mapped("name")

    @api.model
    def _family_goals(self, case):
        """The goals of the current plan the reader reads, each with its
        series of measures (the outcomes of held reviews, by date)."""
        goals = self.env["family.plan.goal"].search(
            [("case_id", "=", case.id), ("plan_id.state", "!=", "superseded")]
        )
        outcomes = self.env["family.review.outcome"].search(
            [("goal_id", "in", goals.ids), ("review_state", "=", "done")],
            order="date, id",
        )
        series = defaultdict(list)
        for outcome in outcomes:
            series[outcome.goal_id.id].append(outcome)
        parties = {
            row["id"]: row["party_id"] and row["party_id"][1]
            for row in goals.read(["party_id"])
        }
        return [
            {"goal": goal, "party": parties[goal.id], "series": series[goal.id]}
            for goal in goals
        ]

    @api.model
    def _family_interventions(self, case, since):
        """Every party's interventions since ``since`` (all when False), and
        the totals by party.

        The interventions the reader reads in full (the social service: all;
        an association: its own) come with their amounts; the other parties'
        only as the summary the share may open (no amount)."""
        domain = [("case_id", "=", case.id)]
        if since:
            domain = expression.AND(
                [
                    domain,
                    [
                        "|",
                        ("date_start", ">=", since),
                        "|",
                        ("date_end", "=", False),
                        ("date_end", ">=", since),
                    ],
                ]
            )
        full = self.env["family.intervention"].search(domain, order="date_start, id")
        summaries = self.env["family.intervention.summary"].search(
            expression.AND([domain, [("id", "not in", full.ids)]]),
            order="date_start, id",
        )
        rows = []
        for records, with_amount in ((full, True), (summaries, False)):
            values = records.read(["type_id", "provider_id"])
            names = {row["id"]: row for row in values}
            for record in records:
                row = names[record.id]
                rows.append(
                    {
                        "record": record,
                        "type": row["type_id"] and row["type_id"][1],
                        "provider": row["provider_id"] and row["provider_id"][1],
                        "date_start": record.date_start,
                        "date_end": record.date_end,
                        "quantity": record.quantity,
                        "unit": record.unit,
                        "state": self._family_label(record, "state"),
                        "amount": record.amount if with_amount else None,
                    }
                )
        rows.sort(key=lambda r: (r["date_start"] or fields.Date.today(), r["type"]))
        totals = {}
        for row in rows:
            total = totals.setdefault(
                row["provider"],
                {"party": row["provider"], "count": 0, "quantity": 0.0, "amount": None},
            )
            total["count"] += 1
            total["quantity"] += row["quantity"]
            if row["amount"] is not None:
                total["amount"] = (total["amount"] or 0.0) + row["amount"]
        return {
            "rows": rows,
            "totals": sorted(totals.values(), key=lambda t: t["party"] or ""),
            "currency": case.currency_id,
        }

    @api.model
    def _family_referrals(self, case):
        """The open referrals, for those who read referrals (the social
        service; never an association)."""
        Referral = self.env["family.referral"]
        if not Referral.has_access("read"):
            return Referral
        return Referral.search(
            [("case_id", "=", case.id), ("state", "in", OPEN_REFERRALS)],
            order="date_sent, id",
        )


class ReportFamilyReviewPackReview(models.AbstractModel):
    """The same pack, printed from a review: for that meeting."""

    _name = "report.odoo_famiglie_rete.report_family_review_pack_review"
    _inherit = "report.odoo_famiglie_rete.report_family_review_pack"
    _description = "Joint Review Pack (from the Review)"

    @api.model
    def _get_report_values(self, docids, data=None):
        reviews = self.env["family.review"].browse(docids)
        reviews.check_access("read")
        return self._family_values(
            reviews,
            [self._family_pack(review.case_id, review) for review in reviews],
            "family.review",
        )
