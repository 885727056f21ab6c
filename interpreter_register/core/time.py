"""Clock and time-zone helpers: UTC in the database, Europe/Brussels on the screen."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")

# The one range of dates the product accepts anywhere (forms, report periods, imports):
# wide enough for any certificate or booking, far enough from the ends of the calendar
# that no computation with a date (a week later, the end of a period) can overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def is_accepted_day(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the only kind we store)."""
    return datetime.now(UTC)


def to_brussels(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS)


def today_in_brussels():
    """The calendar date in Belgium now (not the server's, not UTC's)."""
    return utcnow().astimezone(BRUSSELS).date()


class NonexistentLocalTime(ValueError):
    """A wall-clock time that does not exist in Brussels (the spring-forward hour)."""


def brussels_to_utc(day, clock) -> datetime:
    """A Brussels wall-clock time on a day, as UTC.

    On the last Sunday of March, 02:00–02:59 does not exist: refused. On the last Sunday
    of October, 02:00–02:59 happens twice: the first time (still summer time) is meant,
    as a person booking "02:30" before the change would mean it.
    """
    local = datetime.combine(day, clock).replace(tzinfo=BRUSSELS, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(BRUSSELS).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {clock} does not exist in Brussels")
    return as_utc
