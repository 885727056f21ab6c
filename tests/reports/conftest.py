"""The known data set of the report tests: March 2026 in Ghent."""

from datetime import UTC, date, datetime

import pytest

from interpreter_register.bookings.models import RequestStatus, UnfilledReason
from interpreter_register.extensions import db
from interpreter_register.reports.periods import Period
from tests.fixtures.factories import complete_past_request, create_language, create_past_request

MARCH = Period("month", date(2026, 3, 1), date(2026, 3, 31))


def add_request(world, language="ar", status=RequestStatus.SUBMITTED, due=None, **fields):
    return create_past_request(world.contact_person, world.service, language, status, due,
                               **fields)


@pytest.fixture
def march(world):
    return build_march(world)


def build_march(world):
    """Arabic: two booked (one completed, 1.5 h), one unfilled, one cancelled late.
    Wolof: one unfilled, nobody holds it. And one request in April, outside the period.
    Committed; the world comes back."""
    create_language("wo")
    booked = add_request(world, status=RequestStatus.COMPLETED,
                         booked_at=datetime(2026, 3, 7, 11, tzinfo=UTC))   # 2 h after asking
    complete_past_request(booked, world.fatima)
    add_request(world, status=RequestStatus.BOOKED,
                booked_at=datetime(2026, 3, 7, 13, tzinfo=UTC))          # 4 h
    add_request(world, status=RequestStatus.UNFILLED,
                unfilled_reason=UnfilledReason.NO_ONE_AVAILABLE)
    add_request(world, status=RequestStatus.CANCELLED, cancelled_late=True)
    add_request(world, language="wo", status=RequestStatus.UNFILLED,
                unfilled_reason=UnfilledReason.NO_HOLDER)
    add_request(world, due=datetime(2026, 4, 2, 9, tzinfo=UTC), status=RequestStatus.COMPLETED,
                booked_at=datetime(2026, 3, 30, 18, tzinfo=UTC))
    db.session.commit()
    return world


