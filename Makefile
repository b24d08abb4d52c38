# Rete Famiglie: the README's commands.
PYTHON ?= python3

.PHONY: run test test-odoo lint setup pot bench loadtest district help

# make bench SIZE=small|medium|design|large (or a number of cases, or several
# comma-separated for the scaling table); BENCH_ARGS="--fresh --reps 30"
SIZE ?= small
BENCH_ARGS ?=
# make loadtest USERS=140 (people at once: 5/7 on the portal, 2/7 in the back
# office; default 70 = 50 + 20); LOADTEST_ARGS="--duration 600 --cases 20000"
USERS ?=
LOADTEST_ARGS ?=

help:
	@echo "make run   - install/upgrade the demo database famiglie_demo and serve it on http://127.0.0.1:8069"
	@echo "make test  - run the addon's tests in a throw-away database"
	@echo "make test-odoo - run Odoo's own tests (partners, calendar, portal, mail) with and without the addon, and compare"
	@echo "make lint  - run pre-commit (ruff, pylint-odoo, oca-checks-odoo-module, XML/CSV checks)"
	@echo "make setup - only find or install Odoo 18.0 and the Python requirements"
	@echo "make bench - grow famiglie_bench_<SIZE> (small|medium|design|large) and time the pages"
	@echo "make loadtest - Odoo in production mode on its own PostgreSQL under 70 users (USERS=N), with faults; prints the load and fault report"
	@echo "make district - bring up the district deployment (deploy/), load it through the proxy, check it, take it down"
	@echo "make pot   - regenerate odoo_famiglie_rete/i18n/odoo_famiglie_rete.pot with Odoo's exporter"

run:
	@$(PYTHON) tools/famiglie.py run

test:
	@$(PYTHON) tools/famiglie.py test

test-odoo:
	@$(PYTHON) tools/famiglie.py test-odoo

setup:
	@$(PYTHON) tools/famiglie.py setup

bench:
	@$(PYTHON) tools/famiglie.py bench --size $(SIZE) $(BENCH_ARGS)

loadtest:
	@$(PYTHON) tools/famiglie.py loadtest $(if $(USERS),--people $(USERS)) $(LOADTEST_ARGS)

pot:
	@$(PYTHON) tools/famiglie.py pot

district:
	@$(PYTHON) deploy/district.py all

lint:
	@$(PYTHON) tools/lint.py
