from odoo import Command, api, models
from odoo.exceptions import AccessError
from odoo.models import regex_order


class FamilyFieldGuardMixin(models.AbstractModel):
    """No search is an oracle on a field the user may not read.

    Odoo refuses to *read* a field whose ``groups`` the user lacks, but a
    domain on a one2many or many2many field, on a computed field with a
    search method or on a related field does not always check it, and a
    refused field in a domain, an order or a groupby would tell whether a
    guessed value is there. Every model holding a family's data inherits this
    mixin: for a user who is not the superuser, a domain leaf, an ORDER BY
    term or a groupby on a field the user may not read raises
    :class:`AccessError`.

    Record rules are unaffected: Odoo evaluates them in sudo mode. The
    model's own default order (``_order``) is the model's declaration, not
    the user's question: it is left to Odoo (whose own check still refuses a
    stored field the user may not read).
    """

    _name = "family.field.guard.mixin"
    _description = "Family Data Guarded in Searches"

    @api.model
    def _family_guard_check(self, fnames, usage):
        """Refuse ``fnames`` (field names of this model) the user may not read."""
        if self.env.su:
            return
        refused = sorted(
            {
                fname
                for fname in fnames
                if fname in self._fields
                and not self._fields[fname].is_accessible(self.env)
            }
        )
        if refused:
            raise AccessError(
                self.env._(
                    "You may not use the fields %(fields)s of %(model)s in %(usage)s: "
                    "you are not allowed to read them.",
                    fields=", ".join(refused),
                    model=self.env["ir.model"]._get(self._name).name,
                    usage=usage,
                )
            )

    @api.model
    def _family_guard_domain(self, domain):
        fnames = set()
        for leaf in domain or ():
            if not isinstance(leaf, list | tuple) or len(leaf) != 3:
                continue
            left = leaf[0]
            if not isinstance(left, str):
                continue
            # a path is checked step by step: the first step here, the next
            # ones by the comodel's own search ("amount:sum" in a having)
            fnames.add(left.split(".", 1)[0].split(":", 1)[0])
        self._family_guard_check(fnames, self.env._("a search"))

    @api.model
    def _family_guard_order(self, order, usage=None):
        if not order:
            return
        fnames = set()
        for part in order.split(","):
            match = regex_order.match(part)
            if not match:
                continue
            fnames.add(match["field"].strip('"'))
        self._family_guard_check(fnames, usage or self.env._("a sort order"))

    def onchange(self, values, field_names, fields_spec):
        """Odoo's onchange accepts any id as a value and reads the display
        names of the records it is given as superuser: an association or a
        finance clerk could read the name of any person or intervention by
        guessing ids. Every record it is given must be one the user reads."""
        if not self.env.su:
            self.browse(
                [rec_id for rec_id in self.ids if isinstance(rec_id, int)]
            ).check_access("read")
            for name, value in (values or {}).items():
                field = self._fields.get(name)
                if field and field.relational and value:
                    ids = self._family_ids_of_value(field, value)
                    if ids:
                        self.env[field.comodel_name].browse(ids).check_access("read")
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _family_ids_of_value(self, field, value):
        """The ids of saved records a form value names (new ones aside)."""
        if field.type == "many2one":
            value = value.get("id") if isinstance(value, dict) else value
            return [value] if isinstance(value, int) else []
        ids = []
        for command in value if isinstance(value, list | tuple) else ():
            if not isinstance(command, list | tuple) or not command:
                continue
            if command[0] in (Command.UPDATE, Command.LINK) and isinstance(
                command[1], int
            ):
                ids.append(command[1])
            elif command[0] == Command.SET:
                ids += [
                    rec_id for rec_id in command[2] or () if isinstance(rec_id, int)
                ]
        return ids

    def export_data(self, fields_to_export):
        """Odoo's export reads non-stored computed fields without checking
        their groups: every step of every exported path is checked here."""
        if not self.env.su:
            for path in fields_to_export:
                model = self
                for step in path.replace(".", "/").split("/"):
                    fname = step.split(":", 1)[0]
                    if fname in (".id", "id") or fname not in model._fields:
                        break
                    if hasattr(model, "_family_guard_check"):
                        model._family_guard_check({fname}, self.env._("an export"))
                    elif not model._fields[fname].is_accessible(self.env):
                        model.check_field_access_rights("read", [fname])
                    field = model._fields[fname]
                    if not field.relational:
                        break
                    model = self.env[field.comodel_name]
        return super().export_data(fields_to_export)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            self._family_guard_domain(domain)
            if order and order != self._order:
                self._family_guard_order(order)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _family_guard_read_group(self, groupby, aggregates, having, order):
        """Refuse a grouping, total, having or order on a field the user may
        not read."""
        if self.env.su:
            return
        self._family_guard_check(
            {spec.split(":", 1)[0].split(".", 1)[0] for spec in groupby},
            self.env._("a grouping"),
        )
        self._family_guard_check(
            {
                spec.split(":", 1)[0]
                for spec in aggregates
                if spec != "__count" and not spec.startswith("__")
            },
            self.env._("a total"),
        )
        self._family_guard_domain(having)
        if order:
            self._family_guard_order(order, self.env._("a grouping's order"))

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        self._family_guard_read_group(groupby, aggregates, having, order)
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )
