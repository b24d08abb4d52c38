import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)


class FamilyCase(models.Model):
    """Retention: closed cases are anonymised after the Comune's period,
    keeping what statistics need (GDPR art. 5(1)(e))."""

    _inherit = "family.case"

    @api.model
    def _cron_anonymize(self, batch_size=200):
        """Anonymise the cases closed for longer than the retention period.

        The period is the company's ``family_retention_years`` (0 keeps the
        cases). Already anonymised cases are skipped, so the job can run again
        without harm. At most ``batch_size`` cases per run; the cron runs
        again at once for the rest.
        """
        today = fields.Date.context_today(self)
        Case = self.sudo().with_context(active_test=False)
        due = Case.browse()
        for company in self.env["res.company"].sudo().search([]):
            years = company.family_retention_years
            if years <= 0:
                continue
            due |= Case.search(
                [
                    ("company_id", "=", company.id),
                    ("is_closed", "=", True),
                    ("anonymized", "=", False),
                    ("date_closed", "!=", False),
                    ("date_closed", "<", today - relativedelta(years=years)),
                ],
                order="date_closed, id",
            )
        batch = due[:batch_size]
        batch._family_anonymize()
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(due) - len(batch)
        )

    def _family_anonymize(self):
        """Remove the personal data of closed cases, keep what statistics need.

        Kept: the reference, stage, dates, case manager, need areas, risk
        level, and for interventions their type, provider, dates, quantity,
        amounts, state and the supporting documents of their costs
        (accounting records, without their description). Removed: the
        members and their contacts (when nothing else uses them), the name,
        situation, notes, minutes,
        reasons and outcomes, the messages, activities and attachments of the
        case and of its records, and its shares. Its SIUSS flows: see
        ``family.siuss.flow._siuss_forget``.
        """
        cases = self.filtered(lambda c: c.is_closed and not c.anonymized)
        if not cases:
            return
        # The placeholders are written in the language of the Comune.
        lang = cases.company_id[:1].partner_id.lang or self.env.lang
        env = self.env(
            su=True,
            context=dict(
                self.env.context,
                lang=lang,
                active_test=False,
                family_allow_closed=True,
                family_plan_workflow=True,
                tracking_disable=True,
                mail_notrack=True,
                no_mail_to_attendees=True,
            ),
        )
        cases = cases.with_env(env)
        anonymised = env._("Anonymised")
        # (searched, not read through the cases: one query for the batch,
        # archived members included)
        members = env["family.case.member"].search([("case_id", "in", cases.ids)])
        partners = members.partner_id
        shares = cases.share_ids
        plans = cases.plan_ids
        goals = plans.goal_ids
        reviews = cases.review_ids
        referrals = cases.referral_ids
        interventions = cases.intervention_ids
        records = {
            "family.case": cases.ids,
            "family.case.member": members.ids,
            "family.case.share": shares.ids,
            "family.intervention": interventions.ids,
            "family.plan": plans.ids,
            "family.plan.goal": goals.ids,
            "family.review": reviews.ids,
            "family.referral": referrals.ids,
        }

        interventions.write({"name": False, "notes": False, "member_id": False})
        # The supporting documents of paid costs are accounting records of a
        # public expense (kept with the vendor bill for the legal period): the
        # files stay, their free-text description, which may name the family,
        # goes.
        env["family.compensation.document"].search(
            [("intervention_id", "in", interventions.ids)]
        ).write({"name": False})
        referrals.write({"reason": anonymised, "outcome": False, "member_id": False})
        reviews.outcome_ids.write({"note": False, "indicator_value": False})
        reviews.write({"minutes": False, "location": False})
        goals.write(
            {
                "name": anonymised,
                "indicator": False,
                "baseline": False,
                "target": False,
                "current_value": False,
                "indicator_unit": False,
                "date_measured": False,
            }
        )
        plans.write({"description": False})
        # the SIUSS flows: what was sent stays as a record, without its
        # personal data; what was never sent goes
        env["family.siuss.flow"]._siuss_forget(cases)
        shares.unlink()
        members.unlink()
        # the ISEE amount is written with the case's currency: read it for the
        # whole batch at once
        cases.fetch(["company_id"])
        cases.mapped("currency_id")
        cases.write(
            {
                "name": anonymised,
                "description": False,
                "report_source": False,
                "sinba_report_source": False,
                "sinba_family_assessment": False,
                "isee_value": 0.0,
                "isee_expiry": False,
                "anonymized": True,
            }
        )
        for model, ids in records.items():
            if not ids:
                continue
            env["mail.message"].search(
                [("model", "=", model), ("res_id", "in", ids)]
            ).unlink()
            env["mail.activity"].search(
                [("res_model", "=", model), ("res_id", "in", ids)]
            ).unlink()
            env["ir.attachment"].search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", ids),
                    "|",
                    ("res_field", "=", False),
                    ("res_field", "!=", False),
                ]
            ).unlink()
        cases._family_forget_partners(partners.with_env(env))

    @api.model
    def _family_forget_partners(self, partners):
        """Delete the contacts of removed members that nothing else uses.

        A contact still member of another case, a user's contact, a company
        or a network member is left alone. A contact that other documents
        still point to (an invoice, say) cannot be deleted: it is archived and
        its name, address, e-mail, phone and tax code are blanked.
        """
        companies = self.env["res.company"].sudo().search([]).partner_id
        # what keeps a contact, read for all of them at once
        kept = (
            self.env["family.case.member"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
            .partner_id
            | self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
            .partner_id
            | companies
        )
        partners = (partners - kept).filtered(
            lambda p: not p.is_company and not p.is_family_network_member
        )
        anonymised = self.env._("Anonymised")
        try:  # usually none is used elsewhere: all go at once
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                partners.unlink()
            return
        except (psycopg2.Error, UserError, ValidationError):
            partners.invalidate_recordset()
        for partner in partners:
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    partner.unlink()
                continue
            except (psycopg2.Error, UserError, ValidationError):
                _logger.info("Contact %s still used: archived and blanked", partner.id)
            partner.invalidate_recordset()
            partner.write(
                {
                    "name": anonymised,
                    "active": False,
                    "email": False,
                    "phone": False,
                    "mobile": False,
                    "street": False,
                    "street2": False,
                    "zip": False,
                    "city": False,
                    "state_id": False,
                    "country_id": False,
                    "vat": False,
                    "comment": False,
                    "website": False,
                    "function": False,
                    "title": False,
                    "image_1920": False,
                    "category_id": [fields.Command.clear()],
                }
            )
            self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
            ).unlink()
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("res_field", "=", False),
                ]
            ).unlink()
