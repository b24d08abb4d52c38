"""The minutes of a joint review: participants, decisions, the outcome and
measured value of each goal, the date of the next review.

Read as the reader, like the pack: an invited association gets the outcomes
of its own goals and never the Comune's minutes (a field of the social
service); the social worker gets everything.
"""

from odoo import api, models

SOCIAL_SERVICE = "odoo_famiglie_rete.group_family_social_worker"


class ReportFamilyReviewMinutes(models.AbstractModel):
    _name = "report.odoo_famiglie_rete.report_family_review_minutes"
    _description = "Joint Review Minutes"

    @api.model
    def _get_report_values(self, docids, data=None):
        reviews = self.env["family.review"].browse(docids)
        reviews.check_access("read")
        Pack = self.env["report.odoo_famiglie_rete.report_family_review_pack"]
        values = Pack._family_values(reviews, [], "family.review")
        social_service = self.env.user.has_group(SOCIAL_SERVICE)
        minutes = []
        for review in reviews:
            outcomes = Pack._family_outcomes(review)
            parties = {
                row["id"]: row["party_id"] and row["party_id"][1]
                for row in outcomes.read(["party_id"])
            }
            header = review.read(["case_id", "user_id"])[0]
            minutes.append(
                {
                    "review": review,
                    "reference": header["case_id"] and header["case_id"][1],
                    "organiser": header["user_id"] and header["user_id"][1],
                    "invited": Pack._family_invited(review),
                    "outcomes": [(o, parties[o.id]) for o in outcomes],
                    # the Comune's own record of the meeting
                    "minutes": review.minutes if social_service else False,
                }
            )
        values["minutes"] = minutes
        return values
