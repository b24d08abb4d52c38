from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from .ir_rule import PARTNER_SQL

_lt = LazyTranslate(__name__)

# The user form's group fields (Odoo turns them into groups_id).
GROUP_FIELDS = ("in_group_", "sel_groups_")

# What the Comune asks of an association, in its notification e-mail: the
# subject and the sentence (no family name, no case content: the reference).
NOTIFICATION_KINDS = {
    "message": _lt("A new message from the social service"),
    "review": _lt("An invitation to a joint review"),
    "approval": _lt("Goals waiting for your association's approval"),
    "volunteer": _lt("A family assigned to you"),
}


class ResUsers(models.Model):
    _inherit = "res.users"

    family_portal_role = fields.Selection(
        [("coordinator", "Coordinator"), ("volunteer", "Volunteer")],
        string="Role in the Association",
        index=True,
        help="A coordinator sees every family shared with the association; a "
        "volunteer only the families assigned to them.",
    )

    family_notify_email = fields.Boolean(
        string="E-mail Notifications",
        default=True,
        help="An association user gets an e-mail when the social service "
        "writes to the association, invites them to a review, asks for a "
        "goal's approval or assigns them a family. The e-mail names the case "
        "by its reference only.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "family_portal_role",
            "family_notify_email",
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["family_notify_email"]

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if any(vals.get("family_portal_role") for vals in vals_list):
            self.env.registry.clear_cache()
        users._family_set_home_action()
        return users

    def write(self, vals):
        if "family_portal_role" in vals:
            self._check_can_set_family_role()
        res = super().write(vals)
        if "family_portal_role" in vals:
            # record rules depend on the role: forget their cached domains
            self.env.registry.clear_cache()
        if any(key == "groups_id" or key.startswith(GROUP_FIELDS) for key in vals):
            self._family_set_home_action()
        return res

    def _family_set_home_action(self):
        """The social service's staff land on Rete Famiglie after login.

        Social workers and the manager on the cases, finance clerks on the
        interventions (the first screen of their menu), as Odoo does with a
        user's home action (``action_id``). Only for users without a home
        action of their own; a user who leaves the addon's groups loses it.
        """
        ref = self.env.ref
        cases = ref("odoo_famiglie_rete.family_case_action", raise_if_not_found=False)
        interventions = ref(
            "odoo_famiglie_rete.family_intervention_action", raise_if_not_found=False
        )
        if not (cases and interventions):
            return  # the addon's data is still loading
        ours = {cases.id, interventions.id}
        home = defaultdict(self.browse)
        for user in self.sudo():
            if user.share or (user.action_id and user.action_id.id not in ours):
                continue
            if user.has_group("odoo_famiglie_rete.group_family_social_worker"):
                action_id = cases.id
            elif user.has_group("odoo_famiglie_rete.group_family_finance"):
                action_id = interventions.id
            else:
                action_id = False
            if user.action_id.id != action_id:
                home[action_id] |= user
        for action_id, users in home.items():
            users.sudo().write({"action_id": action_id})

    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        """The rules of the user's contact (inherited) with the addon's domain
        on family persons as a correlated ``EXISTS`` (see
        ``ir.rule._family_partner_sql``): as a sub-query in an OR, a social
        worker's search of users took minutes at 300,000 cases."""
        if self.env.su:
            return
        Rule = self.env["ir.rule"]
        super(ResUsers, self.with_context(**{PARTNER_SQL: True}))._apply_ir_rules(
            query, mode
        )
        partner_id = SQL.identifier(self._table, "partner_id")
        query.add_where(
            Rule._family_partner_sql(
                partner_id,
                SQL(
                    "(SELECT p.is_family_person FROM res_partner p WHERE p.id = %s)",
                    partner_id,
                ),
            )
        )

    def _check_can_set_family_role(self):
        """The manager sets any role; a coordinator only in their association."""
        user = self.env.user
        if self.env.su or user.has_group("odoo_famiglie_rete.group_family_manager"):
            return
        if user.family_portal_role == "coordinator" and all(
            u.commercial_partner_id == user.commercial_partner_id and u.share
            for u in self
        ):
            return
        raise AccessError(
            self.env._("Only the manager or the association's coordinator sets roles.")
        )

    def _family_set_role(self, role):
        """Set the role of association users, for the manager or coordinator.

        They need not be user administrators: the check is explicit, then the
        role alone is written.
        """
        if self.filtered(lambda u: not u.share):
            raise UserError(self.env._("Only association (portal) users have a role."))
        self._check_can_set_family_role()
        self.sudo().write({"family_portal_role": role})

    def action_family_role_coordinator(self):
        self._family_set_role("coordinator")

    def action_family_role_volunteer(self):
        self._family_set_role("volunteer")

    def action_family_role_none(self):
        self._family_set_role(False)

    # ------------------------------------------------------------------
    # Notifications of the association users
    # ------------------------------------------------------------------
    @api.model
    def _family_case_users(self, case, associations=None, coordinators_only=False):
        """The association users who follow ``case`` today: the coordinators
        of each association with an active share (of ``associations`` only,
        when given) and the volunteers the share assigns."""
        domain = [("case_id", "=", case.id), ("state", "=", "active")]
        if associations is not None:
            domain.append(("partner_id", "in", associations.ids))
        shares = self.env["family.case.share"].sudo().search(domain)
        if not shares:
            return self.browse()
        users = self.sudo().search(
            [
                ("share", "=", True),
                ("family_portal_role", "=", "coordinator"),
                ("partner_id.commercial_partner_id", "in", shares.partner_id.ids),
            ]
        )
        if not coordinators_only:
            users |= shares.volunteer_user_ids
        return users

    @api.model
    def _family_notify(self, case, kind, users, message=None):
        """Tell association ``users`` that ``case`` needs them.

        - a message of the Comune becomes unread for each of them (an inbox
          notification, which the portal counts and the family page marks
          read);
        - those who did not turn them off get an e-mail holding only the
          case's reference, what is asked and a link to log in: no family
          name, no case content, in the subject neither.
        """
        users = users.sudo().filtered(
            lambda u: u.active and u.share and u.family_portal_role
        )
        if not users:
            return
        if message:
            self.env["mail.notification"].sudo().create(
                [
                    {
                        "mail_message_id": message.id,
                        "res_partner_id": user.partner_id.id,
                        "notification_type": "inbox",
                        "is_read": False,
                    }
                    for user in users
                ]
            )
        to_mail = users.filtered(lambda u: u.family_notify_email and u.email)
        if not to_mail:
            return
        company = case.sudo().company_id
        base_url = company.get_base_url() if company else self.get_base_url()
        link = f"{base_url}/web/login?redirect=/my/famiglie/{case.id}"
        email_from = (
            company.email_formatted
            or self.env["ir.mail_server"].sudo()._get_default_from_address()
        )
        mails = []
        for user in to_mail:
            env = self.with_context(lang=user.lang).env
            what = NOTIFICATION_KINDS[kind]._translate(user.lang or "en_US")
            body = env["ir.qweb"]._render(
                "odoo_famiglie_rete.family_portal_notification_mail",
                {
                    "what": what,
                    "reference": case.sudo().reference,
                    "link": link,
                    "company_name": company.name,
                },
            )
            mails.append(
                {
                    "subject": env._(
                        "Rete Famiglie: %(what)s (%(reference)s)",
                        what=what,
                        reference=case.sudo().reference,
                    ),
                    "body_html": body,
                    "email_from": email_from,
                    "recipient_ids": [Command.link(user.partner_id.id)],
                    "auto_delete": True,
                }
            )
        self.env["mail.mail"].sudo().create(mails)
