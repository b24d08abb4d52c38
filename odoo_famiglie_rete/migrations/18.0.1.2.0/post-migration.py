"""18.0.1.2.0: the intervention types that give money are entered as an amount.

The catalogue's types are loaded once (noupdate): the four types counted in
euros at 1 per unit are marked as sums of money on a database made before.
"""

from odoo import SUPERUSER_ID, api

MONEY_TYPES = (
    "intervention_type_economic_contribution",
    "intervention_type_loan",
    "intervention_type_rent",
    "intervention_type_bills",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in MONEY_TYPES:
        itype = env.ref(f"odoo_famiglie_rete.{xmlid}", raise_if_not_found=False)
        if itype and itype.unit_value == 1 and not itype.is_money:
            itype.is_money = True
