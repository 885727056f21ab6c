"""A booked person can no longer come: they withdraw (from the portal or their booking's
link), or take leave over their bookings. The request goes back to the queue flagged
"withdrawn: rebook", the dispatchers are told, the requester learns that a replacement is
sought (not who or why), and every calendar follows."""

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import NonexistentLocalTime, brussels_to_utc, to_brussels, utcnow
from ...extensions import db
from .. import signals
from ..models import Booking, BookingStatus, FlagReason, Leave, WithdrawalReason


def _starts(booking: Booking) -> datetime:
    """When the work begins: the start, or a translation's deadline morning."""
    return booking.starts_at or brussels_to_utc(booking.deadline_on, time(0))


def withdraw(acting, booking: Booking, reason: WithdrawalReason, note: str | None = None,
             now: datetime | None = None) -> None:
    """The booked person withdraws from a booking that has not begun.

    ``acting`` is the person's account, or None for their booking's signed link (the
    view has checked the link)."""
    if acting is not None:
        require(booking.can_be_withdrawn_by(acting), "only the booked person withdraws")
    _withdraw(acting, booking, reason, note, now or utcnow())


def _withdraw(actor, booking: Booking, reason: WithdrawalReason, note: str | None,
              now: datetime) -> None:
    if not booking.is_confirmed or not booking.request.is_booked:
        raise RuleError(_l("This booking is no longer yours: it was cancelled or given to "
                           "someone else."))
    if _starts(booking) <= now:
        raise RuleError(_l("This booking has already begun. Call the interpreting service "
                           "if you cannot finish it."))
    if booking.delivered_on is not None:
        raise RuleError(_l("This translation is already delivered."))
    booking.request.release(actor, booking, now, "withdrawn", FlagReason.WITHDRAWN,
                            withdrawal=(WithdrawalReason(reason), note))
    db.session.flush()
    signals.booking_released.send(booking)


def leave_span(first_day, last_day, from_time=None, until_time=None) -> tuple[datetime, datetime]:
    """The UTC span of leave: from the first day's start (or ``from_time``) to the end of
    the last day (or ``until_time``), in Brussels time."""
    if last_day < first_day:
        raise RuleError(_l("The last day comes before the first."), "last_day")
    try:
        starts_at = brussels_to_utc(first_day, from_time or time(0))
        ends_at = (brussels_to_utc(last_day, until_time) if until_time
                   else brussels_to_utc(last_day + timedelta(days=1), time(0)))
    except NonexistentLocalTime as error:
        raise RuleError(_l("This time does not exist on that day: the clocks go forward "
                           "from 02:00 to 03:00."), "from_time") from error
    if ends_at <= starts_at:
        raise RuleError(_l("The end must come after the start."), "until_time")
    return starts_at, ends_at


def bookings_during(person_id: int, starts_at: datetime, ends_at: datetime,
                    now: datetime) -> list[Booking]:
    """The person's confirmed bookings not begun yet that meet the span: interpreting that
    overlaps it, a translation whose deadline day it touches."""
    first_day, last_day = to_brussels(starts_at).date(), to_brussels(ends_at).date()
    return db.session.scalars(select(Booking).where(
        Booking.person_id == person_id, Booking.status == BookingStatus.CONFIRMED,
        or_(and_(Booking.starts_at < ends_at, Booking.ends_at > starts_at,
                 Booking.starts_at > now),
            and_(Booking.deadline_on >= first_day, Booking.deadline_on <= last_day,
                 Booking.deadline_on >= to_brussels(now).date(),
                 Booking.delivered_on.is_(None))))
        .order_by(Booking.starts_at, Booking.deadline_on)).all()


class LeaveOverBookings(RuleError):
    """The leave meets confirmed bookings: the person must confirm withdrawing from them."""

    def __init__(self, bookings: list[Booking]):
        super().__init__(_l("This leave falls on bookings of yours. Confirm to withdraw from "
                            "them; the interpreting service will find someone else."))
        self.bookings = bookings


def take_leave(acting, person, first_day, last_day, from_time=None, until_time=None,
               note: str | None = None, confirmed: frozenset[int] = frozenset(),
               now: datetime | None = None) -> Leave:
    """Record leave (whole days or part of a day). Over confirmed bookings only once the
    person confirmed withdrawing from exactly those (``confirmed``: their ids, as the
    page listed them); then they are withdrawn from each."""
    require(person.can_be_kept_by(acting), "not allowed to change this person's leave")
    now = now or utcnow()
    starts_at, ends_at = leave_span(first_day, last_day, from_time, until_time)
    touched = bookings_during(person.id, starts_at, ends_at, now)
    if not {booking.id for booking in touched} <= set(confirmed):
        raise LeaveOverBookings(touched)
    leave = Leave(person_id=person.id, first_day=first_day, last_day=last_day,
                  from_time=from_time, until_time=until_time, starts_at=starts_at,
                  ends_at=ends_at, note=(note or "").strip()[:200] or None)
    db.session.add(leave)
    db.session.flush()
    for booking in touched:
        _withdraw(acting, booking, WithdrawalReason.LEAVE, None, now)
    return leave
