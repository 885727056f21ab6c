"""Recent workload, kept in each person's row: how many live bookings they have that were
confirmed lately (matching ranks the less busy first).

"Lately" is a sliding window (the last N days, a matching setting), so a count alone goes
stale as time passes. The row keeps the count of live bookings confirmed from
``workload_from`` on, and ``workload_first``, the earliest of them: that count is the
workload of every window that starts between the two (no counted booking before the
window's start, none left out after ``workload_from``). Matching uses it for such a window
and counts afresh otherwise, so a count that time made stale is never used.

It is counted again in the flush that inserts a booking or changes one's status (whoever
does it: services, model transitions, jobs, the demo), from the current window on; a
scheduled job counts again those that time made stale; ``differences`` checks the rest.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, event, func, not_, or_, select, update
from sqlalchemy.orm import Session

from ..core import settings
from ..core.time import utcnow
from ..extensions import db
from ..register.models import Person
from .matching.settings import WORKLOAD_DAYS
from .models import Booking, BookingStatus

_PEOPLE = Person.__table__
_BOOKINGS = Booking.__table__


def window_start(now: datetime, executor=None) -> datetime:
    """The start of the workload window at ``now``, as the matching policy says."""
    days = settings.values("matching.", executor)[WORKLOAD_DAYS.key]
    return now - timedelta(days=days)


def kept_count_holds(since):
    """SQL: the person's kept count is their workload for a window starting at ``since``."""
    return and_(_PEOPLE.c.workload_from <= since,
                or_(_PEOPLE.c.workload_first.is_(None), _PEOPLE.c.workload_first >= since))


def live_count(since):
    """SQL: the person's live bookings confirmed from ``since`` on, counted now (an index on
    (person, confirmed_at, status) answers it)."""
    return (select(func.count()).select_from(_BOOKINGS)
            .where(*_counted(since)).scalar_subquery())


def _counted(since):
    return (_BOOKINGS.c.person_id == _PEOPLE.c.id, _BOOKINGS.c.confirmed_at >= since,
            _BOOKINGS.c.status != BookingStatus.CANCELLED.value)


def recount(executor, person_ids=None, now: datetime | None = None) -> None:
    """Count the workload of these people (None: everyone) for the window starting now."""
    since = window_start(now or utcnow(), executor)
    statement = update(_PEOPLE).values(
        workload_count=live_count(since),
        workload_first=select(func.min(_BOOKINGS.c.confirmed_at))
        .where(*_counted(since)).scalar_subquery(),
        workload_from=since)
    if person_ids is not None:
        statement = statement.where(_PEOPLE.c.id.in_(sorted(person_ids)))
    executor.execute(statement)


def recount_stale(now: datetime) -> int:
    """Count again the people whose kept count no longer holds for the window now (the
    scheduled job); returns how many."""
    since = window_start(now)
    ids = db.session.execute(select(_PEOPLE.c.id).where(or_(
        _PEOPLE.c.workload_from.is_(None), not_(kept_count_holds(since))))).scalars().all()
    if ids:
        recount(db.session, ids, now)
    return len(ids)


def differences(executor=None, now: datetime | None = None) -> list[str]:
    """People whose kept count claims to hold for the window now, and is wrong."""
    executor = executor or db.session
    since = window_start(now or utcnow(), executor)
    wrong = executor.execute(
        select(_PEOPLE.c.id, _PEOPLE.c.workload_count, live_count(since))
        .where(kept_count_holds(since), _PEOPLE.c.workload_count != live_count(since)))
    return [f"person {person_id}: workload kept {kept}, counted {counted}"
            for person_id, kept, counted in wrong]


# --- counted again in the flush that changes a person's bookings ---------------------------

_TOUCHED = "workload_people"
_WATCHED = ("status", "person_id", "confirmed_at")


@event.listens_for(Session, "after_flush")
def _note_bookings(session, _context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for booking in (*session.new, *session.deleted):
        if isinstance(booking, Booking):
            touched.add(booking.person_id)
    for booking in session.dirty:
        if isinstance(booking, Booking) and _changed(booking):
            touched.add(booking.person_id)
            touched.update(db.inspect(booking).attrs.person_id.history.deleted or ())
    touched.discard(None)


def _changed(booking: Booking) -> bool:
    state = db.inspect(booking)
    return any(state.attrs[name].history.has_changes() for name in _WATCHED)


@event.listens_for(Session, "after_flush_postexec")
def _recount_touched(session, _context) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    recount(session.connection(), touched)
    # What the session holds of these people is older than the row now.
    for person_id in touched:
        person = session.identity_map.get(db.inspect(Person).identity_key_from_primary_key(
            (person_id,)))
        if person is not None:
            session.expire(person, ["workload_count", "workload_from", "workload_first"])
