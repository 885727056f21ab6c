"""Every change of a request's life that a system may want is queued as its event, for the
subscriptions of the request's organisation and of its service that asked for it, and for
nobody else."""

import json
from datetime import time

import pytest

from interpreter_register.bookings.models import Booking, RequestStatus, WithdrawalReason
from interpreter_register.bookings.services import booking, changes, deadlines, withdrawals
from interpreter_register.bookings.services.requests import cancel_request
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.extensions import db
from interpreter_register.sheets.services import filing
from interpreter_register.sheets.services.content import SheetDetails
from tests.fixtures.factories import create_past_request, create_request, future_day

from .conftest import queued, subscribe


@pytest.fixture
def subscribed(world, loopback):
    """OCMW Gent's and TVGent's systems want everything; CPAS de Liège's too (its own)."""
    ours, _ = subscribe(world.contact_person, "http://127.0.0.1:9/ours",
                        organisation=world.organisation)
    service, _ = subscribe(world.dispatcher, "http://127.0.0.1:9/service",
                           service=world.service)
    theirs, _ = subscribe(world.other_contact_person, "http://127.0.0.1:9/theirs",
                          organisation=world.other_organisation)
    return ours, service, theirs


def events(subscription) -> list[dict]:
    return [json.loads(d.payload) for d in queued(subscription_id=subscription.id)]


def last(subscription) -> dict:
    return events(subscription)[-1]


def test_a_new_request_is_announced_to_its_organisation_and_its_service(app_ctx, world,
                                                                        subscribed):
    ours, service, theirs = subscribed
    request = create_request(world.contact_person)
    for subscription in (ours, service):
        event = last(subscription)
        assert event["type"] == "request.created"
        assert event["data"]["request"]["id"] == request.id
        assert event["data"]["request"]["status"] == "submitted"
        assert event["data"]["request"]["service_id"] == world.service.id
    assert events(theirs) == [], "another organisation hears nothing of it"


def test_booking_confirmed_changed_and_cancelled(app_ctx, world, subscribed):
    ours, service, _ = subscribed
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    event = last(ours)
    assert event["type"] == "booking.confirmed"
    assert event["data"]["booking"]["id"] == made.id
    assert event["data"]["booking"]["status"] == "confirmed"
    assert event["data"]["request"]["status"] == "booked"
    assert event["data"]["booking"]["starts_at"] == \
        brussels_to_utc(day, time(10)).strftime("%Y-%m-%dT%H:%M:%SZ")

    changes.reschedule(world.dispatcher, request, brussels_to_utc(day, time(13)),
                       brussels_to_utc(day, time(14)), "Kouter 1", "9000", "Gent")
    event = last(ours)
    assert (event["type"], event["data"]["change"]) == ("booking.changed", "moved")
    assert event["data"]["booking"]["starts_at"] == \
        brussels_to_utc(day, time(13)).strftime("%Y-%m-%dT%H:%M:%SZ")

    other = changes.reassign(world.dispatcher, request, world.omar.id)
    event = last(ours)
    assert (event["type"], event["data"]["change"]) == ("booking.changed", "reassigned")
    assert event["data"]["booking"]["id"] == other.id
    assert event["data"]["previous_booking_id"] == made.id

    cancel_request(world.contact_person, request, "The client moved away")
    event = last(service)
    assert event["type"] == "booking.cancelled"
    assert event["data"]["booking"]["id"] == other.id
    assert event["data"]["request"]["status"] == "cancelled"
    assert event["data"]["cancelled_late"] is False
    assert "moved away" not in json.dumps(event), "the reason is the client's business"
    assert [e["type"] for e in events(ours)] == [
        "request.created", "booking.confirmed", "booking.changed", "booking.changed",
        "booking.cancelled"]


def test_a_withdrawal_is_a_change_of_the_booking(app_ctx, world, subscribed):
    ours, _, _ = subscribed
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    withdrawals.withdraw(world.interpreter, made, WithdrawalReason.ILLNESS, "Flu")
    event = last(ours)
    assert (event["type"], event["data"]["change"]) == ("booking.changed", "released")
    assert event["data"]["booking"]["status"] == "cancelled"
    assert event["data"]["request"]["status"] == "submitted"
    assert "Flu" not in json.dumps(event)


def test_an_unbooked_request_cancelled_says_so_with_no_booking(app_ctx, world, subscribed):
    ours, _, _ = subscribed
    request = create_request(world.contact_person)
    cancel_request(world.contact_person, request, "Not needed")
    event = last(ours)
    assert event["type"] == "booking.cancelled" and event["data"]["booking"] is None


def test_an_unfilled_request(app_ctx, world, subscribed):
    ours, _, _ = subscribed
    request = create_request(world.contact_person)
    deadlines.close_unfilled(request, utcnow())
    event = last(ours)
    assert event["type"] == "request.unfilled"
    assert event["data"]["request"]["status"] == "unfilled"


def test_a_sheet_to_confirm(app_ctx, world, subscribed):
    ours, service, _ = subscribed
    item = create_past_request(world.contact_person, world.service,
                               status=RequestStatus.BOOKED)
    made = Booking(request=item, person=world.fatima, starts_at=item.starts_at,
                   ends_at=item.ends_at, tier=1)
    db.session.add(made)
    db.session.flush()
    sheet = filing.file_sheet(world.interpreter, made,
                              SheetDetails(started=time(10), ended=time(11, 30)))
    for subscription in (ours, service):
        event = last(subscription)
        assert event["type"] == "sheet.to_confirm"
        assert event["data"]["sheet"]["id"] == sheet.id
        assert event["data"]["sheet"]["status"] == "filed"
        assert event["data"]["sheet"]["confirm_by"].endswith("Z")
        assert event["data"]["booking"]["id"] == made.id


def test_a_subscription_gets_only_the_events_it_chose(app_ctx, world, loopback):
    chosen, _ = subscribe(world.contact_person, "http://127.0.0.1:9/x",
                          events=["booking.confirmed"], organisation=world.organisation)
    request = create_request(world.contact_person)
    assert events(chosen) == []
    booking.book(world.dispatcher, request, world.fatima.id)
    assert [e["type"] for e in events(chosen)] == ["booking.confirmed"]


def test_each_occurrence_of_a_new_series_is_announced(app_ctx, world, subscribed):
    from tests.fixtures.factories import create_series
    ours, _, _ = subscribed
    series = create_series(world.contact_person, count=3)
    created = [e for e in events(ours) if e["type"] == "request.created"]
    assert [e["data"]["request"]["occurrence"] for e in created] == [1, 2, 3]
    assert {e["data"]["request"]["series_id"] for e in created} == {series.id}
