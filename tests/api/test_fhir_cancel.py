"""/api/v1/fhir: a hospital's system cancels its Appointment or ServiceRequest the FHIR way
(PUT with status cancelled/revoked, or a JSON Patch of the status), through the service the
web's cancel page uses: the same late-cancellation policy, every party told."""

import json

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest

from interpreter_register.api.fhir_mapping import CANCELLED_LATE
from interpreter_register.api.models import Scope
from interpreter_register.bookings.models import InterpretingRequest, RequestStatus
from interpreter_register.extensions import db
from interpreter_register.organisations.models import CancellationRule
from tests.api.test_fhir import FHIR
from tests.fixtures.factories import complete_past_request, create_past_request
from tests.fixtures.reading import load, mails

PATCH = "application/json-patch+json"


def _path(kind, item) -> str:
    return f"/api/v1/fhir/{kind}/{item.id}"


def _put(call, key, kind, item, body, language="nl"):
    return call(key, "PUT", _path(kind, item), data=json.dumps(body), content_type=FHIR,
                language=language)


def _patch(call, key, kind, item, operations, language="nl"):
    return call(key, "PATCH", _path(kind, item), data=json.dumps(operations),
                content_type=PATCH, language=language)


def _as_read(call, key, kind, item) -> dict:
    return call(key, "GET", _path(kind, item)).json


def _late(resource: dict):
    return next((e["valueBoolean"] for e in resource.get("extension", ())
                 if e["url"] == CANCELLED_LATE), None)


def test_a_put_with_status_cancelled_cancels_and_tells_every_party(world, make_key, call):
    _, key = make_key()
    item = world.booking.request
    appointment = _as_read(call, key, "Appointment", item)
    appointment.update(status="cancelled", cancelationReason={"text": "Patient discharged"})
    before = len(mails())
    response = _put(call, key, "Appointment", item, appointment)
    assert response.status_code == 200, response.json
    answered = Appointment.model_validate(response.json)
    assert answered.status == "cancelled"
    assert answered.cancelationReason.text == "Patient discharged"
    assert _late(response.json) is False                 # four weeks ahead: in time
    stored = load(item)
    assert stored.status == RequestStatus.CANCELLED
    assert stored.cancel_reason == "Patient discharged" and stored.cancelled_late is False
    told = {mail.recipient for mail in mails()[before:]}
    assert {world.interpreter.email, world.contact_person.email} <= told
    # The engine retries after a timeout: the same answer, nobody told twice.
    sent = len(mails())
    again = _put(call, key, "Appointment", item, appointment)
    assert again.status_code == 200 and again.json["status"] == "cancelled"
    assert len(mails()) == sent


def test_a_json_patch_of_the_status_cancels_late_by_the_services_policy(world, make_key,
                                                                         call):
    # Five weeks of working hours' notice: the request four weeks ahead is now late.
    world.service.cancellation_rule = CancellationRule.WORKING_HOURS
    world.service.cancellation_hours = 840
    db.session.commit()
    _, key = make_key()
    item = world.booking.request
    response = _patch(call, key, "ServiceRequest", item,
                      [{"op": "replace", "path": "/status", "value": "revoked"}])
    assert response.status_code == 200, response.json
    ServiceRequest.model_validate(response.json)
    assert response.json["status"] == "revoked"
    assert _late(response.json) is True
    stored = load(item)
    assert stored.status == RequestStatus.CANCELLED and stored.cancelled_late is True
    # No reason given: the register says so, in the request's working language.
    assert stored.cancel_reason == "Geannuleerd door het systeem van het ziekenhuis " \
                                   "(geen reden opgegeven)."
    assert world.interpreter.email in {mail.recipient for mail in mails()}


def test_a_patch_of_the_appointment_carries_its_reason(world, make_key, call):
    _, key = make_key()
    response = _patch(call, key, "Appointment", world.request, [
        {"op": "replace", "path": "/status", "value": "cancelled"},
        {"op": "add", "path": "/cancelationReason",
         "value": {"coding": [{"code": "pat", "display": "Patient"}]}}])
    assert response.status_code == 200, response.json
    assert load(world.request).cancel_reason == "Patient"


def test_a_completed_request_is_refused_in_the_callers_language(world, make_key, call):
    item = create_past_request(world.contact_person, world.service,
                               status=RequestStatus.COMPLETED)
    complete_past_request(item, world.fatima)
    db.session.commit()
    _, key = make_key()
    response = _patch(call, key, "Appointment", item,
                      [{"op": "replace", "path": "/status", "value": "cancelled"}],
                      language="fr")
    assert response.status_code == 422
    outcome = OperationOutcome.model_validate(response.json)
    assert outcome.issue[0].code == "business-rule"
    assert "ne peut plus être annulée" in outcome.issue[0].diagnostics
    assert load(item).status == RequestStatus.COMPLETED


def test_other_changes_are_refused_and_nothing_is_cancelled(world, make_key, call):
    _, key = make_key()
    item = world.booking.request
    appointment = _as_read(call, key, "Appointment", item)
    kept = _put(call, key, "Appointment", item, appointment, language="de")
    assert kept.status_code == 422
    assert "/api/v1/requests" in kept.json["issue"][0]["diagnostics"]
    assert kept.json["issue"][0]["expression"] == ["Appointment.status"]
    other_id = {**appointment, "status": "cancelled", "id": str(world.request.id)}
    assert _put(call, key, "Appointment", item, other_id).status_code == 400
    times = _patch(call, key, "Appointment", item,
                   [{"op": "replace", "path": "/start", "value": "2030-01-01T10:00:00Z"}])
    assert times.status_code == 422 and times.json["issue"][0]["code"] == "not-supported"
    guarded = _patch(call, key, "ServiceRequest", item,
                     [{"op": "test", "path": "/status", "value": "active"},
                      {"op": "replace", "path": "/status", "value": "revoked"}])
    assert guarded.status_code == 422
    not_a_patch = call(key, "PATCH", _path("Appointment", item),
                       data=json.dumps({"status": "cancelled"}), content_type=FHIR)
    assert not_a_patch.status_code == 415
    assert _patch(call, key, "Appointment", item, {"status": "x"}).status_code == 400
    odd = _patch(call, key, "Appointment", item, [
        {"op": "replace", "path": ["status"], "value": "cancelled"}, 7])
    assert odd.status_code == 422
    odd_reason = _patch(call, key, "Appointment", item, [
        {"op": "replace", "path": "/cancelationReason", "value": {"coding": 5}},
        {"op": "replace", "path": "/status", "value": "booked"}])
    assert odd_reason.status_code == 422
    assert load(item).status == RequestStatus.BOOKED


def test_delete_is_not_supported(world, make_key, call):
    _, key = make_key()
    response = call(key, "DELETE", _path("Appointment", world.request))
    assert response.status_code == 405 and response.mimetype == FHIR
    assert "PUT" in response.headers["Allow"] and "PATCH" in response.headers["Allow"]
    assert load(world.request).status == world.request.status


def test_another_organisations_request_answers_404_and_a_read_key_403(world, make_key,
                                                                        call):
    _, theirs = make_key(organisation=world.other_organisation)
    _, reader = make_key(Scope.READ)
    item = world.booking.request
    body = [{"op": "replace", "path": "/status", "value": "cancelled"}]
    other = _patch(call, theirs, "Appointment", item, body)
    assert other.status_code == 404 and other.mimetype == FHIR
    assert OperationOutcome.model_validate(other.json).issue[0].code == "not-found"
    assert _patch(call, reader, "Appointment", item, body).status_code == 403
    assert db.session.get(InterpretingRequest, item.id).status == RequestStatus.BOOKED
    assert load(item).status == RequestStatus.BOOKED
