"""The rules of a series of requests: one request repeating, as dates and UTC slots."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from ..core.time import NonexistentLocalTime, brussels_to_utc
from ..core.workdays import holiday_name
from .matching.facts import overlaps

MAX_OCCURRENCES = 104  # two years of weekly meetings
MAX_SPAN = relativedelta(years=2)  # every occurrence falls before first_day + MAX_SPAN
MIN_OCCURRENCES = 2  # one date is a request, not a series
NTH_LAST = -1
NTH_CHOICES = (1, 2, 3, 4, 5, NTH_LAST)


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY_BY_DATE = "monthly_by_date"
    MONTHLY_BY_WEEKDAY = "monthly_by_weekday"


class RecurrenceError(ValueError):
    """A series the rules refuse; ``code`` and ``params`` are translated by the web layer."""

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def week_of_month(day: date) -> int:
    """Which of its month's weekdays of that name ``day`` is: 1 to 5."""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: date) -> bool:
    """No later day of the same weekday in ``day``'s month."""
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


@dataclass(frozen=True)
class Recurrence:
    """One request repeating from ``first_day`` until a day or a number of times."""

    first_day: date
    frequency: Frequency
    until: date | None = None
    count: int | None = None
    nth: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        if self.frequency == Frequency.MONTHLY_BY_WEEKDAY and self.nth is None:
            object.__setattr__(self, "nth", week_of_month(self.first_day))

    @property
    def limit(self) -> date:
        """The first day a series starting on ``first_day`` may no longer reach."""
        return self.first_day + MAX_SPAN


def _require_shape(rule: Recurrence) -> None:
    """Refuse what no list of dates can be built from."""
    if (rule.until is None) == (rule.count is None):
        raise RecurrenceError("end_missing")
    if rule.frequency != Frequency.MONTHLY_BY_WEEKDAY:
        if rule.nth is not None:
            raise RecurrenceError("nth_not_applicable", frequency=str(rule.frequency))
        return
    if rule.nth not in NTH_CHOICES:
        raise RecurrenceError("nth_invalid", nth=rule.nth)
    # The first day must itself be an occurrence, or the series would not start on it.
    fits = (is_last_of_month(rule.first_day) if rule.nth == NTH_LAST
            else week_of_month(rule.first_day) == rule.nth)
    if not fits:
        raise RecurrenceError("nth_mismatch", nth=rule.nth, first_day=rule.first_day,
                              weekday=rule.first_day.weekday())


def _rrule(rule: Recurrence, until: date | None, count: int | None) -> rrule:
    start = rule.first_day
    if rule.frequency in (Frequency.WEEKLY, Frequency.FORTNIGHTLY):
        interval = 2 if rule.frequency == Frequency.FORTNIGHTLY else 1
        return rrule(WEEKLY, interval=interval, dtstart=start, until=until, count=count)
    if rule.frequency == Frequency.MONTHLY_BY_DATE:
        return rrule(MONTHLY, bymonthday=start.day, dtstart=start, until=until, count=count)
    # A fifth weekday only exists in some months; rrule skips the others, and a count
    # counts meetings, not months.
    nth_weekday = weekday(start.weekday(), rule.nth)
    return rrule(MONTHLY, byweekday=nth_weekday, dtstart=start, until=until, count=count)


def occurrences(rule: Recurrence) -> list[date]:
    """Every day of the series: the first day and ``until`` included.

    Unbounded by the limits: run check() first on what a person typed.
    """
    _require_shape(rule)
    return [moment.date() for moment in _rrule(rule, rule.until, rule.count)]


def check(rule: Recurrence, today: date) -> list[date]:
    """Refuse a series the rules do not allow; return its days when it is allowed."""
    _require_shape(rule)
    first = rule.first_day
    if rule.until is not None and rule.until < first:
        raise RecurrenceError("until_before_first", first_day=first, until=rule.until)
    if first < today:
        raise RecurrenceError("first_in_past", first_day=first, today=today)
    if rule.frequency == Frequency.MONTHLY_BY_DATE and first.day >= 29:
        # The UI offers the same weekday instead: the nth, or the last of the month.
        raise RecurrenceError(
            "monthly_day_unreliable", day=first.day, weekday=first.weekday(),
            nth=week_of_month(first), last=is_last_of_month(first))
    latest = rule.limit - timedelta(days=1)
    if rule.count is not None:
        if rule.count < MIN_OCCURRENCES:
            raise RecurrenceError("too_few", min=MIN_OCCURRENCES, asked=rule.count)
        if rule.count > MAX_OCCURRENCES:
            raise RecurrenceError("too_many", max=MAX_OCCURRENCES, asked=rule.count)
        days = occurrences(rule)
        if days[-1] > latest:
            raise RecurrenceError("too_long", max_years=2, latest=latest, last=days[-1])
        return days
    # Checked before counting so that a far-away end never builds a long list.
    if rule.until > latest:
        raise RecurrenceError("too_long", max_years=2, latest=latest, last=rule.until)
    days = occurrences(rule)
    if len(days) < MIN_OCCURRENCES:
        raise RecurrenceError("too_few", min=MIN_OCCURRENCES, asked=len(days))
    if len(days) > MAX_OCCURRENCES:
        raise RecurrenceError("too_many", max=MAX_OCCURRENCES, asked=len(days))
    return days


def skipped_months(rule: Recurrence) -> list[date]:
    """The months (as their first day) a "fifth weekday" series passes without a meeting."""
    if rule.frequency != Frequency.MONTHLY_BY_WEEKDAY or rule.nth != 5:
        return []
    days = occurrences(rule)
    end = rule.until if rule.until is not None else days[-1]
    met = {(day.year, day.month) for day in days}
    skipped = []
    month = rule.first_day.replace(day=1)
    while month <= end:
        # A fifth weekday falls on the 29th at the earliest: an end before that day of
        # the month ends the series, it does not skip the month.
        earliest_fifth = min(29, calendar.monthrange(month.year, month.month)[1])
        if (month.year, month.month) not in met and month.replace(day=earliest_fifth) <= end:
            skipped.append(month)
        month += relativedelta(months=1)
    return skipped


def holidays_among(days: list[date], language: str) -> list[tuple[date, str]]:
    """The Belgian public holidays among ``days``, named in the UI language."""
    named = ((day, holiday_name(day, language)) for day in days)
    return [(day, name) for day, name in named if name is not None]


def slots(days: list[date], start: time, end: time) -> list[tuple[datetime, datetime]]:
    """Each day's start and end, Brussels wall-clock, as UTC: 10:00 stays 10:00 locally."""
    if end <= start:
        raise RecurrenceError("end_not_after_start", start=start, end=end)
    result = []
    for day in days:
        try:
            result.append((brussels_to_utc(day, start), brussels_to_utc(day, end)))
        except NonexistentLocalTime:
            raise RecurrenceError("nonexistent_time", day=day, start=start, end=end) from None
    return result


def check_no_overlap(slots: list[tuple[datetime, datetime]]) -> None:
    """Refuse occurrences that overlap each other (half-open: touching is allowed)."""
    ordered = sorted(slots)
    # Sorted by start, an overlap anywhere shows between neighbours.
    for (start, end), (next_start, next_end) in zip(ordered, ordered[1:], strict=False):
        if overlaps(start, end, next_start, next_end):
            raise RecurrenceError("occurrences_overlap", first=start, second=next_start)


def describe(rule: Recurrence) -> dict:
    """What the UI needs to say the rule in words, in any language; no text."""
    return {
        "frequency": str(rule.frequency),
        "interval_weeks": {Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 2}.get(rule.frequency),
        "weekday": rule.first_day.weekday(),  # 0 is Monday, as Babel's day names
        "day_of_month": (rule.first_day.day
                         if rule.frequency == Frequency.MONTHLY_BY_DATE else None),
        "nth": rule.nth,
        "first_day": rule.first_day,
        "until": rule.until,
        "count": rule.count,
    }
