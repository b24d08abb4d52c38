"""Rete Famiglie: enrol test users in TOTP with secrets the load test knows.

For the district deployment's load test only (never on real users, who enrol
themselves in *My account > Security*). An Odoo shell script:

    FAMIGLIE_USERS_IN=users.json FAMIGLIE_USERS_OUT=users-totp.json \
        odoo-bin shell -c node1.conf --no-http < deploy/enrol_totp.py

``users.json`` is the load test's list of users (``{"portal": [...],
"backoffice": [...]}``, each entry with ``login``); every user gets a random
TOTP secret (160 bits, base32, as Odoo's own enrolment makes), written to
``users-totp.json`` as ``totp_secret`` next to the other keys. A client then
logs in with its password, is sent to ``/web/login/totp`` and posts
``totp_token``: the RFC 6238 code of the secret (6 digits, 30 seconds, SHA-1),
e.g. ``odoo.addons.auth_totp.models.totp.hotp(base64.b32decode(secret),
int(time.time() // 30))``.
"""

import base64
import json
import os
import secrets

with open(os.environ["FAMIGLIE_USERS_IN"], encoding="utf-8") as file:
    users = json.load(file)
Users = env["res.users"].sudo().with_context(active_test=False)  # noqa: F821
count = 0
for group in users.values():
    if not isinstance(group, list):
        continue
    for entry in group:
        if not isinstance(entry, dict) or "login" not in entry:
            continue  # the load test's other lists (open cases, types)
        user = Users.search([("login", "=", entry["login"])])
        if len(user) != 1:
            raise SystemExit(f"enrol_totp: no user {entry['login']!r}")
        secret = base64.b32encode(secrets.token_bytes(20)).decode()
        user.totp_secret = secret
        entry["totp_secret"] = secret
        count += 1
env.cr.commit()  # noqa: F821
with open(os.environ["FAMIGLIE_USERS_OUT"], "w", encoding="utf-8") as file:
    json.dump(users, file, indent=1)
print(
    f"enrol_totp: {count} users enrolled, secrets in {os.environ['FAMIGLIE_USERS_OUT']}"
)
