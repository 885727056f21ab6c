"""PATCH /api/v1/requests/{id} and /api/v1/series: a system changes its requests through
the web form's services (the same checks, the same messages to everyone concerned)."""

from datetime import UTC, datetime, time, timedelta

from interpreter_register.api.models import Scope
from interpreter_register.bookings.models import OfferStatus, RequestStatus
from interpreter_register.bookings.services import booking
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.extensions import db
from tests.fixtures.factories import create_request, create_series, future_day
from tests.fixtures.reading import load, mails

PROBLEM = "application/problem+json"


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_a_change_needs_the_etag_read_and_tells_those_offered(world, make_key, call):
    _, key = make_key()
    item = create_request(world.contact_person)
    [offer] = booking.send_offers(world.dispatcher, item, person_ids=[world.omar.id])
    db.session.commit()
    path = f"/api/v1/requests/{item.id}"
    new_start = brussels_to_utc(item.day, time(15))
    change = {"starts_at": _z(new_start), "ends_at": _z(new_start + timedelta(hours=1))}
    missing = call(key, "PATCH", path, change, language="fr")
    assert missing.status_code == 428 and missing.mimetype == PROBLEM
    assert "If-Match" in missing.json["title"]
    etag = call(key, "GET", path).headers["ETag"]
    assert call(key, "PATCH", path, {"notes": "Second floor"},
                headers={"If-Match": etag}).status_code == 200
    stale = call(key, "PATCH", path, change, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    fresh = call(key, "GET", path).headers["ETag"]
    changed = call(key, "PATCH", path, change, headers={"If-Match": fresh})
    assert changed.status_code == 200, changed.json
    assert changed.json["starts_at"] == _z(new_start)
    assert changed.json["notes"] == "Second floor"          # the earlier change stays
    assert changed.headers["ETag"] != fresh
    # As when the requester changes it on the page: the offer is taken back, Omar told.
    assert load(offer).status == OfferStatus.WITHDRAWN
    [told] = mails(kind="offer_withdrawn")
    assert told.recipient == world.other_interpreter.email
    assert load(item).events[-1].action == "edited"


def test_a_change_the_rules_refuse_is_a_422_naming_the_field(world, make_key, call):
    _, key = make_key()
    path = f"/api/v1/requests/{world.request.id}"
    etag = call(key, "GET", path).headers["ETag"]
    refused = call(key, "PATCH", path, {"postcode": "12"}, headers={"If-Match": etag},
                   language="de")
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "postcode"
    assert "Postleitzahl" in refused.json["errors"][0]["message"]
    unknown = call(key, "PATCH", path, {"colour": "blue"}, headers={"If-Match": etag})
    assert unknown.status_code == 422 and unknown.json["errors"][0]["field"] == "colour"


def test_a_read_key_or_another_organisations_key_cannot_change(world, make_key, call):
    _, reader = make_key(Scope.READ)
    _, other = make_key(organisation=world.other_organisation)
    path = f"/api/v1/requests/{world.request.id}"
    etag = call(reader, "GET", path).headers["ETag"]
    assert call(reader, "PATCH", path, {"notes": "x"},
                headers={"If-Match": etag}).status_code == 403
    assert call(other, "PATCH", path, {"notes": "x"},
                headers={"If-Match": etag}).status_code == 404
    assert load(world.request).notes is None


def _series_body(**repeat) -> dict:
    first = future_day(weeks=3, weekday=1)
    starts = brussels_to_utc(first, time(10))
    return {"language": "ar", "modality": "on_site", "domain": "education",
            "starts_at": _z(starts), "ends_at": _z(starts + timedelta(hours=1)),
            "address": "Schoolstraat 1", "postcode": "9000", "municipality": "Gent",
            "case_reference": "SCHOOL-7", "repeat": {"frequency": "weekly", **repeat}}


def test_a_system_asks_for_a_series_and_cancels_it_from_a_date(world, make_key, call):
    _, key = make_key()
    made = call(key, "POST", "/api/v1/series", _series_body(count=4))
    assert made.status_code == 201, made.json
    series = made.json
    assert series["size"] == 4 and len(series["requests"]) == 4
    assert [r["occurrence"] for r in series["requests"]] == [1, 2, 3, 4]
    days = [r["starts_at"][:10] for r in series["requests"]]
    assert days == sorted(days) and len(set(days)) == 4
    assert made.headers["Location"].endswith(f"/api/v1/series/{series['id']}")
    listed = call(key, "GET", f"/api/v1/requests?series_id={series['id']}").json["items"]
    assert len(listed) == 4
    cancelled = call(key, "POST", f"/api/v1/series/{series['id']}/cancel",
                     {"first_day": days[2], "reason": "The pupil moved"})
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["cancelled"] == 2
    statuses = [r["status"] for r in cancelled.json["series"]["requests"]]
    assert statuses == ["submitted", "submitted", "cancelled", "cancelled"]
    other_key = make_key(organisation=world.other_organisation)[1]
    assert call(other_key, "GET", f"/api/v1/series/{series['id']}").status_code == 404


def test_a_series_the_rules_refuse_names_the_repeat_field(world, make_key, call):
    _, key = make_key()
    refused = call(key, "POST", "/api/v1/series", _series_body(), language="fr")
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"].startswith("repeat.")
    written = call(key, "POST", "/api/v1/series", {
        **_series_body(count=3), "modality": "written", "deadline_on": "2030-01-01",
        "words": 10, "direction": "into_working"})
    assert written.status_code == 422


def test_a_change_with_scope_following_changes_this_date_and_the_next(world, make_key, call):
    _, key = make_key()
    series = create_series(world.contact_person, count=4)
    third = series.requests[2]
    path = f"/api/v1/requests/{third.id}"
    etag = call(key, "GET", path).headers["ETag"]
    moved = brussels_to_utc(third.day, time(14))
    answer = call(key, "PATCH", path, {"starts_at": _z(moved),
                                       "ends_at": _z(moved + timedelta(hours=1)),
                                       "scope": "following"}, headers={"If-Match": etag})
    assert answer.status_code == 200, answer.json
    db.session.expire_all()
    hours = [r.starts_at for r in load(series).requests]
    assert [brussels_to_utc(r.day, time(14)) == r.starts_at
            for r in load(series).requests] == [False, False, True, True], hours
    assert all(r.status == RequestStatus.SUBMITTED for r in load(series).requests)
