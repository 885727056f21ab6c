"""Series of requests: a requester asks for the same interpreting every week, every two
weeks or every month; changes one date, the following ones or all of them; cancels the
series from a date.

Each occurrence is an ordinary request (``requests.new_request``), so everything else
works per occurrence. Nothing is half-saved: every occurrence is checked before the first
one changes, and a refusal halfway rolls the whole change back (the view commits once).
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import NonexistentLocalTime, brussels_to_utc, to_brussels, utcnow
from ...extensions import db
from ...register.models import Modality
from .. import recurrence, signals
from ..models import InterpretingRequest, RequestSeries
from ..recurrence import MIN_OCCURRENCES, Recurrence, RecurrenceError
from ..recurrence_words import refusal
from .edits import check_changeable, edit_request
from .requests import RequestDetails, cancel_request, check_details, new_request


class Scope(StrEnum):
    """Which occurrences a change to one of them applies to."""

    ONE = "one"
    FOLLOWING = "following"
    ALL = "all"


@dataclass(frozen=True)
class SeriesPlan:
    """What a series would be, to show before it is saved: its dates, the public holidays
    among them (to skip or keep), and the months a fifth weekday passes by."""

    rule: Recurrence
    days: list[date]
    holidays: list[tuple[date, str]]
    skipped_months: list[date]

    @property
    def holiday_days(self) -> set[date]:
        return {day for day, _name in self.holidays}


def _local_times(details: RequestDetails) -> tuple[time, time]:
    return to_brussels(details.starts_at).time(), to_brussels(details.ends_at).time()


def plan_series(acting, details: RequestDetails, rule: Recurrence, language: str,
                now: datetime | None = None) -> SeriesPlan:
    """Check a series as a requester asks for it: ``details`` are those of its first
    date; holidays are named in ``language``. Refuses with the rule's own words."""
    now = now or utcnow()
    require(acting.is_requester, "only requesters ask")
    if details.modality == Modality.WRITTEN:
        raise RuleError(_l("A series is for interpreting: ask for each translation on its "
                           "own."), "repeat")
    check_details(details, now)
    try:
        days = recurrence.check(rule, to_brussels(now).date())
        recurrence.check_no_overlap(recurrence.slots(days, *_local_times(details)))
    except RecurrenceError as error:
        raise refusal(error) from error
    return SeriesPlan(rule, days, recurrence.holidays_among(days, language),
                      recurrence.skipped_months(rule))


def create_series(acting, details: RequestDetails, rule: Recurrence, skip=frozenset(),
                  language: str = "nl", now: datetime | None = None) -> RequestSeries:
    """A requester asks for a series: one request per date, the dates in ``skip`` (public
    holidays they chose to leave out) left out."""
    now = now or utcnow()
    plan = plan_series(acting, details, rule, language, now)
    days = [day for day in plan.days if day not in set(skip)]
    if len(days) < MIN_OCCURRENCES:
        raise refusal(RecurrenceError("too_few", min=MIN_OCCURRENCES, asked=len(days)))
    start, end = _local_times(details)
    slots = recurrence.slots(days, start, end)
    for starts_at, _ends_at in slots:
        check_details(RequestDetails(**{**details.__dict__, "starts_at": starts_at,
                                        "ends_at": _ends_at}), now)
    series = RequestSeries(organisation_id=acting.organisation_id, requester_id=acting.id,
                           frequency=rule.frequency, first_day=rule.first_day,
                           until=rule.until, count=rule.count, nth=rule.nth, size=len(days),
                           created_at=now)
    db.session.add(series)
    db.session.flush()
    for number, (starts_at, ends_at) in enumerate(slots, start=1):
        new_request(acting, RequestDetails(**{**details.__dict__, "starts_at": starts_at,
                                              "ends_at": ends_at}),
                    series_id=series.id, occurrence=number)
    db.session.flush()
    return series


# --- what is left of a series ----------------------------------------------------------

def upcoming(series: RequestSeries, now: datetime) -> list[InterpretingRequest]:
    """The occurrences still open and not begun, in order."""
    return [r for r in series.requests if r.is_open and not r.has_begun(now)]


def awaiting(series: RequestSeries, now: datetime) -> list[InterpretingRequest]:
    """The upcoming occurrences nobody is booked for yet."""
    return [r for r in upcoming(series, now) if r.is_awaiting_booking]


# --- changing one date, the following ones, or all ---------------------------------------

def _targets(request: InterpretingRequest, scope: Scope, now) -> list[InterpretingRequest]:
    if scope == Scope.ONE or request.series is None:
        return [request]
    found = upcoming(request.series, now)
    if scope == Scope.FOLLOWING:
        found = [r for r in found if r.occurrence >= request.occurrence]
    return found


def _shifted(details: RequestDetails, source: InterpretingRequest,
             target: InterpretingRequest) -> RequestDetails:
    """The details as they apply to another date: the same change of day (Tuesday to
    Thursday: two days later each), the new wall-clock times on each date."""
    if source.is_translation or details.starts_at is None:
        return details
    shift = to_brussels(details.starts_at).date() - source.day
    day = target.day + shift
    start, end = _local_times(details)
    try:
        starts_at, ends_at = brussels_to_utc(day, start), brussels_to_utc(day, end)
    except NonexistentLocalTime:
        raise refusal(RecurrenceError("nonexistent_time", day=day, start=start,
                                      end=end)) from None
    return RequestDetails(**{**details.__dict__, "starts_at": starts_at, "ends_at": ends_at})


def edit_occurrences(acting, request: InterpretingRequest, details: RequestDetails,
                     scope: Scope = Scope.ONE, now: datetime | None = None) -> int:
    """Change one date of a series, this one and the following, or all of them still to
    come (the past and the closed ones stay as they were); returns how many changed."""
    now = now or utcnow()
    scope = Scope(scope)
    check_changeable(acting, request, now)
    targets = _targets(request, scope, now)
    planned = {target.id: _shifted(details, request, target) for target in targets}
    for target in targets:
        check_details(planned[target.id], now)
    if request.series is not None and not request.is_translation:
        _check_series_slots(request.series, planned, now)
    changed = 0
    together = (signals.series_change(request.series, "changed", acting) if len(targets) > 1
                else nullcontext())
    with together:
        for target in targets:
            changed += bool(edit_request(acting, target, planned[target.id], now))
    return changed


def _check_series_slots(series: RequestSeries, planned: dict, now) -> None:
    """The series' live dates, as they would be after the change, must not overlap."""
    slots = []
    for occurrence in series.requests:
        if not occurrence.is_open:
            continue
        details = planned.get(occurrence.id)
        slots.append((details.starts_at, details.ends_at) if details is not None
                     else (occurrence.starts_at, occurrence.ends_at))
    try:
        recurrence.check_no_overlap(slots)
    except RecurrenceError as error:
        raise refusal(error) from error


# --- cancelling from a date -------------------------------------------------------------

def cancel_from(acting, series: RequestSeries, first_day: date, reason: str,
                now: datetime | None = None) -> tuple[int, int]:
    """Cancel the series' occurrences on and after ``first_day`` that have not begun;
    returns (how many were cancelled, how many of them late)."""
    now = now or utcnow()
    require(series.can_be_changed_by(acting), "only the organisation's requesters")
    if not (reason or "").strip():
        raise RuleError(_l("Say why the series is cancelled."), "reason")
    chosen = [r for r in upcoming(series, now) if r.day >= first_day and r.is_cancellable]
    if not chosen:
        raise RuleError(_l("No date of this series from that day on can still be "
                           "cancelled."), "first_day")
    late = 0
    with signals.series_change(series, "cancelled", acting):
        for request in chosen:
            late += cancel_request(acting, request, reason, now)
    return len(chosen), late


def days_to_cancel_from(series: RequestSeries, now: datetime) -> list[date]:
    """The days a series may be cancelled from: those of its upcoming occurrences."""
    return [r.day for r in upcoming(series, now) if r.is_cancellable]
