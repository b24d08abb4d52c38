from odoo import api, models
from odoo.tools import SQL

from .family_access_log import GROUP_METHODS, SEARCH_METHODS


class FamilyAccessLoggedMixin(models.AbstractModel):
    """Writes the access log when a family's data is read or exported.

    Models holding a family's data inherit it and say which cases a set of
    their records belongs to with ``_family_logged_cases`` (and, for the
    grouped views, ``_family_cases_sql``). Every channel of the back office
    and of the API is covered here, for association and finance users:

    - a form (``web_read``, ``web_save``): channel *form*;
    - a list (``web_search_read``): channel *list*; ``read`` and
      ``search_read``, and every read through the external API: *rpc*;
    - a grouped view (``read_group``, ``web_read_group``): channel *group*.
      Grouped by case, the cases of the groups returned are logged; grouped
      by anything else, the cases behind the groups (every case of the
      records the domain finds, as the user may see them): the counts and
      sums of a group are those families' data too. Either way one
      ``INSERT ... SELECT`` writes them, without reading the cases;
    - ``name_search``: channel *search*, the cases of the results;
    - ``export_data``: channel *export*.

    Only the model the web client calls is logged (a form's one2many lines
    belong to the same case; a statement's lines, each of its own case, are
    logged by the statement's ``web_read``); reports and downloads log themselves
    (``ir.actions.report``, ``ir.binary``), the portal in its controller.
    """

    _name = "family.access.logged.mixin"
    _description = "Family Data Logged on Access"

    # the stored field of the model that holds the case (``id`` on the case)
    _family_case_field = "case_id"

    def _family_logged_cases(self):
        """The cases ``self`` belongs to (read in sudo mode: ids only)."""
        return self.sudo()[self._family_case_field]

    @api.model
    def _family_cases_sql(self, query):
        """An SQL query of the ids of the cases of the records of ``query``."""
        return query.select(SQL.identifier(self._table, self._family_case_field))

    def web_read(self, specification):
        if not self.env.context.get("family_access_listing"):
            self.env["family.access.log"]._log_form(
                self._family_logged_cases(), self._name
            )
        return super().web_read(specification)

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # the list's records are read by web_read: no form opened
        listing = self.with_context(family_access_listing=True)
        return super(FamilyAccessLoggedMixin, listing).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    def read(self, fields=None, load="_classic_read"):
        return super().read(fields, load=load)

    @api.model
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **kw
    ):
        return super().search_read(domain, fields, offset, limit, order, **kw)

    def _read_format(self, fnames, load="_classic_read"):
        self.env["family.access.log"]._log_rpc(self._family_logged_cases(), self._name)
        return super()._read_format(fnames, load=load)

    @api.model
    def web_read_group(
        self, domain, fields, groupby, limit=None, offset=0, orderby=False, lazy=True
    ):
        return super().web_read_group(
            domain,
            fields,
            groupby,
            limit=limit,
            offset=offset,
            orderby=orderby,
            lazy=lazy,
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        log = self.env["family.access.log"]
        if groups and not self.env.su:
            channel = log._call_channel(self._name, GROUP_METHODS, external="group")
            if channel:
                cases = self._family_group_cases(domain, groupby, groups, lazy)
                log._log(
                    cases,
                    channel,
                    model=self._name,
                    # the case model's own ids: each case once
                    unique=self._family_case_field == "id",
                )
        return groups

    @api.model
    def _family_group_cases(self, domain, groupby, groups, lazy):
        """The cases to log for the ``groups`` of a read_group (see above)."""
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if lazy:
            groupby = groupby[:1]
        case_spec = self._family_case_field if self._family_case_field != "id" else None
        if case_spec and any(spec.split(":")[0] == case_spec for spec in groupby):
            ids = set()
            for group in groups:
                value = group.get(case_spec)
                if isinstance(value, list | tuple):
                    value = value[0]
                if value:
                    ids.add(value)
            return list(ids)
        return self._family_cases_sql(self._search(domain or []))

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        results = super().name_search(
            name=name, args=args, operator=operator, limit=limit
        )
        log = self.env["family.access.log"]
        if results and not self.env.su:
            channel = log._call_channel(self._name, SEARCH_METHODS, external="search")
            if channel:
                records = self.browse([record_id for record_id, _name in results])
                log._log(records._family_logged_cases(), channel, model=self._name)
        return results

    def export_data(self, fields_to_export):
        self.env["family.access.log"]._log(
            self._family_logged_cases(), "export", model=self._name
        )
        return super().export_data(fields_to_export)
