"""Filing a sheet (the interpreter, or the service for them), settling it (the service), and
correcting a settled one (a new version, with its reason). A late cancellation that the
service's policy bills or pays makes its sheet at once."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...bookings import signals
from ...bookings.models import Booking
from ...core import settings
from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...core.workdays import working_deadline
from ...extensions import db
from .. import mails
from .. import settings as sheet_settings
from .. import signals as sheet_signals
from ..models import CompletionSheet, FiledAs, SheetVersion
from .content import SheetDetails, build_version


def find_sheet(booking: Booking) -> CompletionSheet | None:
    return db.session.scalar(select(CompletionSheet).where(
        CompletionSheet.booking_id == booking.id))


def sheet_for(booking: Booking, now: datetime | None = None) -> CompletionSheet:
    """The booking's sheet, made (awaited) when there is none yet; its row is locked for
    the change (PostgreSQL; SQLite's write lock is held already)."""
    sheet = find_sheet(booking)
    if sheet is None:
        sheet = CompletionSheet(booking=booking, request=booking.request,
                                service_id=booking.request.service_id, asked_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(sheet)
        except IntegrityError:
            # Made by another transaction at the same moment: use that one.
            sheet = find_sheet(booking)
    db.session.refresh(sheet, with_for_update=True)
    return sheet


def lock(sheet: CompletionSheet) -> CompletionSheet:
    """Read the sheet afresh and hold its row: two answers at once never both count."""
    db.session.refresh(sheet, with_for_update=True)
    return sheet


def file_sheet(acting, booking: Booking, details: SheetDetails,
               now: datetime | None = None) -> CompletionSheet:
    """File the sheet of work that is over: the interpreter (``acting`` None for their
    booking's signed link, which the view checked), or a dispatcher for them, with a
    reason. The requester is then asked to confirm it."""
    now = now or utcnow()
    if booking.is_cancelled:
        raise RuleError(_l("This booking was cancelled: there is no sheet to file."))
    sheet = sheet_for(booking, now)
    if acting is not None:
        require(sheet.can_be_filed_by(acting), "only the booked person or the service files")
    if not booking.work_is_over(now):
        raise RuleError(_l("The sheet can be filed once the work is done."))
    if not sheet.is_awaited:
        raise RuleError(_l("A sheet was already filed for this booking. If something in it "
                           "is wrong, tell the interpreting service."))
    by_service = acting is not None and sheet.can_be_settled_by(acting)
    version = build_version(acting, sheet, details,
                            FiledAs.SERVICE if by_service else FiledAs.INTERPRETER, now)
    if booking.is_translation and booking.delivered_on is None:
        booking.deliver(version.delivered_on)
        booking.request.record(acting, "delivered")
    days = settings.value(sheet_settings.CONFIRM_DAYS.key)
    sheet.file(acting, version, working_deadline(now, days))
    db.session.flush()
    mails.to_confirm(sheet)
    sheet_signals.sheet_to_confirm.send(sheet)
    return sheet


def settle(acting, sheet: CompletionSheet, note: str | None = None,
           correction: SheetDetails | None = None, now: datetime | None = None) -> None:
    """A dispatcher settles a filed or disputed sheet: as filed (after a dispute, with a
    note saying how it was settled), or corrected (a new version, with its reason)."""
    now = now or utcnow()
    require(sheet.can_be_settled_by(acting), "only the service settles")
    lock(sheet)
    if sheet.is_settled:
        raise RuleError(_l("This sheet is already settled. A change is a correction, with "
                           "its reason."))
    if sheet.is_awaited:
        raise RuleError(_l("Nothing is filed yet: file the sheet first."))
    note = (note or "").strip()
    if sheet.is_disputed and correction is None and not note:
        raise RuleError(_l("Say how the dispute is settled."), "note")
    version = (build_version(acting, sheet, correction, FiledAs.SERVICE, now)
               if correction is not None else None)
    sheet.settle(acting, now, version, note)
    db.session.flush()
    mails.settled(sheet, told_requester=True)


def correct(acting, sheet: CompletionSheet, details: SheetDetails,
            now: datetime | None = None) -> SheetVersion:
    """The service's own version of a sheet, with its reason: it settles a filed or
    disputed sheet; a settled one is never edited, so there it is a new version, and the
    settled one stays readable (billing sees the new one)."""
    now = now or utcnow()
    require(sheet.can_be_settled_by(acting), "only the service corrects")
    lock(sheet)
    if not sheet.is_settled:
        settle(acting, sheet, correction=details, now=now)
        return sheet.current
    version = build_version(acting, sheet, details, FiledAs.SERVICE, now)
    sheet.correct(acting, version, now)
    db.session.flush()
    mails.settled(sheet, told_requester=True)
    return version


def late_cancellation_sheet(request, booking: Booking, now: datetime) -> CompletionSheet | None:
    """A late cancellation the service's policy bills (or pays the interpreter for) gets its
    sheet at once, settled with the policy's minimum."""
    service = request.service
    if (booking is None or not request.cancelled_late or service is None
            or not (service.late_cancellation_billable or service.late_cancellation_paid)):
        return None
    if find_sheet(booking) is not None:
        return None
    sheet = CompletionSheet(booking=booking, request=request, service_id=service.id,
                            late_cancellation=True,
                            billable=service.late_cancellation_billable,
                            payable=service.late_cancellation_paid)
    db.session.add(sheet)
    version = SheetVersion(filed_as=FiledAs.POLICY, filed_at=now,
                           worked_minutes=service.late_cancellation_minutes,
                           booked_minutes=booking.booked_minutes, waiting_minutes=0,
                           no_show=False)
    sheet.settle_by_policy(version, now)
    db.session.flush()
    return sheet


@signals.request_cancelled.connect
def _late_cancellation(request, booking=None, **_):
    """The receiver: connected when the application imports this module."""
    late_cancellation_sheet(request, booking, request.cancelled_at or utcnow())
