"""``/api/v1/sheets``: an organisation's system reads the completion sheets waiting for its
answer, and confirms them or disputes lines of them, through the sheets' own services
(``sheets.services.answers``: the same checks and the same mails as the sheet's page).

What a sheet shows the organisation is what its page shows a requester: the lines, never
the interpreter's remarks for the service."""

from flask import g
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from ..core.rules import RuleError
from ..extensions import db
from ..sheets.models import CompletionSheet, SheetLine
from ..sheets.services import answers, lists
from ..sheets.services.content import lines_of
from . import problems
from .v1 import Utc, _enum, _errors, _write_access, bp, get_row, organisation_key


class ExpenseSchema(Schema):
    kind = fields.String(attribute="kind.value")
    amount = fields.Decimal(as_string=True, metadata={
        "type": "string", "format": "decimal", "description": "euro, to the cent"})


class DisputedLineSchema(Schema):
    line = fields.String(attribute="line.value")
    reason = fields.String()


class VersionSchema(Schema):
    """One version of a sheet: what it says happened."""

    number = fields.Integer()
    filed_as = fields.String(attribute="filed_as.value")
    filed_at = Utc()
    started_at = Utc(allow_none=True, metadata={"description": "on site: the actual start"})
    ended_at = Utc(allow_none=True)
    worked_minutes = fields.Integer()
    booked_minutes = fields.Integer(allow_none=True)
    waiting_minutes = fields.Integer()
    no_show = fields.Boolean()
    km = fields.Decimal(as_string=True, metadata={"type": "string", "format": "decimal"})
    expenses = fields.List(fields.Nested(ExpenseSchema))
    words = fields.Integer(allow_none=True)
    pages = fields.Integer(allow_none=True)
    delivered_on = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)
    answer = fields.String(attribute="answer_value", allow_none=True)
    disputes = fields.List(fields.Nested(DisputedLineSchema))


class SheetSchema(Schema):
    id = fields.Integer()
    status = fields.String(attribute="status.value")
    request_id = fields.Integer()
    request_number = fields.String(attribute="request.number")
    booking_id = fields.Integer()
    interpreter = fields.String(attribute="booking.person.full_name")
    late_cancellation = fields.Boolean()
    confirm_by = Utc(allow_none=True, metadata={
        "description": "the answer is awaited until then"})
    lines = fields.Function(lambda sheet: [line.value for line in lines_of(sheet)], metadata={
        "description": "the lines this sheet has (those a dispute may name)"})
    current = fields.Nested(VersionSchema, allow_none=True)


class SheetListSchema(Schema):
    items = fields.List(fields.Nested(SheetSchema))


class DisputeLineSchema(Schema):
    line = _enum(SheetLine, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DisputeSchema(Schema):
    lines = fields.List(fields.Nested(DisputeLineSchema), required=True,
                        validate=validate.Length(min=1))


def _own_sheet(sheet_id: int) -> CompletionSheet:
    organisation_id = organisation_key()
    sheet = get_row(CompletionSheet, sheet_id)
    if sheet is None or sheet.request.organisation_id != organisation_id or sheet.is_awaited:
        abort(404)
    return sheet


def _refused(error: RuleError):
    db.session.rollback()
    return problems.problem(422, errors=[
        (f"lines.{field.removeprefix('reason_')}" if field and field.startswith("reason_")
         else field, message) for message, field in error.problems])


@bp.route("/sheets")
@bp.response(200, SheetListSchema)
@_errors(403)
def list_sheets():
    """The organisation's completion sheets waiting for its answer, oldest first."""
    return {"items": lists.to_confirm(organisation_key())}


@bp.route("/sheets/<int:sheet_id>")
@bp.response(200, SheetSchema)
@_errors(403, 404)
def read_sheet(sheet_id):
    return _own_sheet(sheet_id)


@bp.route("/sheets/<int:sheet_id>/confirm", methods=["POST"])
@bp.response(200, SheetSchema)
@_errors(403, 404, 422)
def confirm_sheet(sheet_id):
    """Confirm what the sheet says: it is settled, the booking completed."""
    _write_access()
    sheet = _own_sheet(sheet_id)
    try:
        answers.confirm(g.api_key.user, sheet)
    except RuleError as error:
        return _refused(error)
    db.session.commit()
    return sheet


@bp.route("/sheets/<int:sheet_id>/dispute", methods=["POST"])
@bp.arguments(DisputeSchema)
@bp.response(200, SheetSchema)
@_errors(403, 404, 413, 422)
def dispute_sheet(data, sheet_id):
    """Dispute lines of the sheet, each with its reason: the interpreting service settles."""
    _write_access()
    sheet = _own_sheet(sheet_id)
    reasons = {line["line"]: line["reason"] for line in data["lines"]}
    try:
        answers.dispute(g.api_key.user, sheet, reasons)
    except RuleError as error:
        return _refused(error)
    db.session.commit()
    return sheet
