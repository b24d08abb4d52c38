"""The privacy policy of the family network, declared once.

For every model of the addon, and for the fields the addon adds to Odoo's own
models: which role reads which records and which fields, and, for the
associations, which category of their share opens the records.

The ORM enforces it: ACLs (``security/ir.model.access.csv``), record rules
(``security/family_rules.xml``, and ``models/ir_rule.py`` for Odoo's own
models), field ``groups``, and projection models that hold apart what a share
category opens per family (``family.case.identity``, ``family.case.needs``,
``family.case.household``, ``family.intervention.summary``). This module does
not enforce anything itself: ``tests/test_privacy_matrix.py`` enumerates every
field of every model at run time and checks, over HTTP, for every role and
share state, that what each role reads is exactly what is declared here, no
more. A field added later without a place here fails that test as soon as a
role outside the social service can read it; the README's privacy section is
written from this table.

Roles:

- ``manager``: the social service manager (every case of the Comune);
- ``social_worker``: the Comune's social workers (not the restricted cases of
  other case managers);
- ``finance``: the finance clerks (group_family_finance without the social
  service);
- ``association``: the portal users of an association: the coordinator for
  every family actively shared with the association, a volunteer for the
  families whose share names them.

For each model and role the value is ``None`` (the role reads no record), the
string ``"all"`` (every field), or a set of field names. For the association,
``opens`` names what decides which records: ``"always"`` (any active share of
the case), a share category field (``share_identity``, ...), and ``own`` adds
a condition on the record itself: ``provider`` (its own interventions),
``party`` (its own goals and their outcomes), ``invited`` (the reviews it is
invited to), ``partner`` (its own shares), ``statement`` (its own approved,
billed or paid statements: coordinators only).
"""

# Fields every model has (the magic fields): who reads a record reads them.
META = frozenset(
    {"id", "display_name", "create_date", "create_uid", "write_date", "write_uid"}
)

# Odoo's discussion and activity fields (mail.thread, mail.activity.mixin):
# who reads them reads the discussion through mail.message's own access
# (associations: the shared discussion only; finance: nothing of a family).
THREAD = "thread"

CATEGORIES = (
    "share_identity",
    "share_household",
    "share_needs",
    "share_goals",
    "share_other_interventions",
    "share_documents",
)

ROLES = ("manager", "social_worker", "finance", "association")


def policy(
    manager="all",
    social_worker="all",
    finance=None,
    association=None,
    opens=None,
    own=None,
):
    return {
        "manager": manager,
        "social_worker": social_worker,
        "finance": finance,
        "association": association,
        "opens": opens,
        "own": own,
    }


# What of the case itself the associations and finance read: the reference
# (its display name for them), the stage and the case manager as contact.
CASE_OUTSIDE_COMUNE = {
    "reference",
    "stage_id",
    "user_id",
    "company_id",
    "currency_id",
    "active",
    "is_closed",
}
# The SIUSS data of an intervention: application, ISEE declaration, shares.
INTERVENTION_SIUSS = {
    "siuss_application_ref",
    "siuss_dsu_number",
    "siuss_dsu_year",
    "siuss_dsu_date",
    "siuss_taken_in_charge",
    "siuss_user_share",
    "siuss_health_share",
    "siuss_comune_share",
    "siuss_monthly_hours",
}
# The case's restriction and case manager, copied on the intervention for the
# social workers' record rule: the social service's.
INTERVENTION_RULE = {"case_restricted", "case_user_id"}
INTERVENTION_PRIVATE = {
    *INTERVENTION_RULE,
    "name",
    "notes",
    "member_id",
    "goal_id",
    "overlap_warning",
    *INTERVENTION_SIUSS,
}
CONFIG = policy(finance="all", association="all", opens="always")

POLICY = {
    # The case: the associations read the reference, stage and case manager
    # of the families actively shared with them; the rest is the Comune's.
    "family.case": policy(
        finance=CASE_OUTSIDE_COMUNE | {"priority", "date_intake"},
        association=CASE_OUTSIDE_COMUNE,
        opens="always",
    ),
    # Projections: one per share category that opens a part of the family.
    "family.case.identity": policy(association="all", opens="share_identity"),
    "family.case.needs": policy(association="all", opens="share_needs"),
    "family.case.household": policy(association="all", opens="share_household"),
    "family.intervention.summary": policy(
        association="all", opens="share_other_interventions"
    ),
    # Members are the family's identity: names, codici fiscali, birth dates,
    # contacts. Never the social worker's notes, nor the SIUSS data (surname,
    # citizenship, residence codes) or a minor's SINBA assessment
    # (``sinba_*``: orphanhood, school, disability, court orders...): the
    # social service's only, like the case's ``sinba_*`` fields above.
    "family.case.member": policy(
        association={
            "case_id",
            "company_id",
            "name",
            "fiscal_code",
            "fiscal_code_invalid",
            "birthdate",
            "age",
            "is_minor",
            "active",
            "sequence",
            "phone",
            "email",
            "street",
            "zip",
            "city",
            "contact_address",
            "case_closed",
        },
        opens="share_identity",
    ),
    "family.intervention": policy(
        social_worker={"all-but": {"compensation_id", "compensation_line_ids"}},
        finance={"all-but": INTERVENTION_PRIVATE},
        association={
            "all-but": {
                "overlap_warning",
                "compensation_id",
                "compensation_line_ids",
                *INTERVENTION_SIUSS,
                *INTERVENTION_RULE,
            }
        },
        opens="always",
        own="provider",
    ),
    "family.plan": policy(
        association={
            "case_id",
            "company_id",
            "state",
            "version",
            "date_start",
            "date_end",
            "date_agreed",
            "is_latest_version",
            "is_case_closed",
            "goal_ids",
            "can_approve",
            "previous_plan_id",
            # computed from the goals the reader may read: its own party
            "party_ids",
            "pending_party_ids",
            "goal_count",
        },
        opens="share_goals",
    ),
    # Its own goals, with their indicator and measures; which library
    # template a goal came from is the Comune's.
    "family.plan.goal": policy(
        association={"all-but": {"template_id"}}, opens="share_goals", own="party"
    ),
    # The meeting (date, place, invited), never the Comune's minutes.
    "family.review": policy(
        association={"all-but": {"minutes"}}, opens="always", own="invited"
    ),
    "family.review.outcome": policy(association="all", opens="always", own="party"),
    "family.referral": policy(),
    "family.case.share": policy(
        association={
            "case_id",
            "company_id",
            "partner_id",
            "state",
            "date_start",
            "date_end",
            "volunteer_user_ids",
            "revoked",
            "legal_basis",
            "consent_date",
            "date_revoked",
            *CATEGORIES,
        },
        opens="always",
        own="partner",
    ),
    "family.case.share.revoke": policy(),
    "family.case.close": policy(),
    # The goal library and the plan templates: the Comune's working tools.
    "family.goal.template": policy(),
    "family.plan.template": policy(),
    # the manager's form of the addon's settings (no family data)
    "family.settings": policy(social_worker=None),
    "family.access.log": policy(social_worker=None),
    # the entries of a large read before the cron writes them: the system's
    "family.access.log.batch": policy(manager=None, social_worker=None),
    # the cases' counts, kept by the database: read by the system for the
    # cases' counts, with the user's rules applied
    "family.case.count": policy(manager=None, social_worker=None),
    # the protocol's dashboard: aggregates, the manager's
    "family.monitoring.dashboard": policy(social_worker=None),
    # the yearly report: aggregates with small cells suppressed, the manager's
    "family.monitoring.report": policy(social_worker=None),
    # Configuration: read by everyone who works with the cases.
    "family.case.stage": CONFIG,
    "family.need.area": CONFIG,
    "family.intervention.type": CONFIG,
    "family.protocol": policy(finance="all"),
    "family.protocol.party": policy(finance="all"),
    "family.protocol.party.rate": policy(finance="all"),
    # Compensation: the finance office's; associations read their own
    # approved statements (coordinators only).
    "family.compensation": policy(
        social_worker=None,
        finance="all",
        association="all",
        opens="always",
        own="statement",
    ),
    # The SIUSS flows to INPS carry personal data by law: the manager only
    # (INPS collects them through the e-service, not through a session).
    "family.siuss.flow": policy(social_worker=None),
    "family.siuss.build": policy(social_worker=None),
    "family.compensation.line": policy(
        social_worker=None,
        finance="all",
        association="all",
        opens="always",
        own="statement",
    ),
    # The supporting documents of reimbursed costs: accounting documents, read
    # by the association that gave the cost (a volunteer: for the families
    # assigned; the volunteers' expenses: the coordinator), the social service
    # and finance; never another association.
    "family.compensation.document": policy(
        finance="all", association="all", opens="always", own="partner"
    ),
    # The transparency register (D.Lgs. 33/2013 arts. 26-27): associations'
    # data only. The manager computes and publishes it, finance reads it; the
    # public reads the published grants on /trasparenza/contributi/<year>.
    "family.transparency.register": policy(social_worker=None, finance="all"),
    "family.transparency.grant": policy(social_worker=None, finance="all"),
}

# Fields the addon adds to Odoo's own models, and who reads them.
ODOO_MODEL_FIELDS = {
    "res.partner": {
        "is_family_network_member": ROLES,
        "is_family_external_service": ROLES,
        "family_intervention_type_ids": ROLES,
        "is_family_person": ROLES,
        "family_member_ids": ("manager", "social_worker"),
        "family_protocol_party_ids": ROLES,
        "family_protocol_count": ("manager", "social_worker", "finance"),
    },
    "res.users": {"family_portal_role": ROLES, "family_notify_email": ROLES},
    # the Comune's SIUSS codes and its operator: the manager; the e-service's
    # token: the administrator only
    "res.company": {
        "family_siuss_ente_code": ("manager",),
        "family_siuss_belfiore_code": ("manager",),
        "family_siuss_istat_code": ("manager",),
        "family_siuss_operator_fiscal_code": ("manager",),
        "family_siuss_schema_dir": ("manager",),
        "family_siuss_waas_token": (),
    },
}
