from odoo import fields, models
from odoo.tools import SQL


class FamilyCaseNeeds(models.Model):
    """The need areas of a family, held apart from the case.

    A read-only projection of ``family.case`` (one row per case, with the
    case's id) over the case's own relation table: an association reads the
    need areas here, where a record rule opens them only for the cases whose
    active share opens the needs.
    """

    _name = "family.case.needs"
    _description = "Family Case Needs"
    _inherit = "family.case.projection.mixin"
    _auto = False
    # what the view reads: flushed before it is queried
    _depends = {"family.case": ["company_id", "need_area_ids"]}
    _order = "id desc"
    _rec_name = "case_id"

    need_area_ids = fields.Many2many(
        "family.need.area",
        relation="family_case_family_need_area_rel",
        column1="family_case_id",
        column2="family_need_area_id",
        string="Need Areas",
        readonly=True,
    )

    def _family_projection_query(self):
        return SQL(
            """
            SELECT case_.id AS id,
                   case_.id AS case_id,
                   case_.company_id AS company_id
              FROM family_case case_
            """
        )
