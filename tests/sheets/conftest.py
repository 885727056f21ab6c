"""What the sheets' tests share: work that is over, and receipts as bytes."""

import io
from datetime import time, timedelta

import pytest
from werkzeug.datastructures import FileStorage

from interpreter_register.core.time import brussels_to_utc
from interpreter_register.register.models import Modality
from tests.fixtures.factories import create_booking, create_request, future_day

# The smallest files of each kind the store accepts (their first bytes are what counts).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


def receipt(data: bytes = PNG, name: str = "ticket.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def ended(world, modality=Modality.ON_SITE, start=time(10), end=time(11, 30), day=None,
          person=None):
    """A booking of OCMW Gent's, booked with Fatima (or ``person``), and the moment an hour
    after its end (a translation: its deadline day)."""
    day = day or future_day()
    item = create_request(world.contact_person, day=day, start=start, end=end,
                          modality=modality)
    booking = create_booking(item, person or world.fatima)
    after = (brussels_to_utc(day + timedelta(days=1), time(12)) if modality == Modality.WRITTEN
             else brussels_to_utc(day, end) + timedelta(hours=1))
    return booking, after


@pytest.fixture
def work(world):
    """Fatima's booking on site, 10:00–11:30, and a moment after it."""
    return ended(world)
