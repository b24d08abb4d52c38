from odoo import fields, models
from odoo.tools import SQL


class FamilyCaseIdentity(models.Model):
    """The family's name, held apart from the case.

    A read-only projection of ``family.case`` (one row per case, with the
    case's id): the name of the family is readable on the case only by the
    Comune's social service; an association reads it here, where a record
    rule opens it only for the cases whose active share opens the identity.
    """

    _name = "family.case.identity"
    _description = "Family Case Identity"
    _inherit = "family.case.projection.mixin"
    _auto = False
    # what the view reads: flushed before it is queried
    _depends = {"family.case": ["name", "company_id"]}
    _order = "id desc"
    _rec_name = "name"

    name = fields.Char(string="Family", readonly=True)

    def _family_projection_query(self):
        return SQL(
            """
            SELECT case_.id AS id,
                   case_.id AS case_id,
                   case_.name AS name,
                   case_.company_id AS company_id
              FROM family_case case_
            """
        )
