"""A requester changes a request: before booking anything may change (offers about what
changed are taken back); once booked a new time is a move, what the interpreter was chosen
for cannot change, and the interpreter is told to read the details again."""

from dataclasses import replace
from datetime import time, timedelta

import pytest
from icalendar import Calendar

from interpreter_register.bookings.history import event_text
from interpreter_register.bookings.models import (
    BookingStatus,
    FlagReason,
    OfferStatus,
    RequestStatus,
)
from interpreter_register.bookings.services import booking, edits
from interpreter_register.bookings.services.requests import details_of
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.register.models import Modality
from tests.fixtures.factories import create_interpreter, create_request, future_day
from tests.fixtures.reading import mails


def at(day, start, end):
    return {"starts_at": brussels_to_utc(day, start), "ends_at": brussels_to_utc(day, end)}


def test_before_booking_every_field_may_change_with_the_checks_of_a_new_request(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    details = details_of(request)
    with pytest.raises(RuleError, match="in the past"):
        edits.edit_request(world.requester, request, replace(
            details, **at(day - timedelta(weeks=4), time(10), time(11))))
    with pytest.raises(RuleError, match="Belgian postcode"):
        edits.edit_request(world.requester, request, replace(details, postcode="12"))
    changed = edits.edit_request(world.requester, request, replace(
        details, language_code="prs", notes="Bring the school report", urgent=True,
        **at(day, time(13), time(14))))
    assert changed == ["language_code", "starts_at", "ends_at", "notes", "urgent"]
    assert (request.language_code, request.due_at) == ("prs", brussels_to_utc(day, time(13)))
    event = request.events[-1]
    assert event.action == "edited" and "Bring" not in event.details_json
    assert event_text(event) == ("Changed by the requester: the language, the time, the notes, "
                                 "the urgency")
    assert edits.edit_request(world.requester, request, details_of(request)) == []


def test_changing_what_was_offered_takes_the_offers_back(app_ctx, world):
    request = create_request(world.contact_person)
    [offer] = booking.send_offers(world.dispatcher, request, person_ids=[world.omar.id])
    edits.edit_request(world.contact_person, request, replace(details_of(request),
                                                              notes="Second floor"))
    assert offer.status == OfferStatus.OPEN and request.status == RequestStatus.OFFERED
    edits.edit_request(world.contact_person, request, replace(
        details_of(request), **at(request.day, time(15), time(16))))
    assert offer.status == OfferStatus.WITHDRAWN
    assert (request.status, request.flag) == (RequestStatus.SUBMITTED, FlagReason.CHANGED)
    [told] = mails(kind="offer_withdrawn")
    assert told.recipient == world.other_interpreter.email


def test_a_booked_request_moves_when_its_time_changes(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    edits.edit_request(world.contact_person, request, replace(
        details_of(request), **at(day, time(14), time(15))))
    assert made.status == BookingStatus.CONFIRMED
    assert made.starts_at == brussels_to_utc(day, time(14)) and made.sequence == 1
    [moved] = mails(kind="rescheduled", recipient=world.interpreter.email)
    [event] = Calendar.from_ical(moved.calendar).walk("VEVENT")
    assert event.decoded("DTSTART") == brussels_to_utc(day, time(14))


@pytest.mark.parametrize("change", [{"language_code": "prs"}, {"modality": Modality.PHONE,
                                                               "phone_number": "09 266 99 00"}])
def test_what_the_interpreter_was_chosen_for_cannot_change_once_booked(app_ctx, world, change):
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    with pytest.raises(RuleError, match="cancel this request and ask again"):
        edits.edit_request(world.contact_person, request, replace(details_of(request),
                                                                  **change))
    assert request.language_code == "ar" and made.is_confirmed


def test_a_place_another_service_serves_is_refused_once_booked(app_ctx, world):
    request = create_request(world.contact_person)
    booking.book(world.dispatcher, request, world.fatima.id)
    with pytest.raises(RuleError, match="Another interpreting service serves this place"):
        edits.edit_request(world.contact_person, request, replace(
            details_of(request), postcode="4000", municipality="Liège"))


def test_the_booked_interpreter_is_told_to_read_changed_details_again(app_ctx, world):
    request = create_request(world.contact_person, modality=Modality.VIDEO)
    vera = create_interpreter("Vera", "Video", modalities={Modality.VIDEO})
    made = booking.book(world.dispatcher, request, vera.id)
    edits.edit_request(world.contact_person, request, replace(
        details_of(request), video_link="https://meet.example.org/other", notes="New note"))
    [told] = mails(kind="details_changed")
    assert told.recipient == vera.mail_recipient.address
    assert "New note" not in told.body and "other" not in told.subject
    # The video link is where the event takes place: every calendar follows.
    [event] = Calendar.from_ical(told.calendar).walk("VEVENT")
    assert str(event["LOCATION"]) == "https://meet.example.org/other"
    assert made.sequence == 1


def test_a_closed_or_begun_request_no_longer_changes(app_ctx, world):
    request = create_request(world.contact_person)
    with pytest.raises(RuleError, match="has begun or is over"):
        edits.edit_request(world.contact_person, request, details_of(request),
                           now=request.starts_at + timedelta(minutes=1))
    with pytest.raises(Forbidden):
        edits.edit_request(world.other_contact_person, request, details_of(request))
    from interpreter_register.bookings.services.requests import cancel_request
    cancel_request(world.contact_person, request, "moved", now=utcnow())
    with pytest.raises(RuleError, match="closed"):
        edits.edit_request(world.contact_person, request, details_of(request))


def test_the_edit_page_saves_and_the_again_page_copies(app_ctx, world, client_for):
    from tests.fixtures.reading import load
    request = create_request(world.contact_person)
    browser = client_for(world.contact_person)
    page = browser.get(f"/requests/{request.id}/edit")
    assert page.status_code == 200 and b"Onderstraat 12" in page.data
    form = {"language": "ar", "working_language": "nl", "modality": "on_site",
            "domain": "social_welfare", "day": request.day.isoformat(), "starts": "12:00",
            "ends": "13:00", "address": "Kouter 1", "postcode": "9000",
            "municipality": "Gent", "case_reference": "gnt-9", "scope": "one",
            "preferred_gender": ""}
    answer = browser.post(f"/requests/{request.id}/edit", data=form)
    assert answer.status_code == 302, answer.data.decode()[-3000:]
    saved = load(request)
    assert saved.address == "Kouter 1" and saved.case_reference == "GNT-9"
    again = browser.get(f"/requests/{request.id}/again")
    assert again.status_code == 200
    assert b'value="Kouter 1"' in again.data and b'value="GNT-9"' in again.data
    answer = browser.post(f"/requests/{request.id}/again", data={
        **form, "day": (request.day + timedelta(weeks=1)).isoformat()})
    assert answer.status_code == 302 and f"/requests/{request.id}" not in answer.location
