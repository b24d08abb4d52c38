"""The yearly joint-monitoring report of a protocol, for its monitoring table
and the Giunta: aggregates only, with small cells suppressed.

The figures are computed once, when the report is generated (on demand or by
the yearly job on 1 January for the year just ended), from the same domains as
the protocol's dashboard, in grouped queries. What is kept is already
suppressed: a count below the Comune's minimum (5 by default) is replaced by
``None`` together with the amounts it would reveal; in a table with a total,
a single suppressed row would be found back from the total, so the smallest
other row is suppressed with it. No name of a family, member or case, and no
case reference, is ever read into the report.
"""

import base64
import io
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, formatLang
from odoo.tools.misc import xlsxwriter

MANAGER = "odoo_famiglie_rete.group_family_manager"


def suppress(count, minimum):
    """A count, or None when it is small enough to recognise a family."""
    return None if 0 < (count or 0) < minimum else (count or 0)


def suppress_rows(rows, minimum, count_index=1):
    """Suppress the small rows of a table whose total is shown.

    ``rows``: lists whose column ``count_index`` is the count and the columns
    after it the values it would reveal. A row whose count is small loses them
    all; when a single row is suppressed, the smallest other non-empty row is
    suppressed too (otherwise the total gives it back).
    """
    small = [row for row in rows if 0 < row[count_index] < minimum]
    if len(small) == 1:
        others = sorted(
            (row for row in rows if row not in small and row[count_index] > 0),
            key=lambda row: row[count_index],
        )
        small += others[:1]
    for row in small:
        for index in range(count_index, len(row)):
            row[index] = None
    return rows


class FamilyMonitoringReport(models.Model):
    _name = "family.monitoring.report"
    _description = "Yearly Joint-Monitoring Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    protocol_id = fields.Many2one(
        "family.protocol",
        string="Protocol",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="protocol_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year - 1
    )
    state = fields.Selection(
        [("draft", "Draft"), ("generated", "Generated")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    min_count = fields.Integer(
        string="Minimum Count",
        readonly=True,
        help="Cells counting fewer families or interventions than this were "
        "suppressed (the Comune's setting when the report was generated).",
    )
    date_generated = fields.Datetime(string="Generated On", readonly=True)
    data = fields.Json(readonly=True, copy=False)
    xlsx_file = fields.Binary(string="Workbook", attachment=True, readonly=True)
    xlsx_name = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "protocol_year_uniq",
            "unique (protocol_id, year)",
            "A protocol has one monitoring report per year.",
        )
    ]

    @api.depends("protocol_id", "year")
    @api.depends_context("lang")
    def _compute_name(self):
        for report in self:
            report.name = self.env._(
                "Monitoring %(protocol)s %(year)s",
                protocol=report.protocol_id.name or "",
                year=report.year or "",
            )

    @api.constrains("year")
    def _check_year(self):
        for report in self:
            if not 2000 <= report.year <= 2100:
                raise ValidationError(
                    self.env._("Enter the year in four digits (e.g. 2025).")
                )

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    def action_generate(self):
        """Compute the figures of the year, suppress small cells, write the
        workbook. Generating again replaces them."""
        for report in self:
            if not report.protocol_id:
                raise UserError(self.env._("Choose the protocol."))
            minimum = report.company_id.family_report_min_count or 1
            lang = report.company_id.partner_id.lang or self.env.lang
            data = report.with_context(lang=lang)._family_compute(minimum)
            report.write(
                {
                    "data": data,
                    "min_count": minimum,
                    "state": "generated",
                    "date_generated": fields.Datetime.now(),
                }
            )
            report.write(
                {
                    "xlsx_file": base64.b64encode(
                        report.with_context(lang=lang)._family_xlsx()
                    ),
                    "xlsx_name": f"{report.name}.xlsx".replace("/", "-"),
                }
            )
        return True

    def _family_dashboard(self):
        """The dashboard's domains over the report's year (in memory)."""
        self.ensure_one()
        return self.env["family.monitoring.dashboard"].new(
            {
                "protocol_id": self.protocol_id.id,
                "date_from": date(self.year, 1, 1),
                "date_to": date(self.year, 12, 31),
            }
        )

    def _family_compute(self, minimum):
        """The report's tables, already suppressed (a JSON document)."""
        env = self.env
        board = self._family_dashboard()
        Case = env["family.case"]
        Intervention = env["family.intervention"]
        Goal = env["family.plan.goal"]
        Referral = env["family.referral"]

        def count(model, domain):
            return model._read_group(domain, [], ["__count"])[0][0]

        def labels(model, fname):
            return dict(model._fields[fname]._description_selection(env))

        families = [
            [env._("Families followed"), count(Case, board._domain_families())],
            [env._("New cases"), count(Case, board._domain_new_cases())],
            [env._("Closed cases"), count(Case, board._domain_closed_cases())],
        ]
        for row in families:
            row[1] = suppress(row[1], minimum)
        reasons = labels(Case, "closure_reason")
        closures = suppress_rows(
            [
                [reasons.get(reason, env._("Not given")), number]
                for reason, number in Case._read_group(
                    board._domain_closed_cases(), ["closure_reason"], ["__count"]
                )
            ],
            minimum,
        )
        shares = dict(
            env["family.case.share"]._read_group(
                board._domain_shares(), ["partner_id"], ["case_id:count_distinct"]
            )
        )
        by_provider = {
            partner: (number, amount)
            for partner, number, amount in Intervention._read_group(
                board._domain_interventions(),
                ["provider_id"],
                ["__count", "amount:sum"],
            )
        }
        parties = [self.company_id.partner_id, *board._family_partners()]
        associations = [
            [
                partner.name,
                suppress(shares.get(partner, 0), minimum),
                *by_provider.get(partner, (0, 0.0)),
            ]
            for partner in parties
        ]
        # the interventions' columns: suppressed (with their totals) together
        suppress_rows(associations, minimum, count_index=2)
        categories = labels(Intervention, "category")
        by_category = suppress_rows(
            [
                [categories.get(category, ""), number, amount]
                for category, number, amount in Intervention._read_group(
                    board._domain_interventions(),
                    ["category"],
                    ["__count", "amount:sum"],
                    order="category",
                )
            ],
            minimum,
        )
        by_month = suppress_rows(
            [
                [month.strftime("%m/%Y"), number, amount]
                for month, number, amount in Intervention._read_group(
                    board._domain_interventions(),
                    ["date_start:month"],
                    ["__count", "amount:sum"],
                    order="date_start:month",
                )
            ],
            minimum,
        )
        total_count, total_amount = Intervention._read_group(
            board._domain_interventions(), [], ["__count", "amount:sum"]
        )[0]
        progress = labels(Goal, "progress")
        goal_counts = {
            (partner, state): number
            for partner, state, number in Goal._read_group(
                board._domain_goals(), ["party_id", "progress"], ["__count"]
            )
        }
        goals = [
            [
                partner.name,
                *(
                    suppress(goal_counts.get((partner, key), 0), minimum)
                    for key in progress
                ),
            ]
            for partner in parties
        ]
        states = labels(Referral, "state")
        referrals = suppress_rows(
            [
                [states.get(state, ""), number]
                for state, number in Referral._read_group(
                    board._domain_referrals(), ["state"], ["__count"], order="state"
                )
            ],
            minimum,
        )
        taken = count(
            env["family.plan"],
            [
                *board._family_company(),
                ("version", "=", 1),
                ("date_agreed", ">=", board.date_from),
                ("date_agreed", "<=", board.date_to),
            ],
        )
        days = board._family_days_to_take_charge() if taken >= minimum else None
        return {
            "min_count": minimum,
            "families": families,
            "closures": closures,
            "associations": associations,
            "categories": by_category,
            "months": by_month,
            "total": [suppress(total_count, minimum), total_amount],
            "progress": list(progress.values()),
            "goals": goals,
            "referrals": referrals,
            "days_to_take_charge": days,
        }

    # ------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------
    def _family_cell(self, value, money=False):
        """A cell as printed: a suppressed one says so."""
        self.ensure_one()
        if value is None:
            if money:
                # the value of a suppressed count: not disclosed
                return self.env._("n.d.")
            return self.env._("< %(minimum)s", minimum=self.min_count)
        if money:
            return format_amount(self.env, value, self.currency_id)
        if isinstance(value, float):
            return formatLang(self.env, value, digits=1)
        return str(value)

    def _family_tables(self):
        """(title, header, rows, money columns) of each table, for the PDF
        and the workbook."""
        self.ensure_one()
        data = self.data or {}
        _ = self.env._
        tables = [
            (_("Families"), [_("Figure"), _("Count")], data.get("families", []), ()),
            (
                _("Closed Cases by Reason"),
                [_("Reason"), _("Cases")],
                data.get("closures", []),
                (),
            ),
            (
                _("By Party"),
                [
                    _("Party"),
                    _("Families Shared"),
                    _("Interventions"),
                    _("Value"),
                ],
                data.get("associations", []),
                (3,),
            ),
            (
                _("Interventions by Category"),
                [_("Category"), _("Interventions"), _("Value")],
                data.get("categories", []),
                (2,),
            ),
            (
                _("Interventions by Month"),
                [_("Month"), _("Interventions"), _("Value")],
                data.get("months", []),
                (2,),
            ),
            (
                _("Goals by Party"),
                [_("Party"), *data.get("progress", [])],
                data.get("goals", []),
                (),
            ),
            (
                _("Referrals by Status"),
                [_("Status"), _("Referrals")],
                data.get("referrals", []),
                (),
            ),
        ]
        return tables

    def _family_xlsx(self):
        """The workbook: one sheet per table, the suppressed cells marked."""
        self.ensure_one()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        data = self.data or {}
        summary = workbook.add_worksheet(self.env._("Summary")[:31])
        summary.set_column(0, 0, 45)
        summary.set_column(1, 1, 18)
        lines = [
            (self.env._("Protocol"), self.protocol_id.name),
            (self.env._("Year"), self.year),
            (self.env._("Minimum Count"), self.min_count),
            (
                self.env._("Interventions"),
                self._family_cell(data.get("total", [0])[0]),
            ),
            (
                self.env._("Days from Report to Taking in Charge"),
                self._family_cell(data.get("days_to_take_charge")),
            ),
        ]
        for line, (label, value) in enumerate(lines):
            summary.write(line, 0, label, bold)
            summary.write(line, 1, value)
        summary.write(
            len(lines) + 1,
            0,
            self.env._(
                "Aggregates only. A cell counting fewer than %(minimum)s is "
                "suppressed so that no family can be recognised.",
                minimum=self.min_count,
            ),
        )
        for title, header, rows, money_columns in self._family_tables():
            sheet = workbook.add_worksheet(title[:31])
            sheet.set_column(0, 0, 35)
            sheet.set_column(1, len(header), 16)
            for col, label in enumerate(header):
                sheet.write(0, col, label, bold)
            for line, row in enumerate(rows, start=1):
                for col, value in enumerate(row):
                    if value is None:
                        sheet.write(
                            line, col, self._family_cell(None, col in money_columns)
                        )
                    elif col in money_columns:
                        sheet.write_number(line, col, value, money)
                    elif isinstance(value, int | float):
                        sheet.write_number(line, col, value)
                    else:
                        sheet.write(line, col, value)
        workbook.close()
        return output.getvalue()

    def action_download_xlsx(self):
        self.ensure_one()
        if not self.xlsx_file:
            raise UserError(self.env._("Generate the report first."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/xlsx_file/"
            f"{self.xlsx_name}?download=true",
            "target": "download",
        }

    def action_print_pdf(self):
        self.ensure_one()
        if self.state != "generated":
            raise UserError(self.env._("Generate the report first."))
        return self.env.ref(
            "odoo_famiglie_rete.action_report_family_monitoring_report"
        ).report_action(self)

    # ------------------------------------------------------------------
    # The yearly job
    # ------------------------------------------------------------------
    @api.model
    def _cron_generate_last_year(self):
        """On 1 January: the report of the year just ended for every protocol
        in force during it, with a to-do for the managers of its Comune."""
        year = fields.Date.context_today(self).year - 1
        protocols = self.env["family.protocol"].search(
            [
                ("state", "in", ("active", "expired")),
                ("date_start", "<=", date(year, 12, 31)),
                ("date_end", ">=", date(year, 1, 1)),
            ]
        )
        existing = self.search(
            [("protocol_id", "in", protocols.ids), ("year", "=", year)]
        )
        todo = existing | self.create(
            [
                {"protocol_id": protocol.id, "year": year}
                for protocol in protocols - existing.protocol_id
            ]
        )
        todo.action_generate()
        managers = self.env.ref(MANAGER).users.filtered(lambda user: not user.share)
        deadline = fields.Date.context_today(self)
        for report in todo:
            for user in managers.filtered(
                lambda u, report=report: report.company_id in u.company_ids
            ):
                report.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=deadline,
                    summary=self.env._("Review the yearly monitoring report"),
                    user_id=user.id,
                )
        return todo
