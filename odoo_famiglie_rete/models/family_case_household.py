from odoo import api, fields, models
from odoo.tools import SQL

from .family_case_member import GENDERS, RELATIONS

AGE_BANDS = [
    ("0_2", "0-2"),
    ("3_5", "3-5"),
    ("6_10", "6-10"),
    ("11_13", "11-13"),
    ("14_17", "14-17"),
    ("18_24", "18-24"),
    ("25_44", "25-44"),
    ("45_64", "45-64"),
    ("65_plus", "65+"),
    ("unknown", "Unknown"),
]


class FamilyCaseHousehold(models.Model):
    """The household's composition, apart from who its members are.

    A read-only projection of the active members of ``family.case.member``
    (one row per member, same id) holding only what a share's *household
    composition* opens to an association: the relation to the reference
    person, the age band, the sex and whether the member is a minor. Never a
    name, a codice fiscale, a date of birth, a note or a link to the person's
    contact. The record rules filter it by the share's ``share_household``.
    """

    _name = "family.case.household"
    _description = "Household Composition"
    _inherit = "family.case.projection.mixin"
    _auto = False
    # what the view reads: flushed before it is queried
    _depends = {
        "family.case.member": [
            "case_id",
            "company_id",
            "sequence",
            "relation",
            "gender",
            "birthdate",
            "active",
        ]
    }
    _order = "case_id, sequence, id"

    sequence = fields.Integer(readonly=True)
    relation = fields.Selection(
        RELATIONS, string="Relation to the Reference Person", readonly=True
    )
    gender = fields.Selection(GENDERS, string="Sex", readonly=True)
    age_band = fields.Selection(AGE_BANDS, readonly=True)
    is_minor = fields.Boolean(string="Minor", readonly=True)

    @api.depends("relation", "age_band")
    def _compute_display_name(self):
        relations = dict(self._fields["relation"]._description_selection(self.env))
        bands = dict(self._fields["age_band"]._description_selection(self.env))
        for row in self:
            row.display_name = " - ".join(
                filter(None, [relations.get(row.relation), bands.get(row.age_band)])
            )

    @api.model
    def _age_band_sql(self):
        """The age band of a member, from its date of birth, today."""
        age = SQL("date_part('year', age(CURRENT_DATE, m.birthdate))")
        bounds = [
            (2, "0_2"),
            (5, "3_5"),
            (10, "6_10"),
            (13, "11_13"),
            (17, "14_17"),
            (24, "18_24"),
            (44, "25_44"),
            (64, "45_64"),
        ]
        whens = SQL(" ").join(
            SQL("WHEN %s <= %s THEN %s", age, upper, band) for upper, band in bounds
        )
        return SQL(
            "CASE WHEN m.birthdate IS NULL THEN 'unknown' %s ELSE '65_plus' END",
            whens,
        )

    def _family_projection_query(self):
        return SQL(
            """
            SELECT m.id,
                   m.case_id,
                   m.company_id,
                   m.sequence,
                   m.relation,
                   m.gender,
                   %s AS age_band,
                   COALESCE(
                       m.birthdate > CURRENT_DATE - INTERVAL '18 years',
                       FALSE
                   ) AS is_minor
              FROM family_case_member m
             WHERE m.active
            """,
            self._age_band_sql(),
        )
