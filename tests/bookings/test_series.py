"""Series of requests: asked, checked, matched and booked as a whole, changed one date,
the following ones or all, cancelled from a date; each party told once, every calendar
true."""

import ast
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import func, select

from interpreter_register.bookings import recurrence, recurrence_words
from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.matching.series import match_series
from interpreter_register.bookings.models import (
    FlagReason,
    InterpretingRequest,
    OfferStatus,
    RequestSeries,
    RequestStatus,
)
from interpreter_register.bookings.recurrence import Frequency, Recurrence
from interpreter_register.bookings.services import series as series_service
from interpreter_register.bookings.services import series_booking
from interpreter_register.bookings.services.requests import RequestDetails
from interpreter_register.calendar.events import event_ics
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc, to_brussels, utcnow
from interpreter_register.extensions import db
from interpreter_register.register.models import Modality
from tests.fixtures.factories import (
    create_booking,
    create_interpreter,
    create_leave,
    create_request,
    create_series,
    future_day,
    series_details,
)
from tests.fixtures.reading import mails

TUESDAY = 1


def first_tuesday(weeks=3):
    return future_day(weeks=weeks, weekday=TUESDAY)


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(RequestSeries)),
            db.session.scalar(select(func.count()).select_from(InterpretingRequest)))


def refused(requester, first, rule, **overrides) -> RuleError:
    """A series the rules refuse: the message, and nothing saved."""
    before = counts()
    with pytest.raises(RuleError) as caught:
        series_service.create_series(requester, series_details(first, **overrides), rule)
    db.session.rollback()
    assert counts() == before, "nothing half-saved"
    return caught.value


def live_events(address) -> dict:
    """Replay a mailbox's calendar messages: the live events by UID (as the invariant)."""
    events = {}
    for mail in mails(recipient=address):
        if mail.calendar is None:
            continue
        [event] = Calendar.from_ical(mail.calendar).walk("VEVENT")
        events[str(event["UID"])] = (mail.calendar_method, int(event["SEQUENCE"]),
                                     event.decoded("DTSTART"))
    return {uid: state for uid, state in events.items() if state[0] != "CANCEL"}


# --- asking -------------------------------------------------------------------------------

def test_a_weekly_series_makes_one_request_per_date(app_ctx, world):
    first = first_tuesday()
    made = create_series(world.contact_person, first)
    assert [r.occurrence for r in made.requests] == [1, 2, 3, 4]
    assert [r.day for r in made.requests] == [first + timedelta(weeks=n) for n in range(4)]
    assert all(to_brussels(r.starts_at).time() == time(10) for r in made.requests)
    assert all(r.service == world.service and r.case_reference == "SCHOOL-7"
               for r in made.requests)
    assert made.size == 4 and made.rule.count == 4 and not mails()


def test_the_public_holidays_are_listed_and_a_skipped_one_is_left_out(app_ctx, world):
    # A weekly series over a week with a public holiday on a weekday (found ahead).
    def weekly_around(day):
        return [day - timedelta(weeks=1), day, day + timedelta(weeks=1)]
    holiday = next(day for day in (future_day(weeks=3) + timedelta(days=n)
                                   for n in range(400))
                   if day.weekday() < 5 and [d for d, _name in recurrence.holidays_among(
                       weekly_around(day), "nl")] == [day])
    first = holiday - timedelta(weeks=1)
    rule = Recurrence(first, Frequency.WEEKLY, count=3)
    plan = series_service.plan_series(world.contact_person, series_details(first), rule, "fr")
    assert plan.days == [first, holiday, holiday + timedelta(weeks=1)]
    [(day, name)] = plan.holidays
    assert day == holiday and name == recurrence.holidays_among([holiday], "fr")[0][1]
    made = series_service.create_series(world.contact_person, series_details(first), rule,
                                        skip={holiday})
    assert [r.day for r in made.requests] == [first, holiday + timedelta(weeks=1)]
    assert [r.occurrence for r in made.requests] == [1, 2] and made.size == 2


# --- bad input: a clear message, nothing half-saved --------------------------------------

def test_an_end_before_the_start_is_refused(app_ctx, world):
    first = first_tuesday()
    error = refused(world.contact_person, first, Recurrence(
        first, Frequency.WEEKLY, until=first - timedelta(days=7)))
    assert "comes before the first" in str(error.message) and error.field == "repeat_until"
    error = refused(world.contact_person, first, Recurrence(first, Frequency.WEEKLY, count=3),
                    ends_at=brussels_to_utc(first, time(9)))
    assert "end must come after the start" in str(error.message)


def test_more_than_the_maximum_of_dates_is_refused(app_ctx, world):
    first = first_tuesday()
    error = refused(world.contact_person, first, Recurrence(
        first, Frequency.WEEKLY, count=recurrence.MAX_OCCURRENCES + 1))
    assert "at most 104 dates" in str(error.message) and error.field == "repeat_count"


def test_a_monthly_rule_on_the_31st_is_refused_with_the_weekday_to_use(app_ctx, world):
    first = next(day for day in (future_day(weeks=2) + timedelta(days=n) for n in range(100))
                 if day.day == 31)
    error = refused(world.contact_person, first,
                    Recurrence(first, Frequency.MONTHLY_BY_DATE, count=4))
    weekday = recurrence_words.weekday_name(first.weekday())
    assert "Not every month has a day 31" in str(error.message)
    assert f"the last {weekday} of the month" in str(error.message)


def test_a_translation_does_not_repeat(app_ctx, world):
    first = first_tuesday()
    error = refused(world.contact_person, first, Recurrence(first, Frequency.WEEKLY, count=2),
                    modality=Modality.WRITTEN, starts_at=None, ends_at=None, deadline_on=first,
                    words=100)
    assert "A series is for interpreting" in str(error.message)


def test_editing_a_past_date_is_refused(app_ctx, world):
    made = create_series(world.contact_person, first_tuesday())
    first, second = made.requests[:2]
    after_it = first.starts_at + timedelta(minutes=5)
    details = series_details(first.day, time(14), time(15))
    with pytest.raises(RuleError, match="has begun or is over"):
        series_service.edit_occurrences(world.contact_person, first, details, "following",
                                        now=after_it)
    db.session.rollback()
    assert [to_brussels(r.starts_at).time() for r in made.requests] == [time(10)] * 4
    # From a later date, the following ones change and the one begun stays as it was.
    changed = series_service.edit_occurrences(
        world.contact_person, second, series_details(second.day, time(14), time(15)), "all",
        now=after_it)
    assert changed == 3
    assert [to_brussels(r.starts_at).time() for r in made.requests] == [
        time(10), time(14), time(14), time(14)]


def test_dates_of_a_series_may_not_overlap_each_other(app_ctx, world):
    made = create_series(world.contact_person, first_tuesday())
    second, third = made.requests[1:3]
    onto_the_third = series_details(third.day, time(10, 30), time(11, 30))
    with pytest.raises(RuleError, match="Two dates of the series would overlap"):
        series_service.edit_occurrences(world.contact_person, second, onto_the_third, "one")
    db.session.rollback()
    assert second.day == third.day - timedelta(weeks=1)
    assert not any(e.action == "edited" for e in second.events)


def test_every_refusal_of_the_rules_has_its_words_in_every_language(app_ctx):
    source = Path(recurrence.__file__).read_text()
    codes = {node.args[0].value for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RecurrenceError"
             and node.args and isinstance(node.args[0], ast.Constant)}
    assert len(codes) >= 12 and codes <= set(recurrence_words.MESSAGES), \
        codes - set(recurrence_words.MESSAGES)
    first = first_tuesday()
    samples = {"first_day": first, "until": first, "weekday": 1, "nth": 5, "min": 2,
               "asked": 200, "max": 104, "max_years": 2, "latest": first, "start": time(2, 30),
               "end": time(3), "first": utcnow(), "second": utcnow(), "frequency": "weekly"}
    special = {"monthly_day_unreliable": {"day": 31, "last": True},
               "too_long": {"last": first}, "nonexistent_time": {"day": first}}
    for code in codes:
        params = {**samples, **special.get(code, {})}
        english = str(recurrence_words.message(recurrence.RecurrenceError(code, **params)))
        for language in ("nl", "fr", "de"):
            with force_locale(language):
                said = str(recurrence_words.message(
                    recurrence.RecurrenceError(code, **params)))
            assert said and said != english, (code, language)


# --- matching and booking the series as a whole -------------------------------------------

def test_the_series_panel_matches_each_date_as_a_single_matching_would(app_ctx, world):
    first = first_tuesday()
    made = create_series(world.contact_person, first, count=5)
    third, fourth = made.requests[2:4]
    create_leave(world.fatima, third.day, days=1)                 # Fatima away that day
    clash = create_request(world.requester, day=fourth.day, start=time(10, 30),
                           end=time(12), case_reference=None)      # Omar busy then
    create_booking(clash, world.omar)
    nadia = create_interpreter("Nadia", "Bouzid")
    result = match_series(made.requests)
    for request in made.requests:
        assert result.ranked[request.id] == match(request).ranked_ids(), request.occurrence
    people = {c.person_id: c for c in result.people}
    assert result.takes_all(people[nadia.id])
    assert len(people[world.fatima.id].request_ids) == 4
    assert third.id not in people[world.fatima.id].request_ids
    assert fourth.id not in people[world.omar.id].request_ids
    assert result.people[0].person_id == nadia.id   # who takes all comes first


def test_the_series_panel_reads_as_many_statements_for_few_dates_as_for_many(app_ctx, world):
    from bench.measure import counting_statements
    few = create_series(world.contact_person, first_tuesday(), count=3)
    many = create_series(world.contact_person, first_tuesday(weeks=8), count=12,
                         case_reference="SCHOOL-8")
    seen = []
    for made in (few, many):
        db.session.expire_all()
        requests = list(made.requests)
        with counting_statements() as statements:
            match_series(requests)
        seen.append(len(statements))
    assert seen[0] == seen[1] <= 12, seen


def test_booking_a_series_books_what_the_person_can_take_and_flags_the_rest(app_ctx, world):
    first = first_tuesday()
    made = create_series(world.contact_person, first)
    create_leave(world.fatima, first + timedelta(weeks=2), days=1)
    booked, left = series_booking.book_series(world.dispatcher, made, world.fatima.id)
    assert [b.request.occurrence for b in booked] == [1, 2, 4]
    assert [r.occurrence for r in left] == [3]
    assert (left[0].flag, left[0].status) == (FlagReason.SERIES_REST, RequestStatus.SUBMITTED)
    assert left[0].events[-1].action == "series_rest"
    from interpreter_register.bookings.services.attention import attention_list
    assert left[0] in [item.request for item in attention_list(world.service.id, utcnow())]
    # Each party gets the words once, with one date's calendar message, and one short
    # calendar mail for each other date: replayed, their calendar holds every booked date.
    for address in (world.interpreter.email, world.contact_person.email):
        [words] = [m for m in mails(recipient=address) if m.kind == "series"]
        assert words.calendar_method == "REQUEST"
        assert len([m for m in mails(recipient=address, kind="series_calendar")]) == 2
        assert not mails(recipient=address, kind="booked")
    assert "CASE" not in words.subject and made.number in words.subject
    assert "SCHOOL-7" not in words.body
    interpreter_calendar = live_events(world.interpreter.email)
    assert set(interpreter_calendar) == {b.uid for b in booked}
    assert set(live_events(world.contact_person.email)) == {b.request.calendar_uid
                                                             for b in booked}


def test_a_series_offered_is_accepted_for_some_dates(app_ctx, world, client):
    made = create_series(world.contact_person, first_tuesday(), count=3)
    offers, left = series_booking.offer_series(world.dispatcher, made, world.fatima.id)
    assert len(offers) == 3 and not left
    # Offered again: the same offers stand, nothing is flagged, nothing mailed twice.
    again, left = series_booking.offer_series(world.dispatcher, made, world.fatima.id)
    assert again == offers and not left and not any(r.flag for r in made.requests)
    [offer_mail] = mails(kind="series_offer")
    assert offer_mail.recipient == world.interpreter.email and not mails(kind="offer")
    link = offer_mail.body.split("http://register.test", 1)[1].split()[0]
    db.session.commit()
    page = client.get(link)
    assert page.status_code == 200 and page.data.count(b'name="accept"') == 3
    booked, missed = series_booking.answer_series(
        world.interpreter, world.fatima.id, made, {offers[0].id, offers[2].id}, "School trip")
    assert [b.request.occurrence for b in booked] == [1, 3] and not missed
    middle = made.requests[1]
    assert offers[1].status == OfferStatus.DECLINED
    assert (middle.status, middle.flag) == (RequestStatus.SUBMITTED, FlagReason.NO_ONE_ACCEPTED)
    assert len([m for m in mails(recipient=world.interpreter.email) if m.kind == "series"]) == 1


# --- changing and cancelling ---------------------------------------------------------------

def test_this_and_following_moves_the_booked_dates_and_tells_each_party_once(app_ctx, world):
    made = create_series(world.contact_person, first_tuesday())
    series_booking.book_series(world.dispatcher, made, world.fatima.id)
    second = made.requests[1]
    before = len(mails())
    # Two days later (a Thursday), from 14:00: the second date and those after it.
    details = series_details(second.day + timedelta(days=2), time(14), time(15))
    assert series_service.edit_occurrences(world.contact_person, second, details,
                                           "following") == 3
    days = [(r.day, to_brussels(r.starts_at).time()) for r in made.requests]
    assert days[0] == (made.requests[0].day, time(10))
    assert [d.weekday() for d, _t in days[1:]] == [3, 3, 3]
    assert all(t == time(14) for _d, t in days[1:])
    assert all(r.is_booked and r.live_booking.starts_at == r.starts_at for r in made.requests)
    new = mails()[before:]
    for address in (world.interpreter.email, world.contact_person.email):
        assert [m.kind for m in new if m.recipient == address].count("series") == 1
    calendar = live_events(world.interpreter.email)
    assert {uid: start for uid, (_m, _s, start) in calendar.items()} == {
        r.live_booking.uid: r.starts_at for r in made.requests}


def test_cancelling_a_series_from_a_date_cancels_that_date_and_the_later_ones(app_ctx, world):
    made = create_series(world.contact_person, first_tuesday())
    series_booking.book_series(world.dispatcher, made, world.fatima.id)
    third = made.requests[2]
    cancelled, late = series_service.cancel_from(world.contact_person, made, third.day,
                                                 "School year ended")
    assert (cancelled, late) == (2, 0)
    assert [r.status for r in made.requests] == [RequestStatus.BOOKED] * 2 + [
        RequestStatus.CANCELLED] * 2
    assert set(live_events(world.interpreter.email)) == {r.live_booking.uid
                                                         for r in made.requests[:2]}
    with pytest.raises(RuleError, match="can still be cancelled"):
        series_service.cancel_from(world.contact_person, made, third.day, "again")


def test_each_event_names_its_series(app_ctx, world):
    made = create_series(world.contact_person, first_tuesday(), count=3)
    third = made.requests[2]
    booked, _left = series_booking.book_series(world.dispatcher, made, world.fatima.id)
    for audience, subject in (("person", booked[2]), ("requester", third)):
        [event] = Calendar.from_ical(event_ics(subject, audience, "nl")).walk("VEVENT")
        assert f"Reeks {made.number}, 3 van 3" in str(event["DESCRIPTION"])
        assert "SCHOOL-7" not in event_ics(subject, audience, "nl")


def test_only_the_organisation_changes_its_series(app_ctx, world):
    from interpreter_register.core.permissions import Forbidden
    made = create_series(world.contact_person, first_tuesday(), count=2)
    with pytest.raises(Forbidden):
        series_service.cancel_from(world.other_contact_person, made, made.first_day, "no")
    with pytest.raises(Forbidden):
        series_booking.book_series(world.other_dispatcher, made, world.fatima.id)
    with pytest.raises(Forbidden):
        series_service.edit_occurrences(world.dispatcher, made.requests[0], RequestDetails(
            **{**series_details(made.first_day).__dict__}))
