"""Completion sheets in the Ghent demo, through the same services as the pages: one for the
demo interpreter to file, one waiting for the requester, one disputed for the dispatcher
to settle, settled ones (confirmed, counted as confirmed, settled by the service with a
correction, one with a parking receipt), and the sheet of a late cancellation. The year of
history gets settled sheets too, written straight into the tables, so that the reports
count actual hours and kilometres."""

import random
import struct
import zlib
from datetime import time, timedelta
from decimal import Decimal

from ..bookings.models import Booking
from ..core.time import brussels_to_utc, to_brussels
from ..extensions import db
from ..sheets.distances import suggested_km
from ..sheets.models import CompletionSheet, FiledAs, SettledHow, SheetStatus, SheetVersion
from ..sheets.services import answers, filing, followup
from ..sheets.services.content import ExpenseInput, SheetDetails


def receipt_png() -> bytes:
    """A small image of a parking ticket (grey lines on white), made here: a real PNG."""
    width, height = 160, 90
    rows = []
    for y in range(height):
        ink = y % 12 in (3, 4) and 10 < y < 80
        rows.append(b"\x00" + b"".join(
            bytes((90, 90, 90) if ink and 12 < x < 140 - (y * 3) % 60 else (250, 250, 250))
            for x in range(width)))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


class _Receipt:
    """An uploaded file, as the form hands it to the service."""

    def __init__(self, data: bytes, filename: str):
        import io
        self.stream, self.filename = io.BytesIO(data), filename


def _as_planned(booking: Booking, **changes) -> SheetDetails:
    start, end = to_brussels(booking.starts_at), to_brussels(booking.ends_at)
    km = suggested_km(booking.person.postcode, booking.request.postcode)
    return SheetDetails(**{"started": start.time(), "ended": end.time(),
                           "km": Decimal(km or 0), **changes})


def seed_recent_sheets(bookings: dict, requester, dispatcher, interpreter_account) -> None:
    """``bookings``: the past month's bookings by their part in the demo."""
    def after(booking, hours=2):
        return booking.ends_at + timedelta(hours=hours)

    # The demo interpreter has one to file: asked at the end, nothing filed yet.
    followup.ask(bookings["to_file"], after(bookings["to_file"], 0))
    # Filed by the demo interpreter, waiting for OCMW Gent's answer.
    waiting = bookings["waiting"]
    filing.file_sheet(interpreter_account, waiting,
                      _as_planned(waiting, ended=time(11, 10), waiting_minutes=10),
                      now=after(waiting))
    # Disputed by the requester: on the dispatcher's list to settle.
    disputed = bookings["disputed"]
    sheet = filing.file_sheet(interpreter_account, disputed, _as_planned(
        disputed, km=Decimal(48), remarks="Road works on the Kouter: a long detour."),
        now=after(disputed))
    answers.dispute(requester, sheet, {"km": "The interpreter lives in Gent: 48 km is a lot."},
                    now=after(disputed, 30))
    # Confirmed by the requester, with a parking receipt.
    parked = bookings["confirmed"]
    sheet = filing.file_sheet(interpreter_account, parked, _as_planned(
        parked, expenses=[ExpenseInput("parking", Decimal("4.80"),
                                       _Receipt(receipt_png(), "parking-ticket.png"))]),
        now=after(parked))
    answers.confirm(requester, sheet, now=after(parked, 20))
    # Filed by someone without an account (their booking's link) and never answered: it
    # counts as confirmed once the deadline passed.
    silent = bookings["deemed"]
    sheet = filing.file_sheet(None, silent, _as_planned(silent), now=after(silent))
    followup.deem_confirmed(sheet, sheet.confirm_by + timedelta(hours=1))
    # Disputed (a no-show), settled by the service with its own figures: two versions.
    corrected = bookings["corrected"]
    sheet = filing.file_sheet(None, corrected, _as_planned(corrected, no_show=True,
                                                          waiting_minutes=30),
                              now=after(corrected))
    answers.dispute(requester, sheet, {"no_show": "The client came, 20 minutes late."},
                    now=after(corrected, 24))
    filing.correct(dispatcher, sheet, _as_planned(
        corrected, started=time(10, 20), waiting_minutes=20,
        reason="Checked with both: the client came at 10:20."), now=after(corrected, 48))


def seed_late_cancellation_sheet(request, booking: Booking) -> None:
    """The late cancellation of the demo: its sheet under the service's policy."""
    filing.late_cancellation_sheet(request, booking, request.cancelled_at)


def settled_history_sheet(chance: random.Random, booking: Booking, requester) -> None:
    """A settled sheet for a completed booking of the history: the actual time a little off
    the planned one now and then, kilometres on site. Written straight into the tables."""
    planned = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
    worked = planned + chance.choice((0, 0, 0, 5, 10, -5, 15))
    started = booking.starts_at + timedelta(minutes=chance.choice((0, 0, 5)))
    on_site = booking.on_site
    km = Decimal(suggested_km(booking.person.postcode, booking.request.postcode) or 0)
    filed = booking.ends_at + timedelta(hours=chance.randint(2, 30))
    deemed = chance.random() < 0.3
    sheet = CompletionSheet(booking=booking, request=booking.request,
                            service_id=booking.request.service_id, status=SheetStatus.SETTLED,
                            version=1, asked_at=booking.ends_at,
                            confirm_by=brussels_to_utc(to_brussels(filed).date()
                                                       + timedelta(days=7), time.max))
    sheet.versions.append(SheetVersion(
        number=1, filed_as=FiledAs.INTERPRETER, filed_at=filed,
        started_at=started if on_site else None,
        ended_at=started + timedelta(minutes=worked) if on_site else None,
        worked_minutes=worked, booked_minutes=planned,
        waiting_minutes=chance.choice((0, 0, 0, 10)), km=km if on_site else Decimal(0),
        km_suggested=km if on_site else None,
        answer_value=None if deemed else "confirmed",
        answered_at=None if deemed else filed + timedelta(days=1),
        answered_by_id=None if deemed else requester.id,
        settled_at=sheet.confirm_by if deemed else filed + timedelta(days=1),
        settled_how=SettledHow.DEEMED if deemed else SettledHow.CONFIRMED))
    db.session.add(sheet)
