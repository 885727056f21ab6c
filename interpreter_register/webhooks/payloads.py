"""What a delivery says: ids, statuses, times (RFC 3339, UTC) and languages; never the
client's data (no case reference, no notes, no address, no reasons). A receiving system
reads the rest through the API with its key (docs/api.md explains why)."""

import json
from datetime import UTC, date, datetime

from ..core.time import utcnow


def rfc3339(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def request_part(request) -> dict:
    return {
        "id": request.id,
        "number": request.number,
        "status": request.status.value,
        "language": request.language_code,
        "working_language": request.working_language,
        "modality": request.modality.value,
        "starts_at": rfc3339(request.starts_at),
        "ends_at": rfc3339(request.ends_at),
        "deadline_on": _day(request.deadline_on),
        "organisation_id": request.organisation_id,
        "service_id": request.service_id,
        "series_id": request.series_id,
        "occurrence": request.occurrence,
    }


def booking_part(booking) -> dict | None:
    if booking is None:
        return None
    return {
        "id": booking.id,
        "status": booking.status.value,
        "starts_at": rfc3339(booking.starts_at),
        "ends_at": rfc3339(booking.ends_at),
        "deadline_on": _day(booking.deadline_on),
        "confirmed_at": rfc3339(booking.confirmed_at),
    }


def sheet_part(sheet) -> dict:
    return {
        "id": sheet.id,
        "booking_id": sheet.booking_id,
        "status": sheet.status.value,
        "confirm_by": rfc3339(sheet.confirm_by),
    }


def envelope(event_type: str, data: dict, now: datetime | None = None) -> str:
    """The body as sent, in the Standard Webhooks shape: type, timestamp, data."""
    return json.dumps({"type": event_type, "timestamp": rfc3339(now or utcnow()),
                       "data": data}, separators=(",", ":"), ensure_ascii=False)
