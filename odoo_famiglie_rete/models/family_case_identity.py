from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists


class FamilyCaseIdentity(models.Model):
    """The family's name, held apart from the case.

    A read-only projection of ``family.case`` (one row per case, with the
    case's id): the name of the family is readable on the case only by the
    Comune's social service; an association reads it here, where a record
    rule opens it only for the cases whose active share opens the identity.
    """

    _name = "family.case.identity"
    _description = "Family Case Identity"
    _inherit = ["family.field.guard.mixin", "family.access.logged.mixin"]
    _auto = False
    # what the view reads: flushed before it is queried
    _depends = {"family.case": ["name", "company_id"]}
    _order = "id desc"
    _rec_name = "name"

    case_id = fields.Many2one("family.case", string="Family Case", readonly=True)
    name = fields.Char(string="Family", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT case_.id AS id,
                           case_.id AS case_id,
                           case_.name AS name,
                           case_.company_id AS company_id
                      FROM family_case case_
                )
                """,
                SQL.identifier(self._table),
            )
        )
