from collections import Counter
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import AccessCommon, JsonRpcMixin


@tagged("post_install", "-at_install")
class TestCaseCounts(JsonRpcMixin, AccessCommon, HttpCase):
    """The cases' counts (``family.case.count``), kept by the database, give
    every user the counts of the cases their rules let them see, exactly as
    counting the cases would, after every kind of write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Stage = env["family.case.stage"]
        cls.stages = Stage.search([])
        # a stage only the restricted case is in: who counts it, counts it
        cls.stage_secret = Stage.create({"name": "Solo riservati", "sequence": 99})
        cls.case_restricted.stage_id = cls.stage_secret
        cls.other_company = env["res.company"].create({"name": "Comune Altro"})
        cls.case_other = cls.Case.create(
            {
                "name": "Famiglia Altrove",
                "company_id": cls.other_company.id,
                "user_id": cls.worker.id,
                "stage_id": cls.stage_secret.id,
            }
        )
        cls.users = (cls.worker, cls.worker_2, cls.manager, cls.finance)

    def _truth(self, user, domain, groupby, total=False):
        """What counting the user's cases one by one gives: {key: count} (or
        {key: (count, total value)})."""
        cases = self.Case.with_user(user).search(domain)
        counts = Counter()
        totals = Counter()
        for case in cases.sudo():
            key = tuple(
                case[name].id if case._fields[name].type == "many2one" else case[name]
                for name in groupby
            )
            counts[key] += 1
            totals[key] += case.amount_total
        if total:
            return {
                key: (count, round(totals[key], 2)) for key, count in counts.items()
            }
        return dict(counts)

    def _counted(self, user, domain, groupby, total=False):
        Case = self.Case.with_user(user)
        aggregates = ["__count", "amount_total:sum"] if total else ["__count"]
        result = {}
        for row in Case._read_group(domain, groupby, aggregates):
            key = tuple(
                value.id if hasattr(value, "ids") else value
                for value in row[: len(groupby)]
            )
            values = row[len(groupby) :]
            result[key] = (values[0], round(values[1], 2)) if total else values[0]
        return result

    def _kanban_columns(self, user):
        """The kanban's columns as ``user`` over HTTP, as the web client asks
        for them (with the view's fields that have an aggregator)."""
        self._login(user)
        return self.rpc(
            "family.case",
            "web_read_group",
            domain=[],
            fields=["amount_total:sum", "color:sum"],
            groupby=["stage_id"],
        )["groups"]

    def _assert_counts(self, domains=((),)):
        for user in self.users:
            groupings = [["stage_id"], ["user_id"]]
            if user != self.finance:
                # the finance clerk may not read the risk level
                groupings.append(["stage_id", "risk_level"])
            for domain in domains:
                domain = list(domain)
                for groupby in groupings:
                    self.assertEqual(
                        self._counted(user, domain, groupby),
                        self._truth(user, domain, groupby),
                        f"{user.login} {domain} {groupby}",
                    )
                if user != self.finance:
                    # nor the total value
                    self.assertEqual(
                        self._counted(user, domain, ["stage_id"], total=True),
                        self._truth(user, domain, ["stage_id"], total=True),
                        f"{user.login} {domain} total",
                    )
                self.assertEqual(
                    self.Case.with_user(user).search_count(domain),
                    len(self.Case.with_user(user).search(domain)),
                    f"{user.login} {domain}",
                )

    def test_counts_follow_every_write(self):
        """Created, moved, reassigned, archived, restricted, deleted: every
        user's counts stay those of the cases (written but not yet flushed
        too: the cases are flushed before counting)."""
        domains = ((), [("is_closed", "=", False)], [("user_id", "=", self.worker.id)])
        self._assert_counts(domains)
        first, second = self.stages[:2]
        new = self.Case.create(
            [
                {
                    "name": f"Famiglia {n}",
                    "user_id": self.worker_2.id,
                    "risk_level": "high",
                }
                for n in range(3)
            ]
        )
        self._assert_counts(domains)
        new[0].stage_id = second
        self._intervention(self.assoc_a, self.today, case=new[1], type_=self.type_rent)
        new[1].write({"risk_level": "medium", "user_id": self.worker.id})
        self.case_a.write({"stage_id": second.id, "priority": "1"})
        self._assert_counts(domains)
        new[2].active = False
        self.case_b.restricted = True
        self._assert_counts(
            (*domains, [("active", "=", False)], [("active", "in", (True, False))])
        )
        new[:2].unlink()
        self.case_restricted.write({"stage_id": first.id, "restricted": False})
        self._assert_counts(domains)

    def test_the_rules_decide_over_http(self):
        """Over HTTP, as the kanban asks: the other social worker's columns
        and progress bars do not count the restricted case, nor the other
        Comune's; its case manager's count it."""
        domain = [("stage_id", "=", self.stage_secret.id)]

        def kanban(user):
            groups = self._kanban_columns(user)
            bars = self.rpc(
                "family.case",
                "read_progress_bar",
                domain=[],
                group_by="stage_id",
                progress_bar={
                    "field": "risk_level",
                    "colors": {"low": "success", "medium": "warning", "high": "danger"},
                },
            )
            count = self.rpc("family.case", "search_count", domain)
            secret = [
                g["stage_id_count"]
                for g in groups
                if g["stage_id"] and g["stage_id"][0] == self.stage_secret.id
            ]
            return (
                secret,
                bars.get(str(self.stage_secret.id))
                or bars.get(self.stage_secret.display_name),
                count,
            )

        groups, bars, count = kanban(self.worker_2)
        self.assertEqual(groups, [0])
        self.assertFalse(bars)
        self.assertEqual(count, 0)
        groups, bars, count = kanban(self.worker)
        self.assertEqual(groups, [1])
        self.assertEqual(count, 1)
        self.assertEqual(sum(bars.values()), 1)

    def test_the_counts_are_read_from_the_table(self):
        """The kanban's counts come from ``family.case.count``, not from the
        cases: a row added by hand shows (and this test would tell if the
        counts were read elsewhere)."""
        stage = self.case_a.stage_id
        before = self._counted(self.manager, [], ["stage_id"])[(stage.id,)]
        self.env.cr.execute(
            "INSERT INTO family_case_count (company_id, stage_id, is_closed,"
            " risk_level, priority, restricted, user_id, active, case_count)"
            " VALUES (%s, %s, false, 'low', '0', false, NULL, true, 5)",
            (self.env.company.id, stage.id),
        )
        self.assertEqual(
            self._counted(self.manager, [], ["stage_id"])[(stage.id,)], before + 5
        )
        self.assertEqual(
            self.Case.with_user(self.manager).search_count(
                [("stage_id", "=", stage.id)]
            ),
            before + 5,
        )
        groups = self._kanban_columns(self.manager)
        self.assertIn(
            before + 5,
            [g["stage_id_count"] for g in groups if g["stage_id"][0] == stage.id],
        )
        # a domain on another column: counted on the cases
        self.assertEqual(
            self.Case.with_user(self.manager).search_count(
                [("stage_id", "=", stage.id), ("name", "!=", False)]
            ),
            before,
        )

    def test_compaction_folds_rows_and_keeps_counts(self):
        """Many writes add many rows; the cron folds them into one per key,
        and no count changes."""
        for stage in self.stages.filtered(lambda stage: not stage.is_closed):
            for level in ("medium", "high", "low"):
                (self.case_a | self.case_b).write(
                    {"stage_id": stage.id, "risk_level": level}
                )
                self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM family_case_count")
        rows_before = self.env.cr.fetchone()[0]
        counts = {user: self._counted(user, [], ["stage_id"]) for user in self.users}
        self.env.ref(
            "odoo_famiglie_rete.ir_cron_family_case_count_compact"
        ).method_direct_trigger()
        self.env.cr.execute(
            "SELECT count(*), count(DISTINCT (company_id, stage_id, is_closed,"
            " risk_level, priority, restricted, user_id, active))"
            "  FROM family_case_count"
        )
        rows, keys = self.env.cr.fetchone()
        self.assertLess(rows, rows_before)
        self.assertEqual(rows, keys)
        for user, expected in counts.items():
            self.assertEqual(self._counted(user, [], ["stage_id"]), expected)
        self._assert_counts()

    def test_other_counts_are_counted_on_the_cases(self):
        """A domain on another field, and the associations (whose rule goes
        through the shares), are counted on the cases, as before."""
        self.users = (self.worker, self.manager)
        self._assert_counts(([("name", "ilike", "Famiglia")],))
        for user in (self.coord_a, self.vol_a, self.coord_b):
            self.assertEqual(
                self._counted(user, [], ["stage_id"]),
                self._truth(user, [], ["stage_id"]),
            )
            self.assertEqual(
                self.Case.with_user(user).search_count([]),
                len(self.Case.with_user(user).search([])),
            )

    def test_the_field_guard_still_refuses(self):
        """The finance clerk may not group or count by the risk level, with
        the counts as without."""
        Case = self.Case.with_user(self.finance)
        with self.assertRaisesRegex(AccessError, "risk_level.*in a grouping"):
            Case._read_group([], ["stage_id", "risk_level"], ["__count"])
        with self.assertRaisesRegex(AccessError, "risk_level.*in a search"):
            Case.search_count([("risk_level", "=", "high")])
        self._login(self.finance)
        with mute_logger("odoo.http"):
            self.assertRpcRefused(
                AccessError,
                "risk_level",
                "family.case",
                "read_progress_bar",
                domain=[],
                group_by="stage_id",
                progress_bar={"field": "risk_level", "colors": {"high": "danger"}},
            )

    def test_a_sub_domain_is_not_an_oracle(self):
        """A domain that goes through another model (a path, ``any``, a name
        for a many2one, ``child_of``) is counted on the cases as the user:
        it must not count, nor let guess the name of, the restricted case
        (through the case manager's meetings of its review)."""
        self.env["family.review"].create(
            {
                "case_id": self.case_restricted.id,
                "user_id": self.worker.id,
                "date": fields.Datetime.now() + timedelta(days=7),
                "partner_ids": [Command.link(self.worker.partner_id.id)],
            }
        )

        def through_meetings(case_domain):
            """The cases whose case manager is invited to a meeting of a
            review of a case matching ``case_domain``."""
            review = [("case_id", "any", case_domain)]
            meeting = [("family_review_id", "any", review)]
            return [("user_id", "any", [("meeting_ids", "any", meeting)])]

        oracle = through_meetings(
            [("restricted", "=", True), ("name", "ilike", "Riservata")]
        )
        Case = self.Case.with_user(self.worker_2)
        self.assertEqual(Case.search_count(oracle), len(Case.search(oracle)))
        self.assertEqual(Case.search_count(oracle), 0)
        self.assertEqual(Case._read_group(oracle, ["stage_id"], ["__count"]), [])
        # its case manager counts it (and the cases of hers the domain names)
        self.assertEqual(
            self.Case.with_user(self.worker).search_count(oracle),
            len(self.Case.with_user(self.worker).search(oracle)),
        )
        # the finance clerk may not read the family's name: refused, as a
        # search would be
        with self.assertRaisesRegex(
            AccessError, "not allowed to access 'Joint Review'"
        ):
            self.Case.with_user(self.finance).search_count(
                through_meetings([("name", "ilike", "Riservata")])
            )
        for domain in (
            [("user_id", "ilike", self.worker.name)],
            [("user_id.name", "ilike", self.worker.name)],
            [("stage_id", "=", self.stage_secret.display_name)],
            [("company_id", "child_of", self.env.company.id)],
        ):
            self.assertEqual(
                Case.search_count(domain), len(Case.search(domain)), domain
            )

    def test_plain_domains_are_read_from_the_table(self):
        """Which domains the table answers: comparisons of its columns with
        plain values, and nothing else."""
        Count = self.env["family.case.count"]
        Case = self.Case.with_user(self.worker)
        plain = (
            [("stage_id", "in", self.stages.ids)],
            ["!", ("risk_level", "=", "high")],
            [("user_id", "=", False)],
            [("company_id", "in", [self.env.company.id, False])],
            [("priority", "=?", False)],
            [(1, "=", 1)],
        )
        for domain in plain:
            self.assertIsNotNone(Count._family_domain(Case, domain), domain)
        for domain in (
            [("user_id", "any", [("id", "=", self.worker.id)])],
            [("user_id", "ilike", "Giulia")],
            [("stage_id.name", "=", "Chiuso")],
            [("company_id", "child_of", self.env.company.id)],
            [("user_id", "in", self.env["res.users"]._search([]))],
            [("name", "=", "Famiglia Alfa")],
            [("user_id", "=", True)],
        ):
            self.assertIsNone(Count._family_domain(Case, domain), domain)

    def test_other_companies_and_archived_cases(self):
        """A user of both Comuni counts both; archived cases only when asked
        for, as the cases' own search."""
        self.manager.company_ids |= self.other_company
        self.case_b.active = False
        both = self.Case.with_user(self.manager).with_context(
            allowed_company_ids=[self.env.company.id, self.other_company.id]
        )
        for Case in (both, both.with_context(active_test=False)):
            for domain in ([], [("active", "=", False)]):
                self.assertEqual(
                    Case.search_count(domain), len(Case.search(domain)), domain
                )
        self.assertEqual(
            both.search_count([]),
            len(
                self.Case.search(
                    [("company_id", "in", [self.env.company.id, self.other_company.id])]
                )
            ),
        )

    def test_nobody_reads_or_changes_the_counts(self):
        """Over JSON-RPC every role is refused the table: reading it, grouping
        it, writing, creating, deleting its rows, and folding them."""
        self.env.cr.execute("SELECT id FROM family_case_count ORDER BY id LIMIT 1")
        (row_id,) = self.env.cr.fetchone()
        self.env.cr.execute("SELECT count(*), sum(case_count) FROM family_case_count")
        before = self.env.cr.fetchone()
        for user in (self.finance, self.coord_a, self.manager, self.worker):
            self._login(user)
            with self.subTest(user=user.login):
                for method, args, kwargs in (
                    ("search_read", [[]], {"fields": ["case_count"]}),
                    ("read", [[row_id], ["case_count"]], {}),
                    (
                        "web_read_group",
                        [],
                        {"domain": [], "fields": [], "groupby": ["stage_id"]},
                    ),
                    ("write", [[row_id], {"case_count": 1000}], {}),
                    ("unlink", [[row_id]], {}),
                    ("create", [{"case_count": 1000}], {}),
                ):
                    self.assertRpcRefused(
                        AccessError,
                        "(family.case.count)",
                        "family.case.count",
                        method,
                        *args,
                        **kwargs,
                    )
                self.assertRpcRefused(
                    AccessError,
                    "cannot be called remotely",
                    "family.case.count",
                    "_cron_compact",
                )
        self.env.cr.execute("SELECT count(*), sum(case_count) FROM family_case_count")
        self.assertEqual(self.env.cr.fetchone(), before)
