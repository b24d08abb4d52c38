from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

SHARE_CATEGORY_FIELDS = (
    "share_identity",
    "share_household",
    "share_needs",
    "share_goals",
    "share_other_interventions",
    "share_documents",
)


class ReportFamilyMemberData(models.AbstractModel):
    """A person's data (GDPR art. 15), as a report and as JSON."""

    _name = "report.odoo_famiglie_rete.report_family_member_data"
    _description = "Personal Data of a Family Member"

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    @api.model
    def _get_report_values(self, docids, data=None):
        members = self.env["family.case.member"].browse(docids)
        persons = self._get_personal_data(members)
        env = self.env

        def fmt_date(value):
            return tools.format_date(env, value) if value else ""

        def fmt_datetime(value):
            return tools.format_datetime(env, value) if value else ""

        return {
            "doc_ids": members.ids,
            "doc_model": "family.case.member",
            "docs": members,
            "data": persons,
            "persons": {
                member.id: person
                for member, person in zip(members, persons["persons"], strict=True)
            },
            "fmt_date": fmt_date,
            "fmt_datetime": fmt_datetime,
            "fmt_amount": lambda amount, currency: tools.format_amount(
                env, amount or 0.0, env["res.currency"].browse(currency)
            ),
        }

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def _check_may_export(self):
        if not self.env.su and not self.env.user.has_group(
            "odoo_famiglie_rete.group_family_social_worker"
        ):
            raise AccessError(
                self.env._(
                    "Only social workers and the manager can export a person's data."
                )
            )

    @api.model
    def _get_personal_data(self, members):
        """All the data held about the people of ``members``, one entry each.

        A person's memberships are every member record of the same contact or
        codice fiscale that the user may read (the manager reads them all).
        """
        self._check_may_export()
        members.check_access("read")
        return {
            "title": self.env._("Personal data (GDPR art. 15)"),
            "generated_on": fields.Datetime.to_string(fields.Datetime.now()),
            "generated_by": self.env.user.name,
            "controller": (members.company_id[:1] or self.env.company).name,
            "persons": [self._person_data(member) for member in members],
        }

    @api.model
    def _selection(self, record, fname):
        return dict(record._fields[fname]._description_selection(self.env)).get(
            record[fname], record[fname] or ""
        )

    @api.model
    def _date(self, value):
        return fields.Date.to_string(value) if value else None

    @api.model
    def _person_data(self, member):
        Member = self.env["family.case.member"].with_context(active_test=False)
        domain = [("partner_id", "=", member.partner_id.id)]
        if member.fiscal_code:
            domain = ["|", ("fiscal_code", "=", member.fiscal_code), *domain]
        memberships = Member.search(domain, order="id") | member
        partner = member.partner_id
        return {
            "person": {
                "name": partner.name,
                "fiscal_code": member.fiscal_code or None,
                "birthdate": self._date(member.birthdate),
                "email": partner.email or None,
                "phone": partner.phone or None,
                "mobile": partner.mobile or None,
                "street": partner.street or None,
                "street2": partner.street2 or None,
                "zip": partner.zip or None,
                "city": partner.city or None,
                "country": partner.country_id.name or None,
            },
            "memberships": [self._membership_data(m) for m in memberships],
        }

    @api.model
    def _siuss_data(self, member):
        """What was communicated about the person to INPS (SIUSS, DM
        206/2014): a recipient of their data (GDPR art. 15(1)(c)). The flows
        are the manager's only: another user's export leaves them out."""
        Flow = self.env["family.siuss.flow"]
        if not Flow.has_access("read"):
            return {}
        domain = [
            "|",
            ("member_id", "=", member.id),
            ("intervention_id.member_id", "=", member.id),
        ]
        if member.fiscal_code:
            # the family's benefits, sent in the reference person's name, and
            # cancellations of interventions since deleted
            domain = [
                "|",
                "&",
                ("fiscal_code", "=", member.fiscal_code),
                ("case_reference", "=", member.case_id.reference),
                *domain,
            ]
        flows = Flow.search(domain, order="ts_millis, id")
        return {
            "siuss_flows": [
                {
                    "recipient": "INPS (SIUSS)",
                    "flow": f.name,
                    "type": self._selection(f, "flow_type"),
                    "operation": self._selection(f, "operation"),
                    "benefit_code": f.benefit_code or None,
                    "period": [self._date(f.date_from), self._date(f.date_to)],
                    "date_sent": fields.Datetime.to_string(f.date_sent)
                    if f.date_sent
                    else None,
                    "state": self._selection(f, "state"),
                }
                for f in flows
            ]
        }

    @api.model
    def _membership_data(self, member):
        case = member.case_id
        currency = case.currency_id
        interventions = self.env["family.intervention"].search(
            [("member_id", "=", member.id)], order="date_start, id"
        )
        # the supporting documents of their costs (receipts, invoices): what
        # they say about the person is in the export, not the files
        documents = {}
        for doc in self.env["family.compensation.document"].search(
            [("intervention_id", "in", interventions.ids)]
        ):
            documents.setdefault(doc.intervention_id.id, []).append(
                {
                    "type": self._selection(doc, "document_type"),
                    "number": doc.document_number or None,
                    "date": self._date(doc.document_date),
                    "amount": doc.amount,
                    "description": doc.name or None,
                }
            )
        referrals = self.env["family.referral"].search(
            [("member_id", "=", member.id)], order="date_sent, id"
        )
        names = {n.lower() for n in (member.name or "").split() if len(n) > 2}
        goals = case.plan_ids.goal_ids.filtered(
            lambda g: (
                g in interventions.goal_id
                or names & set((g.name or "").lower().split())
            )
        )
        reviews = case.review_ids.filtered(
            lambda r: names & set(tools.html2plaintext(r.minutes or "").lower().split())
        )
        shares = self.env["family.case.share"].search(
            [("case_id", "=", case.id)], order="date_start, id"
        )
        # The log is read by the system for the cases the user may read.
        log = (
            self.env["family.access.log"]
            .sudo()
            .search([("case_id", "=", case.id)], order="date, id")
        )
        return {
            **self._siuss_data(member),
            "case": {
                "reference": case.reference,
                "stage": case.stage_id.name,
                "date_intake": self._date(case.date_intake),
                "date_closed": self._date(case.date_closed),
                "case_manager": case.user_id.name or None,
            },
            "relation": self._selection(member, "relation"),
            "gender": self._selection(member, "gender"),
            "birthdate": self._date(member.birthdate),
            "fiscal_code": member.fiscal_code or None,
            "active": member.active,
            "notes": member.notes or None,
            "currency": currency.name,
            "currency_id": currency.id,
            "interventions": [
                {
                    "type": i.type_id.name,
                    "category": self._selection(i, "category"),
                    "provider": i.provider_id.name,
                    "description": i.name or None,
                    "date_start": self._date(i.date_start),
                    "date_end": self._date(i.date_end),
                    "quantity": i.quantity,
                    "unit": i.unit or None,
                    "amount": i.amount,
                    "state": self._selection(i, "state"),
                    "notes": i.notes or None,
                    "documents": documents.get(i.id, []),
                }
                for i in interventions
            ],
            "referrals": [
                {
                    "service": r.service_id.name,
                    "reason": r.reason,
                    "date_sent": self._date(r.date_sent),
                    "date_answer": self._date(r.date_answer),
                    "date_end": self._date(r.date_end),
                    "state": self._selection(r, "state"),
                    "outcome": r.outcome or None,
                }
                for r in referrals
            ],
            "goals": [
                {
                    "goal": g.name,
                    "party": g.party_id.name,
                    "plan_version": g.plan_id.version,
                    "indicator": g.indicator or None,
                    "unit": g.indicator_unit or None,
                    "baseline": g.baseline,
                    "target": g.target,
                    "value": g.current_value if g.date_measured else None,
                    "date_due": self._date(g.date_due),
                    "state": self._selection(g, "state"),
                }
                for g in goals
            ],
            "reviews": [
                {
                    "date": fields.Datetime.to_string(r.date),
                    "state": self._selection(r, "state"),
                    "minutes": tools.html2plaintext(r.minutes or "") or None,
                    "next_review_date": self._date(r.next_review_date),
                }
                for r in reviews
            ],
            "shares": [
                {
                    "association": s.partner_id.name,
                    "legal_basis": self._selection(s, "legal_basis"),
                    "consent_date": self._date(s.consent_date),
                    "categories": [
                        s._fields[f]._description_string(self.env)
                        for f in SHARE_CATEGORY_FIELDS
                        if s[f]
                    ],
                    "date_start": self._date(s.date_start),
                    "date_end": self._date(s.date_end),
                    "state": self._selection(s, "state"),
                    "date_revoked": self._date(s.date_revoked),
                    "revoke_reason": s.revoke_reason or None,
                }
                for s in shares
            ],
            "access_log": [
                {
                    "date": fields.Datetime.to_string(e.date),
                    "user": e.user_id.name,
                    "association": e.partner_id.name or None,
                    "channel": self._selection(e, "channel"),
                    "data": e.model,
                }
                for e in log
            ],
        }
