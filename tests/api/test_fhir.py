"""/api/v1/fhir: a hospital's FHIR R4 ServiceRequest or Appointment becomes a request in the
dispatcher's queue; the Appointment read back is valid R4 (checked with fhir.resources)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest

from interpreter_register.api.models import Scope
from interpreter_register.bookings.models import InterpretingRequest, UnfilledReason
from interpreter_register.bookings.services.booking import book
from interpreter_register.bookings.services.queue import QueueFilter, queue
from interpreter_register.bookings.services.requests import cancel_request
from interpreter_register.extensions import db
from interpreter_register.register.models import Language, Modality
from tests.fixtures.factories import create_request, future_day

FHIR = "application/fhir+json"
REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"


def _at(hour: int, weeks: int = 3, offset: str = "+01:00") -> str:
    day = future_day(weeks=weeks)
    return f"{day.isoformat()}T{hour:02d}:00:00{offset}"


def _appointment(**fields) -> dict:
    """An appointment at UZ Gent's maternity ward, for a patient who speaks Arabic: as a
    hospital's planning system sends it (the patient's reference and name included)."""
    return {
        "resourceType": "Appointment",
        "identifier": [{"system": "https://his.uzgent.be/appointment", "value": "APT-88123"}],
        "status": "booked",
        "extension": [{"url": REQUIRED, "valueCoding": {"system": "urn:ietf:bcp:47",
                                                         "code": "ar", "display": "Arabic"}}],
        "serviceType": [{"coding": [{"system": MODE, "code": "FACE"}]}],
        "start": _at(10), "end": _at(11),
        "comment": "Reception of the maternity ward, route 47",
        "contained": [{"resourceType": "Location", "id": "mat",
                       "name": "Materniteit", "address": {"line": ["Corneel Heymanslaan 10"],
                                                          "postalCode": "9000",
                                                          "city": "Gent"}}],
        "participant": [
            {"actor": {"reference": "Patient/778899", "display": "Amina El Idrissi"},
             "status": "accepted"},
            {"actor": {"reference": "#mat"}, "status": "accepted"},
        ],
        **fields}


def _service_request(**fields) -> dict:
    """A French-speaking hospital's order for a Dari interpreter by video, in the standard
    form: the extension on a contained Patient as a boolean, the language in its
    communication (the patient's name and national number come along and are ignored)."""
    return {
        "resourceType": "ServiceRequest",
        "identifier": [{"system": "urn:oid:2.16.56.1.2", "value": "chu-2027-5521"}],
        "status": "active", "intent": "order", "priority": "urgent",
        "code": {"text": "Interprète"},
        "orderDetail": [{"coding": [{"system": MODE, "code": "VIDEOCONF"}]}],
        "subject": {"reference": "#pat"},
        "occurrencePeriod": {"start": _at(14), "end": _at(15)},
        "locationReference": [{"reference": "#visio"}],
        "contained": [
            {"resourceType": "Patient", "id": "pat",
             "identifier": [{"system": "https://www.ehealth.fgov.be/standards/fhir/core/"
                             "NamingSystem/ssin", "value": "85073003328"}],
             "name": [{"family": "Rahimi", "given": ["Farid"]}],
             "extension": [{"url": REQUIRED, "valueBoolean": True}],
             "communication": [
                 {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "fr"}]}},
                 {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "prs"}]},
                  "preferred": True}]},
            {"resourceType": "Location", "id": "visio",
             "telecom": [{"system": "url", "value": "https://visio.chu-liege.be/r/5521"}]}],
        "note": [{"text": "Consultation de psychiatrie"}],
        **fields}


def _post(call, key, kind, body, language="nl", content_type=FHIR):
    return call(key, "POST", f"/api/v1/fhir/{kind}", data=json.dumps(body),
                content_type=content_type, language=language)


def _stored(response) -> InterpretingRequest:
    return db.session.get(InterpretingRequest, int(response.json["id"]))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --- posting ----------------------------------------------------------------------------

def test_an_appointment_becomes_a_request_in_the_dispatchers_queue(world, make_key, call):
    _, key = make_key()
    response = _post(call, key, "Appointment", _appointment())
    assert response.status_code == 201, response.json
    assert response.mimetype == FHIR
    body = response.json
    assert response.headers["Location"].endswith(f"/api/v1/fhir/Appointment/{body['id']}")
    Appointment.model_validate(body)
    assert body["identifier"][0]["value"] == "APT-88123"
    assert body["status"] == "proposed"           # nobody asked yet
    item = _stored(response)
    on_the_queue = queue(world.service.id, QueueFilter()).page.items
    assert item in on_the_queue                    # TVGent serves 9000
    assert item.language_code == "ar" and item.modality == Modality.ON_SITE
    assert item.starts_at == _utc(_at(10)) and item.ends_at == _utc(_at(11))
    assert (item.address, item.postcode, item.municipality) == (
        "Corneel Heymanslaan 10", "9000", "Gent")
    assert item.case_reference == "APT-88123"
    assert item.notes == "Reception of the maternity ward, route 47"
    assert item.working_language == "nl" and item.organisation_id == world.organisation.id
    # Nothing of the patient is kept: neither the reference nor the name.
    stored = " ".join(str(value) for value in vars(item).values())
    assert "778899" not in stored and "Idrissi" not in stored
    assert "778899" not in response.text and "Idrissi" not in response.text
    page = call(key, "GET", response.headers["Location"]).json
    assert page["id"] == body["id"] and page["start"].endswith("Z")


def test_a_standard_service_request_asks_for_dari_by_video(world, make_key, call):
    _, key = make_key(organisation=world.other_organisation)
    response = _post(call, key, "ServiceRequest", _service_request(), language="fr",
                     content_type="application/json")
    assert response.status_code == 201, response.json
    ServiceRequest.model_validate(response.json)
    assert response.headers["Location"].endswith(
        f"/api/v1/fhir/ServiceRequest/{response.json['id']}")
    item = _stored(response)
    assert item.service_id == world.other_service.id           # the organisation's (Liège)
    assert item.language_code == "prs"                         # the preferred language
    assert db.session.get(Language, "prs") is not None
    assert item.modality == Modality.VIDEO
    assert item.video_link == "https://visio.chu-liege.be/r/5521"
    assert item.urgent and item.working_language == "fr"
    assert item.case_reference == "CHU-2027-5521"      # kept as case references are
    assert item in queue(world.other_service.id, QueueFilter()).page.items
    stored = " ".join(str(value) for value in vars(item).values())
    assert "85073003328" not in stored and "Rahimi" not in stored
    assert "85073003328" not in response.text and "Rahimi" not in response.text
    assert response.json["subject"]["extension"][0]["valueCode"] == "masked"


def test_ukrainian_by_telephone_with_summer_time_is_stored_in_utc(world, make_key, call):
    _, key = make_key()
    body = _appointment(
        extension=[{"url": REQUIRED, "valueCodeableConcept": {"coding": [
            {"system": "urn:ietf:bcp:47", "code": "uk-UA"}]}}],
        serviceType=[{"coding": [{"system": MODE, "code": "PHONE"}]}],
        start=_at(9, offset="+02:00"), end=None, minutesDuration=45,
        contained=[{"resourceType": "Location", "id": "tel",
                    "telecom": [{"system": "phone", "value": "+32 9 332 21 11"}]}],
        participant=[{"actor": {"reference": "#tel"}, "status": "accepted"}])
    del body["end"]
    response = _post(call, key, "Appointment", body)
    assert response.status_code == 201, response.json
    item = _stored(response)
    assert item.language_code == "uk" and item.modality == Modality.PHONE
    assert item.starts_at == _utc(_at(9, offset="+02:00"))
    assert item.ends_at - item.starts_at == timedelta(minutes=45)
    assert item.phone_number.replace(" ", "").endswith("93322111")
    assert response.json["start"] == item.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_language_new_to_the_register_is_accepted_as_demand(world, make_key, call):
    _, key = make_key()
    assert db.session.get(Language, "am") is None
    body = _appointment(extension=[{"url": REQUIRED, "valueCoding": {
        "system": "urn:ietf:bcp:47", "code": "am"}}])
    response = _post(call, key, "Appointment", body)
    assert response.status_code == 201, response.json
    assert _stored(response).language_code == "am"
    assert db.session.get(Language, "am") is not None


# --- reading the appointment ---------------------------------------------------------------

def test_the_appointment_follows_the_booking(world, make_key, call):
    _, key = make_key(Scope.WRITE)
    created = _post(call, key, "Appointment", _appointment())
    path = created.headers["Location"]
    before = call(key, "GET", path)
    assert before.status_code == 200 and before.mimetype == FHIR
    Appointment.model_validate(before.json)
    interpreter = before.json["participant"][0]
    assert interpreter["type"][0]["coding"][0]["code"] == "INTPRT"
    assert interpreter["status"] == "needs-action" and "actor" not in interpreter
    item = _stored(created)
    book(world.dispatcher, item, world.fatima.id)
    db.session.commit()
    after = call(key, "GET", path)
    appointment = Appointment.model_validate(after.json)
    assert appointment.status == "booked"
    interpreter = after.json["participant"][0]
    assert interpreter == {"type": interpreter["type"], "required": "required",
                           "status": "accepted", "actor": {"display": "Fatima Haddad"}}
    assert after.json["start"] == _utc(_at(10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert after.json["end"] == _utc(_at(11)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # The same request read as a ServiceRequest: still active, valid R4 too.
    ordered = call(key, "GET", f"/api/v1/fhir/ServiceRequest/{item.id}")
    assert ServiceRequest.model_validate(ordered.json).status == "active"


def test_a_request_of_the_web_form_reads_as_an_appointment_with_its_status(world, make_key,
                                                                           call):
    _, key = make_key(Scope.READ)
    answers = {}
    offered = create_request(world.contact_person)
    offered.open_wave(world.dispatcher, people=1)
    db.session.commit()
    for name, item in (("submitted", world.request), ("offered", offered),
                       ("booked", world.booking.request)):
        response = call(key, "GET", f"/api/v1/fhir/Appointment/{item.id}")
        answers[name] = Appointment.model_validate(response.json).status
    cancelled = create_request(world.contact_person)
    cancel_request(world.contact_person, cancelled, "The patient went home")
    db.session.commit()
    response = call(key, "GET", f"/api/v1/fhir/Appointment/{cancelled.id}")
    answers["cancelled"] = Appointment.model_validate(response.json).status
    assert answers == {"submitted": "proposed", "offered": "pending", "booked": "booked",
                       "cancelled": "cancelled"}
    translation = create_request(world.contact_person, modality=Modality.WRITTEN)
    response = call(key, "GET", f"/api/v1/fhir/Appointment/{translation.id}", language="de")
    assert response.status_code == 404
    assert "schriftliche Übersetzung" in response.json["issue"][0]["diagnostics"]
    ServiceRequest.model_validate(
        call(key, "GET", f"/api/v1/fhir/ServiceRequest/{translation.id}").json)


# --- access -----------------------------------------------------------------------------

def test_another_organisations_key_gets_404(world, make_key, call):
    _, key = make_key()
    _, other = make_key(organisation=world.other_organisation)
    created = _post(call, key, "Appointment", _appointment())
    for path in (created.headers["Location"],
                 f"/api/v1/fhir/ServiceRequest/{created.json['id']}",
                 "/api/v1/fhir/Appointment/999999"):
        response = call(other, "GET", path, language="fr")
        assert response.status_code == 404 and response.mimetype == FHIR
        outcome = OperationOutcome.model_validate(response.json)
        assert outcome.issue[0].code == "not-found"
        assert "APT-88123" not in response.text


def test_a_read_key_cannot_post(world, make_key, call):
    _, key = make_key(Scope.READ)
    count = db.session.query(InterpretingRequest).count()
    for kind, body in (("Appointment", _appointment()), ("ServiceRequest", _service_request())):
        response = _post(call, key, kind, body)
        assert response.status_code == 403 and response.mimetype == FHIR
        assert OperationOutcome.model_validate(response.json).issue[0].code == "forbidden"
    assert db.session.query(InterpretingRequest).count() == count


def test_no_key_gets_an_operation_outcome_401(world, call):
    response = _post(call, None, "Appointment", _appointment())
    assert response.status_code == 401 and response.mimetype == FHIR
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert OperationOutcome.model_validate(response.json).issue[0].code == "login"


def test_an_unknown_path_or_a_wrong_method_answers_an_operation_outcome(world, make_key,
                                                                       call):
    """Routing's own 404 and 405 under /api/v1/fhir speak FHIR too, in the caller's
    language; the rest of /api keeps its problem documents."""
    _, key = make_key()
    missing = call(key, "GET", "/api/v1/fhir/Patient/1", language="fr")
    assert missing.status_code == 404 and missing.mimetype == FHIR
    assert missing.headers["Content-Language"] == "fr"
    assert OperationOutcome.model_validate(missing.json).issue[0].code == "not-found"

    wrong = call(key, "DELETE", "/api/v1/fhir/Appointment/1", language="de")
    assert wrong.status_code == 405 and wrong.mimetype == FHIR
    assert "GET" in wrong.headers["Allow"]
    issue = OperationOutcome.model_validate(wrong.json).issue[0]
    assert issue.code == "not-supported" and wrong.headers["Content-Language"] == "de"

    elsewhere = call(key, "GET", "/api/v1/fhirish")
    assert elsewhere.status_code == 404 and elsewhere.mimetype == "application/problem+json"


def test_the_rate_limit_answers_an_operation_outcome(app, world, make_key, call, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    _, key = make_key(Scope.READ)
    path = f"/api/v1/fhir/Appointment/{world.request.id}"
    answers = [call(key, "GET", path).status_code for _i in range(3)]
    assert answers == [200, 200, 429]
    refused = call(key, "GET", path, language="de")
    assert refused.mimetype == FHIR and int(refused.headers["Retry-After"]) >= 1
    assert refused.json["issue"][0]["code"] == "throttled"
    assert refused.json["issue"][0]["diagnostics"].startswith("Zu viele")


# --- bad input ---------------------------------------------------------------------------

def _without_extension():
    body = _appointment()
    del body["extension"]
    return body


BAD = {
    "malformed_json": (400, "structure", None),
    "not_an_object": (400, "structure", ["Appointment"]),
    "wrong_resource_type": (422, "invalid", {**_appointment(), "resourceType": "Patient"}),
    "missing_extension": (422, "required", _without_extension()),
    "in_the_past": (422, "business-rule", _appointment(
        start="2020-01-10T10:00:00+01:00", end="2020-01-10T11:00:00+01:00")),
    "end_before_start": (422, "invalid", _appointment(start=_at(11), end=_at(10))),
    "unknown_element": (400, "structure", _appointment(patientName="Amina")),
    "not_a_bcp47_code": (422, "value", _appointment(extension=[
        {"url": REQUIRED, "valueCoding": {"system": "urn:ietf:bcp:47", "code": "12"}}])),
    "unknown_language": (422, "invalid", _appointment(extension=[
        {"url": REQUIRED, "valueCoding": {"system": "urn:ietf:bcp:47", "code": "qqq"}}])),
    "written": (422, "not-supported", _appointment(
        serviceType=[{"coding": [{"system": MODE, "code": "WRITTEN"}]}])),
    "cancelled": (422, "business-rule", _appointment(status="cancelled")),
    "no_address": (422, "invalid", _appointment(contained=None, participant=[
        {"actor": {"reference": "Patient/1"}, "status": "accepted"}])),
    "address_too_long": (422, "too-long", _appointment(contained=[
        {"resourceType": "Location", "id": "mat", "address": {
            "line": ["Corneel Heymanslaan 10" * 10], "postalCode": "9000", "city": "Gent"}}])),
    "beyond_the_calendar": (422, "value", _appointment(start="9999-12-31T23:00:00-12:00")),
    "date_without_time": (422, "value", _appointment(requestedPeriod=[
        {"start": "2027-03-12", "end": "2027-03-12"}], start=None, end=None)),
}
# The diagnostic of the first issue, in French and German: each case's own words.
WORDS = {
    "malformed_json": ("pas du JSON valable", "kein gültiges JSON"),
    "not_an_object": ("pas une ressource FHIR", "keine FHIR-Ressource"),
    "wrong_resource_type": ("ressource Appointment", "Appointment-Ressource"),
    "missing_extension": ("doit porter l’extension", "muss die Erweiterung"),
    "in_the_past": ("est passé", "in der Vergangenheit"),
    "end_before_start": ("après le début", "nach dem Beginn"),
    "unknown_element": ("n’est pas un élément", "ist kein Element"),
    "not_a_bcp47_code": ("BCP 47", "BCP 47"),
    "unknown_language": ("qqq", "qqq"),
    "written": ("traductions écrites", "Schriftliche Übersetzungen"),
    "cancelled": ("proposed, pending ou booked", "proposed, pending oder booked"),
    "no_address": ("adresse", "Adresse"),
    "address_too_long": ("200 caractères au plus", "Höchstens 200 Zeichen"),
    "beyond_the_calendar": ("avec son décalage", "mit ihrem Versatz"),
    "date_without_time": ("avec son décalage", "mit ihrem Versatz"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_answers_a_translated_operation_outcome(world, make_key, call, case):
    _, key = make_key()
    status, code, body = BAD[case]
    count = db.session.query(InterpretingRequest).count()
    for language, words in zip(("fr", "de"), WORDS[case], strict=True):
        if case == "malformed_json":
            response = call(key, "POST", "/api/v1/fhir/Appointment", data='{"resourceType": ',
                            content_type=FHIR, language=language)
        else:
            response = _post(call, key, "Appointment", body, language=language)
        assert response.status_code == status, response.json
        assert response.mimetype == FHIR
        assert response.headers["Content-Language"] == language
        outcome = OperationOutcome.model_validate(response.json)
        assert outcome.issue[0].code == code and outcome.issue[0].severity == "error"
        assert words in outcome.issue[0].diagnostics, outcome.issue[0].diagnostics
    # Dutch as well, and never the English text.
    dutch = (call(key, "POST", "/api/v1/fhir/Appointment", data="{", content_type=FHIR)
             if case == "malformed_json" else _post(call, key, "Appointment", body))
    assert dutch.headers["Content-Language"] == "nl"
    assert dutch.json["issue"][0]["diagnostics"] != response.json["issue"][0]["diagnostics"]
    assert db.session.query(InterpretingRequest).count() == count


def test_the_element_at_fault_is_named(world, make_key, call):
    _, key = make_key()
    response = _post(call, key, "Appointment", _appointment(start=_at(11), end=_at(10)))
    assert response.json["issue"][0]["expression"] == ["Appointment.end"]
    response = _post(call, key, "ServiceRequest", _service_request(
        occurrencePeriod={"start": "2020-01-10T10:00:00Z", "end": "2020-01-10T11:00:00Z"}))
    assert response.json["issue"][0]["expression"] == ["ServiceRequest.occurrencePeriod.start"]
    response = _post(call, key, "Appointment", _appointment(patientName="Amina"))
    assert response.json["issue"][0]["expression"] == ["Appointment.patientName"]
    assert "Amina" not in response.text          # never the values sent


def test_another_content_type_answers_415(world, make_key, call):
    _, key = make_key()
    response = _post(call, key, "Appointment", _appointment(), content_type="text/plain")
    assert response.status_code == 415 and response.mimetype == FHIR
    assert response.json["issue"][0]["code"] == "not-supported"


def test_an_unfilled_request_reads_as_a_cancelled_appointment(world, make_key, call):
    _, key = make_key(Scope.READ)
    world.request.mark_unfilled(UnfilledReason.NO_ONE_ACCEPTED, datetime.now(UTC))
    db.session.commit()
    response = call(key, "GET", f"/api/v1/fhir/Appointment/{world.request.id}")
    appointment = Appointment.model_validate(response.json)
    assert appointment.status == "cancelled"
    assert appointment.cancelationReason.text == "no interpreter was found"
    assert appointment.participant[0].status == "declined"


def test_the_capability_statement_says_what_the_server_does(world, make_key, call):
    _, key = make_key(Scope.READ)
    response = call(key, "GET", "/api/v1/fhir/metadata")
    assert response.status_code == 200 and response.mimetype == FHIR
    statement = CapabilityStatement.model_validate(response.json)
    resources = {resource.type: {i.code for i in resource.interaction}
                 for resource in statement.rest[0].resource}
    assert resources == {"Appointment": {"create", "read", "update", "patch", "search-type"},
                         "ServiceRequest": {"create", "read", "update", "patch"}}
    assert all(resource.conditionalCreate for resource in statement.rest[0].resource)


def test_a_body_over_the_limit_answers_413(world, make_key, call):
    _, key = make_key()
    response = _post(call, key, "Appointment", _appointment(comment="x" * 70_000))
    assert response.status_code == 413 and response.mimetype == FHIR
    assert response.json["issue"][0]["code"] == "too-long"


def test_the_openapi_document_lists_the_fhir_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    assert {"/api/v1/fhir/ServiceRequest", "/api/v1/fhir/Appointment",
            "/api/v1/fhir/Appointment/{request_id}",
            "/api/v1/fhir/ServiceRequest/{request_id}", "/api/v1/fhir/metadata"} <= set(paths)
    create = paths["/api/v1/fhir/Appointment"]["post"]
    assert set(create["requestBody"]["content"]) == {FHIR, "application/json"}
    assert {"201", "400", "401", "403", "415", "422", "429"} <= set(create["responses"])
