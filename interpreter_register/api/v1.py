"""``/api/v1``: an organisation's own system creates, reads, lists and cancels its requests.

Every call carries ``Authorization: Bearer <key>``; the key acts with the rights of its
user (``models.ApiKey``), so the bookings services check exactly what they check for the
person. Another organisation's request answers 404, as on the web pages.
"""

import base64
import binascii
import logging
import math
import time
from datetime import UTC
from http import HTTPStatus

from flask import current_app, g, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api, Blueprint, abort
from flask_smorest.utils import prepare_response
from limits import parse as parse_limit
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from ..bookings.models import Booking, InterpretingRequest, RequestStatus
from ..bookings.services.requests import RequestDetails, cancel_request, create_request
from ..bookings.services.search import requests_of_organisation
from ..core.permissions import Forbidden
from ..core.rules import RuleError
from ..extensions import csrf, db
from ..organisations.models import WORKING_LANGUAGES
from ..register.models import Direction, Domain, Gender, Language, Modality, Tier
from . import fhir, idempotency, problems
from .keys import recognise

API_CONFIG = {
    "API_TITLE": "Interpreter register API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_RATE_LIMIT": "300 per minute",
    # Calls with an unknown, wrong, revoked or expired key, per address: guessing keys (a
    # new prefix each time escapes the per-key limit) is slowed to this pace.
    "API_FAILED_KEY_LIMIT": "30 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "API_SPEC_OPTIONS": {
        "components": {"securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}}},
        "security": [{"apiKey": []}],
    },
}
log = logging.getLogger(__name__)
PAGE_SIZE, MAX_PAGE_SIZE = 50, 100
# The largest id a row may have (a 32-bit integer column): a larger one names nothing, and
# the database driver would refuse to send it.
MAX_ID = 2**31 - 1
# A request is a few hundred bytes; anything much larger is a mistake or an attack (413).
MAX_BODY = 64 * 1024
# The service's words for its fields, where the API names them otherwise.
FIELD_NAMES = {"code": "language", "starts": "starts_at", "ends": "ends_at", "day": "starts_at",
               "repeat": "repeat.frequency", "repeat_until": "repeat.until",
               "repeat_count": "repeat.count", "repeat_nth": "repeat.nth"}


class ProblemFieldSchema(Schema):
    field = fields.String(allow_none=True)
    message = fields.String()


class ProblemSchema(Schema):
    """RFC 9457: what every error of the API answers, as ``application/problem+json``."""

    type = fields.String()
    title = fields.String(metadata={"description": "in the language of Accept-Language"})
    status = fields.Integer()
    detail = fields.String()
    errors = fields.List(fields.Nested(ProblemFieldSchema))


class SiteApi(Api):
    """flask-smorest without its application-wide error handler: the web pages keep their
    own error pages; ``/api`` answers problem documents (``init_api``), and the document
    says so."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_responses(self):
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM_TYPE
                             if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem document", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = SiteApi()
bp = Blueprint("api_v1", __name__, url_prefix="/api/v1",
               description="Requests of an organisation's own system")
csrf.exempt(bp)
# FHIR R4 (``fhir``): nested, so that its calls pass the same key, limit and log hooks.
bp.register_blueprint(fhir.bp, url_prefix="/fhir")
FHIR_PREFIX = f"{bp.url_prefix}/fhir"


def is_fhir_request() -> bool:
    """Under /api/v1/fhir: its errors are OperationOutcomes, even those of routing."""
    return request.path == FHIR_PREFIX or request.path.startswith(FHIR_PREFIX + "/")


# --- rate limits --------------------------------------------------------------------
# Per key (by its public prefix, read before the key is checked, so that guessing at one
# key's secret is limited too); a call without a key counts per address. The counts live
# in the process (``RATELIMIT_STORAGE_URI``, memory:// by default): with several workers,
# each counts its own share unless a shared storage is configured.

def _rate_key() -> str:
    _scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    parts = key.strip().split("_")
    if len(parts) >= 3:
        return f"key:{parts[1]}"
    return f"address:{get_remote_address()}"


def _rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _too_many(limit):
    return problems.problem(429, headers={
        "Retry-After": str(max(1, math.ceil(limit.reset_at - time.time())))})


limiter = Limiter(key_func=_rate_key, default_limits=[], headers_enabled=False)
limiter.limit(_rate, on_breach=_too_many)(bp)


def _failed_key_limit():
    return parse_limit(current_app.config["API_FAILED_KEY_LIMIT"])


def _refuse_guessing() -> None:
    """An address that sent too many keys that were not valid gets 429 until its window
    ends, before any key it sends is looked at."""
    limit, address = _failed_key_limit(), get_remote_address()
    if not limiter.limiter.test(limit, "failed-key", address):
        reset_at = limiter.limiter.get_window_stats(limit, "failed-key", address).reset_time
        abort(429, headers={"Retry-After": str(max(1, math.ceil(reset_at - time.time())))})


def _count_failed_key() -> None:
    limiter.limiter.hit(_failed_key_limit(), "failed-key", get_remote_address())


# --- authentication -----------------------------------------------------------------

@bp.before_request
def _authenticate():
    request.max_content_length = MAX_BODY
    _refuse_guessing()
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    api_key = recognise(key.strip()) if scheme.lower() == "bearer" else None
    if api_key is None:
        db.session.rollback()
        _count_failed_key()
        abort(401)
    if db.session.dirty:             # its time of last use: worth a try, never a failure
        try:
            db.session.commit()
        except OperationalError:     # SQLite busy with another writer: next time
            db.session.rollback()
    g.api_key = api_key


# Every call is logged without its body (which may carry client data: case references,
# notes), nor its query (a case reference may be a filter): who, what, how it ended.
calls = logging.getLogger("interpreter_register.api.calls")


@bp.after_request
def _log_call(response):
    api_key = g.get("api_key")
    calls.info("%s %s %s key=%s", request.method, request.path, response.status_code,
               api_key.prefix if api_key is not None else "-")
    return response


def _write_access() -> None:
    if not g.api_key.can_write:
        abort(403)


def _etag(item: InterpretingRequest) -> str:
    """Changes whenever the request does (``updated_at`` moves with every change)."""
    return f'"{item.id}-{int(item.updated_at.timestamp() * 1_000_000)}"'


def _check_if_match(item: InterpretingRequest, required: bool = False) -> None:
    """A change sent with ``If-Match`` goes through only on the version the caller read
    (412 otherwise); without the header it goes through, as on the web pages, unless
    ``required`` (a PATCH: 428, so that nobody overwrites a change they never read)."""
    wanted = request.headers.get("If-Match")
    if required and not wanted:
        abort(428)
    if wanted and wanted.strip() != "*" and _etag(item) not in [
            tag.strip() for tag in wanted.split(",")]:
        abort(412)


def organisation_key() -> int:
    """The calling key's organisation; a service's key is refused (403) what only an
    organisation's system does."""
    if g.api_key.organisation_id is None:
        abort(403, detail=problems.ORGANISATION_ONLY)
    return g.api_key.organisation_id


def service_key() -> int:
    """The calling key's interpreting service; an organisation's key is refused (403)."""
    if g.api_key.service_id is None:
        abort(403, detail=problems.SERVICE_ONLY)
    return g.api_key.service_id


def get_row(model, row_id: int):
    """The row of that id, or None (also for an id no row can have)."""
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def an_id(**kwargs):
    """A field that names a row by its id."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _own_request(request_id: int) -> InterpretingRequest:
    organisation_id = organisation_key()
    item = get_row(InterpretingRequest, request_id)
    if item is None or item.organisation_id != organisation_id:
        abort(404)
    return item


# --- schemas ------------------------------------------------------------------------

def _enum(enum, **kwargs):
    return fields.String(validate=validate.OneOf([member.value for member in enum]), **kwargs)


class Utc(fields.AwareDateTime):
    """An RFC 3339 time with its offset; read into UTC, written in UTC with a ``Z``."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class NewRequestSchema(Schema):
    language = fields.String(required=True, validate=validate.Length(min=2, max=12),
                             metadata={"description": "ISO 639 code of the language asked for"})
    working_language = fields.String(validate=validate.OneOf(WORKING_LANGUAGES), metadata={
        "description": "nl, fr or de; the organisation's own when left out"})
    modality = _enum(Modality, required=True)
    domain = _enum(Domain, required=True)
    starts_at = Utc()
    ends_at = Utc()
    deadline_on = fields.Date()
    words = fields.Integer(validate=validate.Range(min=1, max=10_000_000))
    direction = _enum(Direction)
    address = fields.String(validate=validate.Length(max=200))
    postcode = fields.String(validate=validate.Length(max=4))
    municipality = fields.String(validate=validate.Length(max=100))
    phone_number = fields.String(validate=validate.Length(max=40))
    video_link = fields.String(validate=validate.Length(max=500))
    case_reference = fields.String(validate=validate.Length(max=60))
    notes = fields.String(validate=validate.Length(max=5000))
    preferred_gender = _enum(Gender)
    prefer_same_interpreter = fields.Boolean()
    urgent = fields.Boolean()


class BookingSchema(Schema):
    """Who is booked, as the organisation sees it on the request's page."""

    id = fields.Integer()
    status = fields.String(attribute="status.value")
    interpreter = fields.String(attribute="person.full_name")
    tier = fields.Function(lambda booking: booking.tier_enum.name.lower(), metadata={
        "enum": [tier.name.lower() for tier in Tier]})
    starts_at = Utc(allow_none=True)
    ends_at = Utc(allow_none=True)
    deadline_on = fields.Date(allow_none=True)
    confirmed_at = Utc()


class RequestSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String(attribute="status.value")
    language = fields.String(attribute="language_code")
    working_language = fields.String()
    modality = fields.String(attribute="modality.value")
    domain = fields.String(attribute="domain.value")
    direction = fields.String(attribute="direction.value")
    starts_at = Utc(allow_none=True)
    ends_at = Utc(allow_none=True)
    deadline_on = fields.Date(allow_none=True)
    words = fields.Integer(allow_none=True)
    address = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    municipality = fields.String(allow_none=True)
    phone_number = fields.String(allow_none=True)
    video_link = fields.String(allow_none=True)
    case_reference = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    preferred_gender = fields.Function(
        lambda item: item.preferred_gender.value if item.preferred_gender else None,
        allow_none=True)
    prefer_same_interpreter = fields.Boolean()
    urgent = fields.Boolean()
    created_at = Utc()
    cancelled_at = Utc(allow_none=True)
    cancelled_late = fields.Boolean(allow_none=True)
    series_id = fields.Integer(allow_none=True, metadata={
        "description": "the series this request is a date of (null: a single request)"})
    occurrence = fields.Integer(allow_none=True, metadata={
        "description": "which date of its series, from 1"})
    booking = fields.Nested(BookingSchema, attribute="live_booking", allow_none=True,
                            metadata={"description": "the live booking, when someone is booked"})


class RequestListSchema(Schema):
    items = fields.List(fields.Nested(RequestSchema))
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "Pass as ?cursor= for the next page; null on the last page"})


class ListArgsSchema(Schema):
    status = fields.List(_enum(RequestStatus), metadata={"description": "repeatable"})
    case_reference = fields.String()
    series_id = an_id(metadata={"description": "the dates of one series"})
    due_from = Utc(metadata={"description": "due at or after (the start, or the deadline)"})
    due_before = Utc()
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, MAX_PAGE_SIZE))
    cursor = fields.String()


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


# --- cursors ------------------------------------------------------------------------

def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def _after(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        mark, last_id = text.split(":")
        if mark != "v1":
            raise ValueError
        return int(last_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        abort(422, messages={"query": {"cursor": [problems.NOT_A_CURSOR]}})


# --- the requests -------------------------------------------------------------------

def _details(data: dict) -> RequestDetails:
    organisation = g.api_key.organisation
    return RequestDetails(
        language_code=data["language"],
        working_language=data.get("working_language", organisation.working_language),
        modality=Modality(data["modality"]), domain=Domain(data["domain"]),
        starts_at=data.get("starts_at"), ends_at=data.get("ends_at"),
        deadline_on=data.get("deadline_on"), words=data.get("words"),
        direction=Direction(data.get("direction", Direction.BOTH)),
        address=data.get("address"), postcode=data.get("postcode"),
        municipality=data.get("municipality"), phone_number=data.get("phone_number"),
        video_link=data.get("video_link"), case_reference=data.get("case_reference"),
        notes=data.get("notes"),
        preferred_gender=Gender(data["preferred_gender"]) if data.get("preferred_gender")
        else None,
        prefer_same_interpreter=data.get("prefer_same_interpreter", False),
        urgent=data.get("urgent", False))


def _errors(*codes):
    """Document the problem documents a view may answer (every view: 401 and 429)."""
    def decorate(view):
        for code in sorted({401, 429, *codes}, reverse=True):
            view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


def _refused(error: RuleError):
    db.session.rollback()
    return problems.problem(422, errors=[(FIELD_NAMES.get(field, field), message)
                                         for message, field in error.problems])


@bp.route("/requests")
@bp.arguments(ListArgsSchema, location="query")
@bp.response(200, RequestListSchema)
@_errors()
def list_requests(args):
    """The organisation's requests, newest first, a page at a time."""
    statement = requests_of_organisation(organisation_key()).order_by(
        InterpretingRequest.id.desc())
    if args.get("status"):
        statement = statement.where(InterpretingRequest.status.in_(args["status"]))
    if args.get("case_reference"):
        statement = statement.where(
            InterpretingRequest.case_reference == args["case_reference"])
    if args.get("series_id"):
        statement = statement.where(InterpretingRequest.series_id == args["series_id"])
    if args.get("due_from"):
        statement = statement.where(InterpretingRequest.due_at >= args["due_from"])
    if args.get("due_before"):
        statement = statement.where(InterpretingRequest.due_at < args["due_before"])
    # Each item names its booked interpreter: load them with the page, not one by one.
    return cursor_page(statement.options(
        selectinload(InterpretingRequest.bookings).joinedload(Booking.person)),
        InterpretingRequest.id, args)


def cursor_page(statement, id_column, args) -> dict:
    """A page of ``statement`` (ordered newest first by ``id_column``) after the cursor of
    ``args``, ``limit`` long, with the cursor of the next page (None on the last)."""
    if args.get("cursor"):
        statement = statement.where(id_column < _after(args["cursor"]))
    limit = args["limit"]
    items = list(db.session.scalars(statement.limit(limit + 1)))
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": _cursor(items[-1].id) if more else None}


@bp.route("/requests", methods=["POST"])
@bp.arguments(NewRequestSchema)
@bp.response(201, RequestSchema)
@bp.alt_response(422, description="Refused: problem+json naming the fields")
@_errors(403, 409, 413)
@bp.doc(parameters=[{"name": idempotency.HEADER, "in": "header", "required": False,
                     "schema": {"type": "string", "maxLength": idempotency.MAX_KEY},
                     "description": "The same key and body again get the first answer"}])
def create(data):
    """Ask for an interpreter or a translation; routed as a request from the web form."""
    _write_access()
    organisation_key()
    replayed = idempotency.replay(g.api_key)
    if replayed is not None:
        return replayed
    try:
        item = create_request(g.api_key.user, _details(data))
    except RuleError as error:
        return _refused(error)
    response = created(RequestSchema().dump(item), url_for("api_v1.read", request_id=item.id))
    response.headers["ETag"] = _etag(item)
    return response


def created(body: dict, location: str):
    """The 201 answer to a POST, committed with its Idempotency-Key's answer."""
    return idempotency.created(g.api_key, body, location)


@bp.route("/requests/<int:request_id>")
@bp.response(200, RequestSchema)
@_errors(404)
def read(request_id):
    item = _own_request(request_id)
    return item, 200, {"ETag": _etag(item)}


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
@bp.arguments(CancelSchema)
@bp.response(200, RequestSchema)
@bp.alt_response(412, description="If-Match names another version of the request")
@_errors(403, 404, 413, 422)
def cancel(data, request_id):
    """Cancel the request and its booking; ``cancelled_late`` says whether it was late by
    the service's policy."""
    _write_access()
    item = _own_request(request_id)
    _check_if_match(item)
    try:
        cancel_request(g.api_key.user, item, data["reason"])
    except RuleError as error:
        return _refused(error)
    db.session.commit()
    return item, 200, {"ETag": _etag(item)}


# --- the register's languages --------------------------------------------------------

class LanguageSchema(Schema):
    code = fields.String(metadata={"description": "ISO 639-1, else 639-3"})
    names = fields.Function(lambda language: {ui: language.name(ui) for ui in WORKING_LANGUAGES},
                            metadata={"description": "the name in nl, fr and de"})


class LanguageListSchema(Schema):
    items = fields.List(fields.Nested(LanguageSchema))


@bp.route("/languages")
@bp.response(200, LanguageListSchema)
@_errors()
def languages():
    """The languages the register knows, to ask for (any other ISO 639 code is accepted
    too, as demand: the register then adds it)."""
    return {"items": db.session.scalars(select(Language).order_by(Language.code))}


@bp.errorhandler(Forbidden)
def _forbidden(_error):
    db.session.rollback()
    return problems.problem(403, detail=problems.NOT_ALLOWED)


def init_api(app) -> None:
    """``/api/v1`` and its OpenAPI document; problem documents for every ``/api`` error."""
    for name, value in API_CONFIG.items():
        app.config.setdefault(name, value)
    api.init_app(app)
    # The views of every part of /api/v1, on the one blueprint, before it is registered.
    from . import v1_bookings, v1_changes, v1_register, v1_service, v1_sheets  # noqa: F401
    api.register_blueprint(bp)
    from .docs import bp as docs_bp
    app.register_blueprint(docs_bp)
    limiter.init_app(app)
    from werkzeug.exceptions import HTTPException, InternalServerError

    from ..core.errors import handle_http_error, handle_server_error

    def http_error(error):
        # An unknown path or a wrong method fails in routing, before the FHIR blueprint's
        # own handler could answer: its OperationOutcome is chosen here by the path.
        if is_fhir_request():
            return fhir.http_error(error)
        if problems.is_api_request():
            return problems.handle_http_exception(error)
        return handle_http_error(error)

    def server_error(error):
        if problems.is_api_request():
            db.session.rollback()
            log.error("unhandled API error", exc_info=error.original_exception)
            return problems.problem(500)
        return handle_server_error(error)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
