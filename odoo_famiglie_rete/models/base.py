from odoo import models


class Base(models.AbstractModel):
    _inherit = "base"

    def _apply_ir_rules(self, query, mode="read"):
        """The addon's models take their rules' SQL from a cache
        (``ir.rule._family_rules_sql``); the others, and a domain that cannot
        be cached, are translated by Odoo at each search."""
        if self.env.su or not self._name.startswith("family."):
            return super()._apply_ir_rules(query, mode)
        where = self.env["ir.rule"]._family_rules_sql(self._name, mode)
        if where is None:
            return super()._apply_ir_rules(query, mode)
        if where:
            query.add_where(where)
