"""The lifecycle of requests, bookings and offers lives on the models: each change is a
method that checks where the object stands, moves it, and keeps the request's history."""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interpreter_register.bookings.models import (
    Booking,
    BookingStatus,
    FlagReason,
    InterpretingRequest,
    InvalidTransition,
    Offer,
    OfferStatus,
    UnfilledReason,
)
from interpreter_register.bookings.models import RequestStatus as S
from interpreter_register.register.models import Person

NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)
AWAITING = {S.SUBMITTED, S.OFFERED}
OPEN = {*AWAITING, S.BOOKED}


def _request(status: S) -> InterpretingRequest:
    request = InterpretingRequest(status=status, wave=0, uses_waves=False, calendar_sequence=0)
    request.bookings = []
    request.offers = []
    if status == S.BOOKED:
        request.bookings.append(_booking())
    return request


def _booking() -> Booking:
    return Booking(person=Person(first_name="Fatima", last_name="Haddad"), tier=1,
                   status=BookingStatus.CONFIRMED, sequence=0)


# method, the statuses it may start from, where it leads, the history it writes
CHANGES = {
    "open_wave": (lambda r: r.open_wave(None, 3), AWAITING, S.OFFERED, "offered"),
    "book": (lambda r: r.book(None, _booking(), NOW), AWAITING, S.BOOKED, "booked"),
    "release": (lambda r: r.release(None, r.live_booking, NOW, "released"), {S.BOOKED},
                S.SUBMITTED, "released"),
    "ask_again": (lambda r: r.ask_again(None, r.live_booking, NOW), {S.BOOKED}, S.OFFERED,
                  "asked_again"),
    "cancel": (lambda r: r.cancel(None, "Moved away", False, NOW), OPEN, S.CANCELLED,
               "cancelled"),
    "mark_unfilled": (lambda r: r.mark_unfilled(UnfilledReason.NO_HOLDER, NOW), AWAITING,
                      S.UNFILLED, "unfilled"),
    "complete": (lambda r: r.complete(), {S.BOOKED}, S.COMPLETED, "completed"),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_request_changes_only_where_it_makes_sense(app_ctx, change, current):
    act, allowed_from, leads_to, action = CHANGES[change]
    request = _request(current)
    if current in allowed_from:
        act(request)
        assert request.status == leads_to
        assert request.events[-1].action == action
    else:
        with pytest.raises(InvalidTransition):
            act(request)
        assert request.status == current
        assert request.events == []


def test_booking_one_person_accepts_their_offer_and_withdraws_the_others(app_ctx):
    request = _request(S.OFFERED)
    booking = _booking()
    booking.person_id = 7
    theirs = Offer(person_id=7, status=OfferStatus.OPEN)
    other = Offer(person_id=8, status=OfferStatus.OPEN)
    declined = Offer(person_id=9, status=OfferStatus.DECLINED)
    request.offers = [theirs, other, declined]
    request.flag = FlagReason.NO_ONE_ACCEPTED
    request.book(None, booking, NOW)
    assert (theirs.status, other.status, declined.status) == (
        OfferStatus.ACCEPTED, OfferStatus.WITHDRAWN, OfferStatus.DECLINED)
    assert request.flag is None and request.booked_at == NOW


def test_cancelling_cancels_the_booking_and_withdraws_open_offers(app_ctx):
    request = _request(S.BOOKED)
    booking = request.live_booking
    offer = Offer(person_id=3, status=OfferStatus.OPEN)
    request.offers = [offer]
    request.cancel(None, "Moved away", True, NOW)
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_late
    assert booking.sequence == 1, "calendars must see the cancellation"
    assert offer.status == OfferStatus.WITHDRAWN
    assert (request.cancel_reason, request.cancelled_late) == ("Moved away", True)


def test_releasing_ends_the_booking_never_late_and_flags_the_request(app_ctx):
    request = _request(S.BOOKED)
    booking = request.live_booking
    request.release(None, booking, NOW, "unassigned")
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_late is False
    assert booking.ended_reason == "unassigned"
    assert request.flag == FlagReason.RELEASED and request.flagged_at == NOW
    assert request.calendar_sequence == 1, "the requester's calendar sees a change"
    assert request.events[-1].details == {"person": "Fatima Haddad"}


def test_offers_unanswered_sends_a_request_back_only_when_none_is_open(app_ctx):
    request = _request(S.OFFERED)
    request.offers = [Offer(person_id=1, status=OfferStatus.OPEN)]
    assert not request.offers_unanswered(None)
    assert request.status == S.OFFERED
    request.offers[0].expire(NOW)
    assert request.offers_unanswered(None)
    assert (request.status, request.flag) == (S.SUBMITTED, FlagReason.NO_ONE_ACCEPTED)


@pytest.mark.parametrize("answer", ["accept", "decline", "withdraw", "expire"])
def test_an_offer_is_answered_once(answer):
    offer = Offer(status=OfferStatus.OPEN)
    do = {"accept": lambda: offer.accept(NOW), "decline": lambda: offer.decline(" Ill ", NOW),
          "withdraw": lambda: offer.withdraw(NOW), "expire": lambda: offer.expire(NOW)}[answer]
    do()
    assert offer.answered_at == NOW and not offer.is_open
    for again in ("accept", "withdraw"):
        with pytest.raises(InvalidTransition):
            getattr(offer, again)(NOW)
    if answer == "decline":
        assert offer.decline_reason == "Ill"


def test_a_booking_completes_or_cancels_once():
    booking = _booking()
    booking.complete()
    assert booking.status == BookingStatus.COMPLETED
    with pytest.raises(InvalidTransition):
        booking.cancel(False, NOW)
    with pytest.raises(InvalidTransition):
        booking.complete()


PACKAGE = Path(__file__).resolve().parents[2] / "interpreter_register"
TEMPLATES = PACKAGE.parent / "templates"


def test_only_the_models_assign_a_status():
    """No service, job, view or command sets ``status`` by hand: they call the lifecycle."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "models" or path.name == "models.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign)
                       else [])
            found += [f"{path.relative_to(PACKAGE)}:{node.lineno}" for target in targets
                      if isinstance(target, ast.Attribute) and target.attr == "status"]
    assert not found


def test_templates_ask_the_model_not_a_list_of_statuses():
    found = [f"{path.relative_to(TEMPLATES)}: {line.strip()}"
             for path in TEMPLATES.rglob("*.html") for line in path.read_text().splitlines()
             if re.search(r"status\.value\s*(==|!=|in\b)", line)]
    assert not found
