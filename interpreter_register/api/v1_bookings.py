"""``/api/v1/bookings``: who is booked, for an organisation's system (its requests) or a
service's (the requests routed to it); never another organisation's or service's."""

from flask import g
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..bookings.models import Booking, BookingStatus, InterpretingRequest
from ..extensions import db
from .v1 import (
    MAX_ID,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    BookingSchema,
    Utc,
    _enum,
    _errors,
    an_id,
    bp,
    cursor_page,
)


class BookingItemSchema(BookingSchema):
    """A booking with what it is for (the request's own details: ``GET /requests/{id}``)."""

    request_id = fields.Integer()
    request_number = fields.String(attribute="request.number")
    language = fields.String(attribute="request.language_code")
    modality = fields.String(attribute="request.modality.value")
    organisation = fields.String(attribute="request.organisation.name")
    cancelled_at = Utc(allow_none=True)


class BookingListSchema(Schema):
    items = fields.List(fields.Nested(BookingItemSchema))
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "Pass as ?cursor= for the next page; null on the last page"})


class BookingArgsSchema(Schema):
    status = fields.List(_enum(BookingStatus), metadata={"description": "repeatable"})
    request_id = an_id()
    due_from = Utc(metadata={"description": "due at or after (the start, or the deadline)"})
    due_before = Utc()
    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, MAX_PAGE_SIZE))
    cursor = fields.String()


def _whose():
    """The condition a key's bookings meet: its organisation's requests, or its service's."""
    if g.api_key.organisation_id is not None:
        return InterpretingRequest.organisation_id == g.api_key.organisation_id
    return InterpretingRequest.service_id == g.api_key.service_id


def _bookings():
    return (select(Booking).join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
            .where(_whose())
            .options(joinedload(Booking.person).lazyload("*"),
                     joinedload(Booking.request).joinedload(InterpretingRequest.organisation)))


@bp.route("/bookings")
@bp.arguments(BookingArgsSchema, location="query")
@bp.response(200, BookingListSchema)
@_errors()
def list_bookings(args):
    """The key's bookings (its organisation's, or its service's), newest first, a page at a
    time: the interpreter's name and tier, the times in UTC, the status."""
    statement = _bookings().order_by(Booking.id.desc())
    if args.get("status"):
        statement = statement.where(Booking.status.in_(args["status"]))
    if args.get("request_id"):
        statement = statement.where(Booking.request_id == args["request_id"])
    if args.get("due_from"):
        statement = statement.where(InterpretingRequest.due_at >= args["due_from"])
    if args.get("due_before"):
        statement = statement.where(InterpretingRequest.due_at < args["due_before"])
    return cursor_page(statement, Booking.id, args)


@bp.route("/bookings/<int:booking_id>")
@bp.response(200, BookingItemSchema)
@_errors(404)
def read_booking(booking_id):
    found = (db.session.scalar(_bookings().where(Booking.id == booking_id))
             if booking_id <= MAX_ID else None)
    if found is None:
        abort(404)
    return found
