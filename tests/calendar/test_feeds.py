"""Subscription feeds and downloads: who may, what is in them, conditional requests, feeds
that follow their owner (their own address, their language, gone with them), and a fixed
number of queries for a thousand bookings."""

from datetime import time, timedelta

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import event as sql_event
from sqlalchemy import func, select

from interpreter_register.bookings.models import Booking, BookingStatus
from interpreter_register.calendar.models import CalendarFeed, FeedScope
from interpreter_register.calendar.services import create_feed, feeds_of
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import create_booking, create_request, future_day
from tests.fixtures.reading import load


def feed_path(user, scope=None) -> str:
    feed = create_feed(user, scope)
    db.session.commit()
    return f"/calendar/{feed.token}.ics"


def events_of(response):
    """The feed's events; a second, independent parser must read the same ones."""
    events = Calendar.from_ical(response.data).walk("VEVENT")
    independent = vobject.readOne(response.get_data(as_text=True))
    assert sorted(e.uid.value for e in independent.contents.get("vevent", [])) == sorted(
        str(e["UID"]) for e in events)
    return events


def test_download_for_those_who_may_see_the_booking(world, client_for, client):
    made = world.booking
    url = f"/bookings/{made.id}.ics"
    # The interpreter gets their booking's event; the requester and the service the
    # request's (docs/calendar.md).
    for user, uid in ((world.interpreter, made.uid),
                      (world.contact_person, made.request.calendar_uid),
                      (world.dispatcher, made.request.calendar_uid)):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert 'filename="booking-' in response.headers["Content-Disposition"]
        assert [str(e["UID"]) for e in events_of(response)] == [uid]
    for user in (world.other_interpreter, world.other_contact_person, world.other_dispatcher):
        assert client_for(user).get(url).status_code == 404
    assert client_for(world.interpreter).get("/bookings/999999.ics").status_code == 404
    assert client.get(url).status_code == 302


def test_each_role_gets_its_feed_and_a_new_address_revokes_the_old(world, client):
    made = world.booking
    for user, scope, uid in ((world.interpreter, None, made.uid),
                             (world.contact_person, FeedScope.OWN, made.request.calendar_uid),
                             (world.requester, FeedScope.ORGANISATION,
                              made.request.calendar_uid),
                             (world.dispatcher, None, made.request.calendar_uid)):
        path = feed_path(user, scope)
        assert [str(e["UID"]) for e in events_of(client.get(path))] == [uid]
    # A colleague's own feed holds only the requests they made.
    assert events_of(client.get(feed_path(world.requester, FeedScope.OWN))) == []
    assert events_of(client.get(feed_path(world.other_interpreter))) == []
    old = feed_path(world.interpreter)
    new = feed_path(world.interpreter)
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    response = client.get("/calendar/not-a-token.ics")
    assert response.status_code == 404 and b"VCALENDAR" not in response.data


def test_colleagues_each_keep_their_own_feed(world, client):
    """A colleague making their calendar address never stops someone else's."""
    first = feed_path(world.contact_person, FeedScope.ORGANISATION)
    second = feed_path(world.requester, FeedScope.ORGANISATION)
    assert client.get(first).status_code == client.get(second).status_code == 200


def test_a_leavers_feeds_are_gone(world, client):
    from interpreter_register.organisations.services import set_organisation_active
    from interpreter_register.users.services import deactivate_user

    own = feed_path(world.contact_person, FeedScope.OWN)
    colleague = feed_path(world.requester, FeedScope.ORGANISATION)
    dispatcher = feed_path(world.dispatcher)
    deactivate_user(world.admin, world.contact_person)
    db.session.commit()
    assert client.get(own).status_code == 410
    assert client.get(colleague).status_code == 200
    set_organisation_active(world.admin, world.organisation, False)
    db.session.commit()
    assert client.get(colleague).status_code == 410
    assert b"VCALENDAR" not in client.get(colleague).data
    world.service.active = False
    db.session.commit()
    assert client.get(dispatcher).status_code == 410


def test_renames_and_a_new_language_change_the_feeds_version(world, client):
    path = feed_path(world.contact_person, FeedScope.OWN)
    first = client.get(path)
    etag = first.headers["ETag"]
    world.service.name = "TVGent — Tolkendienst"
    db.session.commit()
    renamed = client.get(path, headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and "Tolkendienst" in "".join(
        renamed.get_data(as_text=True).split("\r\n "))
    etag = renamed.headers["ETag"]
    # The feed speaks its owner's language of the moment.
    world.contact_person.locale = "fr"
    db.session.commit()
    french = client.get(path, headers={"If-None-Match": etag})
    assert french.status_code == 200
    [event] = events_of(french)
    assert str(event["SUMMARY"]) == "Interprétariat Arabe ↔ Néerlandais — sur place"


def test_the_calendar_page_makes_shows_and_stops_the_address(world, client_for, client):
    page = client_for(world.interpreter)
    page.post("/calendar/feed")
    body = page.get("/calendar").get_data(as_text=True)
    [feed] = feeds_of(load(world.interpreter)).values()
    assert f"http://register.test/calendar/{feed.token}.ics" in body
    assert f"webcal://register.test/calendar/{feed.token}.ics" in body
    page.post("/calendar/feed/revoke")
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 410


def test_conditional_requests_get_304_until_something_changes(world, client):
    made = world.booking
    path = feed_path(world.interpreter)
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in first.get_data(as_text=True)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 304
    malformed = client.get(path, headers={"If-None-Match": 'W/"unterminated'})
    assert malformed.status_code == 200 and events_of(malformed)
    made.request.cancel(None, "not needed", False, utcnow())
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    [event] = events_of(changed)
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


def test_the_feed_window_and_how_long_cancelled_ones_stay(world, client):
    soon = world.booking
    far = create_booking(create_request(world.contact_person, day=future_day(weeks=60)),
                         world.fatima)
    gone = create_booking(create_request(world.contact_person, start=time(16), end=time(17)),
                          world.fatima)
    gone.request.cancel(None, "not needed", False, utcnow() - timedelta(days=31))
    db.session.commit()
    uids = {str(e["UID"]) for e in events_of(client.get(feed_path(world.interpreter)))}
    assert uids == {soon.uid}
    assert far.uid not in uids


def test_a_feed_of_a_thousand_bookings_takes_a_fixed_number_of_queries(world, client):
    path = feed_path(world.interpreter)

    def queries_for(total):
        item = create_request(world.contact_person)
        have = db.session.scalar(select(func.count()).select_from(Booking))
        for n in range(have, total):
            db.session.add(Booking(request_id=item.id, person_id=world.fatima.id,
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
def test_odd_if_none_match_headers_never_break_the_feed(world, client, header):
    path = feed_path(world.contact_person, FeedScope.ORGANISATION)
    response = client.get(path, headers={"If-None-Match": header} if header else {})
    assert response.status_code in (200, 304)
    assert db.session.scalar(select(CalendarFeed)) is not None


def test_a_feed_served_from_serialised_events_is_the_feed_made_anew(world, client):
    from interpreter_register.calendar.events import SERIALISED

    create_booking(create_request(world.contact_person), world.fatima)   # and the world's
    path = feed_path(world.interpreter)
    SERIALISED.clear()
    made_anew = client.get(path).data
    assert client.get(path).data == made_anew
    # A change that leaves the booking itself alone still reaches the feed.
    world.organisation.name = "OCMW Gent — Dienst Onthaal"
    db.session.commit()
    renamed = client.get(path).get_data(as_text=True)
    assert "Dienst Onthaal" in "".join(renamed.split("\r\n "))  # unfolded
    SERIALISED.clear()
    assert client.get(path).get_data(as_text=True) == renamed
    assert len(events_of(client.get(path))) == 2
