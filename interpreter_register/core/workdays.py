"""Belgian working days: Monday to Friday, not a Belgian public holiday."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from .time import BRUSSELS, brussels_to_utc

# The UI languages and the names the holidays package knows them by.
HOLIDAY_LANGUAGES = {"nl": "nl", "fr": "fr", "de": "de", "en": "en_US"}


def _holiday_language(language: str) -> str:
    """The holidays package's language for a UI locale (``fr_BE`` reads as ``fr``)."""
    base = language.replace("-", "_").split("_")[0].lower()
    try:
        return HOLIDAY_LANGUAGES[base]
    except KeyError:
        # The package falls back to English for an unknown language; a wrong name in a
        # Dutch page is worse than a loud error in development.
        raise ValueError(f"no holiday names for language {language!r}") from None


@lru_cache(maxsize=128)
def _holidays_of(year: int, language: str) -> MappingProxyType:
    """The public holidays of one year, day -> name; built once per year and language."""
    return MappingProxyType(dict(holidays.Belgium(years=year, language=language)))


def holiday_name(day: date, language: str) -> str | None:
    """The public holiday's name on ``day`` in the UI language, or None."""
    return _holidays_of(day.year, _holiday_language(language)).get(day)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Belgian public holiday."""
    return day.weekday() < 5 and day not in _holidays_of(day.year, "nl")


def add_working_days(day: date, n: int) -> date:
    """The day ``n`` working days after ``day`` (not counted itself); ``day`` when n is 0."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def previous_working_day(day: date) -> date:
    """The last working day before ``day``."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) through ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(first: date, last: date) -> int:
    """Working days after ``first`` up to and including ``last``; negative when reversed.

    The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
    """
    if last < first:
        return -working_days_between(last, first)
    closed = sum(
        1
        for year in range(first.year, last.year + 1)
        for day in _holidays_of(year, "nl")
        if first < day <= last and day.weekday() < 5
    )
    return _weekdays_through(last) - _weekdays_through(first) - closed


def working_deadline(moment_utc: datetime, n: int) -> datetime:
    """The end of the n-th working day after the Brussels day of ``moment_utc``, in UTC."""
    if moment_utc.tzinfo is None:
        raise ValueError("moment_utc must be an aware datetime")
    local_day = moment_utc.astimezone(BRUSSELS).date()
    # 23:59:59.999999 exists on every Brussels day (the changes happen at night).
    return brussels_to_utc(add_working_days(local_day, n), time.max)


def public_holidays(first: date, last: date, language: str) -> list[tuple[date, str]]:
    """The public holidays from ``first`` to ``last`` (both included), named for the reader."""
    code = _holiday_language(language)
    return sorted(
        (day, name)
        for year in range(first.year, last.year + 1)
        for day, name in _holidays_of(year, code).items()
        if first <= day <= last
    )
