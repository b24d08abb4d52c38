import logging
from collections import defaultdict

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import format_date

_logger = logging.getLogger(__name__)


class FamilyCompensation(models.Model):
    """A statement's vendor bill: its journal and account, one line per
    intervention type (or instalment), and the statement's PDF attached."""

    _inherit = "family.compensation"

    def _family_journal(self):
        self.ensure_one()
        journal = self.party_id.journal_id or self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "purchase"),
            ],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "Set the purchase journal in the compensation terms of "
                    "%(association)s.",
                    association=self.partner_id.display_name,
                )
            )
        return journal

    def _family_bill_line_vals(self, account):
        """One bill line per intervention type, or per instalment."""
        self.ensure_one()
        analytic = (
            {str(self.party_id.analytic_account_id.id): 100}
            if self.party_id.analytic_account_id
            else False
        )
        common = {
            "account_id": account.id,
            "analytic_distribution": analytic,
            "tax_ids": [Command.clear()],
        }
        if self.compensation_mode == "contribution":
            return [
                {**common, "name": line.name, "quantity": 1, "price_unit": line.amount}
                for line in self.line_ids.sorted("date")
            ]
        by_type = defaultdict(lambda: [0.0, 0.0, 0, set()])
        # volunteers' expenses (no type) are one line of their own
        for line in self.line_ids:
            group = by_type[line.type_id]
            group[0] += line.quantity
            group[1] += line.amount
            group[2] += 1
            group[3].add(line.unit_price)
        vals_list = []
        for type_, (quantity, amount, count, prices) in sorted(
            by_type.items(), key=lambda item: (not item[0], item[0].name or "")
        ):
            if type_:
                name = self.env._(
                    "%(type)s, %(period)s (interventions: %(count)s)",
                    type=type_.name,
                    count=count,
                    period=self._family_period_label(),
                )
            else:
                name = self.env._(
                    "Volunteers' expenses, %(period)s (documents: %(count)s)",
                    count=count,
                    period=self._family_period_label(),
                )
            price = prices.pop() if len(prices) == 1 else None
            if (
                price is not None
                and self.compensation_mode == "rate"
                and not self.currency_id.compare_amounts(quantity * price, amount)
            ):
                vals_list.append(
                    {**common, "name": name, "quantity": quantity, "price_unit": price}
                )
            else:
                vals_list.append(
                    {**common, "name": name, "quantity": 1, "price_unit": amount}
                )
        return vals_list

    def _family_period_label(self):
        """The period, with dates in the reader's language (01/01/2026)."""
        self.ensure_one()
        return (
            f"{format_date(self.env, self.date_from)} - "
            f"{format_date(self.env, self.date_to)}"
        )

    def _family_create_bill(self):
        self.ensure_one()
        journal = self._family_journal()
        account = self.party_id.expense_account_id or journal.default_account_id
        if not account:
            raise UserError(
                self.env._(
                    "Set the expense account in the compensation terms of "
                    "%(association)s.",
                    association=self.partner_id.display_name,
                )
            )
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": self.date,
                    "ref": self.name,
                    "invoice_origin": self.name,
                    "narration": self._family_bill_narration(),
                    "currency_id": self.currency_id.id,
                    "invoice_line_ids": [
                        Command.create(vals)
                        for vals in self.with_context(
                            lang=self.partner_id.lang or self.env.lang
                        )._family_bill_line_vals(account)
                    ],
                }
            )
        )
        self.move_id = move
        self._family_attach_statement(move)
        return move

    def _family_bill_narration(self):
        """The legal basis in the bill's terms: instrument, act, CIG."""
        self.ensure_one()
        label = self.with_context(
            lang=self.partner_id.lang or self.env.lang
        ).instrument_label
        if not label:
            return False
        return self.env._("Legal basis: %(label)s", label=label)

    def _family_statement_file(self):
        """The statement's PDF (HTML where wkhtmltopdf is not installed)."""
        self.ensure_one()
        report = "odoo_famiglie_rete.action_report_family_compensation"
        Report = self.env["ir.actions.report"].with_context(
            lang=self.partner_id.lang or self.env.lang
        )
        if Report.get_wkhtmltopdf_state() == "install":
            _logger.info(
                "wkhtmltopdf is missing: statement %s attached as HTML", self.id
            )
            content, kind = Report._render_qweb_html(report, self.ids)
        else:
            content, kind = Report._render_qweb_pdf(report, self.ids)
        if kind == "pdf":
            return f"{self.name}.pdf".replace("/", "_"), content, "application/pdf"
        return f"{self.name}.html".replace("/", "_"), content, "text/html"

    def _family_attach_statement(self, move):
        self.ensure_one()
        name, content, mimetype = self._family_statement_file()
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "mimetype": mimetype,
                "res_model": "account.move",
                "res_id": move.id,
            }
        )
        attachments = attachment | self._family_copy_documents(move)
        move.with_context(no_new_invoice=True).message_post(
            body=self.env._("Compensation statement %(name)s", name=self.name),
            attachment_ids=attachments.ids,
        )
        return attachment

    def _family_copy_documents(self, move):
        """The supporting documents of the reimbursed costs, attached to the
        bill: the accounting keeps them with the payment they justify."""
        self.ensure_one()
        documents = (
            self.sudo()._family_documents()
            if self.compensation_mode == "reimbursement"
            else None
        )
        if not documents:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].create(
            [
                {
                    "name": document.file_name
                    or f"{document.display_name}.pdf".replace("/", "_"),
                    "datas": document.file,
                    "res_model": "account.move",
                    "res_id": move.id,
                }
                for document in documents.with_context(bin_size=False)
            ]
        )

    def action_open_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
