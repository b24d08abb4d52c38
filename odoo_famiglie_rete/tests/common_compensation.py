from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common_network import FamilyNetworkCommon

FINANCE = "odoo_famiglie_rete.group_family_finance"


class CompensationCommon(FamilyNetworkCommon):
    """Accounting set up on the generic chart, terms for two associations.

    San Vincenzo (assoc_a) is paid a rate per type, Auser (assoc_b) the
    documented costs. A finance clerk and a manager do the work.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        if not company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
        Account = cls.env["account.account"]
        cls.expense_account = Account.create(
            {
                "name": "Contributi ad associazioni",
                "code": "650900",
                "account_type": "expense",
            }
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Compensi associazioni", "code": "COMP", "type": "purchase"}
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Servizi sociali"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Rete famiglie", "plan_id": plan.id}
        )
        cls.finance = new_test_user(cls.env, login="fin_comp", groups=FINANCE)
        cls.manager = new_test_user(
            cls.env,
            login="mgr_comp",
            groups="odoo_famiglie_rete.group_family_manager",
        )
        cls.party_a = cls.protocol.party_ids.filtered(
            lambda p: p.partner_id == cls.assoc_a
        )
        cls.party_b = cls.protocol.party_ids.filtered(
            lambda p: p.partner_id == cls.assoc_b
        )
        accounting = {
            "expense_account_id": cls.expense_account.id,
            "analytic_account_id": cls.analytic.id,
            "journal_id": cls.journal.id,
        }
        cls.party_a.write(
            {
                "compensation_mode": "rate",
                "budget": 1000.0,
                "rate_ids": [
                    Command.create({"type_id": cls.type_parcel.id, "rate": 10.0}),
                    Command.create({"type_id": cls.type_voucher.id, "rate": 25.0}),
                ],
                **accounting,
            }
        )
        cls.party_b.write(
            {"compensation_mode": "reimbursement", "budget": 5000.0, **accounting}
        )

    def _done(self, provider, start, type_=None, **vals):
        return self._intervention(provider, start, type_=type_, state="done", **vals)

    def _statement(self, party, date_from=None, date_to=None, user=None):
        statement = (
            self.env["family.compensation"]
            .with_user(user or self.finance)
            .create(
                {
                    "party_id": party.id,
                    "date_from": date_from or date(2024, 1, 1),
                    "date_to": date_to or date(2024, 12, 31),
                    "date": date_to or date(2024, 12, 31),
                }
            )
        )
        statement.action_compute_lines()
        return statement
