"""Requests, offers and bookings through the services, as the views and jobs use them."""

from datetime import time, timedelta

import pytest

from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.models import (
    BookingStatus,
    FlagReason,
    OfferStatus,
    RequestStatus,
)
from interpreter_register.bookings.services import (
    availability,
    booking,
    changes,
    requests,
    revisions,
    withdrawals,
)
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    Domain,
    Language,
    Modality,
    StepResult,
    TrackStep,
    Verdict,
)
from interpreter_register.register.services import credentials
from tests.fixtures.factories import (
    create_interpreter,
    create_request,
    create_user,
    future_day,
)
from tests.fixtures.reading import mails

# --- asking -------------------------------------------------------------------------------

def details(**overrides):
    day = future_day()
    values = dict(language_code="ar", working_language="nl", modality=Modality.ON_SITE,
                  domain=Domain.MEDICAL, starts_at=brussels_to_utc(day, time(10)),
                  ends_at=brussels_to_utc(day, time(11)), address="Kouter 1", postcode="9000",
                  municipality="Gent")
    return requests.RequestDetails(**{**values, **overrides})


def test_a_request_goes_to_the_service_of_the_place(app_ctx, world):
    request = requests.create_request(world.contact_person, details())
    assert request.service_id == world.service.id
    assert request.status == RequestStatus.SUBMITTED
    remote = requests.create_request(world.contact_person,
                                     details(modality=Modality.PHONE, phone_number="09 266 99 00",
                                             postcode="4000"))
    assert remote.service_id == world.service.id, "remote: the organisation's region"


def test_a_place_no_service_serves_is_flagged(app_ctx, world):
    request = requests.create_request(world.contact_person,
                                      details(postcode="8000", municipality="Brugge"))
    assert request.service_id is None and request.flag == FlagReason.NO_SERVICE


@pytest.mark.parametrize("overrides,field", [
    ({"ends_at": None}, "starts"),
    ({"ends_at": brussels_to_utc(future_day(), time(9))}, "ends"),
    ({"ends_at": brussels_to_utc(future_day(), time(10))}, "ends"),
    ({"starts_at": utcnow() - timedelta(hours=2), "ends_at": utcnow() - timedelta(hours=1)},
     "day"),
    ({"postcode": "900"}, "postcode"),
    ({"address": ""}, "address"),
    ({"modality": Modality.PHONE}, "phone_number"),
    ({"modality": Modality.VIDEO, "video_link": "meet.example.org"}, "video_link"),
    ({"modality": Modality.WRITTEN}, "deadline_on"),
    ({"modality": Modality.WRITTEN, "deadline_on": future_day()}, "words"),
])
def test_bad_requests_are_refused_on_the_field_concerned(app_ctx, world, overrides, field):
    with pytest.raises(RuleError) as error:
        requests.create_request(world.contact_person, details(**overrides))
    assert error.value.field == field


def test_a_language_nobody_holds_is_accepted_as_demand(app_ctx, world):
    request = requests.create_request(world.contact_person, details(language_code="wo"))
    assert request.language_code == "wo" and db.session.get(Language, "wo") is not None


# --- booking ------------------------------------------------------------------------------

def test_booking_directly_and_a_second_click_is_answered_clearly(app_ctx, world):
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    assert made.status == BookingStatus.CONFIRMED and request.status == RequestStatus.BOOKED
    with pytest.raises(RuleError, match="already booked"):
        booking.book(world.dispatcher, request, world.omar.id)
    assert len(request.bookings) == 1


def test_only_the_services_dispatchers_book(app_ctx, world):
    request = create_request(world.contact_person)
    with pytest.raises(Forbidden):
        booking.book(world.other_dispatcher, request, world.fatima.id)


def test_a_person_the_matching_excludes_cannot_be_booked(app_ctx, world):
    withdrawals.take_leave(world.interpreter, world.fatima,
                           future_day() - timedelta(days=1), future_day())
    request = create_request(world.contact_person)
    with pytest.raises(RuleError, match="leave"):
        booking.book(world.dispatcher, request, world.fatima.id)


def test_book_mails_interpreter_and_requester_without_client_data(app_ctx, world):
    request = create_request(world.contact_person, case_reference="GNT-SECRET-42",
                             notes="The client is afraid of dogs")
    booking.book(world.dispatcher, request, world.fatima.id)
    sent = mails(kind="booked")
    assert sorted(m.recipient for m in sent) == sorted([world.interpreter.email,
                                                        world.contact_person.email])
    for mail in sent:
        assert "GNT-SECRET-42" not in mail.subject + mail.body
        assert "dogs" not in mail.subject + mail.body


# --- offers -------------------------------------------------------------------------------

def test_offers_go_to_the_top_and_the_first_to_accept_gets_it(app_ctx, world):
    request = create_request(world.contact_person)
    offers = booking.send_offers(world.dispatcher, request)
    assert {o.person_id for o in offers} == {world.fatima.id, world.omar.id}
    assert request.status == RequestStatus.OFFERED
    assert len(mails(kind="offer")) == 2
    omar_offer = next(o for o in offers if o.person_id == world.omar.id)
    booking.accept_offer(world.other_interpreter, omar_offer)
    assert request.live_booking.person_id == world.omar.id
    fatima_offer = next(o for o in offers if o.person_id == world.fatima.id)
    assert fatima_offer.status == OfferStatus.WITHDRAWN
    with pytest.raises(booking.OfferAnswer, match="someone else"):
        booking.accept_offer(world.interpreter, fatima_offer)


def test_an_expired_offer_cannot_be_accepted(app_ctx, world):
    request = create_request(world.contact_person)
    [offer] = booking.send_offers(world.dispatcher, request, person_ids=[world.fatima.id])
    later = offer.expires_at + timedelta(seconds=1)
    with pytest.raises(booking.OfferAnswer, match="expired"):
        booking.accept_offer(None, offer, now=later)
    assert booking.expire_offers(later) == 1
    assert offer.status == OfferStatus.EXPIRED
    assert request.status == RequestStatus.SUBMITTED
    assert request.flag == FlagReason.NO_ONE_ACCEPTED, "never silently dropped"


def test_when_everyone_declines_the_request_is_flagged(app_ctx, world):
    request = create_request(world.contact_person)
    offers = booking.send_offers(world.dispatcher, request)
    for offer in offers:
        booking.decline_offer(None, offer, "On holiday")
    assert request.status == RequestStatus.SUBMITTED
    assert request.flag == FlagReason.NO_ONE_ACCEPTED
    assert offers[0].decline_reason == "On holiday"
    assert match(request).ranked == [], "who declined is not proposed again"


def test_waves_go_by_tier_and_the_next_wave_waits(app_ctx, world):
    learner = create_interpreter("Yasmine", "Intrack", certified=False)
    credentials.record_step(None, learner.qualifications[0],
                            TrackStep.PRESELECTION_TEST, future_day() - timedelta(days=60),
                            StepResult.PASSED)
    request = create_request(world.contact_person)
    first = booking.send_offers(world.dispatcher, request, waves=True)
    assert {o.person_id for o in first} == {world.fatima.id, world.omar.id}
    assert booking.next_wave(request) == [], "too soon"
    later = utcnow() + timedelta(hours=2)
    second = booking.next_wave(request, now=later)
    assert [(o.person_id, o.wave) for o in second] == [(learner.id, 2)]
    # Every tier was asked; while offers are still open, nothing is exhausted yet.
    assert booking.next_wave(request, now=later + timedelta(hours=2)) == []
    assert request.flag is None and request.status == RequestStatus.OFFERED
    expired = max(o.expires_at for o in request.offers)
    booking.expire_offers(expired)
    assert booking.next_wave(request, now=expired) == []
    assert request.flag == FlagReason.WAVES_EXHAUSTED
    assert request.status == RequestStatus.SUBMITTED, "back to the dispatchers"


def test_cancelling_late_and_in_time(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    booking.book(world.dispatcher, request, world.fatima.id)
    assert not requests.cancellation_is_late(request, utcnow())
    day_before = brussels_to_utc(day - timedelta(days=1), time(11))
    late = requests.cancel_request(world.contact_person, request, "moved", now=day_before)
    assert late and request.cancelled_late and request.bookings[0].cancelled_late
    assert request.status == RequestStatus.CANCELLED
    # Both: the cancellation must leave the requester's calendar too.
    assert sorted(m.recipient for m in mails(kind="cancelled")) == sorted(
        [world.interpreter.email, world.contact_person.email])


def test_requesters_cancel_only_their_organisations_requests(app_ctx, world):
    request = create_request(world.contact_person)
    with pytest.raises(Forbidden):
        requests.cancel_request(world.other_contact_person, request, "x")


# --- moving and reassigning ---------------------------------------------------------------

def test_rescheduling_keeps_the_person_who_still_can(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    changes.reschedule(world.dispatcher, request,
                       brussels_to_utc(day, time(14)), brussels_to_utc(day, time(15)),
                       "Kouter 1", "9000", "Gent")
    assert made.status == BookingStatus.CONFIRMED and made.sequence == 1
    assert made.starts_at == brussels_to_utc(day, time(14))
    assert mails(kind="rescheduled")


def test_rescheduling_outside_availability_asks_the_person_again(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    changes.reschedule(world.dispatcher, request,
                       brussels_to_utc(day, time(21)), brussels_to_utc(day, time(22)),
                       "Kouter 1", "9000", "Gent")
    assert made.status == BookingStatus.CANCELLED
    assert request.status == RequestStatus.OFFERED and request.flag == FlagReason.ASK_AGAIN
    [offer] = [o for o in request.offers if o.status == OfferStatus.OPEN]
    assert offer.person_id == world.fatima.id


def test_reassigning_releases_the_first_and_books_the_second(app_ctx, world):
    request = create_request(world.contact_person)
    first = booking.book(world.dispatcher, request, world.fatima.id)
    second = changes.reassign(world.dispatcher, request, world.omar.id)
    assert first.status == BookingStatus.CANCELLED and not first.cancelled_late
    assert second.person_id == world.omar.id and request.status == RequestStatus.BOOKED


def test_a_translation_by_someone_not_certified_needs_a_revision(app_ctx, world):
    from interpreter_register.register.models import Direction, QualificationKind
    from tests.fixtures.factories import create_qualification
    translator = create_interpreter("Reza", "Translator", certified=False, languages=(),
                                    modalities={Modality.WRITTEN})
    create_qualification(translator, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    request = create_request(world.contact_person, modality=Modality.WRITTEN)
    made = booking.book(world.dispatcher, request, translator.id)
    assert made.revision_needed and made.deadline_on == request.deadline_on


def test_weekly_availability_refuses_overlaps_and_backwards_ranges(app_ctx, world):
    fatima, user = world.fatima, world.interpreter
    with pytest.raises(RuleError):
        availability.set_weekly(user, fatima, [(0, time(9), time(12)), (0, time(11), time(14))])
    with pytest.raises(RuleError):
        availability.set_weekly(user, fatima, [(0, time(12), time(9))])
    availability.set_weekly(user, fatima, [(0, time(9), time(12)), (0, time(13), time(17))])
    assert len(availability.weekly_of(fatima.id)) == 2
    with pytest.raises(Forbidden):
        availability.set_weekly(world.other_interpreter, fatima, [])


def test_an_organisation_bars_a_person_from_its_requests(app_ctx, world):
    availability.bar(world.contact_person, world.fatima, "x")
    from interpreter_register.bookings.matching.engine import match
    result = match(create_request(world.contact_person))
    assert [c.name for c, r in result.excluded if r[0].code == "barred"] == ["Fatima Haddad"]
    with pytest.raises(RuleError):
        availability.bar(world.contact_person, world.fatima)
    with pytest.raises(Forbidden):
        availability.bar(world.requester, world.omar)


def test_a_delivered_translation_waits_for_a_revision_until_one_is_recorded(app_ctx, world):
    from datetime import date

    from interpreter_register.register.models import Direction, QualificationKind
    from tests.fixtures.factories import create_certificate, create_qualification, open_track

    translator = create_interpreter("Reza", "Translator", certified=False, languages=(),
                                    modalities={Modality.WRITTEN})
    pair = create_qualification(translator, QualificationKind.TRANSLATION, "ar", "nl",
                                Direction.INTO_WORKING)
    revisor = create_interpreter("Shirin", "Revisor", certified=False, languages=())
    revisor_pair = create_qualification(revisor, QualificationKind.TRANSLATION, "ar", "nl",
                                        Direction.INTO_WORKING)
    create_certificate(revisor_pair, issued_on=date(2024, 1, 1))
    track = open_track(pair, opened_on=date(2024, 1, 1))
    user = create_user("interpreter", person=translator)
    request = create_request(world.contact_person, modality=Modality.WRITTEN)
    made = booking.book(world.dispatcher, request, translator.id)
    assert revisions.awaiting_revision() == [], "not delivered yet"
    with pytest.raises(Forbidden):
        revisions.mark_delivered(world.interpreter, made, future_day())
    revisions.mark_delivered(user, made, future_day())
    assert revisions.awaiting_revision() == [made]
    assert revisions.translation_pair(made).id == pair.id
    with pytest.raises(RuleError):
        revisions.mark_delivered(user, made, future_day())
    credentials.record_revision(None, track, future_day(), revisor, request.number,
                                Verdict.POSITIVE, booking_id=made.id)
    assert revisions.awaiting_revision() == []
