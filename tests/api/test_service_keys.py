"""Keys of an interpreting service: its system reads its queue and its bookings, never
another service's, and nothing of an organisation's own endpoints."""

from datetime import timedelta

import pytest

from interpreter_register.api.keys import create_service_key
from interpreter_register.api.models import ApiKey, Scope
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import create_request, future_day
from tests.fixtures.reading import load


def test_a_service_key_reads_its_queue_soonest_first(world, make_service_key, call):
    _, key = make_service_key()
    soon = create_request(world.contact_person, day=future_day(weeks=1))
    answer = call(key, "GET", "/api/v1/queue")
    assert answer.status_code == 200, answer.json
    ids = [item["id"] for item in answer.json["items"]]
    assert ids[0] == soon.id and world.request.id in ids
    assert {item["organisation"] for item in answer.json["items"]} == {"OCMW Gent"}
    assert answer.json["counts"]["submitted"] >= 1 and answer.json["next_page"] is None
    booked = call(key, "GET", "/api/v1/queue?status=booked").json["items"]
    assert [item["id"] for item in booked] == [world.booking.request_id]
    assert booked[0]["booking"]["interpreter"] == "Fatima Haddad"
    assert call(key, "GET", "/api/v1/queue?status=lost").status_code == 422


def test_a_service_key_never_sees_another_services_work(world, make_service_key, call):
    _, other = make_service_key(service=world.other_service)
    assert call(other, "GET", "/api/v1/queue").json["items"] == []
    assert call(other, "GET", "/api/v1/bookings").json["items"] == []
    assert call(other, "GET", f"/api/v1/bookings/{world.booking.id}").status_code == 404
    _, own = make_service_key()
    [booking] = call(own, "GET", "/api/v1/bookings").json["items"]
    assert booking["id"] == world.booking.id and booking["interpreter"] == "Fatima Haddad"


def test_a_service_key_has_no_organisation_endpoints_and_the_reverse(world, make_key,
                                                                     make_service_key, call):
    _, service = make_service_key(Scope.WRITE)
    for method, path in (("GET", "/api/v1/requests"),
                         ("GET", f"/api/v1/requests/{world.request.id}"),
                         ("GET", "/api/v1/sheets"),
                         ("POST", f"/api/v1/requests/{world.request.id}/cancel")):
        refused = call(service, method, path, {"reason": "x"} if method == "POST" else None,
                       language="de")
        assert refused.status_code == 403, (path, refused.json)
    assert "Organisation" in refused.json["detail"]
    _, organisation = make_key()
    refused = call(organisation, "GET", "/api/v1/queue", language="fr")
    assert refused.status_code == 403 and "service" in refused.json["detail"]


def test_a_revoked_or_expired_service_key_answers_401(world, make_service_key, call):
    api_key, key = make_service_key()
    assert call(key, "GET", "/api/v1/queue").status_code == 200
    load(api_key).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert call(key, "GET", "/api/v1/queue").status_code == 401
    api_key, key = make_service_key()
    assert call(key, "GET", "/api/v1/queue").status_code == 200
    load(api_key).revoke(world.dispatcher, utcnow())
    db.session.commit()
    assert call(key, "GET", "/api/v1/queue").status_code == 401
    # A dispatcher who moves to another service takes no key with them.
    api_key, key = make_service_key()
    world.dispatcher.service_id = world.other_service.id
    db.session.commit()
    assert call(key, "GET", "/api/v1/queue").status_code == 401


def test_only_the_services_dispatchers_and_administrators_create_its_keys(world):
    with pytest.raises(Forbidden):
        create_service_key(world.other_dispatcher, world.service, "X", Scope.READ, 30)
    with pytest.raises(Forbidden):
        create_service_key(world.contact_person, world.service, "X", Scope.READ, 30)
    made, _key = create_service_key(world.admin, world.service, "By the admin", Scope.READ, 30)
    assert made.user_id == world.dispatcher.id and made.service_id == world.service.id
    assert made.can_be_managed_by(world.dispatcher)
    assert not made.can_be_managed_by(world.other_dispatcher)
    assert not made.can_be_managed_by(world.contact_person)


def test_a_dispatcher_manages_the_keys_on_the_services_page(world, client_for):
    browser = client_for(world.dispatcher)
    page = browser.get(f"/services/{world.service.id}/api-keys")
    assert page.status_code == 200 and "TVGent" in page.get_data(as_text=True)
    created = browser.post(f"/services/{world.service.id}/api-keys",
                           data={"name": "Planning TVGent", "scope": "read", "days": 90})
    text = created.get_data(as_text=True)
    assert created.status_code == 200 and "irk_" in text
    assert created.headers["Cache-Control"] == "no-store"
    made = db.session.scalar(db.select(ApiKey).filter_by(name="Planning TVGent"))
    assert made.service_id == world.service.id and made.organisation_id is None
    revoked = browser.post(f"/services/{world.service.id}/api-keys/{made.id}/revoke",
                           data={"confirmed": "yes"})
    assert revoked.status_code in (302, 303) and load(made).is_revoked
    assert client_for(world.other_dispatcher).get(
        f"/services/{world.service.id}/api-keys").status_code == 404
