"""/api/v1/requests: what an organisation's system sees and does, and what it may not."""

from datetime import UTC, datetime, timedelta

import pytest

from interpreter_register.api.models import Scope
from interpreter_register.bookings.models import InterpretingRequest, RequestStatus
from interpreter_register.extensions import db
from tests.fixtures.factories import create_request, future_day

PROBLEM = "application/problem+json"


def _on_site(**fields) -> dict:
    day = future_day(weeks=3)
    starts = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    return {"language": "ar", "modality": "on_site", "domain": "medical",
            "starts_at": starts.isoformat().replace("+00:00", "Z"),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "address": "Kouter 1", "postcode": "9000", "municipality": "Gent",
            "case_reference": "HIS-4711", **fields}


def test_a_system_creates_a_request_that_is_routed_like_the_form(world, make_key, call):
    _, key = make_key()
    response = call(key, "POST", "/api/v1/requests", _on_site())
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "submitted"
    assert body["case_reference"] == "HIS-4711"
    assert body["starts_at"].endswith("Z") and body["created_at"].endswith("Z")
    assert response.headers["Location"].endswith(f"/api/v1/requests/{body['id']}")
    item = db.session.get(InterpretingRequest, body["id"])
    assert item.organisation_id == world.organisation.id
    assert item.service_id == world.service.id          # routed to TVGent
    assert item.working_language == "nl"               # the organisation's own
    assert item.requester_id == world.contact_person.id
    assert call(key, "GET", f"/api/v1/requests/{body['id']}").json["id"] == body["id"]


def test_a_time_with_an_offset_is_stored_and_answered_in_utc(world, make_key, call):
    _, key = make_key()
    day = future_day(weeks=3)
    response = call(key, "POST", "/api/v1/requests", _on_site(
        starts_at=f"{day.isoformat()}T10:00:00+01:00", ends_at=f"{day.isoformat()}T11:00:00+01:00"))
    assert response.status_code == 201, response.json
    assert response.json["starts_at"] == f"{day.isoformat()}T09:00:00Z"


def test_the_list_filters_and_pages_with_a_cursor(world, make_key, call):
    _, key = make_key(Scope.READ)
    for _i in range(3):
        create_request(world.contact_person, case_reference="PAGE")
    create_request(world.other_contact_person, case_reference="PAGE")
    db.session.commit()
    first = call(key, "GET", "/api/v1/requests?case_reference=PAGE&limit=2")
    assert first.status_code == 200, first.json
    assert len(first.json["items"]) == 2 and first.json["next_cursor"]
    second = call(key, "GET", "/api/v1/requests?case_reference=PAGE&limit=2&cursor="
                  + first.json["next_cursor"])
    assert len(second.json["items"]) == 1 and second.json["next_cursor"] is None
    ids = [item["id"] for item in first.json["items"] + second.json["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    booked = call(key, "GET", "/api/v1/requests?status=booked")
    assert [item["status"] for item in booked.json["items"]] == ["booked"]
    everything = call(key, "GET", "/api/v1/requests").json["items"]
    assert {item["id"] for item in everything} >= {world.request.id, *ids}
    assert all(db.session.get(InterpretingRequest, item["id"]).organisation_id
               == world.organisation.id for item in everything)


def test_a_system_cancels_its_request_through_the_service(world, make_key, call):
    _, key = make_key()
    response = call(key, "POST", f"/api/v1/requests/{world.request.id}/cancel",
                    {"reason": "The patient went home"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "cancelled" and response.json["cancelled_late"] is False
    db.session.expire_all()
    assert db.session.get(InterpretingRequest, world.request.id).status == RequestStatus.CANCELLED
    again = call(key, "POST", f"/api/v1/requests/{world.request.id}/cancel",
                 {"reason": "Twice"}, language="fr")
    assert again.status_code == 422 and again.mimetype == PROBLEM
    assert again.json["errors"][0]["message"] == "Cette demande ne peut plus être annulée."


# --- access ---------------------------------------------------------------------------

def test_another_organisations_key_sees_nothing_of_its_requests(world, make_key, call):
    _, other = make_key(organisation=world.other_organisation)
    status = world.request.status
    for method, path, body in (("GET", f"/api/v1/requests/{world.request.id}", None),
                               ("POST", f"/api/v1/requests/{world.request.id}/cancel",
                                {"reason": "Not ours"})):
        response = call(other, method, path, body)
        assert response.status_code == 404 and response.mimetype == PROBLEM
    assert call(other, "GET", "/api/v1/requests").json["items"] == []
    db.session.expire_all()
    assert world.request.status == status and world.request.cancel_reason is None


def test_a_read_key_cannot_write(world, make_key, call):
    _, key = make_key(Scope.READ)
    assert call(key, "GET", f"/api/v1/requests/{world.request.id}").status_code == 200
    created = call(key, "POST", "/api/v1/requests", _on_site())
    cancelled = call(key, "POST", f"/api/v1/requests/{world.request.id}/cancel",
                     {"reason": "No"})
    assert (created.status_code, cancelled.status_code) == (403, 403)
    assert created.mimetype == PROBLEM and created.json["status"] == 403
    assert db.session.query(InterpretingRequest).filter_by(case_reference="HIS-4711").count() == 0


@pytest.mark.parametrize("case", ["revoked", "expired", "user_deactivated",
                                  "organisation_deactivated", "user_moved", "wrong_secret",
                                  "none", "basic"])
def test_a_key_that_is_not_valid_answers_401(world, make_key, call, case):
    api_key, key = make_key()
    now = datetime.now(UTC)
    headers = {}
    if case == "revoked":
        api_key.revoke(world.admin, now)
    elif case == "expired":
        api_key.expires_at = now - timedelta(seconds=1)
    elif case == "user_deactivated":
        world.contact_person.deactivate()
    elif case == "user_moved":
        world.contact_person.organisation = world.other_organisation
    elif case == "organisation_deactivated":
        world.organisation.active = False
    elif case == "wrong_secret":
        key = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    elif case == "none":
        key = None
    elif case == "basic":
        key, headers = None, {"Authorization": "Basic " + key}
    db.session.commit()
    response = call(key, "GET", f"/api/v1/requests/{world.request.id}", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "case_reference" not in response.text


def test_a_valid_key_records_its_last_use(world, make_key, call):
    api_key, key = make_key(Scope.READ)
    assert api_key.last_used_at is None
    assert call(key, "GET", "/api/v1/requests").status_code == 200
    db.session.expire_all()
    assert api_key.last_used_at is not None


# --- problems ---------------------------------------------------------------------------

@pytest.mark.parametrize("language,title", [("fr", "La demande n’est pas valable"),
                                            ("nl", "De aanvraag is niet geldig"),
                                            ("de", "Die Anfrage ist nicht gültig")])
def test_a_wrong_field_is_a_422_problem_titled_in_the_callers_language(
        world, make_key, call, language, title):
    _, key = make_key()
    response = call(key, "POST", "/api/v1/requests", _on_site(modality="by_pigeon",
                                                              colour="blue"),
                    language=language)
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert response.json["title"] == title
    assert response.headers["Content-Language"] == language
    assert {error["field"] for error in response.json["errors"]} == {"modality", "colour"}


def test_a_rule_of_the_service_is_a_422_naming_the_field_in_french(world, make_key, call):
    _, key = make_key()
    response = call(key, "POST", "/api/v1/requests", _on_site(postcode="12"), language="fr")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["errors"] == [{
        "field": "postcode",
        "message": "Un code postal belge compte quatre chiffres, de 1000 à 9999."}]


def test_a_time_in_the_past_and_a_time_without_offset_are_refused(world, make_key, call):
    _, key = make_key()
    past = call(key, "POST", "/api/v1/requests", _on_site(
        starts_at="2020-01-06T09:00:00Z", ends_at="2020-01-06T10:00:00Z"), language="nl")
    assert past.status_code == 422
    assert past.json["errors"][0]["field"] == "starts_at"
    naive = call(key, "POST", "/api/v1/requests", _on_site(starts_at="2030-01-07T09:00:00"))
    assert naive.status_code == 422
    assert [error["field"] for error in naive.json["errors"]] == ["starts_at"]


def test_malformed_json_and_an_unknown_path_are_problems_not_pages(world, make_key, call):
    _, key = make_key()
    bad = call(key, "POST", "/api/v1/requests", data="{not json",
               headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.mimetype == PROBLEM
    missing = call(key, "GET", "/api/v1/nothing-here", language="de")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    assert call(key, "GET", "/api/v1/requests?cursor=%%%").status_code == 422


def test_the_openapi_document_describes_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/requests", "/api/v1/requests/{request_id}",
            "/api/v1/requests/{request_id}/cancel"} <= set(document["paths"])
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def test_if_match_with_an_old_version_refuses_the_cancellation(world, make_key, call):
    _, key = make_key()
    path = f"/api/v1/requests/{world.request.id}"
    etag = call(key, "GET", path).headers["ETag"]
    world.request.notes = "Changed meanwhile"
    world.request.updated_at = world.request.updated_at + timedelta(seconds=1)
    db.session.commit()
    stale = call(key, "POST", path + "/cancel", {"reason": "Too late"},
                 headers={"If-Match": etag}, language="nl")
    assert stale.status_code == 412 and stale.mimetype == PROBLEM
    assert stale.json["title"] == "De aanvraag is intussen gewijzigd"
    fresh = call(key, "GET", path).headers["ETag"]
    assert fresh != etag
    assert call(key, "POST", path + "/cancel", {"reason": "Now"},
                headers={"If-Match": fresh}).status_code == 200


def test_a_body_over_the_limit_is_a_413_problem(world, make_key, call):
    _, key = make_key()
    response = call(key, "POST", "/api/v1/requests", _on_site(notes="x" * 100_000))
    assert response.status_code == 413 and response.mimetype == PROBLEM


def test_the_document_says_errors_are_problem_documents(client):
    document = client.get("/api/v1/openapi.json").json
    for name in ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR", "UNAUTHORIZED", "NOT_FOUND",
                 "FORBIDDEN", "TOO_MANY_REQUESTS"):
        response = document["components"]["responses"][name]
        assert list(response["content"]) == ["application/problem+json"]
    read = document["paths"]["/api/v1/requests/{request_id}"]["get"]["responses"]
    assert {"200", "401", "404", "429"} <= set(read)


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(app, world, make_key, call,
                                                            monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    _, key = make_key(Scope.READ)
    _, other = make_key(Scope.READ, organisation=world.other_organisation)
    answers = [call(key, "GET", "/api/v1/requests").status_code for _i in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = call(key, "GET", "/api/v1/requests", language="fr")
    assert refused.mimetype == PROBLEM and refused.json["title"] == "Trop de requêtes"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61      # the window, rounded up
    # Another key counts on its own.
    assert call(other, "GET", "/api/v1/requests").status_code == 200


def test_a_retried_post_with_the_same_idempotency_key_creates_one_request(world, make_key,
                                                                          call):
    _, key = make_key()
    body = _on_site(case_reference="RETRY-1")
    first = call(key, "POST", "/api/v1/requests", body, headers={"Idempotency-Key": "a-1"})
    again = call(key, "POST", "/api/v1/requests", body, headers={"Idempotency-Key": "a-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(InterpretingRequest).filter_by(case_reference="RETRY-1").count() == 1
    other = call(key, "POST", "/api/v1/requests", _on_site(case_reference="RETRY-2"),
                 headers={"Idempotency-Key": "a-1"}, language="fr")
    assert other.status_code == 422 and other.mimetype == PROBLEM
    assert other.json["errors"][0]["field"] == "Idempotency-Key"
    assert db.session.query(InterpretingRequest).filter_by(case_reference="RETRY-2").count() == 0
    # The same key of another API key is another call.
    _, second_key = make_key()
    assert call(second_key, "POST", "/api/v1/requests", body,
                headers={"Idempotency-Key": "a-1"}).status_code == 201


def test_a_booked_request_names_the_interpreter_and_their_tier(world, make_key, call):
    _, key = make_key(Scope.READ)
    booked = call(key, "GET", f"/api/v1/requests/{world.booking.request_id}").json
    assert booked["status"] == "booked"
    assert booked["booking"]["interpreter"] == "Fatima Haddad"
    assert booked["booking"]["tier"] == "certified"
    assert booked["booking"]["starts_at"] == booked["starts_at"]
    assert call(key, "GET", f"/api/v1/requests/{world.request.id}").json["booking"] is None


def test_any_key_reads_the_registers_languages_named_in_three_languages(world, make_key,
                                                                        call):
    _, key = make_key(Scope.READ, organisation=world.other_organisation)
    items = call(key, "GET", "/api/v1/languages").json["items"]
    arabic = next(item for item in items if item["code"] == "ar")
    assert arabic["names"] == {"nl": "Arabisch", "fr": "Arabe", "de": "Arabisch"}
    assert [item["code"] for item in items] == sorted(item["code"] for item in items)


def test_calls_are_logged_without_bodies_or_queries(world, make_key, call, caplog):
    api_key, key = make_key()
    caplog.set_level("INFO", logger="interpreter_register.api.calls")
    call(key, "POST", "/api/v1/requests", _on_site(notes="Secret of the client"))
    call(key, "GET", "/api/v1/requests?case_reference=HIS-4711")
    lines = [record.getMessage() for record in caplog.records
             if record.name == "interpreter_register.api.calls"]
    assert lines == [f"POST /api/v1/requests 201 key={api_key.prefix}",
                     f"GET /api/v1/requests 200 key={api_key.prefix}"]
    assert "Secret" not in caplog.text and "HIS-4711" not in caplog.text


def test_an_idempotent_answer_is_kept_a_day_then_the_key_names_a_new_call(
        world, make_key, call):
    from interpreter_register.api.models import IdempotentResponse
    _, key = make_key()
    body = _on_site(case_reference="DAY-1")
    assert call(key, "POST", "/api/v1/requests", body,
                headers={"Idempotency-Key": "d-1"}).status_code == 201
    stored = db.session.scalar(db.select(IdempotentResponse))
    stored.created_at = stored.created_at - timedelta(hours=25)
    db.session.commit()
    again = call(key, "POST", "/api/v1/requests", body, headers={"Idempotency-Key": "d-1"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert db.session.query(InterpretingRequest).filter_by(case_reference="DAY-1").count() == 2
    # The old answer made way for the new one.
    assert db.session.scalar(db.select(db.func.count(IdempotentResponse.id))) == 1


def test_a_language_new_to_the_register_is_accepted_as_demand_a_non_code_refused(
        world, make_key, call):
    from interpreter_register.register.models import Language
    _, key = make_key()
    assert db.session.get(Language, "ti") is None
    asked = call(key, "POST", "/api/v1/requests", _on_site(language="ti"))
    assert asked.status_code == 201 and asked.json["language"] == "ti"
    assert db.session.get(Language, "ti") is not None
    refused = call(key, "POST", "/api/v1/requests", _on_site(language="zzq"), language="nl")
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json["errors"]] == ["language"]
