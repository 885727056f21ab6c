"""Golden tests: a booking's event (the interpreter's) and a request's (the requester's and
the service's) when confirmed, moved and cancelled, read back field by field by icalendar
and by vobject; nothing about the client in any of it."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject
from icalendar import Calendar

from interpreter_register.bookings.services import booking as booking_service
from interpreter_register.bookings.services import changes, requests
from interpreter_register.calendar.events import event_ics
from interpreter_register.core.time import brussels_to_utc, today_in_brussels
from interpreter_register.extensions import db
from tests.fixtures.factories import create_interpreter, create_request, future_day
from tests.fixtures.reading import mails

SECRET_CASE, SECRET_NOTE = "GNT-SECRET-77", "The client fears dogs"


def spring_sunday(after: date) -> date:
    day = date(after.year + 1, 3, 31)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def autumn_sunday(after: date) -> date:
    day = date(after.year + 1, 10, 31)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def only_event(text: str):
    calendar = Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def assert_well_formed(text: str, method=None):
    calendar, event = only_event(text)
    assert calendar.get("METHOD") == method
    tzids = {event["DTSTART"].params.get("TZID")} - {None}
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} >= tzids
    assert event.get("DTSTAMP") is not None and event.get("UID")
    assert event.decoded("DTSTART") < event.decoded("DTEND")
    assert SECRET_CASE not in text and "dogs" not in text
    # An independent parser reads it too.
    assert vobject.readOne(text).vevent.uid.value == str(event["UID"])
    return event


@pytest.fixture
def booked(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day, case_reference=SECRET_CASE,
                             notes=SECRET_NOTE)
    made = booking_service.book(world.dispatcher, request, world.fatima.id)
    return made, request, day


def test_confirmed_moved_cancelled_keep_one_uid_and_count_up(app_ctx, world, booked):
    made, request, day = booked
    first = assert_well_formed(event_ics(made, "person", "nl"))
    assert first["SEQUENCE"] == 0 and first["STATUS"] == "CONFIRMED"
    assert first.decoded("DTSTART") == brussels_to_utc(day, time(10))
    assert str(first["SUMMARY"]) == "Tolken Arabisch ↔ Nederlands — ter plaatse"
    assert "Onderstraat 12" in str(first["LOCATION"])
    assert str(first["URL"]).endswith(f"/portal/bookings/{made.id}")
    assert str(first["ORGANIZER"]) == f"mailto:{world.service.email}"
    assert first["ORGANIZER"].params["CN"] == "TVGent"
    # iTIP addressing: the service organises, the interpreter and the requester attend.
    assert [str(a) for a in first["ATTENDEE"]] == [f"mailto:{world.interpreter.email}",
                                                   f"mailto:{world.contact_person.email}"]

    changes.reschedule(world.dispatcher, request, brussels_to_utc(day, time(14)),
                       brussels_to_utc(day, time(15)), "Kouter 1", "9000", "Gent")
    moved = assert_well_formed(event_ics(made, "person", "nl"))
    assert str(moved["UID"]) == str(first["UID"]) and moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") == brussels_to_utc(day, time(14))
    assert "Kouter 1" in str(moved["LOCATION"])

    requests.cancel_request(world.contact_person, request, "not needed")
    gone = assert_well_formed(event_ics(made, "person", "nl"))
    assert str(gone["UID"]) == str(first["UID"]) and gone["SEQUENCE"] == 2
    assert gone["STATUS"] == "CANCELLED"


@pytest.mark.parametrize("sunday,utc_hour", [(spring_sunday, 8), (autumn_sunday, 9)])
def test_times_are_right_on_both_sundays_the_clocks_change(app_ctx, world, sunday, utc_hour):
    from interpreter_register.bookings.models import WeeklyAvailability
    db.session.add(WeeklyAvailability(person_id=world.fatima.id, weekday=6, starts=time(7),
                                      ends=time(20)))
    day = sunday(today_in_brussels())
    request = create_request(world.contact_person, day=day)
    made = booking_service.book(world.dispatcher, request, world.fatima.id)
    text = event_ics(made, "person", "nl")
    event = assert_well_formed(text)
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event["DTSTART"].to_ical() == f"{day:%Y%m%d}T100000".encode()
    independent = vobject.readOne(text).vevent.dtstart.value.astimezone(UTC)
    assert independent == datetime.combine(day, time(utc_hour), tzinfo=UTC)


def test_a_translation_is_a_whole_day_on_its_deadline(app_ctx, world):
    from interpreter_register.register.models import Direction, Modality, QualificationKind
    from tests.fixtures.factories import create_qualification
    translator = create_interpreter("Reza", "Written", certified=False,
                                    modalities={Modality.WRITTEN}, languages=())
    create_qualification(translator, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    request = create_request(world.contact_person, modality=Modality.WRITTEN)
    made = booking_service.book(world.dispatcher, request, translator.id)
    event = assert_well_formed(event_ics(made, "person", "fr"))
    assert event.decoded("DTSTART") == request.deadline_on
    assert event.decoded("DTEND") == request.deadline_on + timedelta(days=1)
    assert str(event["SUMMARY"]) == "Traduction Arabe → Néerlandais"


def test_each_audience_gets_its_own_link_and_names_what_it_needs(app_ctx, world, booked):
    made, request, _day = booked
    for_requester = assert_well_formed(event_ics(request, "requester", "de"))
    assert str(for_requester["UID"]) == request.calendar_uid != made.uid
    assert str(for_requester["URL"]).endswith(f"/requests/{request.id}")
    assert "Fatima Haddad" in str(for_requester["DESCRIPTION"])
    assert str(for_requester["SUMMARY"]) == "Dolmetschen Arabisch ↔ Niederländisch — vor Ort"
    for_service = assert_well_formed(event_ics(request, "service", "fr"))
    assert str(for_service["URL"]).endswith(f"/dispatch/requests/{request.id}")
    assert "OCMW Gent" in str(for_service["DESCRIPTION"])


def test_itip_mails_carry_request_then_cancel(app_ctx, world, booked):
    made, request, _day = booked
    [to_person, to_requester] = sorted(mails(kind="booked"),
                                       key=lambda m: m.recipient != world.interpreter.email)
    assert to_person.calendar_method == "REQUEST"
    event = assert_well_formed(to_person.calendar, method="REQUEST")
    assert str(event["UID"]) == made.uid
    assert to_requester.calendar_method == "REQUEST"
    event = assert_well_formed(to_requester.calendar, method="REQUEST")
    assert str(event["UID"]) == request.calendar_uid
    requests.cancel_request(world.contact_person, request, "not needed")
    cancelled = mails(kind="cancelled")
    assert {m.recipient for m in cancelled} == {world.interpreter.email, world.contact_person.email}
    for mail in cancelled:
        assert mail.calendar_method == "CANCEL"
        event = assert_well_formed(mail.calendar, method="CANCEL")
        assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
        assert SECRET_CASE not in mail.subject + mail.body
    [own] = [m for m in cancelled if m.recipient == world.contact_person.email]
    assert "U hebt deze aanvraag geannuleerd" in own.body  # the requester chose Dutch


def test_users_choose_not_to_get_booking_mails(app_ctx, world):
    world.interpreter.mail_bookings = False
    db.session.commit()
    request = create_request(world.contact_person)
    booking_service.book(world.dispatcher, request, world.fatima.id)
    assert [m.recipient for m in mails(kind="booked")] == [world.contact_person.email]
