"""Invoice numbers: an unbroken sequence per service and year.

The counter row of (service, year) is locked for the whole transaction that issues: on
PostgreSQL by SELECT ... FOR UPDATE (a second run waits, then reads what the first
committed), on SQLite by the write lock every writer takes at BEGIN (core.database
.writes_first). A run that fails rolls its numbers back with everything else, so no
number is lost and none is given twice.
"""

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...organisations.models import InterpretingService
from .models import InvoiceCounter


def lock_counter(service_id: int, year: int) -> None:
    """Hold the (service, year) counter until the transaction ends (made if new)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(InvoiceCounter).values(service_id=service_id, year=year, last=0)
                       .on_conflict_do_nothing())
    # The service's row too: a run and a credit note of one service queue behind each
    # other even across a new year's counter.
    db.session.execute(select(InterpretingService.id)
                       .where(InterpretingService.id == service_id).with_for_update())
    db.session.execute(select(InvoiceCounter.last).where(
        InvoiceCounter.service_id == service_id, InvoiceCounter.year == year)
        .with_for_update())


def next_sequence(service_id: int, year: int) -> int:
    """The next number of the year (call lock_counter first, in the same transaction)."""
    return reserve(service_id, year, 1)


def reserve(service_id: int, year: int, count: int) -> int:
    """The first of ``count`` numbers that follow each other, taken at once (call
    lock_counter first, in the same transaction); nothing is taken for ``count`` 0."""
    if count == 0:
        return 0
    last = db.session.execute(
        update(InvoiceCounter)
        .where(InvoiceCounter.service_id == service_id, InvoiceCounter.year == year)
        .values(last=InvoiceCounter.last + count)
        .returning(InvoiceCounter.last)
        .execution_options(synchronize_session=False)).scalar_one()
    return last - count + 1


def invoice_number(year: int, sequence: int) -> str:
    return f"{year}/{sequence:05d}"


def reference_base(service_id: int, year: int, sequence: int) -> int:
    """The ten digits of the structured payment reference: year, service, number."""
    return int(f"{year % 100:02d}{service_id % 1000:03d}{sequence % 100000:05d}")
