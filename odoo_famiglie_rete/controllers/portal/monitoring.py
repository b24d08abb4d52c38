"""Portal: the protocol's dashboard for a coordinator, restricted to the
association's own figures.

Every figure is a grouped query (``_read_group``) through the ORM as the
coordinator: the record rules keep it to the families actively shared with
the association, its own interventions and its own goals.
"""

from datetime import date

from odoo import fields, http
from odoo.http import request
from odoo.tools import format_amount, formatLang

from ...models.family_monitoring_dashboard import COUNTED_STATES
from .common import FamilyPortalCommon


class FamilyPortalMonitoring(FamilyPortalCommon):
    @http.route(
        "/my/monitoraggio", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_my_monitoring(self, year=None, **kw):
        if not (request.env.user.share and self._family_is_coordinator()):
            raise request.not_found()
        this_year = fields.Date.context_today(request.env.user).year
        try:
            year = int(year or this_year)
        except ValueError:
            year = this_year
        if not 2000 <= year <= this_year + 1:
            year = this_year
        values = self._prepare_portal_layout_values()
        values.update(self._family_monitoring_values(year))
        values.update(
            {
                "page_name": "family_monitoring",
                "year": year,
                "years": list(range(this_year, this_year - 5, -1)),
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_monitoring", values)

    def _family_monitoring_values(self, year):
        env = request.env
        association = self._family_association()
        date_from, date_to = date(year, 1, 1), date(year, 12, 31)
        interventions = [
            ("provider_id", "=", association.id),
            ("state", "in", COUNTED_STATES),
            ("date_start", ">=", date_from),
            ("date_start", "<=", date_to),
        ]
        Intervention = env["family.intervention"]
        total_count, total_amount = Intervention._read_group(
            interventions, [], ["__count", "amount:sum"]
        )[0]
        by_type = Intervention._read_group(
            interventions,
            ["type_id"],
            ["__count", "quantity:sum", "amount:sum"],
            order="type_id",
        )
        by_month = Intervention._read_group(
            interventions,
            ["date_start:month"],
            ["__count", "amount:sum"],
            order="date_start:month",
        )
        goals = dict(
            env["family.plan.goal"]._read_group(
                [
                    ("party_id", "=", association.id),
                    ("plan_id.state", "!=", "superseded"),
                ],
                ["progress"],
                ["__count"],
            )
        )
        Review = env["family.review"]
        invited = [("partner_ids", "in", env.user.partner_id.ids)]
        currency = env.company.currency_id
        return {
            "family_count": env["family.case"].search_count([]),
            "intervention_count": total_count,
            "intervention_amount": total_amount,
            "by_type": by_type,
            "by_month": by_month,
            "goal_count": sum(goals.values()),
            "goals": goals,
            "progress_labels": dict(
                env["family.plan.goal"]._fields["progress"]._description_selection(env)
            ),
            "review_upcoming_count": Review.search_count(
                [
                    *invited,
                    ("state", "=", "planned"),
                    ("date", ">=", fields.Datetime.now()),
                ]
            ),
            "review_held_count": Review.search_count(
                [
                    *invited,
                    ("state", "=", "done"),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            ),
            "budget": (budget := association._family_yearly_budget(year)),
            "budget_use": budget and round(100 * (total_amount or 0.0) / budget),
            "fmt_amount": lambda value: format_amount(env, value or 0.0, currency),
            "fmt_number": lambda value: formatLang(env, value or 0.0),
        }
