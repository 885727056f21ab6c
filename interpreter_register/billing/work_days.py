"""The day of a sheet's work: one rule for the invoice (invoicing.run) and the statement
(statements.services), so that both put a sheet in the same month and price it by the
list in force on the same day.

Interpreting: the booking's start in Brussels (where a moved booking really took place,
not the time first asked for). A translation: the delivery date the sheet gives, else the
booking's delivery, else its deadline.
"""

import json
from collections import defaultdict
from datetime import date, time

from dateutil.relativedelta import relativedelta
from sqlalchemy import Integer, and_, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm.attributes import set_committed_value

from ..bookings.models import Booking
from ..core.time import brussels_to_utc, to_brussels
from ..extensions import db
from ..sheets.models import CompletionSheet, SheetExpense, SheetVersion

# Join a query of sheets to these two for ``in_month``: the sheet's booking, its current
# version.
BOOKING = Booking.id == CompletionSheet.booking_id
CURRENT_VERSION = and_(SheetVersion.sheet_id == CompletionSheet.id,
                       SheetVersion.number == CompletionSheet.version)


def work_day(sheet: CompletionSheet, version: SheetVersion | None = None) -> date:
    """The day of the work of ``sheet`` as ``version`` (its current one by default) says."""
    booking = sheet.booking
    if booking.starts_at is not None:
        return to_brussels(booking.starts_at).date()
    version = version or sheet.current
    return version.delivered_on or booking.delivered_on or booking.deadline_on


def in_month(month: date):
    """``work_day`` in the month starting on ``month``, as SQL over Booking and the
    current SheetVersion (joined by ``BOOKING`` and ``CURRENT_VERSION``)."""
    after = month + relativedelta(months=1)
    start, end = brussels_to_utc(month, time(0)), brussels_to_utc(after, time(0))
    delivered = func.coalesce(SheetVersion.delivered_on, Booking.delivered_on,
                              Booking.deadline_on)
    return (and_(Booking.starts_at >= start, Booking.starts_at < end)
            | and_(Booking.starts_at.is_(None), delivered >= month, delivered < after))


def _among(column, ids: list[int]):
    """``column`` is one of ``ids``, the ids sent as one parameter however many there are:
    a PostgreSQL array, a JSON list on SQLite. Not thousands of parameters (SQLite has a
    limit), and not the month's query again as a subquery: PostgreSQL, with statistics of
    tables it last saw empty, planned that as nested loops and took minutes over the demo's
    few hundred sheets."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(select(literal_column("value"))
                      .select_from(func.json_each(bindparam("ids", json.dumps(ids)))))


def load_versions(sheets: list[CompletionSheet]) -> None:
    """Fill the versions of ``sheets`` and their expenses, in two queries whatever their
    number (``selectinload`` sends one per 500 sheets)."""
    ids = [sheet.id for sheet in sheets]
    expenses = defaultdict(list)
    for expense in db.session.scalars(
            select(SheetExpense).join(SheetVersion)
            .where(_among(SheetVersion.sheet_id, ids)).order_by(SheetExpense.id)):
        expenses[expense.version_id].append(expense)
    versions = defaultdict(list)
    for version in db.session.scalars(
            select(SheetVersion).where(_among(SheetVersion.sheet_id, ids))
            .order_by(SheetVersion.sheet_id, SheetVersion.number)):
        set_committed_value(version, "expenses", expenses[version.id])
        versions[version.sheet_id].append(version)
    for sheet in sheets:
        set_committed_value(sheet, "versions", versions[sheet.id])
