from odoo import api, fields, models
from odoo.exceptions import UserError


class FamilyCaseChildMixin(models.AbstractModel):
    """A record belonging to a family case: read-only once the case is closed.

    Every model with a ``case_id`` inherits it (members, interventions, plans,
    goals, reviews and their outcomes, referrals, shares). Creating a record in
    a closed case, changing one, moving one into a closed case (through
    ``case_id`` or the parent field its related ``case_id`` follows, such as
    ``plan_id``) and deleting one are refused with the same message. Only the
    retention job, running as superuser with ``family_allow_closed`` in its
    context, may still anonymise them: a context alone, which any RPC caller
    can send, is not enough.
    """

    _name = "family.case.child.mixin"
    # a record of a family: its fields guarded, its reads logged, what an
    # association may write listed
    _inherit = [
        "family.field.guard.mixin",
        "family.access.logged.mixin",
        "family.portal.write.mixin",
    ]
    _description = "Record of a Family Case"
    _check_company_auto = True

    # The case a record belongs to; a model whose case follows a parent (a
    # goal's plan, an outcome's review) makes it related to the parent's.
    case_id = fields.Many2one(
        "family.case",
        string="Family Case",
        required=True,
        index=True,
        ondelete="cascade",
    )
    # the case's Comune, stored: the multi-company rules and lists filter on it
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)

    # The chatter's own fields stay writable on a record of a closed case.
    _family_closed_writable = frozenset(
        {"message_main_attachment_id", "message_follower_ids", "activity_ids"}
    )

    @api.model
    def _family_closed_allowed(self):
        """The retention job may change closed cases (superuser only)."""
        return self.env.su and bool(self.env.context.get("family_allow_closed"))

    @api.model
    def _family_case_fields(self):
        """The fields whose value decides the case of a record.

        ``case_id`` and, when ``case_id`` is related, the first field of its
        path (``plan_id`` for goals, ``review_id`` for outcomes).
        """
        related = self._fields["case_id"].related
        names = {"case_id"}
        if related:
            names.add(related.split(".")[0])
        return names

    @api.model
    def _family_cases_of_vals(self, vals_list):
        """The cases that the values of ``vals_list`` put records into.

        Read in one go for a whole batch of values.
        """
        cases = self.env["family.case"].sudo()
        for fname in self._family_case_fields():
            field = self._fields[fname]
            if field.type != "many2one" or field.related:
                # a related case_id writes its parent, which checks itself
                continue
            ids = {vals[fname] for vals in vals_list if vals.get(fname)}
            if ids:
                targets = self.env[field.comodel_name].sudo().browse(ids)
                cases |= targets if targets._name == "family.case" else targets.case_id
        return cases

    @api.model
    def _family_check_cases_open(self, cases):
        """Refuse the change when one of ``cases`` is closed."""
        if self._family_closed_allowed():
            return
        closed = cases.sudo().filtered("is_closed")
        if closed:
            raise UserError(
                self.env._(
                    "The case %(case)s is closed: its records can no longer be "
                    "created, changed or deleted.",
                    case=closed[0].reference,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # Before: nothing is written (nor checked) in a closed case; after:
        # the case may come from a default.
        self._family_check_cases_open(self._family_cases_of_vals(vals_list))
        records = super().create(vals_list)
        self._family_check_cases_open(records.sudo().case_id)
        return records

    def write(self, vals):
        if set(vals) - self._family_closed_writable and not (
            self._family_closed_allowed()
        ):
            self._family_check_cases_open(
                self.sudo().case_id | self._family_cases_of_vals([vals])
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_case(self):
        if not self._family_closed_allowed():
            self._family_check_cases_open(self.sudo().case_id)
