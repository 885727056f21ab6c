"""The monthly invoicing run at scale: ``bill_month`` of the central service for the month
the generator settled (bench/generate.py, ``settled_sheets``), and the statements of that
month for every interpreter of the service; each timed, and the SQL statements of each
counted for a small month and a large one (they should be the same).

Every run is rolled back afterwards, so that a --reuse run repeats it on the same data.

    python -m bench.invoicing --profile      # cProfile of one run on bench/data's SQLite
"""

import argparse
import cProfile
import pstats
import sys
import time as clock
from datetime import date

from sqlalchemy import func, select

from interpreter_register.auth.models import User
from interpreter_register.billing.invoicing import run
from interpreter_register.billing.statements import services as statements
from interpreter_register.billing.work_days import BOOKING, CURRENT_VERSION, in_month
from interpreter_register.bookings.models import Booking
from interpreter_register.extensions import db
from interpreter_register.organisations.models import InterpretingService
from interpreter_register.sheets.models import CompletionSheet, SheetStatus, SheetVersion

from .measure import counting_statements


def service_named(name: str) -> InterpretingService:
    return db.session.scalars(select(InterpretingService).where(
        InterpretingService.name == name)).one()


def settled_sheets(service_id: int, period: date) -> int:
    """The service's settled billable sheets whose work is in the month (what the run
    bills when nothing of the month is billed yet)."""
    return db.session.scalar(
        select(func.count()).select_from(CompletionSheet)
        .join(Booking, BOOKING).join(SheetVersion, CURRENT_VERSION)
        .where(CompletionSheet.service_id == service_id,
               CompletionSheet.status == SheetStatus.SETTLED,
               CompletionSheet.billable.is_(True), in_month(period)))


def small_service(month_sheets: dict, central: str) -> str:
    """The service with the fewest settled sheets in the month (at least one)."""
    return min((count, name) for name, count in month_sheets.items()
               if count and name != central)[1]


def dispatcher_of(service_id: int) -> User:
    return db.session.scalars(select(User).where(
        User.service_id == service_id, User.role == "dispatcher").order_by(User.id)
        .limit(1)).one()


def _fresh(prepare, work, summary=len):
    """``work(prepare())`` from an empty session, timed and its SQL statements counted
    (not ``prepare``'s), then rolled back: (``summary`` of its result, seconds,
    statements)."""
    db.session.rollback()
    db.session.expunge_all()
    given = prepare()
    started = clock.perf_counter()
    with counting_statements() as seen:
        result = work(given)
    seconds = clock.perf_counter() - started
    summarised = summary(result)          # read before the rollback expires it all
    db.session.rollback()
    return summarised, seconds, len(seen)


def _issued(plan: run.MonthPlan) -> dict:
    return {"invoices": len(plan.invoices),
            "sheets": sum(len(set(line.sheet_id for line in invoice.lines))
                          for invoice in plan.invoices),
            "lines": sum(len(invoice.lines) for invoice in plan.invoices),
            "not_billed": len(plan.not_billed)}


def _bill(service_id: int, period: date) -> tuple[dict, float, int]:
    """The month billed: what it issued, seconds, SQL statements."""
    return _fresh(lambda: db.session.get(InterpretingService, service_id),
                  lambda service: run.bill_month(None, service, period), _issued)


def _preview(service_id: int, period: date) -> tuple[int, float, int]:
    """What the dispatchers' invoicing page works out on each visit (``plan_month``)."""
    return _fresh(lambda: db.session.get(InterpretingService, service_id),
                  lambda service: run.plan_month(service, period),
                  lambda plan: len(plan.drafts))


def _statements(service_id: int, period: date) -> tuple[tuple[int, int], float, int]:
    """Every statement of the month: (people, sheets), seconds, SQL statements."""
    return _fresh(lambda: dispatcher_of(service_id),
                  lambda acting: statements.of_service(acting, service_id, period),
                  lambda found: (len(found), sum(len(s.lines) + len(s.unpriced)
                                                 for s in found)))


def invoicing(central: str, month_sheets: dict, period: date, repeat: int = 1) -> dict:
    """The month of the central service billed (timed ``repeat`` times, the best kept: the
    machine's other work only ever adds), and the statements of that month; statements
    counted for the month of the service with the fewest sheets and for the central one."""
    large = service_named(central).id
    small = service_named(small_service(month_sheets, central)).id
    found = {}
    for size, service_id in (("small", small), ("large", large)):
        issued, _seconds, found[f"queries_invoicing_{size}"] = _bill(service_id, period)
        found[f"invoicing_{size}_sheets"] = issued["sheets"]
        _found, _seconds, found[f"queries_statements_{size}"] = _statements(service_id,
                                                                            period)
    runs = [_bill(large, period) for _ in range(repeat)]
    issued, best = runs[0][0], min(seconds for _issued, seconds, _n in runs)
    found.update({
        "invoicing_month_s": round(best, 2), "invoicing_sheets": issued["sheets"],
        "invoicing_invoices": issued["invoices"], "invoicing_lines": issued["lines"],
        "invoicing_not_billed": issued["not_billed"],
        "invoicing_sheets_per_s": round(issued["sheets"] / best, 1) if best else None,
        "invoicing_settled_sheets": settled_sheets(large, period),
        "invoicing_preview_s": round(min(_preview(large, period)[1]
                                         for _ in range(repeat)), 2)})
    runs = [_statements(large, period) for _ in range(repeat)]
    (people, sheets), best = runs[0][0], min(seconds for _found, seconds, _n in runs)
    found.update({"statements_month_s": round(best, 2), "statements_people": people,
                  "statements_sheets": sheets})
    return found


def profile(central: str, period: date, top: int = 30, out=sys.stdout) -> None:
    """cProfile of one run of the central service's month (sorted by own time)."""
    service_id = service_named(central).id
    profiler = cProfile.Profile()
    profiler.enable()
    _bill(service_id, period)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main(argv=None) -> None:
    import json

    from . import generate as generator
    from .database import SQLITE_URL, app_for
    from .run import _marker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=SQLITE_URL)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    saved = json.loads(_marker(args.database_url).read_text())
    period = date.fromisoformat(saved["billed_month"])
    with app_for(args.database_url).app_context():
        if args.profile:
            profile(generator.CENTRAL, period)
        else:
            print(invoicing(generator.CENTRAL, saved["month_sheets"], period))


if __name__ == "__main__":
    main()
