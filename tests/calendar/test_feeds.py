"""Subscription feeds and downloads: who may, what is in them, conditional requests, and a
fixed number of queries for a thousand bookings."""

from datetime import time, timedelta

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import event as sql_event
from sqlalchemy import func, select

from interpreter_register.bookings.models import Booking, BookingStatus, InterpretingRequest
from interpreter_register.calendar.models import CalendarFeed
from interpreter_register.calendar.services import create_feed, feed_of
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import create_booking, create_request, future_day


def feed_path(app, user) -> str:
    with app.app_context():
        feed = create_feed(db.session.get(type(user), user.id))
        db.session.commit()
        return f"/calendar/{feed.token}.ics"


def events_of(response):
    """The feed's events; a second, independent parser must read the same ones."""
    events = Calendar.from_ical(response.data).walk("VEVENT")
    independent = vobject.readOne(response.get_data(as_text=True))
    assert sorted(e.uid.value for e in independent.contents.get("vevent", [])) == sorted(
        str(e["UID"]) for e in events)
    return events


def test_download_for_those_who_may_see_the_booking(app, ghent, client_for, client):
    made = create_booking(create_request(ghent.requester), ghent.fatima)
    url = f"/bookings/{made.id}.ics"
    for user in (ghent.fatima_user, ghent.requester, ghent.dispatcher):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert 'filename="booking-' in response.headers["Content-Disposition"]
        assert [str(e["UID"]) for e in events_of(response)] == [made.uid]
    for user in (ghent.omar_user, ghent.other_requester, ghent.other_dispatcher):
        assert client_for(user).get(url).status_code == 404
    assert client_for(ghent.fatima_user).get("/bookings/999999.ics").status_code == 404
    assert client.get(url).status_code == 302


def test_each_role_gets_its_feed_and_a_new_address_revokes_the_old(app, ghent, client_for,
                                                                   client):
    made = create_booking(create_request(ghent.requester), ghent.fatima)
    for user in (ghent.fatima_user, ghent.requester, ghent.dispatcher):
        path = feed_path(app, user)
        assert [str(e["UID"]) for e in events_of(client.get(path))] == [made.uid]
    assert events_of(client.get(feed_path(app, ghent.omar_user))) == []
    old = feed_path(app, ghent.fatima_user)
    new = feed_path(app, ghent.fatima_user)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    response = client.get("/calendar/not-a-token.ics")
    assert response.status_code == 404 and b"VCALENDAR" not in response.data


def test_the_calendar_page_makes_shows_and_stops_the_address(app, ghent, client_for, client):
    page = client_for(ghent.fatima_user)
    page.post("/calendar/feed")
    body = page.get("/calendar").get_data(as_text=True)
    with app.app_context():
        feed = feed_of(db.session.merge(ghent.fatima_user))
    assert f"http://register.test/calendar/{feed.token}.ics" in body
    assert f"webcal://register.test/calendar/{feed.token}.ics" in body
    page.post("/calendar/feed/revoke")
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


def test_conditional_requests_get_304_until_something_changes(app, ghent, client):
    item = create_request(ghent.requester)
    made = create_booking(item, ghent.fatima)
    path = feed_path(app, ghent.fatima_user)
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in first.get_data(as_text=True)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 304
    malformed = client.get(path, headers={"If-None-Match": 'W/"unterminated'})
    assert malformed.status_code == 200 and events_of(malformed)
    with app.app_context():
        booking = db.session.get(Booking, made.id)
        booking.cancel(late=False)
        db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    [event] = events_of(changed)
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


def test_the_feed_window_and_how_long_cancelled_ones_stay(app, ghent, client):
    from interpreter_register.bookings.models import RequestStatus
    soon = create_booking(create_request(ghent.requester), ghent.fatima)
    far = create_booking(create_request(ghent.requester, day=future_day(weeks=60)), ghent.fatima)
    old_cancelled = create_booking(create_request(ghent.requester, start=time(16), end=time(17)),
                                   ghent.fatima)
    with app.app_context():
        gone = db.session.get(Booking, old_cancelled.id)
        gone.status, gone.cancelled_at = BookingStatus.CANCELLED, utcnow() - timedelta(days=31)
        db.session.get(InterpretingRequest, gone.request_id).status = RequestStatus.CANCELLED
        db.session.commit()
    uids = {str(e["UID"]) for e in events_of(client.get(feed_path(app, ghent.fatima_user)))}
    assert uids == {soon.uid}
    assert far.uid not in uids


def test_a_feed_of_a_thousand_bookings_takes_a_fixed_number_of_queries(app, ghent, client):
    path = feed_path(app, ghent.fatima_user)

    def queries_for(total):
        with app.app_context():
            item = db.session.get(InterpretingRequest, create_request(ghent.requester).id)
            have = db.session.scalar(select(func.count()).select_from(Booking))
            for n in range(have, total):
                db.session.add(Booking(request_id=item.id, person_id=ghent.fatima.id,
                                       starts_at=item.starts_at + timedelta(days=n % 300),
                                       ends_at=item.ends_at + timedelta(days=n % 300),
                                       tier=1, status=BookingStatus.COMPLETED))
            db.session.commit()
            engine = db.engine
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sql_event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(path)
        finally:
            sql_event.remove(engine, "before_cursor_execute", listener)
        assert len(events_of(response)) == total
        return len(statements)

    small, large = queries_for(10), queries_for(1000)
    assert small == large <= 12, (small, large)


@pytest.mark.parametrize("header", ["", "*", '"x", W/"y"', "garbage"])
def test_odd_if_none_match_headers_never_break_the_feed(app, ghent, client, header):
    path = feed_path(app, ghent.requester)
    response = client.get(path, headers={"If-None-Match": header} if header else {})
    assert response.status_code in (200, 304)
    with app.app_context():
        assert db.session.scalar(select(CalendarFeed)) is not None


def test_a_feed_served_from_serialised_events_is_the_feed_made_anew(app, ghent, client):
    from interpreter_register.calendar.events import SERIALISED
    from interpreter_register.organisations.models import Organisation

    create_booking(create_request(ghent.requester), ghent.fatima)
    create_booking(create_request(ghent.requester, start=time(14), end=time(15)), ghent.fatima)
    path = feed_path(app, ghent.fatima_user)
    SERIALISED.clear()
    made_anew = client.get(path).data
    assert client.get(path).data == made_anew
    # A change that leaves the booking itself alone still reaches the feed.
    with app.app_context():
        organisation = db.session.get(Organisation, ghent.organisation.id)
        organisation.name = "OCMW Gent — Dienst Onthaal"
        db.session.commit()
    renamed = client.get(path).get_data(as_text=True)
    assert "Dienst Onthaal" in "".join(renamed.split("\r\n "))  # unfolded
    SERIALISED.clear()
    assert client.get(path).get_data(as_text=True) == renamed
    assert len(events_of(client.get(path))) == 2
