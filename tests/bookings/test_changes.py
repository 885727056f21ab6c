"""What happens after booking, as each party sees it: reassigning, moving, withdrawing,
leave over bookings, the register's decisions, bars, and people without an account."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.models import (
    BookingStatus,
    FlagReason,
    OfferStatus,
    RequestStatus,
    WithdrawalReason,
)
from interpreter_register.bookings.services import (
    availability,
    booking,
    changes,
    requests,
    withdrawals,
)
from interpreter_register.bookings.services.attention import attention_list
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.register.models import CertificateStatus, Modality
from interpreter_register.register.services import credentials, people
from tests.fixtures.factories import create_interpreter, create_request, future_day
from tests.fixtures.reading import mails


def event_in(mail):
    [event] = Calendar.from_ical(mail.calendar).walk("VEVENT")
    return event


def to(address, **filters):
    return [m for m in mails(**filters) if m.recipient == address]


def test_reassigning_tells_the_requester_once_with_the_same_event(app_ctx, world):
    request = create_request(world.contact_person)
    first = booking.book(world.dispatcher, request, world.fatima.id)
    [booked] = to(world.contact_person.email, kind="booked")
    changes.reassign(world.dispatcher, request, world.omar.id)
    [again] = to(world.contact_person.email, kind="booked")[1:]
    assert str(event_in(booked)["UID"]) == str(event_in(again)["UID"]) == request.calendar_uid
    assert event_in(again)["SEQUENCE"] > event_in(booked)["SEQUENCE"]
    assert "Omar Mansour" in again.body and "Omar Mansour" in str(
        event_in(again)["DESCRIPTION"])
    assert not to(world.contact_person.email, calendar_method="CANCEL"), \
        "the requester's appointment goes on; only its interpreter changed"
    [gone] = to(world.interpreter.email, kind="cancelled")
    assert gone.calendar_method == "CANCEL" and str(event_in(gone)["UID"]) == first.uid


def test_a_move_the_person_cannot_keep_cancels_them_at_the_old_time(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    booking.book(world.dispatcher, request, world.fatima.id)
    # On leave that evening: the new time is one she cannot keep.
    withdrawals.take_leave(world.register_staff, world.fatima, day, day, time(17), time(23))
    changes.reschedule(world.dispatcher, request, brussels_to_utc(day, time(18)),
                       brussels_to_utc(day, time(19)), "Kouter 1", "9000", "Gent")
    [cancelled] = to(world.interpreter.email, calendar_method="CANCEL")
    assert event_in(cancelled).decoded("DTSTART") == brussels_to_utc(day, time(10))
    [told] = to(world.contact_person.email, kind="released")
    assert event_in(told)["STATUS"] == "TENTATIVE"
    assert event_in(told).decoded("DTSTART") == brussels_to_utc(day, time(18))
    assert (request.status, request.flag) == (RequestStatus.SUBMITTED, FlagReason.RELEASED)


def test_an_interpreter_withdraws_and_everyone_hears_what_concerns_them(app_ctx, world):
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    withdrawals.withdraw(world.interpreter, made, WithdrawalReason.ILLNESS, "Flu, sorry")
    assert (request.status, request.flag) == (RequestStatus.SUBMITTED, FlagReason.WITHDRAWN)
    assert made.status == BookingStatus.CANCELLED and made.ended_reason == "withdrawn"
    [rebook] = mails(kind="rebook")
    assert rebook.recipient == world.dispatcher.email
    assert "Ziekte" in rebook.body and "Flu, sorry" in rebook.body  # Dutch: no language set
    [told] = to(world.contact_person.email, kind="released")
    assert "Ziekte" not in told.body and "Flu" not in told.body, "not why"
    assert event_in(told)["STATUS"] == "TENTATIVE"
    [confirmation] = to(world.interpreter.email, kind="withdrawn")
    assert confirmation.calendar_method == "CANCEL"
    [item] = attention_list(world.service.id, utcnow())[:1]
    assert (item.request, item.what, item.action) == (request, "withdrawn", "book")


@pytest.mark.parametrize("case", ["begun", "cancelled", "someone else's"])
def test_withdrawing_is_refused_where_it_makes_no_sense(app_ctx, world, case):
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    if case == "begun":
        with pytest.raises(RuleError, match="already begun"):
            withdrawals.withdraw(world.interpreter, made, WithdrawalReason.OTHER,
                                 now=made.starts_at + timedelta(minutes=1))
    elif case == "cancelled":
        requests.cancel_request(world.contact_person, request, "not needed")
        with pytest.raises(RuleError, match="no longer yours"):
            withdrawals.withdraw(world.interpreter, made, WithdrawalReason.OTHER)
    else:
        with pytest.raises(Forbidden):
            withdrawals.withdraw(world.other_interpreter, made, WithdrawalReason.OTHER)
    assert made.status in (BookingStatus.CONFIRMED, BookingStatus.CANCELLED)
    assert not mails(kind="rebook")


def test_leave_over_bookings_asks_first_then_withdraws_from_each(app_ctx, world):
    day = future_day()
    morning = create_request(world.contact_person, day=day, start=time(9), end=time(10))
    evening = create_request(world.contact_person, day=day, start=time(18), end=time(19))
    first = booking.book(world.dispatcher, morning, world.fatima.id)
    second = booking.book(world.dispatcher, evening, world.fatima.id)
    with pytest.raises(withdrawals.LeaveOverBookings) as asked:
        withdrawals.take_leave(world.interpreter, world.fatima, day, day)
    assert asked.value.bookings == [first, second]
    # Part of a day: an afternoon off touches only the evening booking.
    with pytest.raises(withdrawals.LeaveOverBookings) as asked:
        withdrawals.take_leave(world.interpreter, world.fatima, day, day, time(13))
    assert asked.value.bookings == [second]
    withdrawals.take_leave(world.interpreter, world.fatima, day, day, time(13),
                           confirmed=frozenset({second.id}))
    assert first.status == BookingStatus.CONFIRMED
    assert second.status == BookingStatus.CANCELLED
    assert second.withdrawal_reason == WithdrawalReason.LEAVE
    assert evening.flag == FlagReason.WITHDRAWN
    # Matching sees the afternoon off, and not the morning.
    afternoon = create_request(world.contact_person, day=day, start=time(15), end=time(16))
    assert world.fatima.id not in {r.candidate.person_id for r in match(afternoon).ranked}
    early = create_request(world.contact_person, day=day, start=time(11), end=time(12))
    assert world.fatima.id in {r.candidate.person_id for r in match(early).ranked}


@pytest.mark.parametrize("first_day_offset,until", [(1, None), (0, time(8))])
def test_leave_that_ends_before_it_starts_is_refused(app_ctx, world, first_day_offset,
                                                      until):
    day = future_day()
    with pytest.raises(RuleError):
        withdrawals.take_leave(world.interpreter, world.fatima, day + timedelta(
            days=first_day_offset), day, time(9), until)


def test_a_suspended_certificate_excludes_withdraws_offers_and_flags_bookings(app_ctx, world):
    offered = create_request(world.contact_person, day=future_day(weeks=3))
    [offer] = booking.send_offers(world.dispatcher, offered, person_ids=[world.omar.id])
    booked = create_request(world.contact_person, day=future_day(weeks=3), start=time(14),
                            end=time(15))
    made = booking.book(world.dispatcher, booked, world.omar.id)
    [certificate] = world.omar.qualifications[0].certificates
    credentials.change_certificate_status(world.register_staff, certificate,
                                          CertificateStatus.SUSPENDED, future_day(),
                                          "Complaint under review")
    assert offer.status == OfferStatus.WITHDRAWN
    [no_longer] = mails(kind="offer_withdrawn")
    assert no_longer.recipient == world.other_interpreter.email
    assert "Complaint" not in no_longer.body, "the interpreter is never told why here"
    excluded = {c.person_id: [r.code for r in reasons]
                for c, reasons in match(create_request(world.contact_person)).excluded}
    assert excluded[world.omar.id] == ["certificate_suspended"]
    assert made.status == BookingStatus.CONFIRMED, "the dispatcher decides"
    [item] = [i for i in attention_list(world.service.id, utcnow()) if i.booking is made]
    assert (item.what, item.action) == ("certificate_suspended", "reassign")
    with pytest.raises(booking.OfferAnswer, match="no longer available"):
        booking.accept_offer(world.other_interpreter, offer)


def test_an_ended_certificate_lowers_the_tier_and_the_row_says_when(app_ctx, world):
    from interpreter_register.register.models import Tier

    lapsed = create_interpreter("Leila", "Lapsed", certified=False)
    credentials.issue_certificate(None, lapsed.qualifications[0], "SI-LAPSED",
                                  future_day() - timedelta(days=800),
                                  future_day() - timedelta(days=10))
    for person in (world.fatima, world.omar):
        people.set_person_active(world.register_staff, person, False)
    result = match(create_request(world.contact_person))
    [row] = [r for r in result.ranked if r.candidate.person_id == lapsed.id]
    assert row.candidate.tier == Tier.REGISTERED
    assert "certificate_expired" in [r.code for r in row.ranking.reasons]


def test_deactivating_a_person_withdraws_their_offers(app_ctx, world):
    request = create_request(world.contact_person)
    [offer] = booking.send_offers(world.dispatcher, request, person_ids=[world.omar.id])
    people.set_person_active(world.register_staff, world.omar, False)
    assert offer.status == OfferStatus.WITHDRAWN
    assert request.flag == FlagReason.NO_ONE_ACCEPTED, "back to the dispatchers"


def test_a_bar_withdraws_the_persons_offers_for_that_organisation_only(app_ctx, world):
    ours = create_request(world.contact_person)
    [ours_offer] = booking.send_offers(world.dispatcher, ours, person_ids=[world.omar.id])
    availability.bar(world.contact_person, world.omar, "A conflict")
    assert ours_offer.status == OfferStatus.WITHDRAWN
    [told] = mails(kind="offer_withdrawn")
    assert "conflict" not in told.body.lower() and "bar" not in told.body.lower()
    with pytest.raises(booking.OfferAnswer, match="no longer available"):
        booking.accept_offer(world.other_interpreter, ours_offer)


def test_people_without_an_account_get_everything_by_link(app_ctx, world, client):
    from tests.fixtures.reading import load

    newcomer = create_interpreter("Nadia", "Bouzid", email="nadia@example.org")
    request = create_request(world.contact_person, modality=Modality.PHONE,
                             notes="Ask for the social worker at reception")
    [offer] = booking.send_offers(world.dispatcher, request, person_ids=[newcomer.id])
    [offered] = mails(kind="offer")
    assert "log in" not in offered.body.lower() and "/offers/" in offered.body
    made = booking.accept_offer(None, offer)
    [booked] = to("nadia@example.org", kind="booked")
    assert "log in" not in booked.body.lower()
    link = next(line for line in booked.body.splitlines() if "/b/" in line).strip()
    path = link.replace("http://register.test", "")
    page = client.get(path).get_data(as_text=True)
    assert "Ask for the social worker at reception" in page and "+32 9 266 99 00" in page
    # The link is void once the booking changed hands; nothing changes through it.
    changes.reassign(world.dispatcher, request, world.fatima.id)
    void = client.get(path)
    assert void.status_code == 410 and "reception" not in void.get_data(as_text=True)
    assert load(made).status == BookingStatus.CANCELLED


def test_the_requesters_own_cancellation_says_so_and_others_say_who(app_ctx, world):
    for who, words in ((world.contact_person, "U hebt deze aanvraag geannuleerd"),
                       (world.requester, "Uw collega Jan Colleague heeft"),
                       (world.dispatcher, "De tolkendienst heeft uw aanvraag geannuleerd")):
        request = create_request(world.contact_person)
        booking.book(world.dispatcher, request, world.fatima.id)
        requests.cancel_request(who, request, "not needed")
        mail = to(world.contact_person.email, kind="cancelled")[-1]
        assert words in mail.body


def test_a_delivered_translation_is_no_longer_cancellable(app_ctx, world):
    from interpreter_register.bookings.services import revisions
    from interpreter_register.register.models import Direction, QualificationKind
    from tests.fixtures.factories import create_qualification, create_user

    translator = create_interpreter("Reza", "Written", certified=False,
                                    modalities={Modality.WRITTEN}, languages=())
    create_qualification(translator, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    request = create_request(world.contact_person, modality=Modality.WRITTEN)
    made = booking.book(world.dispatcher, request, translator.id)
    revisions.mark_delivered(create_user("interpreter", person=translator), made,
                             future_day())
    assert not request.is_cancellable
    with pytest.raises(RuleError, match="no longer be cancelled"):
        requests.cancel_request(world.contact_person, request, "not needed")


def test_every_action_of_the_history_has_its_words():
    """The actions the code records (``record``, ``release``, ``book``) each read as words
    in the reader's language: none shows as a raw code."""
    import ast
    from pathlib import Path

    from interpreter_register.bookings.history import TEXTS

    package = Path(__file__).resolve().parents[2] / "interpreter_register"
    found = {"booked", "accepted"}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("record", "release")):
                found |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)
                          and isinstance(arg.value, str)}
    assert len(found) > 10 and found <= set(TEXTS), found - set(TEXTS)
