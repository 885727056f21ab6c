"""Clock and time-zone helpers: UTC in the database, Europe/Brussels on the screen."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


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
