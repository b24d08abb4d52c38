from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# The user form's group fields (Odoo turns them into groups_id).
GROUP_FIELDS = ("in_group_", "sel_groups_")


class ResUsers(models.Model):
    _inherit = "res.users"

    family_portal_role = fields.Selection(
        [("coordinator", "Coordinator"), ("volunteer", "Volunteer")],
        string="Role in the Association",
        index=True,
        help="A coordinator sees every family shared with the association; a "
        "volunteer only the families assigned to them.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["family_portal_role"]

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
