from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .family_case import RISK_LEVELS

# The columns of family_case the counts are kept by: every record rule of the
# back office on family.case, and the filters and groupings of the cases'
# kanban and list (stage, open or closed, risk level, urgent, restricted, case
# manager, archived), are domains on these alone.
COUNTED_FIELDS = (
    "company_id",
    "stage_id",
    "is_closed",
    "risk_level",
    "priority",
    "restricted",
    "user_id",
    "active",
)
# The comparisons read from this table as they are (anything else: counted on
# the cases, see _family_plain_term)
PLAIN_OPERATORS = frozenset(
    {"=", "!=", "<>", "in", "not in", "<", ">", "<=", ">=", "=?"}
)
# The cases' sums the web client asks with the counts (every field of the
# kanban with an aggregator: the total value, and the colour).
SUMMED_FIELDS = ("amount_total", "color")


class FamilyCaseCount(models.Model):
    """How many cases there are, by the columns the kanban counts by.

    The cases' kanban counts every case the user may see, by stage for its
    columns and by stage and risk level for its progress bars: at 300,000
    cases, two scans of 210,000 rows a page. This table holds the same
    counts, kept by the database itself: statement triggers on
    ``family_case`` add, in the writing transaction, one row of +n or -n per
    combination of ``COUNTED_FIELDS`` a statement created, changed or
    deleted (inserts only: concurrent writers never wait for each other).
    A count is the sum of its rows; ``_cron_compact`` folds them into one
    row a combination. Any snapshot sees the counts of the cases it sees:
    exact, never estimated.

    ``family.case`` answers a grouped count (``_read_group`` of ``__count``
    and of ``SUMMED_FIELDS``) or a count (``search_count``) from here when
    the domain and the user's record rules only compare these columns with
    plain values (``_family_plain_term``), with the same domain, rules and
    order applied to this table (``_family_read_group``, ``_family_count``);
    anything else is counted on the cases. Nobody reads this model but the system: its
    one access line grants nothing.
    """

    _name = "family.case.count"
    _description = "Case Counts"
    # the table is made by init(), without foreign keys: its rows are derived
    # from the cases, and a key's rows are kept by the triggers alone
    _auto = False
    _log_access = False

    company_id = fields.Many2one("res.company", readonly=True)
    stage_id = fields.Many2one("family.case.stage", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    risk_level = fields.Selection(RISK_LEVELS, readonly=True)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], readonly=True)
    restricted = fields.Boolean(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True)
    active = fields.Boolean(readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")
    amount_total = fields.Float(string="Total Value", readonly=True, aggregator="sum")
    color = fields.Integer(readonly=True, aggregator="sum")

    def init(self):
        """The table, the triggers, and the counts made again from the cases
        at every install and upgrade (exact whatever happened before).

        The table is kept (made again only when its columns change): the
        rows it holds are deleted and the counts inserted from the cases as
        this transaction sees them, so the rows that writers committing
        meanwhile add (not in this snapshot) stay, and still count them."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT array_agg(column_name::text ORDER BY column_name::text)"
                "  FROM information_schema.columns WHERE table_name = %s",
                self._table,
            )
        )
        found = cr.fetchone()[0] or []
        wanted = sorted(["id", *COUNTED_FIELDS, "case_count", *SUMMED_FIELDS])
        if found and found != wanted:
            cr.execute(SQL("DROP TABLE %s", SQL.identifier(self._table)))
        columns = SQL(", ").join(SQL.identifier(name) for name in COUNTED_FIELDS)
        sums = SQL(", ").join(
            SQL.identifier(name) for name in ("case_count", *SUMMED_FIELDS)
        )
        cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS family_case_count (
                    id serial PRIMARY KEY,
                    company_id int4,
                    stage_id int4,
                    is_closed bool,
                    risk_level varchar,
                    priority varchar,
                    restricted bool,
                    user_id int4,
                    active bool,
                    case_count int4 NOT NULL,
                    amount_total numeric,
                    color int4
                );
                CREATE OR REPLACE FUNCTION family_case_count_delta()
                RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO family_case_count (%(columns)s, %(sums)s)
                        SELECT %(columns)s, count(*), sum(amount_total), sum(color)
                          FROM new_rows
                         GROUP BY %(columns)s;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO family_case_count (%(columns)s, %(sums)s)
                        SELECT %(columns)s, -count(*), -sum(amount_total), -sum(color)
                          FROM old_rows
                         GROUP BY %(columns)s;
                    ELSE
                        INSERT INTO family_case_count (%(columns)s, %(sums)s)
                        SELECT %(columns)s, sum(n), sum(amount), sum(colour) FROM (
                            SELECT %(columns)s, -1 AS n, -amount_total AS amount,
                                   -color AS colour
                              FROM old_rows
                            UNION ALL
                            SELECT %(columns)s, 1, amount_total, color FROM new_rows
                        ) changed
                        GROUP BY %(columns)s
                        HAVING sum(n) <> 0 OR sum(amount) <> 0 OR sum(colour) <> 0;
                    END IF;
                    RETURN NULL;
                END
                $body$;
                DROP TRIGGER IF EXISTS family_case_count_insert ON family_case;
                DROP TRIGGER IF EXISTS family_case_count_update ON family_case;
                DROP TRIGGER IF EXISTS family_case_count_delete ON family_case;
                CREATE TRIGGER family_case_count_insert AFTER INSERT ON family_case
                    REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION family_case_count_delta();
                CREATE TRIGGER family_case_count_update AFTER UPDATE ON family_case
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION family_case_count_delta();
                CREATE TRIGGER family_case_count_delete AFTER DELETE ON family_case
                    REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION family_case_count_delta();
                CREATE OR REPLACE FUNCTION family_case_count_truncate()
                RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN
                    DELETE FROM family_case_count;
                    RETURN NULL;
                END
                $body$;
                DROP TRIGGER IF EXISTS family_case_count_truncate ON family_case;
                CREATE TRIGGER family_case_count_truncate AFTER TRUNCATE ON family_case
                    FOR EACH STATEMENT EXECUTE FUNCTION family_case_count_truncate();
                DELETE FROM family_case_count;
                INSERT INTO family_case_count (%(columns)s, %(sums)s)
                SELECT %(columns)s, count(*), sum(amount_total), sum(color)
                  FROM family_case
                 GROUP BY %(columns)s;
                """,
                columns=columns,
                sums=sums,
            )
        )

    @api.model
    def _cron_compact(self):
        """One row a combination: the rows of each are replaced by their sum
        (in one statement; rows added meanwhile by other transactions are not
        in its snapshot, and stay)."""
        columns = SQL(", ").join(SQL.identifier(name) for name in COUNTED_FIELDS)
        self.env.cr.execute(
            SQL(
                """
                WITH folded AS (
                    DELETE FROM family_case_count
                    RETURNING %(columns)s, case_count, amount_total, color
                )
                INSERT INTO family_case_count
                       (%(columns)s, case_count, amount_total, color)
                SELECT %(columns)s, sum(case_count), sum(amount_total), sum(color)
                  FROM folded
                 GROUP BY %(columns)s
                HAVING sum(case_count) <> 0
                """,
                columns=columns,
            )
        )

    # ------------------------------------------------------------------
    # Counting for family.case
    # ------------------------------------------------------------------
    @api.model
    def _family_domain(self, cases, domain):
        """``domain`` of ``cases`` with the user's rules and the active test,
        as it would filter the cases, if these columns are enough for it;
        else None."""
        domain = list(domain or [])
        if cases._active_name and cases.env.context.get("active_test", True):
            if not any(item[0] == cases._active_name for item in domain):
                domain = [(cases._active_name, "=", True), *domain]
        rules = (
            []
            if cases.env.su
            else cases.env["ir.rule"]._compute_domain(cases._name, "read")
        )
        full = expression.AND([domain, rules or []])
        if all(self._family_plain_term(cases, term) for term in full):
            return full
        return None

    @api.model
    def _family_plain_term(self, cases, term):
        """Whether ``term`` of a domain of ``cases`` compares one of these
        columns with plain values: nothing else is read from this table. A
        path, a sub-domain (``any``), a hierarchy (``child_of``), a name
        (``ilike``, a string for a many2one) or a sub-query would be resolved
        on another model in sudo mode, without the user's rules: those are
        counted on the cases."""
        if term in (
            expression.AND_OPERATOR,
            expression.OR_OPERATOR,
            expression.NOT_OPERATOR,
        ):
            return True
        if not isinstance(term, list | tuple) or len(term) != 3:
            return False
        left, operator, right = term
        if tuple(term) in (expression.TRUE_LEAF, expression.FALSE_LEAF):
            return True
        if left not in COUNTED_FIELDS or operator not in PLAIN_OPERATORS:
            return False
        if operator in ("in", "not in"):
            if not isinstance(right, list | tuple):
                return False
            values = right
        else:
            values = [right]
        kind = cases._fields[left].type
        for value in values:
            if value is False or value is None:
                continue
            if isinstance(value, bool):
                if kind != "boolean":
                    return False
            elif isinstance(value, int):
                if kind not in ("many2one", "boolean"):
                    return False
            elif isinstance(value, str):
                if kind != "selection":
                    return False
            else:
                return False
        return True

    @api.model
    def _family_read_group(
        self, cases, domain, groupby, aggregates, order, offset, limit
    ):
        """``cases._read_group(domain, groupby, aggregates, ...)`` from the
        counts, or None when it must be read from the cases."""
        if not groupby or any(
            spec not in COUNTED_FIELDS or spec == "active" for spec in groupby
        ):
            return None
        specs = {"__count": "case_count:sum"}
        specs.update((f"{name}:sum", f"{name}:sum") for name in SUMMED_FIELDS)
        if any(spec not in specs for spec in aggregates):
            return None
        if order:
            terms = []
            for part in order.split(","):
                words = part.split()
                if not words:
                    continue
                if words[0] in specs:
                    words[0] = specs[words[0]]
                elif words[0] not in groupby:
                    return None
                terms.append(" ".join(words))
            order = ", ".join(terms)
        full = self._family_domain(cases, domain)
        if full is None:
            return None
        # the cases' pending writes first: the triggers count what is written
        cases.flush_model([*COUNTED_FIELDS, *SUMMED_FIELDS])
        counts = self.sudo().with_context(active_test=False)
        rows = counts._read_group(
            full,
            list(groupby),
            [specs[spec] for spec in aggregates],
            having=[("case_count:sum", ">", 0)],
            offset=offset,
            limit=limit,
            order=order or None,
        )
        # the groups' records in the user's environment, prefetched together,
        # as Odoo gives them
        columns = []
        for index, spec in enumerate(groupby):
            column = [row[index] for row in rows]
            field = cases._fields[spec]
            if field.type == "many2one":
                comodel = cases.env[field.comodel_name]
                ids = [id_ for value in column for id_ in value.ids]
                column = [
                    comodel.browse(value.ids).with_prefetch(ids) for value in column
                ]
            columns.append(column)
        columns += [
            [row[index] for row in rows]
            for index in range(len(groupby), len(groupby) + len(aggregates))
        ]
        return list(zip(*columns, strict=False))

    @api.model
    def _family_count(self, cases, domain):
        """``cases.search_count(domain)`` from the counts, or None."""
        full = self._family_domain(cases, domain)
        if full is None:
            return None
        cases.flush_model(COUNTED_FIELDS)
        counts = self.sudo().with_context(active_test=False)
        [(total,)] = counts._read_group(full, [], ["case_count:sum"])
        return total or 0
