"""What the scheduler does for the sheets, each safe to run twice (each leaves a marker):
at the end of the work the interpreter is asked for the sheet; sheets not filed or not
answered are reminded of; past the deadline, silence counts as confirmed (unless the
policy wants an explicit answer)."""

from datetime import datetime

from sqlalchemy import or_, select

from ...bookings.models import Booking, BookingStatus
from ...core import settings
from ...core.time import to_brussels
from ...core.workdays import add_working_days, is_working_day, working_days_between
from ...extensions import db
from .. import mails
from .. import settings as sheet_settings
from ..models import CompletionSheet, SheetStatus


def work_over(now: datetime):
    """Bookings whose work is done by the clock (Booking.work_is_over, in SQL)."""
    return or_(Booking.ends_at <= now, Booking.delivered_on.is_not(None),
               Booking.deadline_on < to_brussels(now).date())


def ended_without_sheet(now: datetime) -> list[Booking]:
    """Confirmed bookings whose work is over and whose interpreter was not asked yet."""
    has_sheet = select(CompletionSheet.id).where(
        CompletionSheet.booking_id == Booking.id).exists()
    return db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.CONFIRMED, work_over(now), ~has_sheet)
        .order_by(Booking.id)).all()


def ask(booking: Booking, now: datetime) -> CompletionSheet:
    """The work is over: its sheet is awaited, and the interpreter asked to file it."""
    sheet = CompletionSheet(booking=booking, request=booking.request,
                            service_id=booking.request.service_id, asked_at=now)
    db.session.add(sheet)
    booking.request.record(None, "sheet_asked")
    db.session.flush()
    mails.requested(sheet)
    return sheet


def _last_nudge(sheet: CompletionSheet) -> datetime:
    if sheet.reminded_at is not None:
        return sheet.reminded_at
    if sheet.is_filed and sheet.current is not None:
        return sheet.current.filed_at
    return sheet.asked_at or sheet.created_at


def due_reminders(now: datetime) -> list[CompletionSheet]:
    """Sheets not filed, or filed and not answered, whose last mail is a setting's working
    days old (on working days only, at most MAX_REMINDERS per sheet)."""
    today = to_brussels(now).date()
    if not is_working_day(today):
        return []
    every = settings.value(sheet_settings.REMINDER_DAYS.key)
    explicit = settings.value(sheet_settings.EXPLICIT_ANSWER.key)
    waiting = db.session.scalars(select(CompletionSheet).where(
        CompletionSheet.status.in_((SheetStatus.AWAITED, SheetStatus.FILED)),
        CompletionSheet.reminders < sheet_settings.MAX_REMINDERS)
        .order_by(CompletionSheet.id)).all()
    due = []
    for sheet in waiting:
        if sheet.is_filed and not explicit and sheet.confirm_by <= now:
            continue    # silence counts now: nothing to remind of
        if sheet.is_awaited and not sheet.booking.is_confirmed:
            continue
        if add_working_days(to_brussels(_last_nudge(sheet)).date(), every) <= today:
            due.append(sheet)
    return due


def remind(sheet: CompletionSheet, now: datetime) -> None:
    """The interpreter (not filed yet) or the requester (not answered yet) is reminded."""
    if sheet.is_awaited:
        mails.requested(sheet, reminder=True)
    else:
        mails.to_confirm(sheet, reminder=True)
    sheet.reminded_at = now
    sheet.reminders += 1


def past_deadline(now: datetime) -> list[CompletionSheet]:
    """Filed sheets nobody answered in time, when silence counts as confirmed."""
    if settings.value(sheet_settings.EXPLICIT_ANSWER.key):
        return []
    return db.session.scalars(select(CompletionSheet).where(
        CompletionSheet.status == SheetStatus.FILED, CompletionSheet.confirm_by < now)
        .order_by(CompletionSheet.confirm_by)).all()


def deem_confirmed(sheet: CompletionSheet, now: datetime) -> None:
    sheet.deem_confirmed(now)
    db.session.flush()
    mails.settled(sheet, told_requester=True)


def remaining_days(sheet: CompletionSheet, now: datetime) -> int | None:
    """Working days the requester still has (for the pages); None when none applies."""
    if not sheet.is_filed or sheet.confirm_by is None:
        return None
    return max(working_days_between(to_brussels(now).date(),
                                    to_brussels(sheet.confirm_by).date()), 0)

