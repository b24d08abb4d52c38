from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.sql import drop_index, index_exists
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# "the active shares of my association": see FamilyCaseShare.init
SHARE_INDEX = "family_case_share_partner_state_case_include_index"

# The categories of data a share can open to an association.
SHARE_CATEGORIES = (
    "share_identity",
    "share_household",
    "share_needs",
    "share_goals",
    "share_other_interventions",
    "share_documents",
)


class FamilyCaseShare(models.Model):
    _name = "family.case.share"
    _description = "Case Sharing and Consent"
    _family_created_message = _lt("Share created")
    _inherit = ["mail.thread", "family.case.child.mixin"]
    _order = "case_id, date_start desc, id desc"

    # A coordinator chooses which of the association's volunteers follow the
    # family (the record rules let only coordinators write their own shares).
    _family_portal_write_fields = frozenset({"volunteer_user_ids"})

    case_id = fields.Many2one(check_company=True)
    # The case's restriction, kept on the share so that every association
    # rule (``family_shares``) is answered from the shares alone, without
    # visiting the cases table: a restricted case opens nothing.
    case_restricted = fields.Boolean(
        string="Restricted Case",
        related="case_id.restricted",
        store=True,
        groups="odoo_famiglie_rete.group_family_social_worker",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Association",
        required=True,
        index=True,
        tracking=True,
        domain=[("is_family_network_member", "=", True), ("is_company", "=", True)],
    )
    legal_basis = fields.Selection(
        [("consent", "Consent"), ("public_task", "Public Task")],
        required=True,
        default="consent",
        tracking=True,
    )
    consent_date = fields.Date(string="Consent Given On", tracking=True)
    # the signed consent names the family: the social service's document only
    consent_document = fields.Binary(
        string="Signed Consent",
        attachment=True,
        groups="odoo_famiglie_rete.group_family_social_worker",
    )
    consent_document_name = fields.Char(
        groups="odoo_famiglie_rete.group_family_social_worker"
    )
    share_identity = fields.Boolean(string="Identity and Contacts", default=True)
    share_household = fields.Boolean(string="Household Composition", default=True)
    share_needs = fields.Boolean(string="Needs", default=True)
    share_goals = fields.Boolean(
        string="Goals Assigned to the Association", default=True
    )
    share_other_interventions = fields.Boolean(
        string="Interventions of Other Parties", default=False
    )
    share_documents = fields.Boolean(string="Documents", default=False)
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Until", tracking=True)
    revoked = fields.Boolean(readonly=True, copy=False, tracking=True)
    date_revoked = fields.Date(string="Revoked On", readonly=True, copy=False)
    revoke_reason = fields.Text(
        string="Reason for Revocation",
        copy=False,
        groups="odoo_famiglie_rete.group_family_social_worker",
    )
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("active", "Active"),
            ("expired", "Ended"),
            ("revoked", "Revoked"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    volunteer_user_ids = fields.Many2many(
        "res.users",
        "family_case_share_volunteer_rel",
        "share_id",
        "user_id",
        string="Assigned Volunteers",
        domain="[('share', '=', True), ('commercial_partner_id', '=', partner_id)]",
        help="The volunteers of the association who follow this family.",
    )

    def init(self):
        # Every association rule asks for "the active shares of my
        # association, of a case that is not restricted" and wants their
        # cases (and, for a volunteer, the shares naming them): served from
        # this index alone (an index-only scan, the restricted flag and the
        # share's id carried in it), for the portal's family list, its pager
        # and the ``/my`` counters at 100,000 cases.
        drop_index(
            self.env.cr, "family_case_share_partner_state_case_index", self._table
        )
        if not index_exists(self.env.cr, SHARE_INDEX):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (partner_id, state, case_id) "
                    "INCLUDE (case_restricted, id)",
                    SQL.identifier(SHARE_INDEX),
                    SQL.identifier(self._table),
                )
            )

    @api.depends("revoked", "date_start", "date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for share in self:
            if share.revoked:
                share.state = "revoked"
            elif share.date_end and share.date_end < today:
                share.state = "expired"
            elif share.date_start and share.date_start > today:
                share.state = "scheduled"
            else:
                share.state = "active"

    @api.depends("case_id", "partner_id")
    def _compute_display_name(self):
        for share in self:
            share.display_name = self.env._(
                "%(case)s shared with %(association)s",
                case=share.case_id.reference or "",
                association=share.partner_id.name or "",
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for share in self:
            if share.date_end and share.date_end < share.date_start:
                raise ValidationError(
                    self.env._("The end of the share cannot be before its start.")
                )

    @api.constrains("legal_basis", "consent_date")
    def _check_consent(self):
        for share in self:
            if share.legal_basis == "consent" and not share.consent_date:
                raise ValidationError(
                    self.env._(
                        "A share based on consent needs the date the consent was given."
                    )
                )

    @api.constrains("volunteer_user_ids", "partner_id")
    def _check_volunteers(self):
        for share in self:
            strangers = share.volunteer_user_ids.filtered(
                lambda u, s=share: u.commercial_partner_id != s.partner_id
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of %(association)s.",
                        user=strangers[0].name,
                        association=share.partner_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        shares = super().create(vals_list)
        for share in shares:
            if not share.partner_id._family_has_active_protocol(share.company_id):
                raise ValidationError(
                    self.env._(
                        "%(association)s is not a member of an active protocol: the "
                        "case cannot be shared with it.",
                        association=share.partner_id.name,
                    )
                )
        self.env["family.case"].invalidate_model(["share_ids"])
        for share in shares:
            share._family_notify_volunteers(share.volunteer_user_ids)
        return shares

    def write(self, vals):
        assigned_before = (
            {share.id: share.sudo().volunteer_user_ids for share in self}
            if "volunteer_user_ids" in vals
            else {}
        )
        res = super().write(vals)
        for share in self.filtered(lambda s: s.id in assigned_before):
            share._family_notify_volunteers(
                share.sudo().volunteer_user_ids - assigned_before[share.id]
            )
        if "partner_id" in vals:
            for share in self:
                if not share.partner_id._family_has_active_protocol(share.company_id):
                    raise ValidationError(
                        self.env._(
                            "%(association)s is not a member of an active protocol.",
                            association=share.partner_id.name,
                        )
                    )
        return res

    def _family_notify_volunteers(self, volunteers):
        """Volunteers newly assigned to an active share's family are told."""
        self.ensure_one()
        if volunteers and self.state == "active":
            self.env["res.users"]._family_notify(self.case_id, "volunteer", volunteers)

    def action_revoke(self):
        """Revoke the share: the association loses access at once."""
        for share in self:
            if share.revoked:
                continue
            share.write(
                {
                    "revoked": True,
                    "date_revoked": fields.Date.context_today(self),
                }
            )
            share.message_post(
                body=self.env._(
                    "Share revoked: %(reason)s",
                    reason=share.revoke_reason or self.env._("no reason given"),
                ),
            )

    def action_open_revoke_wizard(self):
        """Ask the reason of the revocation, then revoke."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "odoo_famiglie_rete.family_case_share_revoke_action"
        )
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "default_share_ids": self.ids,
        }
        return action

    def _end(self):
        """End the shares today (used when the case is closed)."""
        today = fields.Date.context_today(self)
        for share in self.filtered(lambda s: s.state in ("active", "scheduled")):
            end = max(today, share.date_start)
            share.write(
                {"date_end": end if share.date_start <= today else share.date_start}
            )
            if share.date_start > today:
                share.write({"revoked": True, "date_revoked": today})
        # A share ending today must not grant access any more.
        self.filtered(lambda s: s.state == "active").write(
            {"revoked": True, "date_revoked": today}
        )

    @api.model
    def _cron_update_state(self):
        """Start and end shares as their dates pass."""
        shares = self.search([("state", "in", ("scheduled", "active"))])
        self.env.add_to_compute(self._fields["state"], shares)
        shares.flush_recordset(["state"])
