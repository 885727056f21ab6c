"""``/api/v1``: an organisation's system changes its requests and asks for series.

A change goes through the same services as the web form (``bookings.services.series
.edit_occurrences``, which calls ``edits.edit_request``), so every party is told exactly
as when a requester changes the request on its page: offers taken back, the service
flagged, the booked interpreter asked to look again, the calendars moved. A series is made
by ``series.create_series`` and cancelled from a date by ``series.cancel_from``.
"""

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from ..bookings.models import RequestSeries
from ..bookings.recurrence import NTH_CHOICES, Frequency, Recurrence
from ..bookings.services import series as series_service
from ..bookings.services.requests import RequestDetails, details_of
from ..core.i18n import current_language
from ..core.rules import RuleError
from ..core.time import to_brussels
from ..extensions import db
from ..register.models import Direction, Domain, Gender, Modality
from . import idempotency
from .v1 import (
    NewRequestSchema,
    RequestSchema,
    Utc,
    _check_if_match,
    _details,
    _enum,
    _errors,
    _etag,
    _own_request,
    _refused,
    _write_access,
    bp,
    created,
    get_row,
    organisation_key,
)

IDEMPOTENCY_PARAMETER = {
    "name": idempotency.HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "maxLength": idempotency.MAX_KEY},
    "description": "The same key and body again get the first answer"}
IF_MATCH_PARAMETER = {
    "name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
    "description": "The ETag of the request as read: a change of a version you did not "
                   "read answers 412; without it, 428"}


class ChangeSchema(NewRequestSchema):
    """What may change: any field of a new request (those left out stay as they are)."""

    language = fields.String(validate=validate.Length(min=2, max=12))
    modality = _enum(Modality)
    domain = _enum(Domain)
    preferred_gender = _enum(Gender, allow_none=True)
    scope = _enum(series_service.Scope, load_default=series_service.Scope.ONE.value,
                  metadata={"description": "for a date of a series: this date only (one), "
                                           "this one and the following (following), or all "
                                           "the dates still to come (all)"})


# The API's names of a request's details, where RequestDetails names them otherwise.
DETAIL_NAMES = {"language": "language_code"}
ENUMS = {"modality": Modality, "domain": Domain, "direction": Direction,
         "preferred_gender": Gender}


def _changed_details(item, data: dict) -> RequestDetails:
    """The request's details as they are, with what the call changes."""
    details = details_of(item).__dict__
    for name, value in data.items():
        if name == "scope":
            continue
        if name in ENUMS and value is not None:
            value = ENUMS[name](value)
        details[DETAIL_NAMES.get(name, name)] = value
    return RequestDetails(**details)


@bp.route("/requests/<int:request_id>", methods=["PATCH"])
@bp.arguments(ChangeSchema)
@bp.response(200, RequestSchema)
@bp.alt_response(412, description="If-Match names another version of the request")
@bp.alt_response(428, description="If-Match is missing")
@_errors(403, 404, 413, 422)
@bp.doc(parameters=[IF_MATCH_PARAMETER])
def change(data, request_id):
    """Change a request, as its requester does on the web page (the same checks, the same
    messages to everyone concerned); for a date of a series, ``scope`` says which dates."""
    _write_access()
    item = _own_request(request_id)
    _check_if_match(item, required=True)
    try:
        series_service.edit_occurrences(g.api_key.user, item, _changed_details(item, data),
                                        data["scope"])
    except RuleError as error:
        return _refused(error)
    db.session.commit()
    return item, 200, {"ETag": _etag(item)}


# --- series -------------------------------------------------------------------------------

class RepeatSchema(Schema):
    frequency = _enum(Frequency, required=True)
    until = fields.Date(metadata={"description": "the last day (or give count)"})
    count = fields.Integer(validate=validate.Range(min=1, max=1000),
                           metadata={"description": "how many dates (or give until)"})
    nth = fields.Integer(validate=validate.OneOf(NTH_CHOICES), metadata={
        "description": "monthly_by_weekday: the first (1) to fifth (5), or the last (-1) "
                       "weekday of the month; the first date's by default"})
    skip = fields.List(fields.Date(), load_default=list, metadata={
        "description": "days to leave out (public holidays, say)"})


class NewSeriesSchema(NewRequestSchema):
    """The first date's details, and how it repeats (as the web form's Repeat fields)."""

    repeat = fields.Nested(RepeatSchema, required=True)


class SeriesSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    frequency = fields.String(attribute="frequency.value")
    first_day = fields.Date()
    until = fields.Date(allow_none=True)
    count = fields.Integer(allow_none=True)
    nth = fields.Integer(allow_none=True)
    size = fields.Integer(metadata={"description": "how many requests were made"})
    created_at = Utc()
    requests = fields.List(fields.Nested(RequestSchema), metadata={
        "description": "its dates, in order"})


class SeriesCancelSchema(Schema):
    first_day = fields.Date(required=True, metadata={
        "description": "the dates on and after this day that have not begun are cancelled"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


class SeriesCancelledSchema(Schema):
    cancelled = fields.Integer()
    cancelled_late = fields.Integer(metadata={
        "description": "how many of them were late by the service's policy"})
    series = fields.Nested(SeriesSchema)


def _own_series(series_id: int) -> RequestSeries:
    organisation_id = organisation_key()
    found = get_row(RequestSeries, series_id)
    if found is None or found.organisation_id != organisation_id:
        abort(404)
    return found


def _rule(data: dict) -> Recurrence:
    """The series' rule, from its first date's day (in Brussels), as the web form's."""
    repeat = data["repeat"]
    if data.get("starts_at") is None:
        raise RuleError(_l("Give the day, the start and the end."), "starts_at")
    frequency = Frequency(repeat["frequency"])
    nth = repeat.get("nth") if frequency == Frequency.MONTHLY_BY_WEEKDAY else None
    return Recurrence(to_brussels(data["starts_at"]).date(), frequency,
                      until=repeat.get("until"), count=repeat.get("count"), nth=nth)


@bp.route("/series", methods=["POST"])
@bp.arguments(NewSeriesSchema)
@bp.response(201, SeriesSchema)
@bp.alt_response(422, description="Refused: problem+json naming the fields")
@_errors(403, 409, 413)
@bp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def create_series(data):
    """Ask for the same interpreting every week, two weeks or month: one request per date,
    made as the web form makes a series (the same checks, the same words)."""
    _write_access()
    organisation_key()
    replayed = idempotency.replay(g.api_key)
    if replayed is not None:
        return replayed
    try:
        made = series_service.create_series(
            g.api_key.user, _details(data), _rule(data), skip=set(data["repeat"]["skip"]),
            language=current_language())
    except RuleError as error:
        return _refused(error)
    return created(SeriesSchema().dump(made), url_for("api_v1.read_series", series_id=made.id))


@bp.route("/series/<int:series_id>")
@bp.response(200, SeriesSchema)
@_errors(403, 404)
def read_series(series_id):
    return _own_series(series_id)


@bp.route("/series/<int:series_id>/cancel", methods=["POST"])
@bp.arguments(SeriesCancelSchema)
@bp.response(200, SeriesCancelledSchema)
@_errors(403, 404, 413, 422)
def cancel_series(data, series_id):
    """Cancel the series' dates from a day on (those already begun stay), as the series'
    page does."""
    _write_access()
    found = _own_series(series_id)
    try:
        cancelled, late = series_service.cancel_from(g.api_key.user, found, data["first_day"],
                                                     data["reason"])
    except RuleError as error:
        return _refused(error)
    db.session.commit()
    return {"cancelled": cancelled, "cancelled_late": late, "series": found}
