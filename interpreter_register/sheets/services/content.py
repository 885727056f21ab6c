"""What a sheet says, checked: the rules of one version, by the way of working, at their
boundaries. Every refusal is a RuleError with a translated message and the form field it
concerns; nothing is stored until every line (receipts included) passed."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from ...bookings.models import Booking
from ...core import settings, uploads
from ...core.rules import RuleError
from ...core.time import NonexistentLocalTime, brussels_to_utc, to_brussels
from ...register.models import Modality
from .. import settings as sheet_settings
from ..distances import suggested_km
from ..models import (
    CompletionSheet,
    ExpenseKind,
    FiledAs,
    SheetExpense,
    SheetLine,
    SheetVersion,
)

UPLOAD_AREA = "sheets"


@dataclass
class ExpenseInput:
    """One cost: its kind and amount, and its receipt: a new upload (a FileStorage), or the
    receipt of a line of this sheet's current version that it keeps (a correction)."""

    kind: ExpenseKind
    amount: Decimal | None
    receipt: object | None = None
    keeps: int | None = None


@dataclass
class SheetDetails:
    """What a form says; which fields count depends on the way of working."""

    started: time | None = None         # on site: the actual start, on the booked day
    ended: time | None = None
    minutes: int | None = None          # telephone, video, and a late cancellation
    waiting_minutes: int | None = 0
    no_show: bool = False
    km: Decimal | None = None
    expenses: list[ExpenseInput] = field(default_factory=list)
    words: int | None = None
    pages: int | None = None
    delivered_on: date | None = None
    remarks: str | None = None
    reason: str | None = None


def lines_of(sheet: CompletionSheet) -> list[SheetLine]:
    """The lines of a sheet, by its way of working (what a requester may dispute)."""
    modality = sheet.request.modality
    if modality == Modality.WRITTEN:
        return [SheetLine.SIZE, SheetLine.DELIVERED_ON]
    if sheet.late_cancellation:
        return [SheetLine.TIMES, SheetLine.KM, SheetLine.EXPENSES]
    lines = [SheetLine.TIMES, SheetLine.WAITING, SheetLine.NO_SHOW]
    if modality == Modality.ON_SITE:
        lines += [SheetLine.KM, SheetLine.EXPENSES]
    return lines


def km_suggestion(booking: Booking) -> int | None:
    """From the interpreter's postcode to the place, there and back (an estimate)."""
    request = booking.request
    if request.modality != Modality.ON_SITE:
        return None
    return suggested_km(booking.person.postcode, request.postcode)


def _moment(day: date, clock: time, field_name: str) -> datetime:
    try:
        return brussels_to_utc(day, clock)
    except NonexistentLocalTime as error:
        raise RuleError(_l("This time does not exist on that day: the clocks go forward "
                           "from 02:00 to 03:00."), field_name) from error


def _count(value, field_name: str, maximum: int, too_many) -> int:
    number = int(value or 0)
    if number < 0:
        raise RuleError(_l("This cannot be negative."), field_name)
    if number > maximum:
        raise RuleError(too_many, field_name)
    return number


def _times(booking: Booking, details: SheetDetails, version: SheetVersion) -> None:
    """The actual time: start and end on site, minutes by telephone or video; the booked
    time for a no-show."""
    booked = booking.booked_minutes
    if details.no_show:
        version.worked_minutes = booked
        return
    if booking.request.modality == Modality.ON_SITE:
        if details.started is None or details.ended is None:
            raise RuleError(_l("Give the actual start and end."), "started")
        day = to_brussels(booking.starts_at).date()
        version.started_at = _moment(day, details.started, "started")
        version.ended_at = _moment(day, details.ended, "ended")
        if version.ended_at <= version.started_at:
            raise RuleError(_l("The end must come after the start."), "ended")
        minutes = int((version.ended_at - version.started_at).total_seconds() // 60)
        if minutes > sheet_settings.MAX_MINUTES:
            raise RuleError(_l("More than twelve hours cannot be right for one assignment: "
                               "check the times."), "ended")
        version.worked_minutes = minutes
        return
    if not details.minutes:
        raise RuleError(_l("Give the actual minutes of the call."), "minutes")
    version.worked_minutes = _count(details.minutes, "minutes", sheet_settings.MAX_MINUTES,
                                    _l("More than twelve hours cannot be right for one "
                                       "assignment: check the minutes."))


def _travel(details: SheetDetails, version: SheetVersion, on_site: bool) -> None:
    km = details.km if details.km is not None else Decimal("0")
    try:
        km = Decimal(km).quantize(Decimal("0.1"))
    except InvalidOperation as error:
        raise RuleError(_l("Give the kilometres as a number."), "km") from error
    if km < 0:
        raise RuleError(_l("Kilometres cannot be negative."), "km")
    if km > sheet_settings.MAX_KM:
        raise RuleError(_l("More than %(km)s km cannot be right for one assignment: check "
                           "the figure.", km=f"{sheet_settings.MAX_KM:,}".replace(",", ".")),
                        "km")
    if km and not on_site:
        raise RuleError(_l("Only work on site has travel."), "km")
    version.km = km


def _translation(booking: Booking, details: SheetDetails, version: SheetVersion,
                 today: date) -> None:
    words, pages = details.words or None, details.pages or None
    if words is None and pages is None:
        raise RuleError(_l("Give the size of the translation delivered, in words or pages."),
                        "words")
    if (words or 0) < 0 or (pages or 0) < 0:
        raise RuleError(_l("This cannot be negative."), "words" if words else "pages")
    if details.delivered_on is None:
        raise RuleError(_l("Give the day the translation was delivered."), "delivered_on")
    if details.delivered_on > today:
        raise RuleError(_l("The delivery date is in the future."), "delivered_on")
    if details.delivered_on < to_brussels(booking.confirmed_at).date():
        raise RuleError(_l("The delivery date comes before the booking."), "delivered_on")
    version.words, version.pages, version.delivered_on = words, pages, details.delivered_on


def _expenses(acting, sheet: CompletionSheet, details: SheetDetails, by_service: bool,
              on_site: bool) -> list[tuple[SheetExpense, tuple[bytes, str, str] | None]]:
    """Each cost checked, its receipt read and checked (not stored yet)."""
    if details.expenses and not on_site:
        raise RuleError(_l("Only work on site has travel costs."), "expenses")
    limit = settings.value(sheet_settings.UPLOAD_LIMIT_MB.key) * 1024 * 1024
    kept = {e.id: e for e in (sheet.current.expenses if sheet.current else [])}
    found = []
    for expense in details.expenses:
        if expense.amount is None or expense.amount <= 0:
            raise RuleError(_l("Give the amount of each cost, more than zero."), "expenses")
        if expense.amount > sheet_settings.MAX_EXPENSE:
            raise RuleError(_l("More than %(amount)s euros cannot be right for one cost: "
                               "check the amount.", amount=sheet_settings.MAX_EXPENSE),
                            "expenses")
        line = SheetExpense(kind=ExpenseKind(expense.kind),
                            amount=Decimal(expense.amount).quantize(Decimal("0.01")))
        upload = None
        if expense.receipt is not None and getattr(expense.receipt, "filename", True):
            data, kind = uploads.read_checked(expense.receipt, limit, "expenses")
            upload = (data, kind, getattr(expense.receipt, "filename", None))
        elif expense.keeps is not None and expense.keeps in kept:
            line.receipt_id = kept[expense.keeps].receipt_id
        elif not by_service:
            raise RuleError(_l("Add a photo or PDF of the receipt for each cost."), "expenses")
        found.append((line, upload))
    return found


def _length_reason(booking: Booking, version: SheetVersion, reason: str | None) -> None:
    """A sheet longer than the booking by more than the setting's margin needs a reason."""
    booked = booking.booked_minutes
    if booked is None:
        return
    margin = settings.value(sheet_settings.MARGIN_MINUTES.key)
    over = version.worked_minutes + version.waiting_minutes - booked
    if over > margin and not reason:
        raise RuleError(_l("This sheet runs %(minutes)d minutes over the booked time. Say "
                           "why in the reason.", minutes=over), "reason")


def build_version(acting, sheet: CompletionSheet, details: SheetDetails, filed_as: FiledAs,
                  now: datetime) -> SheetVersion:
    """A new version of ``sheet`` from ``details``, every rule checked; its receipts are
    stored only once everything passed. Not yet added to the sheet."""
    booking, request = sheet.booking, sheet.request
    reason = (details.reason or "").strip()[:500] or None
    if filed_as == FiledAs.SERVICE and not reason:
        raise RuleError(_l("Say why the service files or corrects this sheet."), "reason")
    on_site = request.modality == Modality.ON_SITE
    version = SheetVersion(filed_as=filed_as, filed_by_id=getattr(acting, "id", None),
                           filed_at=now, reason=reason, booked_minutes=booking.booked_minutes,
                           no_show=False, waiting_minutes=0)
    suggestion = km_suggestion(booking)
    version.km_suggested = Decimal(suggestion) if suggestion is not None else None
    if request.modality == Modality.WRITTEN:
        _translation(booking, details, version, to_brussels(now).date())
        version.worked_minutes = 0
    elif sheet.late_cancellation:
        version.worked_minutes = _count(details.minutes, "minutes", sheet_settings.MAX_MINUTES,
                                        _l("More than twelve hours cannot be right for one "
                                           "assignment: check the minutes."))
        _travel(details, version, on_site)
    else:
        version.no_show = bool(details.no_show)
        version.waiting_minutes = _count(
            details.waiting_minutes, "waiting_minutes", sheet_settings.MAX_WAITING_MINUTES,
            _l("More than eight hours of waiting cannot be right: check the minutes."))
        _times(booking, details, version)
        _travel(details, version, on_site)
        _length_reason(booking, version, reason)
    remarks = (details.remarks or "").strip()
    if len(remarks) > 2000:
        raise RuleError(_l("Keep the remarks under 2,000 characters."), "remarks")
    version.remarks = remarks or None
    expenses = _expenses(acting, sheet, details, filed_as == FiledAs.SERVICE, on_site)
    for line, upload in expenses:
        if upload is not None:
            line.receipt = uploads.store(acting, UPLOAD_AREA, *upload)
        version.expenses.append(line)
    return version
