"""``/api/v1/fhir``: a hospital's system posts a FHIR R4 ServiceRequest or Appointment that
needs an interpreter (a retry makes nothing twice: ``Idempotency-Key`` through
``idempotency``, or ``If-None-Exist``), reads it back, cancels it (PUT or JSON Patch of the
status, through ``cancel_request``) and searches its Appointments (docs/api.md, "FHIR R4").

A blueprint nested in ``/api/v1`` (``v1.bp``): the same API keys, the same rate limit and
the same call log (its parent's hooks run for it). A posted resource becomes a request
through the service the web form and ``/api/v1/requests`` use
(``bookings.services.requests.create_request``), read by ``fhir_mapping``. Every error is
an OperationOutcome in the language of ``Accept-Language``, never a problem document.
"""

import logging
from datetime import date, time, timedelta
from urllib.parse import unquote, urlencode

from flask import abort, current_app, g, json, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from ..bookings.models import Booking, InterpretingRequest, RequestStatus
from ..bookings.services.requests import (
    cancel_request,
    create_request,
    normalise_case_reference,
)
from ..core.permissions import Forbidden
from ..core.rules import RuleError
from ..core.time import brussels_to_utc
from ..extensions import csrf, db
from ..register.models import Modality
from ..sheets.models import CompletionSheet
from . import fhir_mapping, idempotency, problems
from .fhir_mapping import Invalid, Issue

FHIR_JSON = "application/fhir+json"
ACCEPTED_TYPES = (FHIR_JSON, "application/json")
JSON_PATCH = "application/json-patch+json"
IF_NONE_EXIST = "If-None-Exist"
log = logging.getLogger(__name__)

bp = Blueprint("fhir", __name__, description="FHIR R4: a hospital's ServiceRequest or "
               "Appointment that needs an interpreter")
csrf.exempt(bp)

# What each error status says, as an OperationOutcome issue code and a diagnostic.
OUTCOMES = {
    400: ("structure", _l("The body is not valid JSON.")),
    401: ("login", problems.DETAILS[401]),
    403: ("forbidden", problems.DETAILS[403]),
    404: ("not-found", problems.DETAILS[404]),
    409: ("conflict", _l("The same Idempotency-Key was sent twice at once: send the call "
                         "again to read the answer.")),
    405: ("not-supported", _l("This interaction is not supported on this resource.")),
    413: ("too-long", _l("The resource is larger than 64 KiB.")),
    415: ("not-supported", _l("Send the resource as application/fhir+json.")),
    429: ("throttled", _l("Too many calls with this key: wait the seconds Retry-After "
                          "says.")),
}
CANCELLED_BY_THE_SYSTEM = _l("Cancelled by the hospital’s system (no reason given).")
TRANSLATION_IS_NO_APPOINTMENT = _l(
    "This request is a written translation, not an appointment: read it as a "
    "ServiceRequest or at /api/v1/requests.")


def outcome(status: int, issues, headers=None):
    """An OperationOutcome answer; ``issues``: ``fhir_mapping.Issue`` each."""
    body = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": issue.code, "diagnostics": str(issue.diagnostics),
         **({"expression": [issue.expression]} if issue.expression else {})}
        for issue in issues]}
    response = current_app.response_class(json.dumps(body), status=status,
                                          mimetype=FHIR_JSON)
    response.headers["Content-Language"] = get_locale().language
    response.headers.update(headers or {})
    return response


def _resource(status: int, resource: dict, headers=None):
    response = current_app.response_class(json.dumps(resource), status=status,
                                          mimetype=FHIR_JSON)
    response.headers["Content-Language"] = get_locale().language
    response.headers.update(headers or {})
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every error under /api/v1/fhir (the key's 401, the rate limit's 429 included; an
    unknown path's 404 and a wrong method's 405 through ``v1.init_api``, since routing
    fails before any blueprint is chosen)."""
    db.session.rollback()
    code = error.code or 500
    headers = {}
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if code == 429 and error.response is not None and "Retry-After" in error.response.headers:
        headers["Retry-After"] = error.response.headers["Retry-After"]
    if code >= 500:
        log.error("unhandled FHIR error", exc_info=getattr(error, "original_exception", None))
        issue_code, text = "exception", problems.TITLES[500]
    else:
        issue_code, text = OUTCOMES.get(code, ("processing", problems.TITLES.get(
            code, problems.TITLES[400])))
    return outcome(code, [Issue(issue_code, text)], headers)


@bp.errorhandler(Forbidden)
def _forbidden(_error):
    db.session.rollback()
    return outcome(403, [Issue("forbidden", problems.NOT_ALLOWED)])


def _read_body(types=ACCEPTED_TYPES):
    """The posted JSON (415 for another type, 400 when it is not JSON at all)."""
    if request.mimetype not in types:
        raise Invalid(Issue("not-supported", OUTCOMES[415][1]), status=415)
    try:
        return json.loads(request.get_data() or b"")
    except ValueError:
        raise Invalid(Issue("structure", OUTCOMES[400][1])) from None


def _own(request_id: int) -> InterpretingRequest:
    """The key's organisation's request; any other answers 404, as on the web pages."""
    item = db.session.get(InterpretingRequest, request_id)
    if item is None or item.organisation_id != g.api_key.organisation_id:
        abort(404)
    return item


def _no_shows(items) -> set[int]:
    """The ids of the requests whose settled completion sheet says the client did not
    come: one query for a page of them, whatever its size."""
    bookings = {booking.id: item.id for item in items
                if item.status == RequestStatus.COMPLETED
                and (booking := item.live_booking) is not None}
    if not bookings:
        return set()
    sheets = db.session.scalars(select(CompletionSheet).where(
        CompletionSheet.booking_id.in_(bookings))
        .options(selectinload(CompletionSheet.versions))).all()
    return {bookings[sheet.booking_id] for sheet in sheets
            if sheet.settled_version is not None and sheet.settled_version.no_show}


def _no_show(item: InterpretingRequest) -> bool:
    return item.id in _no_shows([item])


def _key_refused(refused: idempotency.Refused):
    return outcome(422, [Issue("invalid" if refused.detail is None else "duplicate",
                               refused.detail or refused.message, idempotency.HEADER)])


def _identifier_searched() -> str | None:
    """The value ``If-None-Exist: identifier=[system|]value`` asks for (None without the
    header); any other search is refused (400). We keep the identifier's value only (as
    the case reference, in capitals as every case reference), so the system, when given,
    is not compared."""
    header = request.headers.get(IF_NONE_EXIST)
    if header is None:
        return None
    name, _, searched = header.strip().lstrip("?").partition("=")
    value = unquote(searched.rpartition("|")[2]).strip()
    if name != "identifier" or not value or "&" in searched:
        raise Invalid(Issue("not-supported", _l(
            "If-None-Exist accepts one search: identifier=system|value."), IF_NONE_EXIST),
            status=400)
    return value


def _as_resource(kind: str, item: InterpretingRequest):
    if kind == "Appointment":
        return fhir_mapping.appointment(item), url_for(".appointment", request_id=item.id)
    return (fhir_mapping.service_request(item),
            url_for(".service_request", request_id=item.id))


def _existing(kind: str, value: str):
    """The answer to a conditional create whose identifier names one of the organisation's
    requests already (200, the resource as it is now), 412 if it names several, or None."""
    found = db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == g.api_key.organisation_id,
        InterpretingRequest.case_reference == normalise_case_reference(value))
        .limit(2)).all()
    if kind == "Appointment":
        found = [item for item in found if not item.is_translation]
    if len(found) > 1:
        return outcome(412, [Issue("duplicate", _l(
            "Several requests carry this identifier: nothing was created."), IF_NONE_EXIST)])
    if not found:
        return None
    resource, location = _as_resource(kind, found[0])
    return _resource(200, resource, {"Location": location})


def _create(kind: str):
    """A new request from the posted resource. A retry is answered without a second
    request: the same ``Idempotency-Key`` gets the first answer (another body under it,
    422); ``If-None-Exist: identifier=system|value`` gets the request already made."""
    if not g.api_key.can_write:
        return outcome(403, [Issue("forbidden", problems.DETAILS[403])])
    try:
        replayed = idempotency.stored_answer(g.api_key, FHIR_JSON)
    except idempotency.Refused as refused:
        return _key_refused(refused)
    if replayed is not None:
        return replayed
    try:
        searched = _identifier_searched()
        if searched is not None and (existing := _existing(kind, searched)) is not None:
            return existing
        data = _read_body()
        details = fhir_mapping.read(kind, data, g.api_key.organisation.working_language
                                    if g.api_key.organisation else "nl")
        item = create_request(g.api_key.user, details)
    except Invalid as invalid:
        db.session.rollback()
        return outcome(invalid.http_status, invalid.issues)
    except RuleError as error:
        db.session.rollback()
        return outcome(422, [Issue("business-rule" if field in (None, "day") else "invalid",
                                   message, fhir_mapping.element(kind, field))
                             for message, field in error.problems])
    resource, location = _as_resource(kind, item)
    response = idempotency.created(g.api_key, resource, location, FHIR_JSON)
    response.headers["Content-Language"] = get_locale().language
    return response


def _doc(summary: str, created: str | None = None, read: str | None = None) -> dict:
    """The OpenAPI description: FHIR JSON in and out, OperationOutcome for errors."""
    resource = {"type": "object", "required": ["resourceType"],
                "properties": {"resourceType": {"type": "string"}}}
    outcome_content = {FHIR_JSON: {"schema": {
        "type": "object", "properties": {"resourceType": {"const": "OperationOutcome"},
                                         "issue": {"type": "array", "items": {"type": "object"}}}}}}
    responses = {str(code): {"description": f"OperationOutcome ({text})",
                             "content": outcome_content}
                 for code, text in ((401, "no valid key"), (404, "not this key's"),
                                    (429, "rate limit, with Retry-After"))}
    doc = {"summary": summary, "responses": responses, "tags": ["FHIR R4"]}
    if created:
        doc["requestBody"] = {"required": True, "description": created, "content": {
            FHIR_JSON: {"schema": resource}, "application/json": {"schema": resource}}}
        responses.pop("404")
        responses.update({
            "201": {"description": "Created: the resource as stored, with our id; Location "
                    "says where to read it", "content": {FHIR_JSON: {"schema": resource}}},
            "400": {"description": "OperationOutcome: not JSON, or not valid FHIR R4",
                    "content": outcome_content},
            "403": {"description": "OperationOutcome: a read key", "content": outcome_content},
            "413": {"description": "OperationOutcome: over 64 KiB", "content": outcome_content},
            "415": {"description": "OperationOutcome: not FHIR JSON", "content": outcome_content},
            "200": {"description": "If-None-Exist named a request already made: that "
                    "resource, nothing created", "content": {FHIR_JSON: {"schema": resource}}},
            "409": {"description": "OperationOutcome: the same Idempotency-Key twice at once",
                    "content": outcome_content},
            "412": {"description": "OperationOutcome: If-None-Exist named several requests",
                    "content": outcome_content},
            "422": {"description": "OperationOutcome: refused (extension missing, times in "
                    "the past, end before start...; an Idempotency-Key already used for "
                    "another body)", "content": outcome_content}})
        doc["parameters"] = [
            {"name": idempotency.HEADER, "in": "header", "required": False,
             "schema": {"type": "string", "maxLength": idempotency.MAX_KEY},
             "description": "The same key and body again get the first answer; nothing "
             "is created twice"},
            {"name": IF_NONE_EXIST, "in": "header", "required": False,
             "schema": {"type": "string"},
             "description": "identifier=system|value: conditional create; when one of the "
             "organisation's requests carries this identifier, it is answered (200)"}]
    if read:
        responses["200"] = {"description": read, "content": {FHIR_JSON: {"schema": resource}}}
    return doc


@bp.route("/ServiceRequest", methods=["POST"])
@bp.doc(**_doc("Ask for an interpreter with a ServiceRequest",
               created="A ServiceRequest with the patient-interpreterRequired extension"))
def create_service_request():
    return _create("ServiceRequest")


@bp.route("/Appointment", methods=["POST"])
@bp.doc(**_doc("Ask for an interpreter with an Appointment",
               created="An Appointment with the patient-interpreterRequired extension"))
def create_appointment():
    return _create("Appointment")


@bp.route("/Appointment/<int:request_id>")
@bp.doc(**_doc("The interpreter's appointment: its status, the interpreter, the times",
               read="The Appointment (R4)"))
def appointment(request_id):
    item = _own(request_id)
    if item.is_translation:
        return outcome(404, [Issue("not-found", TRANSLATION_IS_NO_APPOINTMENT)])
    return _resource(200, fhir_mapping.appointment(item, _no_show(item)))


@bp.route("/ServiceRequest/<int:request_id>")
@bp.doc(**_doc("The request as a ServiceRequest", read="The ServiceRequest (R4)"))
def service_request(request_id):
    item = _own(request_id)
    return _resource(200, fhir_mapping.service_request(item))


def _reads_cancelled(kind: str, item: InterpretingRequest) -> bool:
    if kind == "Appointment":
        return fhir_mapping.appointment_status(item) == fhir_mapping.CANCELLED[kind]
    return fhir_mapping.service_request_status(item) == fhir_mapping.CANCELLED[kind]


def _cancel(kind: str, request_id: int, patch: bool):
    """A PUT or PATCH that cancels: through the service the web's cancel page uses (the
    late-cancellation policy, every party told by mail). Sent again once cancelled, it
    answers the resource as it is (a retried PUT is no error)."""
    item = _own(request_id)
    if kind == "Appointment" and item.is_translation:
        return outcome(404, [Issue("not-found", TRANSLATION_IS_NO_APPOINTMENT)])
    if not g.api_key.can_write:
        return outcome(403, [Issue("forbidden", problems.DETAILS[403])])
    try:
        if patch:
            reason = fhir_mapping.patched_cancellation(kind, _read_body((JSON_PATCH,)))
        else:
            reason = fhir_mapping.cancellation(kind, _read_body(), request_id)
        if not _reads_cancelled(kind, item):
            if reason is None:
                with force_locale(item.working_language):
                    reason = str(CANCELLED_BY_THE_SYSTEM)
            cancel_request(g.api_key.user, item, reason)
    except Invalid as invalid:
        db.session.rollback()
        return outcome(invalid.http_status, invalid.issues)
    except RuleError as error:
        db.session.rollback()
        return outcome(422, [Issue("business-rule", message, f"{kind}.status")
                             for message, _field in error.problems])
    db.session.commit()
    resource, location = _as_resource(kind, item)
    return _resource(200, resource, {"Location": location})


CHANGE_DOC = ("Cancel: {verb} with status {status}; the same rules and mails as the web's "
              "cancel page (late by the service's policy: the cancelled-late extension says "
              "so). Any other change is refused: use /api/v1/requests. DELETE is not "
              "supported: a cancelled request stays readable.")


def _change_doc(kind: str, verb: str) -> dict:
    doc = _doc(CHANGE_DOC.format(verb=verb, status=fhir_mapping.CANCELLED[kind]),
               read=f"The {kind} as it is now, cancelled")
    content = ({JSON_PATCH: {"schema": {"type": "array", "items": {"type": "object"}}}}
               if verb == "PATCH" else {FHIR_JSON: {"schema": {"type": "object"}},
                                        "application/json": {"schema": {"type": "object"}}})
    doc["requestBody"] = {"required": True, "content": content}
    outcome_content = doc["responses"]["401"]["content"]
    doc["responses"].update({
        str(code): {"description": f"OperationOutcome: {text}", "content": outcome_content}
        for code, text in ((400, "not JSON, not R4, or another id than the address's"),
                           (403, "a read key"), (413, "over 64 KiB"),
                           (415, "another content type"),
                           (422, "not a cancellation, or no longer cancellable"))})
    return doc


@bp.route("/Appointment/<int:request_id>", methods=["PUT"])
@bp.doc(**_change_doc("Appointment", "PUT"))
def cancel_appointment(request_id):
    return _cancel("Appointment", request_id, patch=False)


@bp.route("/Appointment/<int:request_id>", methods=["PATCH"])
@bp.doc(**_change_doc("Appointment", "PATCH"))
def patch_appointment(request_id):
    return _cancel("Appointment", request_id, patch=True)


@bp.route("/ServiceRequest/<int:request_id>", methods=["PUT"])
@bp.doc(**_change_doc("ServiceRequest", "PUT"))
def cancel_service_request(request_id):
    return _cancel("ServiceRequest", request_id, patch=False)


@bp.route("/ServiceRequest/<int:request_id>", methods=["PATCH"])
@bp.doc(**_change_doc("ServiceRequest", "PATCH"))
def patch_service_request(request_id):
    return _cancel("ServiceRequest", request_id, patch=True)


# --- search: the organisation's appointments as a Bundle -------------------------------

SEARCH_STATUSES = {
    "proposed": (RequestStatus.SUBMITTED,), "pending": (RequestStatus.OFFERED,),
    "booked": (RequestStatus.BOOKED,),
    "cancelled": (RequestStatus.CANCELLED, RequestStatus.UNFILLED),
    # The settled sheet alone tells these apart: both select the completed appointments,
    # and each entry's status says which it is.
    "fulfilled": (RequestStatus.COMPLETED,), "noshow": (RequestStatus.COMPLETED,),
}
DATE_PREFIXES = ("eq", "ge", "gt", "le", "lt")
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100


def _bad_search(parameter: str, text) -> Invalid:
    return Invalid(Issue("value", text, parameter), status=400)


def _date_condition(value: str):
    """``date=[eq|ge|gt|le|lt]YYYY-MM-DD``: the start's day in Brussels."""
    prefix = value[:2] if value[:2] in DATE_PREFIXES else "eq"
    text = value[2:] if value[:2] in DATE_PREFIXES else value
    try:
        day = date.fromisoformat(text)
        first = brussels_to_utc(day, time(0))
        after = brussels_to_utc(day + timedelta(days=1), time(0))
    except (ValueError, OverflowError):          # not a date, or year 1 / 9999's edge
        raise _bad_search("date", _l(
            "Give the date as YYYY-MM-DD, with ge, gt, le or lt before it if you like.")) \
            from None
    starts = InterpretingRequest.starts_at
    return {"eq": (starts >= first) & (starts < after), "ge": starts >= first,
            "gt": starts >= after, "le": starts < after, "lt": starts < first}[prefix]


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise _bad_search(name, _l("%(name)s is a whole number from %(low)s to %(high)s.",
                                   name=name, low=low, high=high))
    return int(text)


def _search_appointments():
    """The page asked for: the conditions, the parameters applied (for the links), the
    size and the offset."""
    conditions, applied = [], []
    for value in request.args.getlist("date"):
        conditions.append(_date_condition(value.strip()))
        applied.append(("date", value.strip()))
    statuses = [code.strip() for value in request.args.getlist("status")
                for code in value.split(",") if code.strip()]
    if statuses:
        unknown = [code for code in statuses if code not in SEARCH_STATUSES]
        if unknown:
            raise _bad_search("status", _l(
                "The status is one of proposed, pending, booked, cancelled, fulfilled, "
                "noshow."))
        conditions.append(InterpretingRequest.status.in_(
            {status for code in statuses for status in SEARCH_STATUSES[code]}))
        applied.append(("status", ",".join(statuses)))
    count = _whole_number("_count", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    offset = _whole_number("_offset", 0, 0, 10**9)
    return conditions, applied, count, offset


def _search_doc() -> dict:
    doc = _doc("The organisation's appointments, a page at a time",
               read="A Bundle (searchset); its next link leads to the next page")
    doc["responses"].pop("404")
    doc["responses"]["400"] = {"description": "OperationOutcome: a wrong date, status or "
                               "count", "content": doc["responses"]["401"]["content"]}
    doc["responses"]["403"] = {"description": "OperationOutcome: a service's key",
                               "content": doc["responses"]["401"]["content"]}
    doc["parameters"] = [
        {"name": "date", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "[eq|ge|gt|le|lt]YYYY-MM-DD: the start's day in Brussels"},
        {"name": "status", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "proposed, pending, booked, cancelled, fulfilled, noshow "
         "(comma-separated)"},
        {"name": "_count", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
        {"name": "_offset", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 0}}]
    return doc


@bp.route("/Appointment")
@bp.doc(**_search_doc())
def search_appointments():
    if g.api_key.organisation_id is None:        # a service's key: no appointments of its own
        return outcome(403, [Issue("forbidden", problems.DETAILS[403])])
    try:
        conditions, applied, count, offset = _search_appointments()
    except Invalid as invalid:
        return outcome(invalid.http_status, invalid.issues)
    statement = select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == g.api_key.organisation_id,
        InterpretingRequest.modality != Modality.WRITTEN, *conditions)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    # The bookings and their people come with the page (each entry names its
    # interpreter), and the no-shows in one query: not three queries an entry.
    items = db.session.scalars(statement.order_by(
        InterpretingRequest.starts_at, InterpretingRequest.id)
        .options(selectinload(InterpretingRequest.bookings).joinedload(Booking.person))
        .offset(offset).limit(count)).all()
    no_shows = _no_shows(items)
    base = url_for(".search_appointments", _external=True)

    def link(relation: str, at: int) -> dict:
        return {"relation": relation,
                "url": f"{base}?{urlencode([*applied, ('_count', count), ('_offset', at)])}"}

    links = [link("self", offset)]
    if offset + count < total:
        links.append(link("next", offset + count))
    if offset > 0:
        links.append(link("previous", max(0, offset - count)))
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links,
              "entry": [{"fullUrl": url_for(".appointment", request_id=item.id,
                                            _external=True),
                         "resource": fhir_mapping.appointment(item, item.id in no_shows),
                         "search": {"mode": "match"}} for item in items]}
    if not bundle["entry"]:
        del bundle["entry"]
    return _resource(200, bundle)


@bp.route("/metadata")
@bp.doc(**_doc("What this server does with FHIR (a CapabilityStatement)",
               read="The CapabilityStatement (R4)"))
def metadata():
    return _resource(200, fhir_mapping.capability_statement())
