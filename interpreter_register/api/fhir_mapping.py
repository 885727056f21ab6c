"""FHIR R4 resources and our requests, both ways (docs/api.md, "FHIR R4").

A hospital's system posts a ``ServiceRequest`` or an ``Appointment`` that carries the
``patient-interpreterRequired`` extension and the language as a BCP 47 code. ``read``
validates it against the R4B model of fhir.resources (the structure: types, cardinality,
unknown elements) and says what it asks as the ``RequestDetails`` the web form and the REST
API give the same service; the service's own rules (times in the past, an end before the
start, an address on site) then check it as they check the form. No patient identity is
read: ``subject``, the patient among the participants and a contained Patient's name and
identifiers are ignored (a contained Patient is read for its language only).

``appointment`` and ``service_request`` say one of our requests as R4 resources again.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pydantic
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.servicerequest import ServiceRequest
from flask_babel import lazy_gettext as _l

from ..bookings.models import InterpretingRequest, RequestStatus
from ..bookings.services.requests import RequestDetails
from ..register.models import Domain, Modality

INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
BCP47 = "urn:ietf:bcp:47"
PARTICIPATION_MODE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

MODELS = {"ServiceRequest": ServiceRequest, "Appointment": Appointment}
# v3 ParticipationMode: how the interpreter takes part.
MODES = {"FACE": Modality.ON_SITE, "PHYSICAL": Modality.ON_SITE, "PHONE": Modality.PHONE,
         "VIDEOCONF": Modality.VIDEO}
WRITTEN_MODES = {"WRITTEN", "FAXWRIT", "HANDWRIT", "MAILWRIT", "ONLINEWRIT", "EMAILWRIT",
                 "TYPEWRIT"}
MODE_CODES = {Modality.ON_SITE: ("FACE", "face-to-face"),
              Modality.PHONE: ("PHONE", "telephone"),
              Modality.VIDEO: ("VIDEOCONF", "videoconferencing"),
              Modality.WRITTEN: ("WRITTEN", "written")}
# The statuses a posted resource may have: it asks for something still to come.
NEW_APPOINTMENT = {"proposed", "pending", "booked"}
NEW_SERVICE_REQUEST = {"active"}
URGENT_PRIORITIES = {"urgent", "asap", "stat"}
MAX_CASE_REFERENCE, MAX_NOTES = 60, 5000
# The longest a place's parts may be (the request's columns).
PLACE_LENGTHS = {"address": 200, "municipality": 100, "phone_number": 40, "video_link": 500}


@dataclass(frozen=True)
class Issue:
    """One issue of an OperationOutcome: its code, what to say (translated when the answer
    is written) and the element it is about."""

    code: str
    diagnostics: object
    expression: str | None = None


class Invalid(Exception):
    """The resource cannot become a request: 422 (400 for ``structure``), with its issues."""

    def __init__(self, *issues: Issue, status: int | None = None):
        super().__init__(issues)
        self.issues = issues
        self.http_status = status or (400 if all(issue.code == "structure" for issue in issues)
                                 else 422)


# --- reading a posted resource ---------------------------------------------------------

def _path(kind: str, location) -> str:
    path = kind
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


REASONS = {
    "missing": _l("“%(path)s” is required in FHIR R4 and missing."),
    "extra_forbidden": _l("“%(path)s” is not an element of this resource in FHIR R4."),
}
OTHER_REASON = _l("“%(path)s” has a value FHIR R4 does not allow here.")


def validate(kind: str, data) -> ServiceRequest | Appointment:
    """The resource as its R4B model, or ``Invalid`` naming each element that is wrong
    (never the values sent: they may be a patient's)."""
    if not isinstance(data, dict):
        raise Invalid(Issue("structure", _l("The body is not a FHIR resource: a JSON object "
                                            "is expected.")))
    given = data.get("resourceType")
    if given != kind:
        raise Invalid(Issue("invalid", _l(
            "Only a resource of type %(expected)s can be posted here, not “%(given)s”.",
            expected=kind, given=str(given)[:40]), "resourceType"))
    try:
        return MODELS[kind].model_validate(data)
    except pydantic.ValidationError as error:
        issues = []
        for problem in error.errors()[:20]:
            location = [part for part in problem["loc"] if part != "resource_type"]
            path = _path(kind, location)
            issues.append(Issue("structure" if problem["type"] == "extra_forbidden"
                                else "invalid",
                                REASONS.get(problem["type"], OTHER_REASON) % {"path": path},
                                path))
        raise Invalid(*issues) from None
    except (ValueError, TypeError) as error:      # the library's own checks, not pydantic's
        raise Invalid(Issue("invalid", _l("The resource is not valid FHIR R4."), kind)) \
            from error


def _codings(concepts):
    for concept in concepts or ():
        yield from concept.coding or ()


def _contained(resource, kind: str, reference: str | None = None):
    """The contained resources of ``kind`` (the one ``reference`` "#id" names first)."""
    found = [item for item in resource.contained or () if item.get_resource_type() == kind]
    if reference and reference.startswith("#"):
        found.sort(key=lambda item: item.id != reference[1:])
    return found


def _language_code(code: str | None, where: str) -> str:
    """The register's language code of a BCP 47 tag: its primary language subtag
    (``ar-MA`` → ``ar``; ``prs``, Dari, stays itself)."""
    primary = (code or "").strip().split("-")[0].lower()
    if not (2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha()):
        raise Invalid(Issue("value", _l("Give the language as a BCP 47 code (such as ar, prs "
                                        "or uk)."), where))
    return primary


def _from_coding(coding, where: str) -> str:
    if coding.system not in (None, BCP47):
        raise Invalid(Issue("code-invalid", _l(
            "The language must be coded in the system urn:ietf:bcp:47."), f"{where}.system"))
    return _language_code(coding.code, f"{where}.code")


def _language_of_patient(resource, kind: str) -> str | None:
    """Patient.communication.language of a contained Patient (the preferred one first):
    where the standard puts a patient's language."""
    for patient in _contained(resource, "Patient"):
        languages = sorted(patient.communication or (), key=lambda c: not c.preferred)
        for communication in languages:
            for coding in communication.language.coding or ():
                if coding.system in (None, BCP47) and coding.code:
                    return _language_code(coding.code, f"{kind}.contained.communication")
    return None


def language(resource, kind: str) -> str:
    """The language asked for: the extension's valueCoding (or valueCodeableConcept), or,
    with ``valueBoolean: true``, the contained Patient's communication language."""
    holders = [(resource, kind)] + [(patient, f"{kind}.contained")
                                    for patient in _contained(resource, "Patient")]
    for holder, where in holders:
        for index, extension in enumerate(holder.extension or ()):
            if extension.url != INTERPRETER_REQUIRED:
                continue
            at = f"{where}.extension[{index}]"
            if extension.valueCoding is not None:
                return _from_coding(extension.valueCoding, f"{at}.valueCoding")
            if extension.valueCodeableConcept is not None:
                coding = next(iter(_codings([extension.valueCodeableConcept])), None)
                if coding is not None:
                    return _from_coding(coding, f"{at}.valueCodeableConcept.coding[0]")
            if extension.valueBoolean is False:
                raise Invalid(Issue("business-rule", _l(
                    "The resource says no interpreter is required."), at))
            code = _language_of_patient(resource, kind)
            if code is None:
                raise Invalid(Issue("required", _l(
                    "Say which language: a valueCoding in the system urn:ietf:bcp:47, or the "
                    "language of a contained Patient's communication."), at))
            return code
    raise Invalid(Issue("required", _l(
        "The resource must carry the extension %(url)s with the language as a BCP 47 code.",
        url=INTERPRETER_REQUIRED), f"{kind}.extension"))


def _modality(concepts, kind: str) -> Modality:
    """From a v3 ParticipationMode coding; on site when none says otherwise."""
    for coding in _codings(concepts):
        if coding.system != PARTICIPATION_MODE:
            continue
        if coding.code in WRITTEN_MODES:
            raise Invalid(Issue("not-supported", _l(
                "Written translations are asked through /api/v1/requests, not through "
                "FHIR."), kind))
        if coding.code not in MODES:
            raise Invalid(Issue("code-invalid", _l(
                "Say how the interpreter takes part with FACE, PHONE or VIDEOCONF "
                "(v3 ParticipationMode)."), kind))
        return MODES[coding.code]
    return Modality.ON_SITE


def _moment(value, path: str) -> datetime | None:
    """A time with its offset, in UTC; a date alone cannot be an appointment's start."""
    if value is None:
        return None
    try:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
    except OverflowError:           # the year 1 or 9999 with an offset: no moment of ours
        pass
    raise Invalid(Issue("value", _l("Give a time with its offset, such as "
                                    "2027-03-12T10:00:00+01:00."), path))


def _place(resource, reference: str | None) -> dict:
    """Address and telecom of the contained Location (the one referenced first)."""
    locations = _contained(resource, "Location", reference)
    if not locations:
        return {}
    location = locations[0]
    place = {}
    if location.address is not None:
        address = location.address
        place.update(address=", ".join(address.line or ()) or None,
                     postcode=(address.postalCode or "").strip() or None,
                     municipality=address.city)
    for telecom in location.telecom or ():
        if telecom.system == "phone" and "phone_number" not in place:
            place["phone_number"] = telecom.value
        elif telecom.system == "url" and "video_link" not in place:
            place["video_link"] = telecom.value
    for field, longest in PLACE_LENGTHS.items():
        if len(place.get(field) or "") > longest:
            raise Invalid(Issue("too-long", _l("At most %(count)d characters.", count=longest),
                                f"Location.{PLACE_ELEMENTS[field].split('.', 1)[1]}"))
    return place


def _case_reference(resource, kind: str) -> str | None:
    value = next((identifier.value.strip() for identifier in resource.identifier or ()
                  if identifier.value and identifier.value.strip()), None)
    if value is not None and len(value) > MAX_CASE_REFERENCE:
        raise Invalid(Issue("too-long", _l(
            "The identifier is kept as the case reference: at most 60 characters."),
            f"{kind}.identifier"))
    return value


def _notes(*texts) -> str | None:
    text = "\n".join(t.strip() for t in texts if t and t.strip())
    if len(text) > MAX_NOTES:
        raise Invalid(Issue("too-long", _l("The notes are longer than 5000 characters.")))
    return text or None


def read(kind: str, data, working_language: str) -> RequestDetails:
    """What the posted resource asks, for ``bookings.services.requests.create_request``."""
    resource = validate(kind, data)
    if kind == "Appointment":
        return _read_appointment(resource, working_language)
    return _read_service_request(resource, working_language)


def _read_appointment(resource: Appointment, working_language: str) -> RequestDetails:
    if resource.status not in NEW_APPOINTMENT:
        raise Invalid(Issue("business-rule", _l(
            "A new Appointment is proposed, pending or booked."), "Appointment.status"))
    code = language(resource, "Appointment")
    modality = _modality([*(resource.serviceType or ()),
                          *([resource.appointmentType] if resource.appointmentType else ())],
                         "Appointment.serviceType")
    starts = _moment(resource.start, "Appointment.start")
    ends = _moment(resource.end, "Appointment.end")
    if starts is None and resource.requestedPeriod:
        period = resource.requestedPeriod[0]
        starts = _moment(period.start, "Appointment.requestedPeriod[0].start")
        ends = _moment(period.end, "Appointment.requestedPeriod[0].end")
    if starts is not None and ends is None and resource.minutesDuration:
        ends = starts + timedelta(minutes=resource.minutesDuration)
    location = next((participant.actor.reference for participant in resource.participant
                     if participant.actor is not None and participant.actor.reference
                     and participant.actor.reference.startswith("#")), None)
    urgent = any(coding.system == APPOINTMENT_TYPE and coding.code == "EMERGENCY"
                 for coding in _codings([resource.appointmentType]
                                        if resource.appointmentType else []))
    return RequestDetails(
        language_code=code, working_language=working_language, modality=modality,
        domain=Domain.MEDICAL, starts_at=starts, ends_at=ends,
        case_reference=_case_reference(resource, "Appointment"),
        notes=_notes(resource.comment), urgent=urgent, **_place(resource, location))


def _read_service_request(resource: ServiceRequest, working_language: str) -> RequestDetails:
    if resource.status not in NEW_SERVICE_REQUEST:
        raise Invalid(Issue("business-rule", _l(
            "A new ServiceRequest is active."), "ServiceRequest.status"))
    if resource.doNotPerform:
        raise Invalid(Issue("business-rule", _l(
            "The resource says no interpreter is required."), "ServiceRequest.doNotPerform"))
    code = language(resource, "ServiceRequest")
    modality = _modality([*([resource.code] if resource.code else ()),
                          *(resource.orderDetail or ()), *(resource.category or ())],
                         "ServiceRequest.orderDetail")
    if resource.occurrencePeriod is None:
        raise Invalid(Issue("required", _l(
            "Give the start and the end as occurrencePeriod."),
            "ServiceRequest.occurrencePeriod"))
    period = resource.occurrencePeriod
    location = next((reference.reference for reference in resource.locationReference or ()
                     if reference.reference), None)
    return RequestDetails(
        language_code=code, working_language=working_language, modality=modality,
        domain=Domain.MEDICAL,
        starts_at=_moment(period.start, "ServiceRequest.occurrencePeriod.start"),
        ends_at=_moment(period.end, "ServiceRequest.occurrencePeriod.end"),
        case_reference=_case_reference(resource, "ServiceRequest"),
        notes=_notes(*(note.text for note in resource.note or ())),
        urgent=resource.priority in URGENT_PRIORITIES, **_place(resource, location))


# --- a cancellation sent by the hospital ---------------------------------------------------

# The status that cancels, per resource (R4's ServiceRequest has no "cancelled": "revoked").
CANCELLED = {"Appointment": "cancelled", "ServiceRequest": "revoked"}
# Our own extension on a cancelled Appointment/ServiceRequest: whether the cancellation was
# late by the service's policy (so the hospital knows it may be charged).
CANCELLED_LATE = "urn:interpreter-register:fhir:cancelled-late"
MAX_REASON = 300
PATCH_PATHS = {"Appointment": {"/status", "/cancelationReason", "/cancelationReason/text"},
               "ServiceRequest": {"/status"}}


def _only_a_cancellation(kind: str) -> Invalid:
    return Invalid(Issue("business-rule", _l(
        "Only a cancellation is accepted here: status %(status)s. Change a request "
        "through /api/v1/requests.", status=CANCELLED[kind]), f"{kind}.status"))


def _reason(text) -> str | None:
    text = text.strip() if isinstance(text, str) else ""
    return text[:MAX_REASON] or None


def _reason_of(concept) -> str | None:
    """A CodeableConcept's words: its text, else its first coding's display."""
    if not isinstance(concept, dict):
        return None
    codings = concept.get("coding")
    displays = [coding.get("display") for coding in
                (codings if isinstance(codings, list) else ()) if isinstance(coding, dict)]
    return _reason(concept.get("text")) or next(filter(None, map(_reason, displays)), None)


def cancellation(kind: str, data, resource_id: int) -> str | None:
    """A PUT of the whole resource that cancels it: validated as R4, its id the one in the
    address (400 otherwise, as FHIR asks), its status ``CANCELLED[kind]`` (any other change
    is refused: times and place change through /api/v1). Returns the reason given
    (an Appointment's cancelationReason), or None."""
    resource = validate(kind, data)
    if resource.id != str(resource_id):
        raise Invalid(Issue("invalid", _l(
            "The resource's id must be the one in the address."), f"{kind}.id"), status=400)
    if resource.status != CANCELLED[kind]:
        raise _only_a_cancellation(kind)
    if kind == "Appointment" and resource.cancelationReason is not None:
        return _reason_of(resource.cancelationReason.model_dump(mode="json"))
    return None


def patched_cancellation(kind: str, operations) -> str | None:
    """A JSON Patch (RFC 6902) that cancels: ``replace`` (or ``add``) of ``/status`` with
    ``CANCELLED[kind]``, and for an Appointment of ``/cancelationReason``. Returns the
    reason given, or None."""
    if not isinstance(operations, list) or not operations:
        raise Invalid(Issue("structure", _l(
            "A JSON Patch is a list of operations.")))
    status = reason = None
    for operation in operations:
        if not isinstance(operation, dict):
            operation = {}
        path = operation.get("path")
        path = path if isinstance(path, str) else None
        if operation.get("op") not in ("replace", "add") or path not in PATCH_PATHS[kind]:
            raise Invalid(Issue("not-supported", _l(
                "Only the status (and an Appointment's cancelationReason) can be replaced."),
                f"{kind}.{str(path).strip('/').split('/')[0]}" if path else kind))
        value = operation.get("value")
        if path == "/status":
            status = value
        elif path == "/cancelationReason":
            reason = _reason_of(value)
        else:
            reason = _reason(value)
    if status != CANCELLED[kind]:
        raise _only_a_cancellation(kind)
    return reason


# The service's fields, as the elements of each resource they came from.
ELEMENTS = {
    "Appointment": {"starts": "Appointment.start", "day": "Appointment.start",
                    "ends": "Appointment.end"},
    "ServiceRequest": {"starts": "ServiceRequest.occurrencePeriod.start",
                       "day": "ServiceRequest.occurrencePeriod.start",
                       "ends": "ServiceRequest.occurrencePeriod.end"},
}
PLACE_ELEMENTS = {"address": "Location.address", "postcode": "Location.address.postalCode",
                  "municipality": "Location.address.city",
                  "phone_number": "Location.telecom", "video_link": "Location.telecom",
                  "code": "extension", "case_reference": "identifier", "notes": "note"}


def element(kind: str, field: str | None) -> str | None:
    """The element of the posted resource a service rule's field came from."""
    if field is None:
        return None
    if field in ELEMENTS[kind]:
        return ELEMENTS[kind][field]
    own = PLACE_ELEMENTS.get(field)
    if own is None:
        return None
    return f"{kind}.contained.{own}" if own.startswith("Location") else f"{kind}.{own}"


# --- our request, said in FHIR R4 ------------------------------------------------------

def _instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _identifiers(item: InterpretingRequest) -> list:
    identifiers = [{"use": "secondary", "type": {"text": "request number"},
                    "value": item.number}]
    if item.case_reference:
        identifiers.insert(0, {"use": "usual", "value": item.case_reference})
    return identifiers


def _language_extension(item: InterpretingRequest) -> list:
    coding = {"system": BCP47, "code": item.language_code}
    if item.language is not None and item.language.name_en:
        coding["display"] = item.language.name_en
    return [{"url": INTERPRETER_REQUIRED, "valueCoding": coding}]


def _mode(item: InterpretingRequest) -> dict:
    code, display = MODE_CODES[item.modality]
    return {"coding": [{"system": PARTICIPATION_MODE, "code": code, "display": display}]}


def _location(item: InterpretingRequest) -> dict | None:
    """Where the interpreter goes or calls, as a contained Location "#place"."""
    location = {"resourceType": "Location", "id": "place"}
    if item.modality == Modality.ON_SITE:
        location["address"] = {"line": [item.address] if item.address else None,
                               "postalCode": item.postcode, "city": item.municipality,
                               "country": "BE"}
    elif item.modality == Modality.PHONE and item.phone_number:
        location["telecom"] = [{"system": "phone", "value": item.phone_number}]
    elif item.modality == Modality.VIDEO and item.video_link:
        location["telecom"] = [{"system": "url", "value": item.video_link}]
    else:
        return None
    return _clean(location)


def _clean(value):
    """Without empty elements (FHIR allows no nulls, no empty arrays or objects)."""
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [item for item in (_clean(item) for item in value) if item not in (None, {})]
    return value


def _cancelation_reason(item: InterpretingRequest) -> dict | None:
    if item.status == RequestStatus.UNFILLED:
        return {"text": "no interpreter was found"}
    if item.status == RequestStatus.CANCELLED and item.cancel_reason:
        return {"text": item.cancel_reason}
    return None


def _extensions(item: InterpretingRequest) -> list:
    extensions = _language_extension(item)
    if item.status == RequestStatus.CANCELLED and item.cancelled_late is not None:
        extensions.append({"url": CANCELLED_LATE, "valueBoolean": item.cancelled_late})
    return extensions


def _said_of(item: InterpretingRequest, kind: str, location: dict | None) -> dict:
    """What both resources say of a request alike: our id, the place, the language (in
    the extension it came in), the hospital's reference and our number."""
    return {"resourceType": kind, "id": str(item.id),
            "meta": {"lastUpdated": _instant(item.updated_at)},
            "contained": [location] if location else None,
            "extension": _extensions(item), "identifier": _identifiers(item)}


def appointment_status(item: InterpretingRequest, no_show: bool = False) -> str:
    """proposed: nobody asked yet; pending: offers are out; booked; cancelled (also when
    no interpreter was found); fulfilled once the sheet is settled, noshow when it says
    the client did not come."""
    if item.status == RequestStatus.SUBMITTED:
        return "proposed"
    if item.status == RequestStatus.OFFERED:
        return "pending"
    if item.status == RequestStatus.BOOKED:
        return "booked"
    if item.status == RequestStatus.COMPLETED:
        return "noshow" if no_show else "fulfilled"
    return "cancelled"


def _interpreter(item: InterpretingRequest) -> dict:
    """The interpreter as a participant: the booked person's name, nothing else of them."""
    participant = {"type": [{"coding": [{"system": PARTICIPATION_TYPE, "code": "INTPRT",
                                         "display": "interpreter"}]}],
                   "required": "required"}
    booking = item.live_booking
    if booking is not None:
        participant["actor"] = {"display": booking.person.full_name}
        participant["status"] = "accepted"
    elif item.is_awaiting_booking:
        participant["status"] = "needs-action"
    else:
        participant["status"] = "declined"
    return participant


def _period(item: InterpretingRequest) -> tuple[datetime | None, datetime | None]:
    booking = item.live_booking
    if booking is not None and booking.starts_at is not None:
        return booking.starts_at, booking.ends_at
    return item.starts_at, item.ends_at


def appointment(item: InterpretingRequest, no_show: bool = False) -> dict:
    """The request as the interpreter's Appointment: its status, the interpreter, the
    times in UTC, where."""
    starts, ends = _period(item)
    location = _location(item)
    participants = [_interpreter(item)]
    if location is not None:
        participants.append({"actor": {"reference": "#place"}, "required": "required",
                             "status": "accepted"})
    resource = {
        **_said_of(item, "Appointment", location),
        "status": appointment_status(item, no_show),
        "cancelationReason": _cancelation_reason(item),
        "serviceType": [_mode(item)],
        "start": _instant(starts), "end": _instant(ends),
        "created": _instant(item.created_at),
        "comment": item.notes,
        "basedOn": [{"reference": f"ServiceRequest/{item.id}"}],
        "participant": participants,
    }
    return _clean(resource)


def service_request_status(item: InterpretingRequest) -> str:
    if item.is_open:
        return "active"
    if item.status == RequestStatus.COMPLETED:
        return "completed"
    return "revoked"


def service_request(item: InterpretingRequest) -> dict:
    """The request as a ServiceRequest. Its subject is masked (data-absent-reason): the
    register keeps no patient."""
    starts, ends = item.starts_at, item.ends_at
    location = _location(item)
    resource = {
        **_said_of(item, "ServiceRequest", location),
        "status": service_request_status(item), "intent": "order",
        "priority": "urgent" if item.urgent else "routine",
        "code": {"text": "interpreting"},
        "orderDetail": [_mode(item)],
        "subject": {"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]},
        "occurrencePeriod": {"start": _instant(starts), "end": _instant(ends)}
        if starts else None,
        "occurrenceDateTime": item.deadline_on.isoformat()
        if isinstance(item.deadline_on, date) else None,
        "authoredOn": _instant(item.created_at),
        "locationReference": [{"reference": "#place"}] if location else None,
        "note": [{"text": item.notes}] if item.notes else None,
    }
    return _clean(resource)


# When what the server does with FHIR last changed (the CapabilityStatement's date).
CAPABILITIES_CHANGED = datetime(2026, 11, 30, tzinfo=UTC)


def capability_statement() -> dict:
    """What this server does with FHIR: ``GET /api/v1/fhir/metadata``."""
    interactions = [{"code": "create"}, {"code": "read"}, {"code": "update"},
                    {"code": "patch"}]
    return {
        "resourceType": "CapabilityStatement", "status": "active",
        "date": _instant(CAPABILITIES_CHANGED), "kind": "instance", "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "software": {"name": "Interpreter register"},
        "implementation": {"description": "Requests for social interpreters: a "
                           "ServiceRequest or Appointment with the patient-interpreterRequired "
                           "extension (docs/api.md)"},
        "rest": [{"mode": "server",
                  "security": {"description": "Authorization: Bearer <API key of the "
                               "organisation>; a write key to create"},
                  "resource": [{"type": kind, "interaction": interactions
                                + ([{"code": "search-type"}] if kind == "Appointment"
                                   else []),
                                "conditionalCreate": True, "updateCreate": False,
                                "conditionalDelete": "not-supported",
                                **({"searchParam": [
                                    {"name": "date", "type": "date"},
                                    {"name": "status", "type": "token"}]}
                                   if kind == "Appointment" else {})}
                               for kind in ("Appointment", "ServiceRequest")]}],
    }
