"""When a cancellation is late; which status changes a request may make."""

from datetime import UTC, datetime

import pytest

from interpreter_register.bookings.cancellation import free_until, is_late
from interpreter_register.organisations.models import CancellationRule

DAY_BEFORE = CancellationRule.PREVIOUS_WORKING_DAY
HOURS = CancellationRule.WORKING_HOURS


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize("start,rule,deadline", [
    # Wednesday 10:00 (winter: 09:00 UTC): free until Tuesday 10:00.
    (utc(2026, 11, 25, 9), DAY_BEFORE, utc(2026, 11, 24, 9)),
    # Monday: the previous working day is Friday.
    (utc(2026, 11, 23, 9), DAY_BEFORE, utc(2026, 11, 20, 9)),
    # Thursday 12 November: 11 November (Armistice) is a public holiday, so Tuesday.
    (utc(2026, 11, 12, 9), DAY_BEFORE, utc(2026, 11, 10, 9)),
    # Monday 28 December: Friday 25 December is Christmas, so Thursday 24.
    (utc(2026, 12, 28, 9), DAY_BEFORE, utc(2026, 12, 24, 9)),
    # 48 working hours before Wednesday 10:00 is Monday 10:00.
    (utc(2026, 11, 25, 9), HOURS, utc(2026, 11, 23, 9)),
    # Before Monday 10:00 the weekend does not count: Thursday 10:00.
    (utc(2026, 11, 23, 9), HOURS, utc(2026, 11, 19, 9)),
    # In summer (UTC+2) the same rule, in Brussels time.
    (utc(2026, 6, 17, 8), DAY_BEFORE, utc(2026, 6, 16, 8)),
])
def test_free_until(start, rule, deadline):
    assert free_until(start, rule, 48) == deadline


def test_late_from_the_deadline_on():
    start = utc(2026, 11, 25, 9)
    assert not is_late(utc(2026, 11, 24, 8, 59), start, DAY_BEFORE)
    assert is_late(utc(2026, 11, 24, 9), start, DAY_BEFORE)
