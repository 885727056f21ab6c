#!/usr/bin/env bash
# Runs the whole suite for `make test`: the tests without a browser on SQLite and on
# PostgreSQL side by side (each is one process on one core: two cores finish both in the
# time of the longer), then the browser tests alone on each database, because a browser
# and a live server that share the machine with a whole suite wait on each other.
# Usage: run_suites.sh PYTHON   (TEST_DATABASE_URL must be set: see ensure_postgres.sh)
set -uo pipefail
python=$1
log=$(mktemp -t sqlite-suite.XXXXXX)
trap 'rm -f "$log"' EXIT

echo "--- the tests without a browser, on SQLite (beside) and on PostgreSQL ---"
"$python" -m pytest -m "not browser" >"$log" 2>&1 &
sqlite_pid=$!
"$python" -m pytest --postgresql -m "not browser"
postgresql=$?
wait "$sqlite_pid"
sqlite=$?
echo "--- the tests without a browser, on SQLite: ---"
cat "$log"
[ "$sqlite" -eq 0 ] && [ "$postgresql" -eq 0 ] || exit 1

echo "--- the browser tests, on SQLite ---"
"$python" -m pytest -m browser || exit 1
echo "--- the browser tests, on PostgreSQL ---"
"$python" -m pytest --postgresql -m browser
