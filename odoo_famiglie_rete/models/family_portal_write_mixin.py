from odoo import api, models
from odoo.exceptions import AccessError


class FamilyPortalWriteMixin(models.AbstractModel):
    """What an association (a portal user) may write on the family data.

    Each model declares the fields an association may set:
    ``_family_portal_write_fields`` on its records, and
    ``_family_portal_create_fields`` when it creates one. Nothing else: the
    check sits in the ORM's field-access hook, so the portal, the web client's
    RPC and the external API are refused alike, whatever context they pass.
    The record rules still decide *which* records an association may write;
    this decides *which fields*.
    """

    _name = "family.portal.write.mixin"
    _description = "Fields an Association May Write"

    # Nothing by default: a model opens fields to the associations explicitly.
    _family_portal_write_fields = frozenset()
    _family_portal_create_fields = frozenset()

    @api.model
    def _family_is_association_user(self):
        """True for a portal user acting as themselves (not in sudo mode)."""
        return not self.env.su and self.env.user.share

    def _family_portal_writable(self, operation):
        """The fields an association may set on ``self`` for ``operation``.

        Models narrow it per record (an intervention once compensated).
        """
        if operation == "create":
            return self._family_portal_create_fields
        return self._family_portal_write_fields

    def _family_check_portal_fields(self, operation, field_names):
        """Refuse, naming them, the fields an association may not write.

        Called by the ORM's field-access hook; a model whose ``write`` checks
        other things first calls it at its start too, so that an association
        always gets this message.
        """
        if operation not in ("create", "write") or not field_names:
            return
        if not self._family_is_association_user():
            return
        allowed = self._family_portal_writable(operation)
        refused = sorted(
            name for name in field_names if name in self._fields and name not in allowed
        )
        if refused:
            raise AccessError(
                self.env._(
                    "An association cannot write these fields of %(model)s: "
                    "%(fields)s.",
                    model=self.env["ir.model"]._get(self._name).name,
                    fields=", ".join(
                        f"{self._fields[name]._description_string(self.env)} ({name})"
                        for name in refused
                    ),
                )
            )

    @api.model
    def check_field_access_rights(self, operation, field_names):
        # Before the fields' groups: the association gets this message for
        # every field it may not write, whoever else may.
        self._family_check_portal_fields(operation, field_names)
        return super().check_field_access_rights(operation, field_names)

    @api.model_create_multi
    def create(self, vals_list):
        """``create`` does not call the field-access hook: call it here.

        The defaults passed in the context (``default_<field>``) count as
        values sent: an RPC caller could otherwise set any field through them.
        """
        if self._family_is_association_user():
            defaults = {
                key[len("default_") :]
                for key in self.env.context
                if key.startswith("default_")
            }
            for vals in vals_list:
                self.check_field_access_rights("create", sorted(set(vals) | defaults))
                self._family_check_portal_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        if self._family_is_association_user():
            self._family_check_portal_links(vals)
        return super().write(vals)

    @api.model
    def _family_check_portal_links(self, vals):
        """An association links its records only to family records it reads.

        A goal of another party, a member whose identity is not shared, a
        record of another family: the record rules refuse the read, so the
        link is refused too, before any constraint (which may read them as
        superuser) sees it.
        """
        for name, value in vals.items():
            field = self._fields.get(name)
            if (
                field
                and field.type == "many2one"
                and value
                and field.comodel_name.startswith("family.")
            ):
                self.env[field.comodel_name].browse(value).check_access("read")
