"""Rete Famiglie: the district deployment's own test data (no load tool).

An Odoo shell script used by ``deploy/district.py up`` when the load test's
``prepare`` is not available: grows the database with tools/bench_data.py
(``FAMIGLIE_CASES`` cases, default 1000), gives the association coordinators
and the finance clerk their login as password (a test database only), adds a
document to a family (the backup's check reads it back) and writes the users
to ``FAMIGLIE_USERS_OUT`` in the load test's format.
"""

import json
import os
import random
import sys

sys.path.insert(0, os.environ["FAMIGLIE_TOOLS"])
import bench_data  # noqa: E402

cases = int(os.environ.get("FAMIGLIE_CASES") or 1000)
env = env(  # noqa: F821
    context={
        "tracking_disable": True,
        "mail_create_nolog": True,
        "mail_notrack": True,
        "no_reset_password": True,
    }
)
rng = random.Random(14)
sz = bench_data.sizes_for(cases)
conf = bench_data.setup_config(env, rng, sz)
bench_data.generate_bulk(env, rng, sz, conf)
env.cr.commit()

Users = env["res.users"].sudo()
portal = Users.browse(
    [
        uid
        for (_assoc, role), uid in sorted(conf["portal"].items())
        if role == "coordinator"
    ]
)
finance = conf["logins"]["finance"]
for user in portal | finance:
    bench_data._set_password(env, user, user.login)
case = env["family.case"].search([], limit=1, order="id")
env["ir.attachment"].create(
    {
        "name": "relazione_distretto.txt",
        "raw": b"Rete Famiglie: documento di prova del distretto\n",
        "res_model": "family.case",
        "res_id": case.id,
    }
)
env.cr.commit()
users = {
    "portal": [
        {"login": u.login, "password": u.login, "role": "coordinator"} for u in portal
    ],
    "backoffice": [
        {"login": finance.login, "password": finance.login, "role": "finance"}
    ],
}
with open(os.environ["FAMIGLIE_USERS_OUT"], "w", encoding="utf-8") as file:
    json.dump(users, file, indent=1)
print(
    f"district_data: {cases} cases, {len(portal)} coordinators and 1 finance user "
    f"in {os.environ['FAMIGLIE_USERS_OUT']}"
)
