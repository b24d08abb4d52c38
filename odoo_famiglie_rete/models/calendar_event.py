from odoo import api, fields, models


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    # The link the record rule of the review meetings filters on (see
    # ir_rule.py): stored and indexed, so the rule is one sub-query on the
    # reviews, not a join per event. Derived from the event's document, which
    # the review sets when it syncs its meeting; computed, so that meetings
    # made before the field existed get it when the addon is upgraded.
    family_review_id = fields.Many2one(
        "family.review",
        string="Joint Review",
        compute="_compute_family_review_id",
        store=True,
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )

    @api.depends("res_model", "res_id")
    def _compute_family_review_id(self):
        for event in self:
            event.family_review_id = (
                event.res_id if event.res_model == "family.review" else False
            )
