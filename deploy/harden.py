"""Rete Famiglie: the database's security settings for production.

An Odoo shell script, run once after installing the addon and again after
each upgrade (it changes nothing that is already right):

    odoo-bin shell -c /etc/odoo/famiglie-node1.conf --no-http < deploy/harden.py

It expects Odoo's own modules ``auth_totp_portal`` and
``auth_totp_mail_enforce`` to be installed
(``odoo-bin -c ... -i auth_totp_portal,auth_totp_mail_enforce --stop-after-init``)
and sets:

- ``auth_totp.policy = all_required``: every user, portal users included,
  must pass a second factor at login: their authenticator app when they
  enrolled one (*My account > Security*), otherwise a code sent by e-mail;
- ``base.login_cooldown_after = 5`` and ``base.login_cooldown_duration = 60``:
  after 5 failed logins from one address, Odoo ignores that address's logins
  for 60 seconds (in each worker; nginx limits the rate in front of them).

Prints one line per setting. Exits non-zero when a module is missing.
"""

import sys

SETTINGS = {
    "auth_totp.policy": "all_required",
    "base.login_cooldown_after": "5",
    "base.login_cooldown_duration": "60",
}
MODULES = ("auth_totp", "auth_totp_portal", "auth_totp_mail_enforce")

Module = env["ir.module.module"]  # noqa: F821
installed = Module.search([("name", "in", MODULES), ("state", "=", "installed")])
missing = sorted(set(MODULES) - set(installed.mapped("name")))
if missing:
    print(f"harden: install {', '.join(missing)} first", file=sys.stderr)
    sys.exit(2)
params = env["ir.config_parameter"].sudo()  # noqa: F821
for key, value in SETTINGS.items():
    before = params.get_param(key)
    params.set_param(key, value)
    print(f"harden: {key} = {value}" + ("" if before == value else f" (was {before})"))
env.cr.commit()  # noqa: F821
