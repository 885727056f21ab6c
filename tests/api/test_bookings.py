"""/api/v1/bookings: an organisation's system reads who is booked for its requests."""

from interpreter_register.api.models import Scope
from interpreter_register.bookings.services.requests import cancel_request
from interpreter_register.extensions import db
from tests.fixtures.factories import create_booking, create_request, future_day


def test_an_organisation_reads_its_bookings_with_the_interpreter_and_tier(world, make_key,
                                                                          call):
    _, key = make_key(Scope.READ)
    listed = call(key, "GET", "/api/v1/bookings")
    assert listed.status_code == 200, listed.json
    [item] = listed.json["items"]
    assert item["id"] == world.booking.id
    assert item["interpreter"] == "Fatima Haddad" and item["tier"] == "certified"
    assert item["status"] == "confirmed" and item["request_id"] == world.booking.request_id
    assert item["starts_at"].endswith("Z") and item["ends_at"].endswith("Z")
    assert item["organisation"] == "OCMW Gent"
    one = call(key, "GET", f"/api/v1/bookings/{world.booking.id}")
    assert one.status_code == 200 and one.json == item


def test_the_bookings_filter_and_page_with_a_cursor(world, make_key, call):
    _, key = make_key(Scope.READ)
    day = future_day(weeks=6)
    made = [create_booking(create_request(world.contact_person, day=day), world.omar)]
    cancelled = create_request(world.contact_person, day=future_day(weeks=7))
    made.append(create_booking(cancelled, world.fatima))
    cancel_request(world.contact_person, cancelled, "Not needed")
    db.session.commit()
    first = call(key, "GET", "/api/v1/bookings?limit=2")
    assert [b["id"] for b in first.json["items"]] == [made[1].id, made[0].id]
    rest = call(key, "GET", "/api/v1/bookings?limit=2&cursor=" + first.json["next_cursor"])
    assert [b["id"] for b in rest.json["items"]] == [world.booking.id]
    assert rest.json["next_cursor"] is None
    live = call(key, "GET", "/api/v1/bookings?status=confirmed").json["items"]
    assert {b["id"] for b in live} == {made[0].id, world.booking.id}
    by_request = call(key, "GET", f"/api/v1/bookings?request_id={cancelled.id}").json["items"]
    assert [(b["status"], b["interpreter"]) for b in by_request] == [("cancelled",
                                                                      "Fatima Haddad")]
    assert call(key, "GET", "/api/v1/bookings?status=lost").status_code == 422


def test_another_organisations_key_never_sees_the_bookings(world, make_key, call):
    _, other = make_key(organisation=world.other_organisation)
    assert call(other, "GET", "/api/v1/bookings").json["items"] == []
    assert call(other, "GET", f"/api/v1/bookings/{world.booking.id}").status_code == 404
