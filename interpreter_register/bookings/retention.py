"""The free text about clients that the retention job erases, said once.

Every text column of the request side (requests, their offers, bookings and history, and
any table that refers to them) is either client data, listed in ``CLIENT_FIELDS`` and
erased by the retention job once the request is old enough, or erased by the area that
owns it (``ERASED_BY_THEIR_AREA``: the areas above this one, named here as tables, each
with its own retention test), or listed in ``NOT_CLIENT_DATA`` with the reason it may
stay. ``tests/jobs/test_retention.py`` fails for a text column in none of the lists, so a
new column cannot be forgotten.
"""

from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from ..extensions import db
from .models import Booking, InterpretingRequest, Offer


@dataclass(frozen=True)
class ClientFields:
    model: type
    columns: tuple[str, ...]
    # The column that ties a row to its request (None for the request itself).
    link: str | None = None


CLIENT_FIELDS = (
    ClientFields(InterpretingRequest, ("case_reference", "notes", "address", "phone_number",
                                       "video_link", "cancel_reason")),
    ClientFields(Offer, ("decline_reason",), "request_id"),
    ClientFields(Booking, ("place", "withdrawal_note"), "request_id"),
)

ERASED_BY_THEIR_AREA = {
    "messages": {"body": "collaboration: Message.erase, after the retention months"},
    "request_documents": {"name": "collaboration: documents.erase, after the documents' "
                                  "own retention days, with the file"},
    "ratings": {"comment": "jobs.tasks: after the retention months"},
    "complaints": {"text": "jobs.tasks: once decided, after the retention months"},
    "sheet_versions": {"remarks": "sheets.services.retention.erase_words",
                       "reason": "sheets.services.retention.erase_words",
                       "settlement_note": "sheets.services.retention.erase_words"},
    "sheet_disputes": {"reason": "sheets.services.retention.erase_words"},
}

NOT_CLIENT_DATA = {
    "requests": {
        "language_code": "the language asked for: what the reports count",
        "working_language": "nl, fr or de",
        "postcode": "the municipality's postcode: where, as the reports count it",
        "municipality": "the municipality: where, as the reports count it",
        "calendar_uid": "an identifier made by the product",
    },
    "offers": {},
    "bookings": {
        "uid": "an identifier made by the product",
        "ended_reason": "one of a few fixed words (cancelled, withdrawn, ...)",
    },
    "request_events": {
        "action": "one of a few fixed words (booked, cancelled, ...)",
        "details": "who did it and fixed codes, never client data (RequestEvent.record)",
    },
    "messages": {"party": "organisation, service or interpreter"},
    "request_documents": {"party": "organisation, service or interpreter"},
    "complaints": {"note_for_person": "the register's words to the interpreter about their "
                                      "own work (the form says: no client data)"},
    "sheet_versions": {"answer": "confirmed or disputed"},
    "invoice_lines": {
        "kind": "a fixed code of billing.charges (interpreting, travel, ...)",
        "language_code": "the language billed: what the invoice and the figures name",
        "modality": "on_site, phone, video or written",
        "unit": "a fixed unit code (minute, quarter, km, ...)",
        "vat_category": "S or E",
    },
    "revisions": {
        "translation": "a title or reference of the document, never client data (the form "
                       "says so); the register's evidence about the translator",
        "remarks": "the revisor's remarks on the translator's work: the register's evidence",
    },
}


def _holds_client_data():
    """The condition of a request with any client field still filled, its own or in a row
    tied to it."""
    conditions = []
    for fields in CLIENT_FIELDS:
        filled = or_(*(getattr(fields.model, c).is_not(None) for c in fields.columns))
        if fields.link is None:
            conditions.append(filled)
        else:
            conditions.append(exists().where(
                getattr(fields.model, fields.link) == InterpretingRequest.id, filled))
    return or_(*conditions)


def requests_to_erase(before) -> list[InterpretingRequest]:
    """Requests due before ``before`` that still hold client data somewhere."""
    return db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.due_at < before, _holds_client_data())).all()


def erase_client_data(request: InterpretingRequest) -> None:
    """Every client field of the request and of the rows tied to it, emptied; the figures
    (language, dates, durations, outcome) stay for the reports."""
    for fields in CLIENT_FIELDS:
        rows = [request] if fields.link is None else db.session.scalars(
            select(fields.model).where(getattr(fields.model, fields.link) == request.id)).all()
        for row in rows:
            for column in fields.columns:
                setattr(row, column, None)
