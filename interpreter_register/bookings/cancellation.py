"""When a cancellation becomes late: the service's rule, Belgian public holidays and all."""

from datetime import datetime, time, timedelta

from ..core.time import BRUSSELS
from ..core.workdays import is_working_day, previous_working_day
from ..organisations.models import CancellationRule

CUTOFF = time(10, 0)


def working_hours_before(start: datetime, hours: int) -> datetime:
    """The wall-clock moment ``hours`` working hours before ``start`` (a naive Brussels
    time), counting only the hours of working days."""
    cursor, remaining = start, timedelta(hours=hours)
    while remaining > timedelta(0):
        # The day whose hours lie just before the cursor.
        day = cursor.date() if cursor.time() != time(0) else cursor.date() - timedelta(days=1)
        day_start = datetime.combine(day, time(0))
        if is_working_day(day):
            step = min(cursor - day_start, remaining)
            cursor, remaining = cursor - step, remaining - step
        else:
            cursor = day_start
    return cursor


def free_until(starts_at: datetime, rule: CancellationRule, hours: int = 48) -> datetime:
    """The last moment (UTC) a booking starting at ``starts_at`` (UTC) may be cancelled
    without being late."""
    start = starts_at.astimezone(BRUSSELS).replace(tzinfo=None)
    if rule == CancellationRule.PREVIOUS_WORKING_DAY:
        local = datetime.combine(previous_working_day(start.date()), CUTOFF)
    else:
        local = working_hours_before(start, hours)
    return local.replace(tzinfo=BRUSSELS).astimezone(starts_at.tzinfo)


def is_late(moment: datetime, starts_at: datetime, rule: CancellationRule,
            hours: int = 48) -> bool:
    return moment >= free_until(starts_at, rule, hours)
