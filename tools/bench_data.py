"""Grow a benchmark database for ``make bench`` (see tools/bench.py).

The few configuration records (the second Comune, users, associations,
protocols, a draft statement) are created through the ORM. The bulk (member
contacts, cases, members, interventions, shares, plans, reviews) is generated
in Python from a seeded ``random.Random`` and loaded with ``COPY``: the ORM
would take hours for a million interventions. Every stored computed or related
field of those rows is computed here, from the same data, the way the
addon's compute methods do; ``check_sample()`` then asks the ORM to recompute
every stored computed field of a random sample and fails on any difference.

Everything runs inside Odoo's virtual environment, with an ``env`` given by
tools/bench.py.
"""

import csv
import io
import logging
import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta

_logger = logging.getLogger("famiglie.bench")

# Bump when the generated data changes: a kept database is then regenerated.
GENERATOR_VERSION = 8

# DESIGN.md's 500 portal users over 50 associations: a coordinator and nine
# volunteers each; half of an association's active shares name one of them
VOLUNTEERS_PER_ASSOCIATION = 9

SURNAMES = (
    (
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco "
        "Bruno Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti "
        "Barbieri Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini "
        "Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola De_Santis "
        "D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini "
        "Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna "
        "Farina Rizzi Monti"
    )
    .replace("_", " ")
    .split()
)
FIRST_NAMES = (
    (
        "Giuseppe Maria Giovanni Anna Antonio Giuseppina Mario Rosa Luigi Angela "
        "Francesco Giovanna Angelo Teresa Vincenzo Lucia Pietro Carmela Salvatore "
        "Caterina Carlo Francesca Franco Anna_Maria Domenico Antonietta Bruno "
        "Carla Paolo Elena Michele Concetta Giorgio Rita Aldo Margherita Sofia "
        "Leonardo Giulia Alessandro Aurora Lorenzo Alice Mattia Ginevra Omar Fatima "
        "Ion Elena Mohamed Amina"
    )
    .replace("_", " ")
    .split()
)
RELATIONS = ["partner", "child", "child", "child", "parent", "sibling", "grandparent"]
CASE_ORDER_SIZES = (1, 2, 3, 4, 5, 6)
MEMBER_WEIGHTS = (18, 22, 25, 18, 10, 7)  # mean 3.01 members per case
OPEN_STAGE_WEIGHTS = (10, 20, 45, 25)  # reported, assessment, in charge, monitoring
FORM_CASES = 5  # open cases with exactly 200 interventions (the case form)
FORM_INTERVENTIONS = 200
STATEMENT_MAX = 10_000


def sizes_for(cases):
    """Everything scaled on the number of cases, as in DESIGN.md."""
    return {
        "cases": cases,
        "members": 3 * cases,
        "interventions": 10 * cases,
        "shares": cases,
        "associations": 50,
        "statement": min(STATEMENT_MAX, cases * 10 // 4),
    }


# ---------------------------------------------------------------------------
# COPY helpers
# ---------------------------------------------------------------------------


def _cell(value):
    if value is None:
        return None
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, date | datetime):
        return (
            value.isoformat(sep=" ")
            if isinstance(value, datetime)
            else value.isoformat()
        )
    return value


def copy_rows(cr, table, columns, rows, chunk=200_000):
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``."""
    sql = (
        f'COPY "{table}" ({", ".join(f"{c}" for c in columns)}) '
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    for start in range(0, len(rows), chunk):
        buf = io.StringIO()
        writer = csv.writer(buf)
        for row in rows[start : start + chunk]:
            writer.writerow(["\\N" if (c := _cell(v)) is None else c for v in row])
        buf.seek(0)
        cr._obj.copy_expert(sql, buf)


class Ids:
    """Ids handed out in Python, the sequence moved past them afterwards."""

    def __init__(self, cr, table):
        self.cr = cr
        self.table = table
        cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        self.next = cr.fetchone()[0] + 1

    def take(self):
        value = self.next
        self.next += 1
        return value

    def close(self):
        self.cr.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            (self.table, max(self.next - 1, 1)),
        )


# ---------------------------------------------------------------------------
# The configuration, through the ORM
# ---------------------------------------------------------------------------


def _set_password(env, user, password):
    user.sudo().write({"password": password})


# the users' time zone (the Comune's)
TZ = "Europe/Rome"

# the context of the generation: no chatter, no tracking, no e-mail
CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_reset_password": True,
}


def setup_config(env, rng, sz):
    """Companies, users, associations, protocols: a few hundred records."""
    Users = env["res.users"].with_context(no_reset_password=True)
    company_a = env.ref("base.main_company")
    company_a.write({"name": "Comune di Benchmark A"})
    company_b = env["res.company"].create(
        {"name": "Comune di Benchmark B", "currency_id": company_a.currency_id.id}
    )
    companies = company_a | company_b
    (company_a.partner_id | company_b.partner_id).write(
        {"is_family_network_member": True}
    )
    admin = env.ref("base.user_admin")
    # every user in Europe/Rome, as in the Comune: the web client then sends
    # the time zone in the context, as it does in production
    admin.write({"company_ids": [(4, company_b.id)], "tz": TZ})
    group = env.ref
    internal = group("base.group_user").id
    manager_g = group("odoo_famiglie_rete.group_family_manager").id
    sw_g = group("odoo_famiglie_rete.group_family_social_worker").id
    fin_g = group("odoo_famiglie_rete.group_family_finance").id
    portal_g = group("base.group_portal").id

    def user(login, name, groups, company, password=True):
        rec = Users.create(
            {
                "name": name,
                "login": login,
                "tz": TZ,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, groups)],
            }
        )
        if password:
            _set_password(env, rec, login)
        return rec

    logins = {"admin": admin}
    logins["manager"] = user(
        "bench.manager", "Responsabile Bench", [internal, manager_g], company_a
    )
    logins["finance"] = user(
        "bench.finance", "Ufficio amministrativo Bench", [internal, fin_g], company_a
    )
    workers = {company_a: [], company_b: []}
    for company, count, prefix in ((company_a, 8, "a"), (company_b, 4, "b")):
        for n in range(1, count + 1):
            rec = user(
                f"bench.sw.{prefix}{n}",
                f"Assistente sociale {prefix.upper()}{n}",
                [internal, sw_g],
                company,
                password=(company == company_a and n == 1),
            )
            workers[company].append(rec.id)
    logins["social_worker"] = env["res.users"].browse(workers[company_a][0])

    # 50 associations, 35 in the protocol of A and 15 in the protocol of B
    Partner = env["res.partner"]
    n_assoc = sz["associations"]
    n_a = round(n_assoc * 0.7)
    associations = Partner.create(
        [
            {
                "name": f"Associazione Bench {n:02d}",
                "is_company": True,
                "is_family_network_member": True,
            }
            for n in range(1, n_assoc + 1)
        ]
    )
    by_company = {company_a: associations[:n_a], company_b: associations[n_a:]}
    today = date.today()
    parties = {}
    for company, assocs in by_company.items():
        protocol = env["family.protocol"].create(
            {
                "name": f"Protocollo d'intesa {company.name}",
                "company_id": company.id,
                "date_start": date(today.year - 2, 1, 1),
                "date_end": date(today.year + 1, 12, 31),
                "date_signed": date(today.year - 2, 1, 1),
                "confirmed": True,
                "party_ids": [
                    (0, 0, {"partner_id": a.id, "compensation_mode": "reimbursement"})
                    for a in assocs
                ],
            }
        )
        for party in protocol.party_ids:
            parties[party.partner_id.id] = party.id
    # a coordinator and nine volunteers per association: DESIGN.md's 500
    # portal users (passwords only for the two the benchmark logs in as)
    portal = {}
    for index, assoc in enumerate(associations):
        company = company_a if assoc in by_company[company_a] else company_b
        roles = [("coordinator", f"bench.coord.{index:02d}")] + [
            ("volunteer", f"bench.vol.{index:02d}" + (f".{k}" if k else ""))
            for k in range(VOLUNTEERS_PER_ASSOCIATION)
        ]
        for role, login in roles:
            rec = Users.create(
                {
                    "name": f"{role.title()} {login.split('.', 2)[2]} {assoc.name}",
                    "login": login,
                    "tz": TZ,
                    "parent_id": assoc.id,
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [portal_g])],
                }
            )
            rec.sudo().write({"family_portal_role": role})
            if index == 0 and role not in logins:
                _set_password(env, rec, login)
                logins[role] = rec
            portal.setdefault((assoc.id, role), []).append(rec.id)
    env.flush_all()
    return {
        "companies": companies,
        "company_a": company_a,
        "company_b": company_b,
        "workers": workers,
        "associations": by_company,
        "parties": parties,
        "portal": portal,
        "logins": logins,
    }


# ---------------------------------------------------------------------------
# The bulk, in Python then COPY
# ---------------------------------------------------------------------------


def _rand_date(rng, start, end):
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def generate_bulk(env, rng, sz, conf):  # noqa: C901 - one pass per case
    cr = env.cr
    today = date.today()
    stages = env["family.case.stage"].search([])
    open_stages = stages.filtered(lambda s: not s.is_closed).ids[:4]
    closed_stage = stages.filtered("is_closed")[:1].id
    # an intervention's "taken in charge" (SIUSS) follows its case's stage
    in_charge = env.ref("odoo_famiglie_rete.stage_in_charge", raise_if_not_found=False)
    stage_sequence = {s.id: s.sequence for s in stages}
    types = env["family.intervention.type"].search([])
    type_rows = [(t.id, t.category, t.unit_value, t.compensable) for t in types]
    need_areas = env["family.need.area"].search([]).ids
    company_a, company_b = conf["company_a"], conf["company_b"]
    comune_partner = {
        company_a.id: company_a.partner_id.id,
        company_b.id: company_b.partner_id.id,
    }
    currency = {c.id: c.currency_id.id for c in (company_a, company_b)}
    assoc_ids = {c.id: conf["associations"][c].ids for c in (company_a, company_b)}
    stmt_assoc = assoc_ids[company_a.id][0]
    stmt_year = today.year - 1
    stmt_types = [t for t in type_rows if t[3]]
    admin_id = conf["logins"]["admin"].id

    ids = {
        t: Ids(cr, t)
        for t in (
            "res_partner",
            "family_case",
            "family_case_member",
            "family_intervention",
            "family_case_share",
            "family_plan",
            "family_review",
        )
    }
    partners, cases, members, interventions, shares = [], [], [], [], []
    volunteers, need_rel, provider_rel, plans, reviews = [], [], [], [], []
    n_cases = sz["cases"]
    expected_a = 0.7 * sz["interventions"]
    stmt_p = min(1.0, 1.3 * sz["statement"] / expected_a)
    stmt_left = sz["statement"]
    form_left = FORM_CASES
    form_case_ids = []
    counters = defaultdict(int)

    for n in range(n_cases):
        company = company_a.id if rng.random() < 0.7 else company_b.id
        closed = rng.random() < 0.30
        intake = today - timedelta(days=rng.randint(0, 20 * 365))
        date_closed = (
            min(today, intake + timedelta(days=rng.randint(30, 3 * 365)))
            if closed
            else None
        )
        stage = (
            closed_stage if closed else rng.choices(open_stages, OPEN_STAGE_WEIGHTS)[0]
        )
        restricted = rng.random() < 0.05
        taken_in_charge = bool(
            in_charge and stage_sequence[stage] >= in_charge.sequence
        )
        worker = rng.choice(
            conf["workers"][company_a if company == company_a.id else company_b]
        )
        surname = rng.choice(SURNAMES)
        case_id = ids["family_case"].take()
        form_case = (
            form_left > 0 and company == company_a.id and not closed and not restricted
        )
        if form_case:
            form_left -= 1
            form_case_ids.append(case_id)
        created = datetime.combine(intake, datetime.min.time()) + timedelta(hours=9)
        end_of_life = date_closed or today
        # members and their contacts
        member_ids = []
        for k in range(rng.choices(CASE_ORDER_SIZES, MEMBER_WEIGHTS)[0]):
            pid = ids["res_partner"].take()
            name = f"{rng.choice(FIRST_NAMES)} {surname}"
            partners.append((pid, name, created, worker))
            mid = ids["family_case_member"].take()
            birth = today - timedelta(days=rng.randint(0, 85 * 365))
            members.append(
                (
                    mid,
                    case_id,
                    company,
                    10 + k,
                    pid,
                    name,
                    "reference" if k == 0 else rng.choice(RELATIONS),
                    birth,
                    closed,
                    created,
                    worker,
                )
            )
            member_ids.append(mid)
        for area in rng.sample(need_areas, rng.randint(1, 3)):
            need_rel.append((case_id, area))
        # shares
        case_assocs = []
        n_shares = rng.choices((0, 1, 2, 3), (32, 40, 22, 6))[0]
        for assoc in rng.sample(assoc_ids[company], n_shares):
            sid = ids["family_case_share"].take()
            start = _rand_date(rng, intake, end_of_life)
            end = revoked = date_revoked = None
            revoked = False
            if closed:
                end = max(date_closed, start)
                revoked, date_revoked = True, date_closed
            else:
                roll = rng.random()
                if roll < 0.10:  # ended
                    end = _rand_date(rng, start, today - timedelta(days=1))
                    if end < start:
                        end = None
                elif roll < 0.15:  # starts later
                    start = today + timedelta(days=rng.randint(1, 60))
                elif roll < 0.25:  # revoked
                    revoked, date_revoked = True, _rand_date(rng, start, today)
                elif roll < 0.45:
                    end = today + timedelta(days=rng.randint(1, 365))
            if revoked:
                state = "revoked"
            elif end and end < today:
                state = "expired"
            elif start > today:
                state = "scheduled"
            else:
                state = "active"
            consent = rng.random() < 0.7
            shares.append(
                (
                    sid,
                    case_id,
                    company,
                    assoc,
                    "consent" if consent else "public_task",
                    start if consent else None,
                    rng.random() < 0.9,
                    rng.random() < 0.8,
                    rng.random() < 0.8,
                    rng.random() < 0.7,
                    rng.random() < 0.3,
                    rng.random() < 0.2,
                    start,
                    end,
                    revoked,
                    date_revoked,
                    state,
                    restricted,
                    created,
                    worker,
                )
            )
            counters[f"share_{state}"] += 1
            if state == "active" and rng.random() < 0.5:
                volunteers.append((sid, rng.choice(conf["portal"][assoc, "volunteer"])))
            case_assocs.append(assoc)
        # interventions
        k_int = FORM_INTERVENTIONS if form_case else rng.randint(0, 20)
        live = defaultdict(list)  # (category) -> [(index, provider, start, end)]
        providers = set()
        amount_total = 0.0
        first = len(interventions)
        for _ in range(k_int):
            iid = ids["family_intervention"].take()
            tid, category, unit_value, compensable = rng.choice(type_rows)
            roll = rng.random()
            if roll < 0.4:
                provider = comune_partner[company]
            elif case_assocs and roll < 0.8:
                provider = rng.choice(case_assocs)
            else:
                provider = rng.choice(assoc_ids[company])
            start = _rand_date(rng, intake, end_of_life)
            end = (
                start + timedelta(days=rng.randint(0, 180))
                if rng.random() < 0.8
                else None
            )
            if closed:
                state = "done" if rng.random() < 0.85 else "cancelled"
            else:
                state = rng.choices(
                    ("planned", "active", "done", "cancelled"), (20, 30, 40, 10)
                )[0]
            if (
                company == company_a.id
                and stmt_left > 0
                and not form_case
                and rng.random() < stmt_p
            ):
                stmt_left -= 1
                tid, category, unit_value, compensable = rng.choice(stmt_types)
                provider, state = stmt_assoc, "done"
                start = _rand_date(rng, date(stmt_year, 1, 1), date(stmt_year, 12, 31))
                end = (
                    min(
                        date(stmt_year, 12, 31),
                        start + timedelta(days=rng.randint(0, 20)),
                    )
                    if rng.random() < 0.8
                    else None
                )
            quantity = float(rng.randint(1, 10))
            amount = round(quantity * unit_value, 2)
            member = rng.choice(member_ids) if rng.random() < 0.5 else None
            interventions.append(
                [
                    iid,
                    case_id,
                    company,
                    provider,
                    tid,
                    category,
                    member,
                    start,
                    end,
                    quantity,
                    unit_value,
                    amount,
                    state,
                    compensable,
                    False,  # has_overlap, below
                    "Intervento",
                    created,
                    worker,
                    taken_in_charge,
                    restricted,  # case_restricted, the case's flag
                    worker,  # case_user_id, the case manager
                ]
            )
            providers.add(provider)
            if state != "cancelled":
                amount_total += amount
            if state in ("planned", "active"):
                live[category].append(
                    (len(interventions) - 1, provider, start, end or date.max)
                )
        # the overlap flag: same family and category, another provider,
        # intersecting periods, both planned or active
        for periods in live.values():
            for i, (idx, prov, s, e) in enumerate(periods):
                for j, (_idx2, prov2, s2, e2) in enumerate(periods):
                    if i != j and prov2 != prov and s <= e2 and s2 <= e:
                        interventions[idx][14] = True
                        counters["overlaps"] += 1
                        break
        for provider in providers:
            provider_rel.append((case_id, provider))
        # plans: 40% of the cases, some with a superseded first version
        current_plan = None
        if rng.random() < 0.4:
            versions = 2 if rng.random() < 0.25 else 1
            for version in range(1, versions + 1):
                plan_id = ids["family_plan"].take()
                last = version == versions
                state = (
                    rng.choices(("draft", "approval", "active"), (20, 10, 70))[0]
                    if last
                    else "superseded"
                )
                plans.append(
                    (
                        plan_id,
                        case_id,
                        company,
                        version,
                        state,
                        _rand_date(rng, intake, end_of_life),
                        created,
                        worker,
                    )
                )
                if state != "superseded":
                    current_plan = plan_id
        # reviews: 40% of the cases
        review_rows = []
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                rid = ids["family_review"].take()
                when = datetime.combine(
                    _rand_date(rng, intake, end_of_life + timedelta(days=90)),
                    datetime.min.time(),
                ) + timedelta(hours=rng.randint(8, 17))
                state = (
                    "done"
                    if when.date() < today and rng.random() < 0.8
                    else ("cancelled" if rng.random() < 0.1 else "planned")
                )
                nxt = (
                    when.date() + timedelta(days=rng.randint(30, 180))
                    if state == "done" and rng.random() < 0.8
                    else None
                )
                review_rows.append((rid, state, when, nxt))
                reviews.append(
                    (
                        rid,
                        case_id,
                        company,
                        current_plan,
                        when,
                        worker,
                        state,
                        nxt,
                        created,
                        worker,
                    )
                )
        # next_review_date as _compute_next_review_date
        done = [r for r in review_rows if r[1] == "done" and r[2]]
        last = max(done, key=lambda r: r[2]) if done else None
        # sorted("date")[-1:]: among equal dates the ORM keeps the last by its
        # order; the dates here are unique enough (hours differ), as the check shows
        planned = [
            r[2].date()
            for r in review_rows
            if r[1] == "planned" and r[2] and (not last or r[2] > last[2])
        ]
        if not planned and last and last[3]:
            planned.append(last[3])
        next_review = min(planned) if planned else None
        cases.append(
            (
                case_id,
                f"NF/{intake.year}/{n + 1:06d}",
                f"Famiglia {surname}",
                True,
                company,
                stage,
                closed,
                worker,
                "1" if rng.random() < 0.1 else "0",
                restricted,
                rng.choices(("low", "medium", "high"), (60, 30, 10))[0],
                round(rng.uniform(0, 30000), 2) if rng.random() < 0.7 else None,
                today + timedelta(days=rng.randint(-365, 365))
                if rng.random() < 0.7
                else None,
                intake,
                "Servizi sociali",
                date_closed,
                False,
                current_plan,
                next_review,
                round(amount_total, 2),
                created,
                worker,
                currency[company],
                # has_overlap as _compute_has_overlap: one of its own
                any(row[14] for row in interventions[first:]),
            )
        )
        counters["closed" if closed else "open"] += 1
        counters["restricted"] += restricted
        del first

    t0 = time.time()
    audit = ("create_date", "create_uid", "write_date", "write_uid")

    def with_audit(rows, created_idx, uid_idx):
        return [
            r[:created_idx]
            + r[created_idx + 2 :]
            + (r[created_idx], r[uid_idx], r[created_idx], r[uid_idx])
            for r in rows
        ]

    # member contacts: what res.partner's defaults and computes give a
    # contact without parent, e-mail, phone or user
    copy_rows(
        cr,
        "res_partner",
        (
            "id",
            "name",
            "complete_name",
            "commercial_partner_id",
            "active",
            "type",
            "is_company",
            "color",
            "lang",
            "partner_share",
            "message_bounce",
            "supplier_rank",
            "customer_rank",
            "autopost_bills",
            "invoice_warn",
            "is_family_person",
            "is_family_external_service",
            "is_family_network_member",
            *audit,
        ),
        [
            (
                pid,
                name,
                name,
                pid,
                True,
                "contact",
                False,
                0,
                "en_US",
                True,
                0,
                0,
                0,
                "ask",
                "no-message",
                True,
                False,
                False,
                created,
                uid,
                created,
                uid,
            )
            for pid, name, created, uid in partners
        ],
    )
    copy_rows(
        cr,
        "family_case",
        (
            "id",
            "reference",
            "name",
            "active",
            "company_id",
            "stage_id",
            "is_closed",
            "user_id",
            "priority",
            "restricted",
            "risk_level",
            "isee_value",
            "isee_expiry",
            "date_intake",
            "report_source",
            "date_closed",
            "anonymized",
            "current_plan_id",
            "next_review_date",
            "amount_total",
            "currency_id",
            "has_overlap",
            *audit,
        ),
        # the current plan is set once the plans are in (each refers to the other)
        [c[:17] + (None,) + c[18:] for c in with_audit(cases, 20, 21)],
    )
    copy_rows(
        cr,
        "family_case_member",
        (
            "id",
            "case_id",
            "company_id",
            "sequence",
            "partner_id",
            "name",
            "relation",
            "birthdate",
            "case_closed",
            "active",
            *audit,
        ),
        [r[:9] + (True,) + (r[9], r[10], r[9], r[10]) for r in members],
    )
    copy_rows(
        cr,
        "family_case_family_need_area_rel",
        ("family_case_id", "family_need_area_id"),
        need_rel,
    )
    copy_rows(
        cr,
        "family_case_share",
        (
            "id",
            "case_id",
            "company_id",
            "partner_id",
            "legal_basis",
            "consent_date",
            "share_identity",
            "share_household",
            "share_needs",
            "share_goals",
            "share_other_interventions",
            "share_documents",
            "date_start",
            "date_end",
            "revoked",
            "date_revoked",
            "state",
            "case_restricted",
            *audit,
        ),
        with_audit(shares, 18, 19),
    )
    copy_rows(
        cr,
        "family_case_share_volunteer_rel",
        ("share_id", "user_id"),
        volunteers,
    )
    copy_rows(
        cr,
        "family_intervention",
        (
            "id",
            "case_id",
            "company_id",
            "provider_id",
            "type_id",
            "category",
            "member_id",
            "date_start",
            "date_end",
            "quantity",
            "unit_value",
            "amount",
            "state",
            "compensable",
            "has_overlap",
            "overlap_detected",
            "overlap_resolved",
            "name",
            "compensated",
            "siuss_taken_in_charge",
            *audit,
            "case_restricted",
            "case_user_id",
        ),
        [
            # an overlap found is an overlap detected
            tuple(r[:15])
            + (r[14], False, r[15])
            + (False, r[18])
            + (r[16], r[17], r[16], r[17])
            + (r[19], r[20])
            for r in interventions
        ],
    )
    copy_rows(cr, "family_case_provider_rel", ("case_id", "partner_id"), provider_rel)
    copy_rows(
        cr,
        "family_plan",
        (
            "id",
            "case_id",
            "company_id",
            "version",
            "state",
            "date_start",
            # no goals are generated: nothing measured yet
            "progress",
            "goal_met_count",
            "goal_partly_count",
            "goal_not_met_count",
            "goal_open_count",
            *audit,
        ),
        [r[:6] + ("open", 0, 0, 0, 0) + (r[6], r[7], r[6], r[7]) for r in plans],
    )
    cr.execute(
        """
        UPDATE family_case c SET current_plan_id = p.id
          FROM family_plan p
         WHERE p.case_id = c.id AND p.state != 'superseded' AND c.id >= %s
        """,
        (cases[0][0] if cases else 0,),
    )
    copy_rows(
        cr,
        "family_review",
        (
            "id",
            "case_id",
            "company_id",
            "plan_id",
            "date",
            "user_id",
            "state",
            "next_review_date",
            "duration",
            *audit,
        ),
        [r[:8] + (1.0,) + (r[8], r[9], r[8], r[9]) for r in reviews],
    )
    for seq in ids.values():
        seq.close()
    # the case references: the sequence goes on after the generated ones
    cr.execute(
        "UPDATE ir_sequence SET number_next = %s WHERE code = 'family.case'",
        (n_cases + 1,),
    )
    _logger.info("COPY of the bulk rows: %.1fs", time.time() - t0)
    env.invalidate_all()
    counters.update(
        partners=len(partners),
        members=len(members),
        interventions=len(interventions),
        shares=len(shares),
        plans=len(plans),
        reviews=len(reviews),
        statement_interventions=sz["statement"] - stmt_left,
    )
    del admin_id
    return {
        "counters": dict(counters),
        "form_case_ids": form_case_ids,
        "stmt_assoc": stmt_assoc,
        "stmt_year": stmt_year,
        "first_ids": {t: None for t in ids},
    }


def create_statement(env, conf, bulk):
    """A draft statement of the statement association for last year."""
    party = conf["parties"][bulk["stmt_assoc"]]
    year = bulk["stmt_year"]
    statement = env["family.compensation"].create(
        {
            "party_id": party,
            "date_from": date(year, 1, 1),
            "date_to": date(year, 12, 31),
        }
    )
    return statement.id


# ---------------------------------------------------------------------------
# The ORM's own computation, on a sample
# ---------------------------------------------------------------------------

CHECKED_MODELS = (
    "res.partner",
    "family.case",
    "family.case.member",
    "family.intervention",
    "family.case.share",
    "family.plan",
    "family.review",
)


def _stored_computed(model):
    return [
        f
        for f in model._fields.values()
        if f.store and (f.compute or f.related) and f.name not in ("display_name",)
    ]


def _comparable(field, value):
    if field.type in ("many2one",):
        return value.id if value else False
    if field.type in ("many2many", "one2many"):
        return tuple(sorted(value.ids))
    if field.type in ("float", "monetary"):
        return round(value or 0.0, 2)
    if field.type == "binary":
        return bool(value)
    return value or False


def check_sample(env, size=400, seed=1):
    """Recompute every stored computed field of a sample through the ORM.

    The values the generator wrote are read, the ORM recomputes them
    (``add_to_compute`` then ``flush``) and the database values are read
    again; any difference is returned. The transaction is rolled back.
    """
    rng = random.Random(seed)
    mismatches = []
    checked = {}
    cr = env.cr
    for model_name in CHECKED_MODELS:
        Model = env[model_name].with_context(active_test=False)
        if model_name == "res.partner":
            cr.execute("SELECT id FROM res_partner WHERE is_family_person")
        else:
            cr.execute(f'SELECT id FROM "{Model._table}"')
        all_ids = [r[0] for r in cr.fetchall()]
        sample = Model.browse(sorted(rng.sample(all_ids, min(size, len(all_ids)))))
        fields_ = _stored_computed(Model)
        env.invalidate_all()
        before = {
            rec.id: {f.name: _comparable(f, rec[f.name]) for f in fields_}
            for rec in sample
        }
        for field in fields_:
            env.add_to_compute(field, sample)
        env.flush_all()
        env.invalidate_all()
        for rec in sample:
            for field in fields_:
                after = _comparable(field, rec[field.name])
                if after != before[rec.id][field.name]:
                    mismatches.append(
                        (
                            model_name,
                            rec.id,
                            field.name,
                            before[rec.id][field.name],
                            after,
                        )
                    )
        checked[model_name] = (len(sample), [f.name for f in fields_])
    cr.rollback()
    env.invalidate_all()
    return checked, mismatches
