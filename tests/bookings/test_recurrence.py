"""The rules of a series at their edges: clock changes, fifth weekdays, holidays, limits."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from interpreter_register.bookings.recurrence import (
    MAX_OCCURRENCES,
    Frequency,
    Recurrence,
    RecurrenceError,
    check,
    check_no_overlap,
    describe,
    holidays_among,
    occurrences,
    skipped_months,
    slots,
)

TODAY = date(2027, 1, 4)  # a Monday; never the real clock


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def refused(rule: Recurrence, today: date = TODAY) -> RecurrenceError:
    with pytest.raises(RecurrenceError) as caught:
        check(rule, today)
    return caught.value


def weekly(first: date, **end) -> Recurrence:
    return Recurrence(first, Frequency.WEEKLY, **end)


# The clock changes: 2027-03-28 and 2027-10-31 are the last Sundays of March and October.

@pytest.mark.parametrize(("first", "utc_hours"), [
    (date(2027, 3, 21), [9, 8, 8]),     # Sundays: the change day itself is summer time
    (date(2027, 3, 22), [9, 8, 8]),     # Mondays
    (date(2027, 10, 24), [8, 9, 9]),    # Sundays: the change day itself is winter time
    (date(2027, 10, 25), [8, 9, 9]),    # Mondays
])
def test_a_weekly_meeting_keeps_its_local_time_across_the_clock_change(first, utc_hours):
    days = check(weekly(first, count=3), TODAY)
    assert [d - first for d in days] == [timedelta(weeks=w) for w in range(3)]
    pairs = slots(days, time(10), time(11, 30))
    assert [start for start, _ in pairs] == [
        utc(d.year, d.month, d.day, h) for d, h in zip(days, utc_hours, strict=True)]
    assert all(end - start == timedelta(hours=1, minutes=30) for start, end in pairs)


def test_an_occurrence_in_the_missing_spring_hour_is_refused():
    days = occurrences(weekly(date(2027, 3, 21), count=3))
    with pytest.raises(RecurrenceError) as caught:
        slots(days, time(2, 30), time(3, 30))
    assert caught.value.code == "nonexistent_time"
    assert caught.value.params["day"] == date(2027, 3, 28)


def test_the_doubled_autumn_hour_means_the_first_one():
    days = occurrences(weekly(date(2027, 10, 24), count=3))
    starts = [start for start, _ in slots(days, time(2, 30), time(3, 30))]
    assert starts == [utc(2027, 10, 24, 0, 30), utc(2027, 10, 31, 0, 30),
                      utc(2027, 11, 7, 1, 30)]


def test_slots_need_an_end_after_the_start():
    with pytest.raises(RecurrenceError) as caught:
        slots([date(2027, 6, 7)], time(10), time(10))
    assert caught.value.code == "end_not_after_start"


# Fifth weekdays and the last weekday of the month.

def test_a_fifth_tuesday_skips_the_months_without_one():
    rule = Recurrence(date(2027, 6, 29), Frequency.MONTHLY_BY_WEEKDAY, count=4)
    assert rule.nth == 5
    assert check(rule, TODAY) == [date(2027, 6, 29), date(2027, 8, 31), date(2027, 11, 30),
                                  date(2028, 2, 29)]  # a leap year's February has one
    assert skipped_months(rule) == [date(2027, 7, 1), date(2027, 9, 1), date(2027, 10, 1),
                                    date(2027, 12, 1), date(2028, 1, 1)]


@pytest.mark.parametrize(("until", "last_skipped"), [
    (date(2028, 3, 28), date(2028, 1, 1)),   # ends before a fifth Tuesday could fall
    (date(2028, 3, 29), date(2028, 3, 1)),   # March 2028 could have had one by the 29th
])
def test_a_fifth_weekday_series_until_a_day_lists_only_the_months_it_passed(until, last_skipped):
    rule = Recurrence(date(2027, 11, 30), Frequency.MONTHLY_BY_WEEKDAY, until=until)
    assert occurrences(rule) == [date(2027, 11, 30), date(2028, 2, 29)]
    assert skipped_months(rule)[-1] == last_skipped


def test_only_a_fifth_weekday_skips_months():
    assert skipped_months(weekly(date(2027, 6, 29), count=10)) == []
    fourth = Recurrence(date(2027, 6, 22), Frequency.MONTHLY_BY_WEEKDAY, count=12)
    assert skipped_months(fourth) == []


def test_the_last_monday_differs_from_the_fourth_in_a_month_with_five():
    fourth = Recurrence(date(2027, 1, 25), Frequency.MONTHLY_BY_WEEKDAY, count=4)
    last = Recurrence(date(2027, 1, 25), Frequency.MONTHLY_BY_WEEKDAY, count=4, nth=-1)
    assert check(fourth, TODAY)[2] == date(2027, 3, 22)
    assert check(last, TODAY) == [date(2027, 1, 25), date(2027, 2, 22), date(2027, 3, 29),
                                  date(2027, 4, 26)]


@pytest.mark.parametrize(("first", "nth", "code"), [
    (date(2027, 6, 22), -1, "nth_mismatch"),   # June 2027 has a fifth Tuesday, the 29th
    (date(2027, 6, 22), 3, "nth_mismatch"),
    (date(2027, 6, 22), 6, "nth_invalid"),
    (date(2027, 6, 22), 0, "nth_invalid"),
])
def test_an_nth_that_does_not_fit_the_first_day_is_refused(first, nth, code):
    rule = Recurrence(first, Frequency.MONTHLY_BY_WEEKDAY, count=4, nth=nth)
    assert refused(rule).code == code
    with pytest.raises(RecurrenceError):
        occurrences(rule)


def test_nth_belongs_to_the_monthly_by_weekday_rule_only():
    assert refused(weekly(date(2027, 6, 7), count=4, nth=1)).code == "nth_not_applicable"


# Holidays, ends, frequencies.

@pytest.mark.parametrize(("language", "name"), [
    ("nl", "Paasmaandag"), ("fr", "Lundi de Pâques"), ("de", "Ostermontag")])
def test_a_holiday_among_the_occurrences_is_named_in_the_ui_language(language, name):
    days = check(weekly(date(2027, 3, 15), until=date(2027, 4, 12)), TODAY)
    assert holidays_among(days, language) == [(date(2027, 3, 29), name)]


def test_a_series_on_working_days_without_holidays_lists_none():
    assert holidays_among(occurrences(weekly(date(2027, 6, 1), count=8)), "nl") == []


def test_the_end_date_is_included():
    days = check(weekly(date(2027, 6, 7), until=date(2027, 6, 28)), TODAY)
    assert days == [date(2027, 6, 7), date(2027, 6, 14), date(2027, 6, 21), date(2027, 6, 28)]
    days = check(weekly(date(2027, 6, 7), until=date(2027, 6, 27)), TODAY)
    assert days[-1] == date(2027, 6, 21)


def test_count_and_until_give_the_same_series():
    by_count = check(weekly(date(2027, 6, 7), count=4), TODAY)
    assert by_count == check(weekly(date(2027, 6, 7), until=date(2027, 6, 28)), TODAY)


def test_fortnightly():
    rule = Recurrence(date(2027, 1, 6), Frequency.FORTNIGHTLY, count=4)
    assert check(rule, TODAY) == [date(2027, 1, 6), date(2027, 1, 20), date(2027, 2, 3),
                                  date(2027, 2, 17)]


@pytest.mark.parametrize("first", [date(2027, 1, 15), date(2028, 1, 15), date(2027, 1, 28)])
def test_monthly_by_date_across_february(first):
    rule = Recurrence(first, Frequency.MONTHLY_BY_DATE, count=3)
    assert check(rule, TODAY) == [first, first.replace(month=2), first.replace(month=3)]


@pytest.mark.parametrize("day", [29, 30, 31])
def test_monthly_by_date_on_a_day_not_every_month_has_is_refused(day):
    error = refused(Recurrence(date(2027, 3, day), Frequency.MONTHLY_BY_DATE, count=6))
    assert error.code == "monthly_day_unreliable"
    assert error.params["day"] == day
    assert error.params["nth"] == 5
    assert error.params["last"] is True


# The limits.

def test_exactly_104_weekly_occurrences_are_accepted():
    assert len(check(weekly(date(2027, 1, 4), count=MAX_OCCURRENCES), TODAY)) == 104
    days = check(weekly(date(2027, 1, 4), until=date(2028, 12, 25)), TODAY)
    assert len(days) == 104
    assert days[-1] == date(2028, 12, 25)


@pytest.mark.parametrize("end", [{"count": 105}, {"until": date(2029, 1, 1)}])
def test_105_weekly_occurrences_are_refused(end):
    error = refused(weekly(date(2027, 1, 4), **end))
    assert (error.code, error.params) == ("too_many", {"max": 104, "asked": 105})


def test_a_series_must_end_within_two_years():
    monthly = Recurrence(date(2027, 1, 4), Frequency.MONTHLY_BY_DATE, count=24)
    assert check(monthly, TODAY)[-1] == date(2028, 12, 4)
    error = refused(Recurrence(date(2027, 1, 4), Frequency.MONTHLY_BY_DATE, count=25))
    assert error.code == "too_long"
    assert error.params["latest"] == date(2029, 1, 3)
    error = refused(Recurrence(date(2027, 1, 4), Frequency.FORTNIGHTLY, until=date(2029, 1, 4)))
    assert error.code == "too_long"
    assert error.params["last"] == date(2029, 1, 4)


@pytest.mark.parametrize(("end", "asked"), [
    ({"count": 1}, 1), ({"count": 0}, 0), ({"until": date(2027, 6, 7)}, 1),
    ({"until": date(2027, 6, 13)}, 1)])
def test_a_single_date_is_not_a_series(end, asked):
    error = refused(weekly(date(2027, 6, 7), **end))
    assert (error.code, error.params) == ("too_few", {"min": 2, "asked": asked})


@pytest.mark.parametrize("end", [{}, {"count": 4, "until": date(2027, 6, 28)}])
def test_exactly_one_end(end):
    assert refused(weekly(date(2027, 6, 7), **end)).code == "end_missing"
    with pytest.raises(RecurrenceError):
        occurrences(weekly(date(2027, 6, 7), **end))


def test_an_end_before_the_start_is_refused():
    error = refused(weekly(date(2027, 6, 7), until=date(2027, 6, 6)))
    assert error.code == "until_before_first"
    assert error.params == {"first_day": date(2027, 6, 7), "until": date(2027, 6, 6)}


def test_a_first_day_in_the_past_is_refused_today_is_not():
    error = refused(weekly(date(2027, 1, 3), count=4))
    assert error.code == "first_in_past"
    assert check(weekly(TODAY, count=4), TODAY)[0] == TODAY


# Overlap between occurrences: the one rule, start < other_end and other_start < end.

def test_occurrences_that_overlap_are_refused():
    pairs = [(utc(2027, 6, 14, 8), utc(2027, 6, 14, 10)),
             (utc(2027, 6, 7, 8), utc(2027, 6, 14, 9))]   # unsorted on purpose
    with pytest.raises(RecurrenceError) as caught:
        check_no_overlap(pairs)
    assert caught.value.code == "occurrences_overlap"
    assert caught.value.params == {"first": utc(2027, 6, 7, 8), "second": utc(2027, 6, 14, 8)}


def test_occurrences_that_touch_do_not_overlap():
    check_no_overlap([(utc(2027, 6, 7, 8), utc(2027, 6, 7, 9)),
                      (utc(2027, 6, 7, 9), utc(2027, 6, 7, 10))])
    check_no_overlap(slots(occurrences(weekly(date(2027, 3, 21), count=3)), time(0), time(23)))


def test_describe_says_the_rule_without_text():
    rule = Recurrence(date(2027, 1, 25), Frequency.MONTHLY_BY_WEEKDAY, count=4, nth=-1)
    assert describe(rule) == {
        "frequency": "monthly_by_weekday", "interval_weeks": None, "weekday": 0,
        "day_of_month": None, "nth": -1, "first_day": date(2027, 1, 25), "until": None,
        "count": 4}
    described = describe(Recurrence(date(2027, 6, 15), "monthly_by_date", until=date(2027, 9, 15)))
    assert (described["frequency"], described["day_of_month"]) == ("monthly_by_date", 15)
    assert describe(Recurrence(date(2027, 6, 15), Frequency.FORTNIGHTLY, count=3))[
        "interval_weeks"] == 2
