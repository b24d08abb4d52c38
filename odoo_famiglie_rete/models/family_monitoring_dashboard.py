"""The protocol's dashboard: how the joint work is going, per protocol and
period, for the social service manager.

Each figure is the count (or sum) of one domain, and its button opens the
records of that same domain, so what the screen says and what it opens
cannot differ. Every figure is one grouped query (``_read_group``), read as
the manager: the record rules apply; nothing is computed per row.
"""

from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, formatLang

# Interventions counted: everything but cancelled ones.
COUNTED_STATES = ("planned", "active", "done")


class FamilyMonitoringDashboard(models.TransientModel):
    _name = "family.monitoring.dashboard"
    _description = "Protocol Dashboard"

    protocol_id = fields.Many2one(
        "family.protocol",
        string="Protocol",
        required=True,
        default=lambda self: self._default_protocol_id(),
    )
    company_id = fields.Many2one(related="protocol_id.company_id")
    currency_id = fields.Many2one(related="protocol_id.company_id.currency_id")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: date(fields.Date.context_today(self).year, 1, 1),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    family_count = fields.Integer(
        string="Families Followed", compute="_compute_figures"
    )
    shared_family_count = fields.Integer(
        string="Families Shared", compute="_compute_figures"
    )
    new_case_count = fields.Integer(string="New Cases", compute="_compute_figures")
    closed_case_count = fields.Integer(
        string="Closed Cases", compute="_compute_figures"
    )
    intervention_count = fields.Integer(
        string="Interventions", compute="_compute_figures"
    )
    intervention_amount = fields.Monetary(
        string="Value of the Interventions", compute="_compute_figures"
    )
    budget_total = fields.Monetary(
        string="Yearly Budget of the Associations", compute="_compute_figures"
    )
    goal_count = fields.Integer(string="Goals", compute="_compute_figures")
    goal_met_count = fields.Integer(string="Goals Met", compute="_compute_figures")
    review_overdue_count = fields.Integer(
        string="Overdue Reviews", compute="_compute_figures"
    )
    overlap_count = fields.Integer(
        string="Overlaps Detected", compute="_compute_figures"
    )
    overlap_resolved_count = fields.Integer(
        string="Overlaps Resolved",
        compute="_compute_figures",
        help="Overlaps detected that stopped while the help was still planned "
        "or active (its dates or type, or the other party's help, changed), or "
        "whose help was cancelled.",
    )
    referral_count = fields.Integer(string="Referrals", compute="_compute_figures")
    referral_accepted_count = fields.Integer(
        string="Referrals Accepted or Completed", compute="_compute_figures"
    )
    days_to_take_charge = fields.Float(
        string="Days from Report to Taking in Charge",
        compute="_compute_figures",
        digits=(16, 1),
        help="On average, for the cases whose first plan was agreed in the "
        "period: the days from the report to the agreed plan.",
    )
    party_table = fields.Html(
        string="By Association", compute="_compute_figures", sanitize=False
    )

    @api.depends("protocol_id")
    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Protocol Dashboard")

    @api.model
    def _default_protocol_id(self):
        return self.env["family.protocol"].search(
            [("company_id", "in", self.env.companies.ids), ("state", "=", "active")],
            order="date_start desc, id desc",
            limit=1,
        )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for dashboard in self:
            if dashboard.date_from > dashboard.date_to:
                raise ValidationError(
                    self.env._("The period must end after it starts.")
                )

    # ------------------------------------------------------------------
    # The domain behind each figure
    # ------------------------------------------------------------------
    def _family_partners(self):
        """The protocol's associations."""
        return self.protocol_id.party_ids.partner_id

    def _family_company(self):
        return [("company_id", "=", self.protocol_id.company_id.id)]

    def _domain_families(self):
        """Cases open at some moment of the period."""
        return [
            *self._family_company(),
            ("date_intake", "<=", self.date_to),
            "|",
            ("date_closed", "=", False),
            ("date_closed", ">=", self.date_from),
        ]

    def _domain_shares(self):
        """Shares with the protocol's associations in force in the period."""
        return [
            *self._family_company(),
            ("partner_id", "in", self._family_partners().ids),
            ("date_start", "<=", self.date_to),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", self.date_from),
            "|",
            ("date_revoked", "=", False),
            ("date_revoked", ">=", self.date_from),
        ]

    def _domain_new_cases(self):
        return [
            *self._family_company(),
            ("date_intake", ">=", self.date_from),
            ("date_intake", "<=", self.date_to),
        ]

    def _domain_closed_cases(self):
        return [
            *self._family_company(),
            ("date_closed", ">=", self.date_from),
            ("date_closed", "<=", self.date_to),
        ]

    def _domain_interventions(self, states=COUNTED_STATES):
        """Interventions of the Comune and of the protocol's associations
        started in the period (not cancelled, unless ``states`` says so)."""
        providers = self._family_partners() | self.protocol_id.company_id.partner_id
        return [
            *self._family_company(),
            ("provider_id", "in", providers.ids),
            ("state", "in", states),
            ("date_start", ">=", self.date_from),
            ("date_start", "<=", self.date_to),
        ]

    def _domain_overlaps(self):
        """Overlaps detected in the period's help, those cancelled since
        included (cancelling one is a way to resolve it)."""
        return [
            *self._domain_interventions((*COUNTED_STATES, "cancelled")),
            ("overlap_detected", "=", True),
        ]

    def _domain_overlaps_resolved(self):
        """Detected, and no longer overlapping before the help was done (its
        dates or type changed, or it was cancelled)."""
        return [*self._domain_overlaps(), ("overlap_resolved", "=", True)]

    def _domain_goals(self):
        """The goals of the current plans of the Comune's cases."""
        return [*self._family_company(), ("plan_id.state", "!=", "superseded")]

    def _domain_goals_met(self):
        return [*self._domain_goals(), ("progress", "=", "met")]

    def _domain_overdue(self):
        return [*self._family_company(), ("review_overdue", "=", True)]

    def _domain_referrals(self):
        return [
            *self._family_company(),
            ("date_sent", ">=", self.date_from),
            ("date_sent", "<=", self.date_to),
        ]

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.depends("protocol_id", "date_from", "date_to")
    def _compute_figures(self):
        for dashboard in self:
            if not dashboard.protocol_id or not dashboard.date_from:
                dashboard._family_empty()
                continue
            dashboard._family_compute()

    def _family_empty(self):
        for fname, field in self._fields.items():
            if field.compute == "_compute_figures":
                self[fname] = False if field.type == "html" else 0

    @staticmethod
    def _family_count(model, domain):
        return model._read_group(domain, [], ["__count"])[0][0]

    def _family_compute(self):
        env = self.env
        Case = env["family.case"]
        Intervention = env["family.intervention"]
        Share = env["family.case.share"]
        Goal = env["family.plan.goal"]
        Referral = env["family.referral"]
        count = self._family_count
        self.family_count = count(Case, self._domain_families())
        self.shared_family_count = Share._read_group(
            self._domain_shares(), [], ["case_id:count_distinct"]
        )[0][0]
        self.new_case_count = count(Case, self._domain_new_cases())
        self.closed_case_count = count(Case, self._domain_closed_cases())
        self.intervention_count, self.intervention_amount = Intervention._read_group(
            self._domain_interventions(), [], ["__count", "amount:sum"]
        )[0]
        self.budget_total = sum(self.protocol_id.party_ids.mapped("budget"))
        self.goal_count = count(Goal, self._domain_goals())
        self.goal_met_count = count(Goal, self._domain_goals_met())
        self.review_overdue_count = count(Case, self._domain_overdue())
        self.overlap_count = count(Intervention, self._domain_overlaps())
        self.overlap_resolved_count = count(
            Intervention, self._domain_overlaps_resolved()
        )
        by_state = dict(
            Referral._read_group(self._domain_referrals(), ["state"], ["__count"])
        )
        self.referral_count = sum(by_state.values())
        self.referral_accepted_count = by_state.get("accepted", 0) + by_state.get(
            "completed", 0
        )
        self.days_to_take_charge = self._family_days_to_take_charge()
        self.party_table = self._family_party_table()

    def _family_days_to_take_charge(self):
        """The average days from the report to the first agreed plan, for
        the first plans agreed in the period: one aggregate query over the
        plans and cases the manager reads (the record rules' query)."""
        Plan = self.env["family.plan"]
        query = Plan._search(
            [
                *self._family_company(),
                ("version", "=", 1),
                ("date_agreed", ">=", self.date_from),
                ("date_agreed", "<=", self.date_to),
            ]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT AVG(plan.date_agreed - fcase.date_intake)
                  FROM family_plan plan
                  JOIN family_case fcase ON fcase.id = plan.case_id
                 WHERE plan.id IN %s
                """,
                query.subselect(),
            )
        )
        return float(rows[0][0] or 0.0) if rows else 0.0

    def _family_party_rows(self):
        """One row per association of the protocol: families shared,
        interventions and their value against the budget, goals met."""
        partners = self._family_partners()
        families = dict(
            self.env["family.case.share"]._read_group(
                self._domain_shares(), ["partner_id"], ["case_id:count_distinct"]
            )
        )
        interventions = {
            partner: (number, amount)
            for partner, number, amount in self.env["family.intervention"]._read_group(
                self._domain_interventions(),
                ["provider_id"],
                ["__count", "amount:sum"],
            )
        }
        goals = {
            (partner, progress): number
            for partner, progress, number in self.env["family.plan.goal"]._read_group(
                [*self._domain_goals(), ("party_id", "in", partners.ids)],
                ["party_id", "progress"],
                ["__count"],
            )
        }
        rows = []
        for party in self.protocol_id.party_ids:
            partner = party.partner_id
            number, amount = interventions.get(partner, (0, 0.0))
            goal_total = sum(n for (p, _pr), n in goals.items() if p == partner)
            rows.append(
                {
                    "partner": partner,
                    "families": families.get(partner, 0),
                    "interventions": number,
                    "amount": amount,
                    "budget": party.budget,
                    "budget_use": 100.0 * amount / party.budget if party.budget else 0,
                    "goals": goal_total,
                    "goals_met": goals.get((partner, "met"), 0),
                }
            )
        return rows

    def _family_party_table(self):
        rows = self._family_party_rows()
        return self.env["ir.qweb"]._render(
            "odoo_famiglie_rete.family_monitoring_party_table",
            {
                "rows": rows,
                "fmt_amount": lambda value: format_amount(
                    self.env, value or 0.0, self.currency_id
                ),
                "fmt_percent": lambda value: formatLang(self.env, value, digits=0),
            },
        )

    # ------------------------------------------------------------------
    # Each figure opens its records
    # ------------------------------------------------------------------
    def _family_open(self, model, name, domain, views="list,form", context=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": domain,
            "views": [(False, view) for view in views.split(",")],
            "context": context or {},
            "target": "current",
        }

    def action_open_families(self):
        return self._family_open(
            "family.case", self.env._("Families Followed"), self._domain_families()
        )

    def action_open_shares(self):
        return self._family_open(
            "family.case.share",
            self.env._("Families Shared by Association"),
            self._domain_shares(),
            "pivot,list,form",
            {"pivot_row_groupby": ["partner_id"], "pivot_measures": ["__count"]},
        )

    def action_open_new_cases(self):
        return self._family_open(
            "family.case", self.env._("New Cases"), self._domain_new_cases()
        )

    def action_open_closed_cases(self):
        return self._family_open(
            "family.case",
            self.env._("Closed Cases"),
            self._domain_closed_cases(),
            "list,pivot,form",
            {"pivot_row_groupby": ["closure_reason"]},
        )

    def action_open_interventions(self):
        return self._family_open(
            "family.intervention",
            self.env._("Interventions by Association and Month"),
            self._domain_interventions(),
            "pivot,graph,list,form",
            {
                "pivot_row_groupby": ["provider_id"],
                "pivot_column_groupby": ["date_start:month"],
                "pivot_measures": ["__count", "amount"],
                "graph_groupbys": ["provider_id", "category"],
            },
        )

    def action_open_goals(self):
        return self._family_open(
            "family.plan.goal",
            self.env._("Goals by Party"),
            self._domain_goals(),
            "pivot,list,form",
            {
                "pivot_row_groupby": ["party_id"],
                "pivot_column_groupby": ["progress"],
            },
        )

    def action_open_goals_met(self):
        return self._family_open(
            "family.plan.goal", self.env._("Goals Met"), self._domain_goals_met()
        )

    def action_open_overdue(self):
        return self._family_open(
            "family.case", self.env._("Overdue Reviews"), self._domain_overdue()
        )

    def action_open_overlaps(self):
        return self._family_open(
            "family.intervention",
            self.env._("Overlaps Detected"),
            self._domain_overlaps(),
        )

    def action_open_overlaps_resolved(self):
        return self._family_open(
            "family.intervention",
            self.env._("Overlaps Resolved"),
            self._domain_overlaps_resolved(),
        )

    def action_open_referrals(self):
        return self._family_open(
            "family.referral",
            self.env._("Referrals by Status"),
            self._domain_referrals(),
            "graph,list,form",
            {"graph_groupbys": ["state"]},
        )

    def action_open_parties(self):
        return self._family_open(
            "family.protocol.party",
            self.env._("Budget of the Associations"),
            [("protocol_id", "=", self.protocol_id.id)],
            "list,form",
            {"family_budget_year": self.date_to.year},
        )
