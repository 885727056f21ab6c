"""A real CalDAV server takes our events: Radicale on 127.0.0.1, spoken to over plain HTTP
(MKCALENDAR, PUT, GET), with the confirmed, moved and cancelled versions of a booking."""

import shutil
import socket
import subprocess
import sys
import time as clock
import urllib.error
import urllib.request
from datetime import time

import pytest
from icalendar import Calendar

from interpreter_register.bookings.services import booking as booking_service
from interpreter_register.bookings.services import changes, requests
from interpreter_register.calendar.events import event_ics
from interpreter_register.core.time import brussels_to_utc
from tests.fixtures.factories import create_request, future_day


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def radicale(tmp_path):
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own test server on loopback
        [sys.executable, "-m", "radicale", f"--storage-filesystem-folder={tmp_path / 'store'}",
         "--auth-type=none", f"--server-hosts=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                clock.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(tmp_path / "store", ignore_errors=True)


def dav(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
    if body is not None:
        request.add_header("Content-Type", "text/calendar; charset=utf-8")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_radicale_stores_confirmed_moved_and_cancelled_versions(app_ctx, world, radicale):
    collection = f"{radicale}/fatima/bookings/"
    assert dav("MKCOL", f"{radicale}/fatima/")[0] == 201
    assert dav("MKCALENDAR", collection)[0] == 201
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking_service.book(world.dispatcher, request, world.fatima.id)
    url = f"{collection}{made.uid}.ics"

    def put_and_read() -> object:
        text = event_ics(made, "person", "nl")  # stored objects carry no METHOD
        assert "METHOD:" not in text
        status, _ = dav("PUT", url, text.encode())
        assert status in (201, 204)
        status, body = dav("GET", url)
        assert status == 200
        [event] = Calendar.from_ical(body).walk("VEVENT")
        return event

    stored = put_and_read()
    assert str(stored["UID"]) == made.uid and stored["SEQUENCE"] == 0
    assert stored.decoded("DTSTART") == brussels_to_utc(day, time(10))

    changes.reschedule(world.dispatcher, request, brussels_to_utc(day, time(13)),
                       brussels_to_utc(day, time(14)), "Kouter 1", "9000", "Gent")
    moved = put_and_read()
    assert moved["SEQUENCE"] == 1 and moved.decoded("DTSTART") == brussels_to_utc(day, time(13))

    requests.cancel_request(world.contact_person, request, "not needed")
    gone = put_and_read()
    assert gone["STATUS"] == "CANCELLED" and gone["SEQUENCE"] == 2


def test_the_requesters_calendar_shows_one_event_through_a_reassignment(app_ctx, world,
                                                                        radicale):
    """What the requester's mail brings goes into a real calendar server, as a client
    files it: after a reassignment and a withdrawal it holds one event, which names who
    comes now (never two at one time, one naming someone who no longer comes)."""
    from icalendar import Calendar as Document

    from interpreter_register.bookings.models import WithdrawalReason
    from interpreter_register.bookings.services import withdrawals
    from tests.fixtures.reading import mails

    collection = f"{radicale}/lotte/calendar/"
    assert dav("MKCOL", f"{radicale}/lotte/")[0] == 201
    assert dav("MKCALENDAR", collection)[0] == 201
    request = create_request(world.contact_person, day=future_day(weeks=3))
    first = booking_service.book(world.dispatcher, request, world.fatima.id)
    changes.reassign(world.dispatcher, request, world.omar.id)
    second = request.live_booking
    withdrawals.withdraw(world.other_interpreter, second, WithdrawalReason.ILLNESS)
    booking_service.book(world.dispatcher, request, world.fatima.id)
    for mail in mails(recipient=world.contact_person.email):
        if mail.calendar is None:
            continue
        document = Document.from_ical(mail.calendar)
        del document["METHOD"]          # a client files the event, not the message
        [event] = document.walk("VEVENT")
        if mail.calendar_method == "CANCEL":
            event["STATUS"] = "CANCELLED"
        status, _ = dav("PUT", f"{collection}{event['UID']}.ics", document.to_ical())
        assert status in (201, 204)
    status, body = dav("GET", collection)
    assert status == 200
    events = [e for e in Document.from_ical(body).walk("VEVENT")]
    assert [str(e["UID"]) for e in events] == [request.calendar_uid]
    [event] = events
    assert event["STATUS"] == "CONFIRMED" and int(event["SEQUENCE"]) == request.calendar_sequence
    assert "Fatima Haddad" in str(event["DESCRIPTION"]) and first.uid != request.calendar_uid


def _next_clock_change(after):
    """The first day the clocks change in Brussels (the last Sunday of March or October)
    on or after ``after``."""
    from datetime import timedelta
    day = after
    while not (day.month in (3, 10) and day.weekday() == 6
               and (day + timedelta(days=7)).month != day.month):
        day += timedelta(days=1)
    return day


def test_a_series_across_a_clock_change_keeps_its_time_in_radicale(app_ctx, world, radicale):
    """One event per occurrence, each naming its series: stored in a real CalDAV server
    and read back by two parsers, every date of a weekly series across the clock change
    starts at 10:00 in Brussels (an hour apart in UTC)."""
    from datetime import timedelta

    import vobject

    from interpreter_register.bookings.services.series_booking import book_series
    from interpreter_register.core.time import BRUSSELS
    from tests.fixtures.factories import create_series

    change = _next_clock_change(future_day(weeks=2))
    first = change - timedelta(days=6)                       # the Monday before
    series = create_series(world.contact_person, first, count=3)
    booked, left = book_series(world.dispatcher, series, world.fatima.id)
    assert not left
    for owner, audience, subjects in (("fatima", "person", booked),
                                      ("lotte", "requester", series.requests)):
        collection = f"{radicale}/{owner}/calendar/"
        assert dav("MKCOL", f"{radicale}/{owner}/")[0] == 201
        assert dav("MKCALENDAR", collection)[0] == 201
        for subject in subjects:
            uid = subject.uid if audience == "person" else subject.calendar_uid
            status, _ = dav("PUT", f"{collection}{uid}.ics",
                            event_ics(subject, audience, "nl").encode())
            assert status in (201, 204)
        status, body = dav("GET", collection)
        assert status == 200
        days = [first + timedelta(weeks=n) for n in range(3)]
        expected = [brussels_to_utc(day, time(10)) for day in days]
        assert len({moment.hour for moment in expected}) == 2, "the clocks changed between"
        events = sorted(Calendar.from_ical(body).walk("VEVENT"),
                        key=lambda e: e.decoded("DTSTART"))
        assert [e.decoded("DTSTART") for e in events] == expected
        assert [str(e["DESCRIPTION"]).count(f"Reeks {series.number}, {n} van 3")
                for n, e in enumerate(events, start=1)] == [1, 1, 1]
        # A second parser, which builds the time zone from the calendar's own VTIMEZONE.
        parsed = sorted(vobject.readOne(body.decode()).vevent_list,
                        key=lambda e: e.dtstart.value)
        assert [e.dtstart.value.astimezone(BRUSSELS).time() for e in parsed] == [time(10)] * 3
        assert [e.dtstart.value for e in parsed] == expected
