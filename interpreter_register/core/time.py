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
