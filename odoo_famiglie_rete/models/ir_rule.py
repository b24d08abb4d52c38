from odoo import api, models, tools
from odoo.osv import expression
from odoo.tools import SQL, config
from odoo.tools.query import Query

# The key of the rules' cached domain (Odoo's own for ``_compute_domain``),
# also that of their SQL (``_family_rules_sql``): cleared together.
RULES_CACHE_KEY = (
    "self.env.uid",
    "self.env.su",
    "model_name",
    "mode",
    "tuple(self._compute_domain_context_values())",
)


class IrRule(models.Model):
    """The addon's record rules on Odoo's own models, in one place.

    Why in Python and not as ``ir.rule`` records: a rule record on an Odoo
    model (``res.partner``, ``calendar.event``, ``calendar.attendee``) stays
    in the database while Odoo loads and tests the modules the addon depends
    on (``-u base``, ``-u calendar`` with ``--test-enable``). At that moment
    the addon's fields (``is_family_person``, ``family_review_id``) are not
    in the registry yet, every search on the model fails with "Invalid field
    res.partner.is_family_person", and Odoo's own tests go red. This class is
    in the registry only once the addon's code is loaded, when its fields are
    there too: the domains below are added only then.

    Each domain is AND-ed to what Odoo's own rules give (like a global rule),
    for every non-superuser and every mode, and it reuses the rules of the
    addon's model it follows, so there is one policy:

    - ``res.partner``: a family person's contact (``is_family_person``) is
      readable only by an internal user who may read one of the person's
      members (``family.case.member``: the social workers and managers of
      that member's Comune, not another Comune's, not the restricted cases
      of others); nobody else (finance, other internal users, associations,
      public) reads it. Associations read what a share opens through the
      member records, never the contact.
    - ``calendar.event`` and ``calendar.attendee``: a joint review's meeting
      (``family_review_id``) and its attendees are readable only while the
      review itself is, by its rules (an active share with the user's
      association, the volunteers assigned, same Comune, not the restricted
      cases of others); users who cannot read reviews at all (finance) never
      read them. Other events keep Odoo's rules.

    ``_compute_domain`` is cached per user, mode, model and allowed companies
    (``ormcache``): the domains hold only what that key determines (the
    user's groups and ids, ``company_ids``) and the rules of the followed
    models, which are cached under the same key; the data they filter on
    (share state, members) is read by the query, never frozen in the cache.
    """

    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """``family_shares`` for the associations' rules, defined once.

        The domain on ``family.case.share`` of the shares through which the
        user reads a family: the active shares of the user's association
        and, for a volunteer (or a portal user without a role), only those
        that name them; never those of a restricted case. A rule adds the
        category it needs, e.g.
        ``[('case_id.share_ids', 'any', family_shares + [('share_needs',
        '=', True)])]``. The rules' cache is per user, and a change of role
        clears it (``res.users.write``).
        """
        context = super()._eval_context()
        user = self.env.user
        shares = [
            ("partner_id", "=", user.commercial_partner_id.id),
            ("state", "=", "active"),
            # a restricted case (court orders, violence): its case manager
            # and the manager only, whatever was shared before (the share
            # keeps the case's flag: no visit of the cases table)
            ("case_restricted", "=", False),
        ]
        if user.family_portal_role != "coordinator":
            shares.append(("volunteer_user_ids", "in", [user.id]))
        context["family_shares"] = shares
        return context

    @api.model
    @tools.conditional(
        "xml" not in config["dev_mode"],
        tools.ormcache(*RULES_CACHE_KEY),
    )
    def _compute_domain(self, model_name, mode="read"):
        domain = super()._compute_domain(model_name, mode)
        if self.env.su:
            return domain
        method = FAMILY_DOMAINS.get(model_name)
        if not method:
            return domain
        if model_name == "res.partner" and self.env.context.get(PARTNER_SQL):
            # _apply_ir_rules of res.partner and res.users add it as SQL
            # (_family_partner_sql)
            return domain
        extra = getattr(self, method)()
        return expression.AND([domain, extra]) if domain else extra

    @api.model
    @tools.conditional(
        "xml" not in config["dev_mode"],
        tools.ormcache(*RULES_CACHE_KEY, "self.env.context.get('active_test', True)"),
    )
    def _family_rules_sql(self, model_name, mode="read"):
        """The SQL condition of the user's rules on an addon model, or None.

        What Odoo's ``_apply_ir_rules`` adds to every search of the model,
        translated from the rules' domain (``_compute_domain``, itself cached
        under the same key) once per user, model, mode, companies and
        ``active_test`` instead of at each search: on the portal's family page
        the dozen searches spent about a tenth of the page translating the
        same domains again.

        The translation depends on nothing else: the addon's rules name
        stored fields, ``any`` sub-domains (sub-queries) and the user's ids,
        never a value read from the data while translating. A domain outside
        what ``_family_rules_cacheable`` accepts, or whose translation adds a
        join to the query, is not cached (None): Odoo translates it at each
        search as before. ``ir.rule``, ``res.users`` and ``res.partner`` (a
        user's association) clear the cache when rules, groups, roles or
        associations change.
        """
        model = self.env[model_name]
        domain = self._compute_domain(model_name, mode)
        if not domain:
            return SQL()
        if not self._family_rules_cacheable(model, domain):
            return None
        query = Query(self.env, model._table, model._table_sql)
        expression.expression(domain, model.sudo(), model._table, query)
        if query._joins or len(query._tables) != 1:
            return None
        return SQL(" AND ").join(query._where_clauses)

    def _family_rules_cacheable(self, model, domain):
        """Whether translating ``domain`` on ``model`` reads no data and
        depends on nothing but the cache's key.

        An allow-list of what the addon's rules use: a path of stored
        relational fields (a sub-query each); at its end a stored relational
        field compared with ids or ``False``, or with a sub-domain
        (``any``, checked the same way), or a stored boolean, selection,
        integer or (untranslated) char field compared with plain values.
        Anything else (``child_of``, a computed field searched by a method,
        a name searched for a record, ``like``, a date's part, a translated
        field...) is translated at each search.
        """
        for leaf in domain:
            if not isinstance(leaf, list | tuple):
                if leaf in ("&", "|", "!"):
                    continue
                return False
            if len(leaf) != 3:
                return False
            path, operator, value = leaf
            if not isinstance(path, str):
                # (1, '=', 1), (0, '=', 1): a constant
                if path in (0, 1) and operator == "=" and value == 1:
                    continue
                return False
            field, comodel = self._family_rules_path(model, path)
            if field is None:
                return False
            if not self._family_rules_leaf_plain(field, operator, value):
                if operator not in ("any", "not any") or not field.relational:
                    return False
                if not isinstance(value, list | tuple):
                    return False
                if not self._family_rules_cacheable(comodel, value):
                    return False
        return True

    @staticmethod
    def _family_rules_path(model, path):
        """(field, model at the path's end) of a path of stored fields whose
        steps are relational, else (None, None)."""
        comodel, field = model, None
        names = path.split(".")
        for index, fname in enumerate(names):
            field = comodel._fields.get(fname)
            if field is None or not field.store or field.company_dependent:
                return None, None
            if index < len(names) - 1 and field.type not in RELATIONAL_STEPS:
                return None, None
            if field.relational:
                comodel = model.env[field.comodel_name]
            if field.type == "one2many":
                inverse = comodel._fields.get(field.inverse_name)
                if inverse is None or not inverse.store:
                    return None, None
        return field, comodel

    @staticmethod
    def _family_rules_leaf_plain(field, operator, value):
        """A comparison of ``field`` whose SQL is a plain condition."""
        values = value if operator in ("in", "not in") else [value]
        if operator in ("in", "not in") and not isinstance(value, list | tuple):
            return False
        if operator not in PLAIN_OPERATORS:
            return False
        if field.type in ("many2one", "many2many"):
            return operator in ("=", "!=", "in", "not in") and all(
                value is False or (isinstance(value, int) and value is not True)
                for value in values
            )
        if field.type not in PLAIN_TYPES or getattr(field, "translate", False):
            return False
        return all(
            value is False or isinstance(value, bool | int | float | str)
            for value in values
        )

    def _compute_domain_keys(self):
        return [*super()._compute_domain_keys(), PARTNER_SQL]

    def _family_follow_domain(self, model_name):
        """The read domain of an addon model for the user, or None.

        None when the user may not read the model at all (access rights).
        """
        if not self.env["ir.model.access"].check(
            model_name, "read", raise_exception=False
        ):
            return None
        return self._compute_domain(model_name, "read")

    def _family_domain_res_partner(self):
        not_family = [("is_family_person", "=", False)]
        if not self.env.user._is_internal():
            return not_family
        members = self._family_follow_domain("family.case.member")
        if members is None:
            return not_family
        return expression.OR([not_family, [("family_member_ids", "any", members)]])

    def _family_partner_sql(self, partner_id, is_family_person):
        """``_family_domain_res_partner`` as an SQL condition on the contact
        whose id and ``is_family_person`` are the SQL expressions given, for
        ``_apply_ir_rules`` of ``res.partner`` and of ``res.users`` (which
        inherits the contact's rules).

        The domain's ``family_member_ids any [...]`` sits in an OR, where
        PostgreSQL cannot join the members: it runs the members' sub-query as
        a sub-plan, hashed while the Comune's members fit in ``work_mem`` and
        else scanned again for every contact (at 300,000 cases the contacts
        list did not answer in minutes). Here the same members, with the same
        domain, are looked up for the row itself (a correlated ``EXISTS`` on
        the members' ``partner_id`` index). The domain stays what
        ``check_access`` evaluates record by record.
        """
        not_family = SQL("%s IS NOT TRUE", is_family_person)
        if not self.env.user._is_internal():
            return not_family
        members = self._family_follow_domain("family.case.member")
        if members is None:
            return not_family
        # parsed as the rule domains are (in sudo mode: the members' rules
        # are in ``members``), active members only, as ``any`` does
        Member = self.env["family.case.member"].sudo()
        query = Member._where_calc(members)
        query.add_where(
            SQL(
                "%s = %s",
                SQL.identifier(query.table, "partner_id"),
                partner_id,
            )
        )
        return SQL("(%s OR EXISTS(%s))", not_family, query.select(SQL("1")))

    def _family_domain_calendar_event(self):
        no_review = [("family_review_id", "=", False)]
        reviews = self._family_follow_domain("family.review")
        if reviews is None:
            return no_review
        return expression.OR([no_review, [("family_review_id", "any", reviews)]])

    def _family_domain_calendar_attendee(self):
        events = self._family_domain_calendar_event()
        return [("event_id", "any", events)]


# What ``_family_rules_cacheable`` accepts: the steps of a path, the
# operators and the field types whose translation reads no data.
RELATIONAL_STEPS = ("many2one", "one2many", "many2many")
PLAIN_OPERATORS = ("=", "!=", "in", "not in", "<", ">", "<=", ">=")
PLAIN_TYPES = ("boolean", "selection", "integer", "char")

# context key: the rules of res.partner without the addon's domain, which
# res.partner._apply_ir_rules adds as SQL (IrRule._family_partner_sql)
PARTNER_SQL = "family_partner_rule_sql"

# model -> method of ir.rule giving the domain the addon adds to its rules
FAMILY_DOMAINS = {
    "res.partner": "_family_domain_res_partner",
    "calendar.event": "_family_domain_calendar_event",
    "calendar.attendee": "_family_domain_calendar_attendee",
}
