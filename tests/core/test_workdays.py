"""Belgian working days at their edges: weekends, public holidays, years, clock changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from interpreter_register.core.workdays import (
    add_working_days,
    holiday_name,
    is_working_day,
    previous_working_day,
    public_holidays,
    working_days_between,
    working_deadline,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2027, 6, 4), True),     # a Friday
    (date(2027, 6, 5), False),    # Saturday
    (date(2027, 6, 6), False),    # Sunday
    (date(2027, 3, 29), False),   # Easter Monday
    (date(2027, 3, 30), True),
    (date(2028, 5, 1), False),    # Labour Day, a Monday
    (date(2027, 5, 6), False),    # Ascension Day
    (date(2027, 5, 17), False),   # Whit Monday
    (date(2027, 7, 21), False),   # National Day, a Wednesday
    (date(2028, 8, 15), False),   # Assumption, a Tuesday
    (date(2027, 11, 1), False),   # All Saints, a Monday
    (date(2027, 11, 11), False),  # Armistice, a Thursday
    (date(2028, 12, 25), False),  # Christmas, a Monday
    (date(2028, 12, 26), True),   # Boxing Day is not a Belgian public holiday
    (date(2029, 1, 1), False),    # New Year, a Monday
])
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


@pytest.mark.parametrize(("day", "n", "expected"), [
    (date(2027, 6, 4), 1, date(2027, 6, 7)),      # Friday + 1: across the weekend
    (date(2027, 6, 4), 5, date(2027, 6, 11)),     # a sheet filed on Friday: next Friday
    (date(2027, 6, 5), 1, date(2027, 6, 7)),      # a Saturday start counts from Monday
    (date(2027, 6, 6), 5, date(2027, 6, 11)),     # a Sunday start
    (date(2027, 3, 26), 1, date(2027, 3, 30)),    # across Easter Monday
    (date(2027, 3, 26), 5, date(2027, 4, 5)),     # five days: one later than usual
    (date(2028, 4, 28), 1, date(2028, 5, 2)),     # across 1 May
    (date(2027, 7, 20), 1, date(2027, 7, 22)),    # across 21 July
    (date(2028, 8, 14), 1, date(2028, 8, 16)),    # across 15 August
    (date(2027, 10, 29), 1, date(2027, 11, 2)),   # across 1 November
    (date(2027, 11, 10), 1, date(2027, 11, 12)),  # across 11 November
    (date(2028, 12, 22), 1, date(2028, 12, 26)),  # across Christmas
    (date(2028, 12, 29), 1, date(2029, 1, 2)),    # across New Year, into the next year
    (date(2028, 12, 29), 5, date(2029, 1, 8)),
    (date(2027, 5, 5), 1, date(2027, 5, 7)),      # across Ascension Day
])
def test_add_working_days(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize("day", [date(2027, 6, 4), date(2027, 6, 5), date(2027, 3, 29)])
def test_zero_working_days_is_the_day_itself(day):
    assert add_working_days(day, 0) == day


def test_negative_working_days_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2027, 6, 4), -1)


def test_add_working_days_lands_on_a_working_day_after_n_of_them():
    for day in every_day(date(2027, 1, 1), date(2028, 12, 31)):
        for n in (1, 2, 5, 10):
            due = add_working_days(day, n)
            assert is_working_day(due)
            counted = sum(is_working_day(d) for d in every_day(day + timedelta(days=1), due))
            assert counted == n, (day, n)


@pytest.mark.parametrize(("day", "expected"), [
    (date(2027, 6, 7), date(2027, 6, 4)),     # Monday -> Friday
    (date(2027, 3, 30), date(2027, 3, 26)),   # after Easter Monday and the weekend
    (date(2029, 1, 2), date(2028, 12, 29)),   # across New Year
    (date(2027, 6, 6), date(2027, 6, 4)),     # from a Sunday
])
def test_previous_working_day(day, expected):
    assert previous_working_day(day) == expected


@pytest.mark.parametrize(("first", "last", "expected"), [
    (date(2027, 6, 4), date(2027, 6, 4), 0),
    (date(2027, 6, 4), date(2027, 6, 6), 0),     # the weekend only
    (date(2027, 6, 4), date(2027, 6, 11), 5),
    (date(2027, 3, 26), date(2027, 4, 5), 5),    # Easter Monday not counted
    (date(2028, 12, 22), date(2029, 1, 5), 8),   # Christmas and New Year not counted
    (date(2027, 6, 11), date(2027, 6, 4), -5),
])
def test_working_days_between(first, last, expected):
    assert working_days_between(first, last) == expected


def test_working_days_between_inverts_add_working_days():
    for day in every_day(date(2027, 1, 1), date(2028, 12, 31)):
        for n in (0, 1, 3, 5, 21):
            assert working_days_between(day, add_working_days(day, n)) == n, (day, n)


def test_working_days_between_counts_like_a_walk_over_the_days():
    first = date(2026, 12, 15)
    for last in every_day(first, date(2029, 1, 15)):
        walked = sum(is_working_day(d) for d in every_day(first + timedelta(days=1), last))
        assert working_days_between(first, last) == walked, last


@pytest.mark.parametrize(("moment", "n", "expected"), [
    # Friday before the spring change and Easter Monday: due Tuesday, in summer time.
    (utc(2027, 3, 26, 10), 1, utc(2027, 3, 30, 21, 59, 59, 999999)),
    (utc(2027, 3, 26, 10), 5, utc(2027, 4, 5, 21, 59, 59, 999999)),
    # Friday before the autumn change and All Saints: due Tuesday, in winter time.
    (utc(2027, 10, 29, 10), 1, utc(2027, 11, 2, 22, 59, 59, 999999)),
    # 22:30 UTC on a Friday in June is already Saturday in Brussels.
    (utc(2027, 6, 4, 22, 30), 1, utc(2027, 6, 7, 21, 59, 59, 999999)),
    (utc(2027, 6, 4, 21, 30), 1, utc(2027, 6, 7, 21, 59, 59, 999999)),
    (utc(2027, 6, 4, 21, 30), 0, utc(2027, 6, 4, 21, 59, 59, 999999)),
    # The day of each change itself: 23 and 25 hours long.
    (utc(2027, 3, 28, 12), 0, utc(2027, 3, 28, 21, 59, 59, 999999)),
    (utc(2027, 10, 31, 12), 0, utc(2027, 10, 31, 22, 59, 59, 999999)),
    # 21:30 UTC on the autumn Saturday is 23:30 in Brussels: counted from Saturday.
    (utc(2027, 10, 30, 21, 30), 1, utc(2027, 11, 2, 22, 59, 59, 999999)),
])
def test_working_deadline_in_utc(moment, n, expected):
    deadline = working_deadline(moment, n)
    assert deadline == expected
    assert deadline.utcoffset() == timedelta(0)


def test_working_deadline_needs_an_aware_moment():
    with pytest.raises(ValueError, match="aware"):
        working_deadline(datetime(2027, 6, 4, 10), 5)  # noqa: DTZ001 - the refused input


def test_public_holidays_in_each_language():
    spring = (date(2027, 3, 28), date(2027, 3, 29))
    assert public_holidays(*spring, "nl") == [
        (date(2027, 3, 28), "Pasen"), (date(2027, 3, 29), "Paasmaandag")]
    assert public_holidays(*spring, "fr") == [
        (date(2027, 3, 28), "Pâques"), (date(2027, 3, 29), "Lundi de Pâques")]
    assert public_holidays(*spring, "de_BE") == [
        (date(2027, 3, 28), "Ostern"), (date(2027, 3, 29), "Ostermontag")]
    assert public_holidays(*spring, "en") == [
        (date(2027, 3, 28), "Easter Sunday"), (date(2027, 3, 29), "Easter Monday")]


def test_public_holidays_across_years_both_ends_included():
    assert public_holidays(date(2027, 12, 25), date(2028, 1, 1), "fr") == [
        (date(2027, 12, 25), "Noël"), (date(2028, 1, 1), "Nouvel An")]
    assert public_holidays(date(2027, 12, 26), date(2027, 12, 31), "nl") == []


def test_a_language_without_names_is_refused():
    with pytest.raises(ValueError, match="language"):
        holiday_name(date(2027, 7, 21), "es")
    assert holiday_name(date(2027, 7, 21), "nl") == "Nationale feestdag"
    assert holiday_name(date(2027, 7, 22), "nl") is None
