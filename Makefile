# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench install install-test translations lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: install
	$(FLASK) translate compile

# Installs, compiles the catalogues, migrates the SQLite database, loads the demo data
# (only into an empty database) and serves the app on http://$(HOST):$(PORT), with the
# background worker beside it (it delivers mail and runs imports; Ctrl+C stops both).
# Plain HTTP on loopback, so the session cookie may not be marked Secure here; without a
# mail server, mails (reset and invitation links too) are shown whole in the log.
# Links in mails and the printed feed address follow HOST and PORT (make run PORT=8000).
run: translations
	$(FLASK) db upgrade
	BASE_URL=http://$(HOST):$(PORT) $(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT) with a background worker (Ctrl+C stops both)"
	export BASE_URL=http://$(HOST):$(PORT) SESSION_COOKIE_SECURE=0 MAIL_LOG_BODY=1 WORKER_POLL_SECONDS=1; \
	  $(FLASK) worker run & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Installs what the tests need (Chromium and PostgreSQL included, when run as root),
# lints, then runs the whole suite on SQLite and the database tests again on PostgreSQL,
# side by side, then the browser tests alone on each (tests/tools/run_suites.sh)
# (that run also makes a streaming replica of the cluster for the report tests and starts
# two gunicorn servers and a worker: tests/fixtures/replica.py, tests/bookings/test_two_servers.py).
test: install-test
	$(FLASK) translate compile
	$(BIN)/ruff check interpreter_register tests migrations wsgi.py bench
	bash tests/tools/ensure_program.sh /usr/bin/chromium chromium "The browser tests"
	bash tests/tools/ensure_program.sh wrk wrk "The benchmark"
	source tests/tools/ensure_postgres.sh && \
	  if [ -n "$$TEST_DATABASE_URL" ]; then \
	    bash tests/tools/run_suites.sh $(BIN)/python; \
	  else \
	    echo "PostgreSQL is not available: the tests need it (see README)." >&2; exit 1; \
	  fi

# The benchmark at ten times the sector's scale (see docs/scaling.md): SQLite, and
# PostgreSQL on the local cluster (or BENCH_DATABASE_URL); prints a table per database and
# writes bench/results.json. BENCH_ARGS passes options, e.g. BENCH_ARGS="--scale 1 --reuse".
bench: install-test
	$(FLASK) translate compile
	bash tests/tools/ensure_program.sh wrk wrk "The benchmark"
	source tests/tools/ensure_postgres.sh && \
	  { $(BIN)/python -m bench.run $(BENCH_ARGS); status=$$?; \
	    if [ -n "$${_pg_started:-}" ]; then pg_ctlcluster $$_pg_started stop; fi; exit $$status; }

lint: install-test
	$(BIN)/ruff check interpreter_register tests migrations wsgi.py bench

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
