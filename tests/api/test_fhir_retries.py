"""/api/v1/fhir: a hospital's engine that retries a POST after a timeout makes one request,
not two (Idempotency-Key, as /api/v1 honours it, and FHIR's own If-None-Exist)."""

import json

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.operationoutcome import OperationOutcome
from sqlalchemy import func, select

from interpreter_register.bookings.models import InterpretingRequest
from interpreter_register.extensions import db
from tests.api.test_fhir import FHIR, _appointment, _at, _service_request
from tests.fixtures.factories import create_request


def _count(organisation) -> int:
    return db.session.scalar(select(func.count(InterpretingRequest.id)).where(
        InterpretingRequest.organisation_id == organisation.id))


def _post(call, key, kind, body, language="nl", **headers):
    return call(key, "POST", f"/api/v1/fhir/{kind}", data=json.dumps(body),
                content_type=FHIR, language=language, headers=headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_makes_one_request(
        world, make_key, call):
    _, key = make_key()
    before = _count(world.organisation)
    first = _post(call, key, "Appointment", _appointment(), **{"Idempotency-Key": "his-1"})
    assert first.status_code == 201, first.json
    again = _post(call, key, "Appointment", _appointment(), **{"Idempotency-Key": "his-1"})
    assert again.status_code == 201
    assert again.mimetype == FHIR
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json == first.json
    Appointment.model_validate(again.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(world.organisation) == before + 1


def test_a_service_request_retried_is_made_once_too(world, make_key, call):
    _, key = make_key()
    before = _count(world.organisation)
    answers = [_post(call, key, "ServiceRequest", _service_request(),
                     **{"Idempotency-Key": "order-77"}) for _ in range(3)]
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json["id"] for answer in answers}) == 1
    assert _count(world.organisation) == before + 1


def test_the_same_key_with_another_body_is_refused_as_an_operation_outcome(
        world, make_key, call):
    _, key = make_key()
    _post(call, key, "Appointment", _appointment(), **{"Idempotency-Key": "his-2"})
    before = _count(world.organisation)
    other = _post(call, key, "Appointment", _appointment(start=_at(13), end=_at(14)),
                  language="fr", **{"Idempotency-Key": "his-2"})
    assert other.status_code == 422
    assert other.mimetype == FHIR
    OperationOutcome.model_validate(other.json)
    issue = other.json["issue"][0]
    assert issue["expression"] == ["Idempotency-Key"]
    assert "Idempotency-Key" in issue["diagnostics"]
    assert "déjà servi" in issue["diagnostics"]            # in French, as asked
    assert _count(world.organisation) == before


def test_a_key_too_long_is_refused(world, make_key, call):
    _, key = make_key()
    answer = _post(call, key, "Appointment", _appointment(), **{"Idempotency-Key": "k" * 101})
    assert answer.status_code == 422
    assert answer.json["issue"][0]["expression"] == ["Idempotency-Key"]


def test_another_organisations_key_never_sees_the_answer(world, make_key, call):
    _, ours = make_key()
    _, theirs = make_key(organisation=world.other_organisation)
    first = _post(call, ours, "Appointment", _appointment(), **{"Idempotency-Key": "shared"})
    before = _count(world.other_organisation)
    second = _post(call, theirs, "Appointment", _appointment(),
                   **{"Idempotency-Key": "shared"})
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert second.json["id"] != first.json["id"]
    assert _count(world.other_organisation) == before + 1


def test_if_none_exist_answers_the_request_already_made(world, make_key, call):
    _, key = make_key()
    condition = {"If-None-Exist": "identifier=https://his.uzgent.be/appointment|APT-88123"}
    first = _post(call, key, "Appointment", _appointment(), **condition)
    assert first.status_code == 201
    before = _count(world.organisation)
    again = _post(call, key, "Appointment", _appointment(), **condition)
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(world.organisation) == before
    # Another identifier is another appointment.
    other = _post(call, key, "Appointment", _appointment(
        identifier=[{"system": "https://his.uzgent.be/appointment", "value": "APT-2"}]),
        **{"If-None-Exist": "identifier=https://his.uzgent.be/appointment|APT-2"})
    assert other.status_code == 201
    assert _count(world.organisation) == before + 1


def test_if_none_exist_finds_the_reference_as_kept_in_capitals(world, make_key, call):
    _, key = make_key()
    first = _post(call, key, "ServiceRequest", _service_request())     # chu-2027-5521
    again = _post(call, key, "ServiceRequest", _service_request(),
                  **{"If-None-Exist": "identifier=urn:oid:2.16.56.1.2|chu-2027-5521"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]


def test_if_none_exist_looks_only_at_the_callers_organisation(world, make_key, call):
    create_request(world.other_contact_person, case_reference="APT-88123")
    db.session.commit()
    _, key = make_key()
    answer = _post(call, key, "Appointment", _appointment(),
                   **{"If-None-Exist": "identifier=APT-88123"})
    assert answer.status_code == 201
    assert answer.json["identifier"][0]["value"] == "APT-88123"


def test_if_none_exist_naming_several_requests_answers_412(world, make_key, call):
    for _ in range(2):
        create_request(world.contact_person, case_reference="DOS-5")
    db.session.commit()
    _, key = make_key()
    before = _count(world.organisation)
    answer = _post(call, key, "Appointment", _appointment(),
                   **{"If-None-Exist": "identifier=urn:x|DOS-5"})
    assert answer.status_code == 412
    OperationOutcome.model_validate(answer.json)
    assert _count(world.organisation) == before


def test_another_search_in_if_none_exist_answers_400(world, make_key, call):
    _, key = make_key()
    before = _count(world.organisation)
    answer = _post(call, key, "Appointment", _appointment(), language="de",
                   **{"If-None-Exist": "patient=Patient/778899"})
    assert answer.status_code == 400
    assert "identifier=system|value" in answer.json["issue"][0]["diagnostics"]
    assert answer.headers["Content-Language"] == "de"
    assert _count(world.organisation) == before
