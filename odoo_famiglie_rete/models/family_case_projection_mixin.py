from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists


class FamilyCaseProjectionMixin(models.AbstractModel):
    """A read-only projection of a family's records, for the associations.

    An SQL view (``_auto = False`` on the model) over one of the addon's
    tables, holding only what one category of a share opens: the record
    rules filter it by that category, the field guard refuses what the user
    may not read, and reads are logged. Each projection gives its
    ``_depends`` (what is flushed before the view is queried) and its query.
    """

    _name = "family.case.projection.mixin"
    _description = "Projection of a Family Case"
    _inherit = ["family.field.guard.mixin", "family.access.logged.mixin"]

    case_id = fields.Many2one("family.case", string="Family Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def _family_projection_query(self):
        """The view's ``SELECT``, as an :class:`odoo.tools.SQL`."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._family_projection_query(),
            )
        )
