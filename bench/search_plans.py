"""The plans the databases choose for each kind of search on the benchmark's data: every
statement a search sends (the names matched, if any; the capped count with both walks by
date; the page's rows by id with their joins), with SQLite's `EXPLAIN QUERY PLAN` or
PostgreSQL's `EXPLAIN (ANALYZE)`.

    python -m bench.search_plans                          # bench/data/bench.sqlite
    python -m bench.search_plans --database-url postgresql+psycopg://.../db
"""

import argparse
import sys

from sqlalchemy import event

from interpreter_register.bookings.services.search import (
    organisation_requests,
    service_requests,
)
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db

from . import generate as generator
from . import measure
from .database import SQLITE_URL, app_for


def statements_of(service_id: int, organisation_id, wanted) -> list[tuple[str, object]]:
    """The statements one search sends (a dispatcher's of the service, or a requester's
    of the organisation when one is given), with their parameters."""
    seen = []

    def keep(_connection, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        db.session.expunge_all()
        if organisation_id is None:
            service_requests(service_id, wanted, utcnow())
        else:
            organisation_requests(organisation_id, wanted, utcnow())
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def plan(statement: str, parameters, analyse: bool) -> list[str]:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyse else "EXPLAIN "
        return [row[0] for row in connection.exec_driver_sql(prefix + statement, parameters)]
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return [f"{'  ' * (parent != 0)}{detail}" for _id, parent, _n, detail in rows]


def main(argv=None, out=sys.stdout) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=SQLITE_URL)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-analyse", action="store_true",
                        help="PostgreSQL: plans alone, not run")
    args = parser.parse_args(argv)
    with app_for(args.database_url).app_context():
        service_id, samples = measure.search_samples(generator.CENTRAL, 10, args.seed,
                                                     others=1)
        shown = set()
        for kind, organisation_id, wanted in samples:
            if kind in shown:
                continue
            shown.add(kind)
            narrowed = {k: v for k, v in vars(wanted).items() if v}
            print(f"\n## {kind}: {narrowed}", file=out)
            for statement, parameters in statements_of(service_id, organisation_id, wanted):
                print("\n" + " ".join(statement.split())[:300], file=out)
                for line in plan(statement, parameters, not args.no_analyse):
                    print("    " + line, file=out)
        db.session.rollback()


if __name__ == "__main__":
    main()
