"""Every change reaches everyone: random sequences of what happens to requests and bookings
(booking, offers, moves, reassigning, cancelling, withdrawing, leave, suspension,
deactivation, renames, time passing, completion sheets settled; series asked, booked or
offered as a whole, changed one date, the following ones or all, cancelled from a date; a
requester's changes), driven through the services, and after every step:

- for each party, replaying the iTIP mails they received, in order, gives exactly the live
  events of their feed, and both agree with the database (docs/calendar.md);
- nobody is booked twice at one time;
- every booking at risk is on the dispatchers' attention list;
- no client data (case reference, notes, reasons) in any event or mail.

``make test`` runs a bounded number of examples; INVARIANT_EXAMPLES=500 runs a long one.
"""

import os
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
import vobject
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from icalendar import Calendar
from sqlalchemy import select

from interpreter_register.auth.models import Role
from interpreter_register.bookings.matching.facts import overlaps
from interpreter_register.bookings.models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    RequestSeries,
    RequestStatus,
    WithdrawalReason,
)
from interpreter_register.bookings.recurrence import Frequency, Recurrence
from interpreter_register.bookings.services import (
    booking,
    changes,
    deadlines,
    edits,
    requests,
    series_booking,
    withdrawals,
)
from interpreter_register.bookings.services import series as series_service
from interpreter_register.bookings.services.attention import attention_list
from interpreter_register.calendar.events import feed_ics
from interpreter_register.calendar.models import FeedScope
from interpreter_register.calendar.services import audience_of, create_feed, feed_subjects
from interpreter_register.core.outbox import OutboxMessage
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc, to_brussels
from interpreter_register.extensions import db
from interpreter_register.organisations import services as organisations
from interpreter_register.register.models import CertificateStatus, Domain, Modality
from interpreter_register.register.services import credentials, people
from interpreter_register.sheets.services import answers as sheet_answers
from interpreter_register.sheets.services import filing as sheet_filing
from interpreter_register.sheets.services import followup as sheet_followup
from interpreter_register.sheets.services.content import SheetDetails
from tests.fixtures.factories import (
    create_certificate,
    create_organisation,
    create_person,
    create_service,
    create_user,
    make_available,
)

START = datetime(2027, 3, 1, 7, tzinfo=UTC)   # a Monday morning, before the spring change
CASE, NOTES, REASON = "CASE-SECRET-91", "The client fears dogs", "Client moved to Spain"
# What an interpreter tells the service when withdrawing: for the dispatchers' mail only.
WORD = "Flu, sorry"
_examples = iter(range(10_000))
EXAMPLES = int(os.environ.get("INVARIANT_EXAMPLES", "8"))
STEPS = int(os.environ.get("INVARIANT_STEPS", "18"))


def _live_events(ics_texts, method_of=None) -> dict:
    """Replay calendar documents in order (iTIP: a CANCEL ends an event, a REQUEST with a
    SEQUENCE not older than the known one replaces it); the live events by UID."""
    events = {}
    for text in ics_texts:
        calendar = Calendar.from_ical(text)
        method = str(calendar.get("METHOD", "")) if method_of is None else method_of
        for event in calendar.walk("VEVENT"):
            uid, sequence = str(event["UID"]), int(event.get("SEQUENCE", 0))
            known = events.get(uid)
            if known is not None and sequence < known[0]:
                continue
            status = "CANCELLED" if method == "CANCEL" else str(event["STATUS"])
            events[uid] = (sequence, status, event.decoded("DTSTART"), event.decoded("DTEND"))
    return {uid: state for uid, state in events.items() if state[1] != "CANCELLED"}


class ChangesReachEveryone(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.clock = time_machine.travel(START, tick=False)
        self.clock.start()
        self.now = START
        # Each example builds a world of its own, side by side with the earlier ones in
        # the test's transaction (rolled back at its end): its own postcodes, so that its
        # requests go to its own service.
        self.number = next(_examples)
        self.postcode = str(9000 + 10 * (self.number % 99))

    def teardown(self):
        # The next examples may reuse the postcodes: this service stops serving them.
        if hasattr(self, "service"):
            self.service.active = False
            db.session.flush()
        self.clock.stop()

    # --- the world ------------------------------------------------------------------

    @initialize()
    def world(self):
        first = int(self.postcode)
        self.service = create_service(name=f"TVGent {self.number}",
                                      ranges=((first, first + 9),))
        self.organisation = create_organisation(name=f"OCMW Gent {self.number}",
                                                postcode=self.postcode)
        self.staff = create_user(Role.REGISTER_STAFF, name="Katrien")
        self.requester = create_user(Role.REQUESTER, organisation=self.organisation,
                                     name="Lotte", is_contact_person=True)
        self.colleague = create_user(Role.REQUESTER, organisation=self.organisation,
                                     name="Jan")
        self.dispatcher = create_user(Role.DISPATCHER, service=self.service, name="Pieter")
        self.people, self.accounts = [], {}
        for number, (first, last) in enumerate((("Fatima", "Haddad"), ("Omar", "Mansour"),
                                                ("Nadia", "Bouzid"))):
            person = create_person(first_name=first, last_name=last,
                                   modalities={Modality.ON_SITE, Modality.PHONE})
            create_certificate(person.qualifications[0], issued_on=START.date() - timedelta(
                days=400))
            make_available(person)
            self.people.append(person)
            # The third has no account: she works from the links in her mails.
            if number < 2:
                self.accounts[person.id] = create_user(Role.INTERPRETER, person=person,
                                                       name=f"{first} {last}")
        self.feeds = {person.id: create_feed(self.accounts[person.id])
                      for person in self.people if person.id in self.accounts}
        self.requester_feed = create_feed(self.requester, FeedScope.OWN)
        # Every example starts with a weekly series booked to Fatima across the spring
        # clock change (its last date falls after 28 March): the rules change it from there.
        first = START.date() + timedelta(days=7)
        made = series_service.create_series(self.requester, self._details(
            brussels_to_utc(first, time(9)), brussels_to_utc(first, time(10))), Recurrence(
            first, Frequency.WEEKLY, count=4))
        series_booking.book_series(self.dispatcher, made, self.people[0].id)
        db.session.flush()

    # --- what happens ------------------------------------------------------------------

    @rule(days=st.integers(1, 12), hour=st.integers(8, 16), phone=st.booleans(),
          book_now=st.booleans(), who=st.integers(0, 2))
    def ask(self, days, hour, phone, book_now, who):
        day = to_brussels(self.now).date() + timedelta(days=days)
        details = requests.RequestDetails(
            language_code="ar", working_language="nl",
            modality=Modality.PHONE if phone else Modality.ON_SITE,
            domain=Domain.SOCIAL_WELFARE, starts_at=brussels_to_utc(day, time(hour)),
            ends_at=brussels_to_utc(day, time(hour + 1)), address="Onderstraat 12",
            postcode=self.postcode, municipality="Gent", phone_number="+32 9 266 99 00",
            case_reference=CASE, notes=NOTES)
        item = requests.create_request(self.requester, details)
        if book_now:
            self._attempt(lambda: booking.book(self.dispatcher, item, self.people[who].id))

    def _attempt(self, action):
        """A change the rules may refuse (the request is no longer open, the person is
        busy): refused means nothing changed."""
        try:
            with db.session.begin_nested():
                action()
        except RuleError:
            pass
        db.session.flush()

    def _requests(self, *statuses) -> list[int]:
        return list(db.session.scalars(select(InterpretingRequest.id).where(
            InterpretingRequest.requester_id == self.requester.id,
            InterpretingRequest.status.in_(statuses)).order_by(InterpretingRequest.id)))

    def _booked(self) -> list[int]:
        return self._requests(RequestStatus.BOOKED)

    def _awaiting(self) -> list[int]:
        return self._requests(RequestStatus.SUBMITTED, RequestStatus.OFFERED)

    def _request(self, request_id) -> InterpretingRequest:
        return db.session.get(InterpretingRequest, request_id)

    @precondition(lambda self: hasattr(self, "requester") and self._awaiting())
    @rule(data=st.data(), who=st.integers(0, 2), by_offer=st.booleans())
    def book(self, data, who, by_offer):
        item = self._request(data.draw(st.sampled_from(self._awaiting())))
        person = self.people[who]

        def by_offering():
            [offer] = booking.send_offers(self.dispatcher, item, person_ids=[person.id])
            booking.accept_offer(self.accounts.get(person.id), offer)
        self._attempt(by_offering if by_offer else
                      lambda: booking.book(self.dispatcher, item, person.id))

    @precondition(lambda self: hasattr(self, "requester") and self._booked())
    @rule(data=st.data(), hours=st.integers(-3, 30))
    def move(self, data, hours):
        item = self._request(data.draw(st.sampled_from(self._booked() + self._awaiting())))
        delta = timedelta(hours=hours)
        self._attempt(lambda: changes.reschedule(
            self.dispatcher, item, item.starts_at + delta, item.ends_at + delta, "Kouter 1",
            self.postcode, "Gent"))

    @precondition(lambda self: hasattr(self, "requester") and self._booked())
    @rule(data=st.data(), who=st.integers(0, 2))
    def reassign(self, data, who):
        item = self._request(data.draw(st.sampled_from(self._booked())))
        self._attempt(lambda: changes.reassign(self.dispatcher, item, self.people[who].id))

    @precondition(lambda self: hasattr(self, "requester") and self._booked() + self._awaiting())
    @rule(data=st.data(), by=st.sampled_from(["requester", "colleague", "dispatcher"]))
    def cancel(self, data, by):
        item = self._request(data.draw(st.sampled_from(self._booked() + self._awaiting())))
        self._attempt(lambda: requests.cancel_request(getattr(self, by), item, REASON))

    @precondition(lambda self: hasattr(self, "requester") and self._booked())
    @rule(data=st.data(), reason=st.sampled_from(list(WithdrawalReason)))
    def withdraw(self, data, reason):
        made = self._request(data.draw(st.sampled_from(self._booked()))).live_booking
        self._attempt(lambda: withdrawals.withdraw(self.accounts.get(made.person_id), made,
                                                   reason, WORD))

    @precondition(lambda self: hasattr(self, "requester") and self._booked())
    @rule(data=st.data())
    def leave_over_a_booking(self, data):
        made = self._request(data.draw(st.sampled_from(self._booked()))).live_booking
        person, day = made.person, made.request.day

        def act():
            touched = withdrawals.bookings_during(
                person.id, brussels_to_utc(day, time(0)),
                brussels_to_utc(day + timedelta(days=1), time(0)), self.now)
            withdrawals.take_leave(self.staff, person, day, day, note="Holiday",
                                   confirmed=frozenset(b.id for b in touched))
        self._attempt(act)

    # --- series and a requester's changes ---------------------------------------------

    @precondition(lambda self: hasattr(self, "requester"))
    @rule(days=st.integers(1, 9), hour=st.integers(8, 15), count=st.integers(2, 5),
          fortnightly=st.booleans(), phone=st.booleans())
    def ask_series(self, days, hour, count, fortnightly, phone):
        """A weekly (or fortnightly) series; from START, four weeks or more cross the
        spring clock change."""
        day = to_brussels(self.now).date() + timedelta(days=days)
        details = self._details(brussels_to_utc(day, time(hour)),
                                brussels_to_utc(day, time(hour + 1)), phone)
        self._attempt(lambda: series_service.create_series(self.requester, details, Recurrence(
            day, Frequency.FORTNIGHTLY if fortnightly else Frequency.WEEKLY, count=count)))

    def _details(self, starts_at, ends_at, phone=True):
        return requests.RequestDetails(
            language_code="ar", working_language="nl",
            modality=Modality.PHONE if phone else Modality.ON_SITE,
            domain=Domain.EDUCATION, starts_at=starts_at, ends_at=ends_at,
            address="Schoolstraat 1", postcode=self.postcode, municipality="Gent",
            phone_number="+32 9 266 99 00", case_reference=CASE, notes=NOTES)

    def _series(self, awaiting_only=False) -> list[int]:
        """The requester's series with dates still to come (nobody booked, if asked)."""
        statuses = ((RequestStatus.SUBMITTED, RequestStatus.OFFERED) if awaiting_only
                    else (RequestStatus.SUBMITTED, RequestStatus.OFFERED, RequestStatus.BOOKED))
        return list(db.session.scalars(
            select(InterpretingRequest.series_id).where(
                InterpretingRequest.requester_id == self.requester.id,
                InterpretingRequest.series_id.is_not(None),
                InterpretingRequest.status.in_(statuses),
                InterpretingRequest.due_at > self.now)
            .group_by(InterpretingRequest.series_id).order_by(InterpretingRequest.series_id)))

    @precondition(lambda self: hasattr(self, "requester") and self._series(awaiting_only=True))
    @rule(data=st.data(), who=st.integers(0, 2), by_offer=st.booleans(),
          taken=st.lists(st.booleans(), min_size=5, max_size=5))
    def book_series(self, data, who, by_offer, taken):
        series = db.session.get(RequestSeries,
                                data.draw(st.sampled_from(self._series(awaiting_only=True))))
        person = self.people[who]

        def by_offering():
            offers, _left = series_booking.offer_series(self.dispatcher, series, person.id)
            chosen = {offer.id for offer, keep in zip(offers, taken, strict=False) if keep}
            series_booking.answer_series(self.accounts.get(person.id), person.id, series,
                                         chosen, "Busy")
        self._attempt(by_offering if by_offer else
                      lambda: series_booking.book_series(self.dispatcher, series, person.id))

    @precondition(lambda self: hasattr(self, "requester") and self._series())
    @rule(data=st.data(), scope=st.sampled_from(list(series_service.Scope)),
          hours=st.integers(-2, 30))
    def change_series(self, data, scope, hours):
        series = db.session.get(RequestSeries, data.draw(st.sampled_from(self._series())))
        item = data.draw(st.sampled_from(series_service.upcoming(series, self.now)))
        delta = timedelta(hours=hours)
        details = requests.details_of(item)
        changed = requests.RequestDetails(**{**details.__dict__,
                                             "starts_at": item.starts_at + delta,
                                             "ends_at": item.ends_at + delta})
        self._attempt(lambda: series_service.edit_occurrences(self.requester, item, changed,
                                                              scope))

    @precondition(lambda self: hasattr(self, "requester") and self._series())
    @rule(data=st.data())
    def cancel_series_from(self, data):
        series = db.session.get(RequestSeries, data.draw(st.sampled_from(self._series())))
        day = data.draw(st.sampled_from(series_service.days_to_cancel_from(series, self.now)
                                        or [series.first_day]))
        self._attempt(lambda: series_service.cancel_from(self.colleague, series, day, REASON))

    @precondition(lambda self: hasattr(self, "requester") and self._booked() + self._awaiting())
    @rule(data=st.data(), hours=st.integers(-2, 30), new_notes=st.booleans())
    def requester_changes(self, data, hours, new_notes):
        item = self._request(data.draw(st.sampled_from(self._booked() + self._awaiting())))
        details = requests.details_of(item)
        delta = timedelta(hours=hours)
        changed = requests.RequestDetails(**{
            **details.__dict__, "starts_at": item.starts_at + delta,
            "ends_at": item.ends_at + delta,
            "notes": NOTES + " (2)" if new_notes else details.notes})
        self._attempt(lambda: edits.edit_request(self.requester, item, changed))

    @rule(who=st.integers(0, 2), suspend=st.booleans())
    def certificate(self, who, suspend):
        certificate = self.people[who].qualifications[0].certificates[0]
        status = CertificateStatus.SUSPENDED if suspend else CertificateStatus.VALID
        self._attempt(lambda: credentials.change_certificate_status(
            None, certificate, status, to_brussels(self.now).date(), REASON))

    @rule(who=st.integers(0, 2), active=st.booleans())
    def person_active(self, who, active):
        people.set_person_active(None, self.people[who], active)
        db.session.flush()

    @rule(name=st.sampled_from(["OCMW", "OCMW Centrum", "Sociaal Huis"]))
    def rename(self, name):
        name = f"{name} {self.number}"
        admin = create_user(Role.ADMIN)
        organisation = self.organisation
        self._attempt(lambda: organisations.save_organisation(
            admin, organisations.OrganisationDetails(
                name=name, type=organisation.type, postcode=organisation.postcode,
                municipality=organisation.municipality, working_language="nl"),
            organisation))

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours)
        self.clock.stop()
        self.clock = time_machine.travel(self.now, tick=False)
        self.clock.start()
        mine = set(self._requests(*RequestStatus))
        # The end of the work changes no status: the interpreter is asked for the sheet.
        for made in sheet_followup.ended_without_sheet(self.now):
            if made.request_id in mine:
                sheet_followup.ask(made, self.now)
        for item in deadlines.awaiting_requests_due(self.now):
            if item.id in mine:
                deadlines.close_unfilled(item, self.now)
        db.session.flush()

    # --- what must always hold ---------------------------------------------------------

    def _mailbox(self, address: str) -> dict:
        texts = db.session.scalars(select(OutboxMessage.calendar).where(
            OutboxMessage.recipient == address, OutboxMessage.calendar.is_not(None))
            .order_by(OutboxMessage.id)).all()
        return _live_events(texts)

    def _feed(self, feed) -> dict:
        text = feed_ics(feed_subjects(feed, self.now), audience_of(feed), "nl", 60)
        # A second, independent parser reads the same events.
        independent = vobject.readOne(text.decode())
        found = _live_events([text], method_of="PUBLISH")
        assert {e.uid.value for e in independent.contents.get("vevent", [])
                if e.status.value != "CANCELLED"} == set(found)
        return found

    @staticmethod
    def _state(uid, sequence, status, starts_at, ends_at):
        return uid, (sequence, status, starts_at, ends_at)

    @precondition(lambda self: hasattr(self, "requester") and self._booked())
    @rule(data=st.data(), dispute=st.booleans())
    def settle_a_sheet(self, data, dispute):
        """The work is over: its sheet is filed and settled (confirmed, or disputed and
        settled by the service), which completes the booking and changes no calendar."""
        made = self._request(data.draw(st.sampled_from(self._booked()))).live_booking

        def act():
            sheet = sheet_filing.file_sheet(
                self.accounts.get(made.person_id), made,
                SheetDetails(no_show=True), now=self.now)
            if dispute:
                sheet_answers.dispute(self.requester, sheet, {"no_show": REASON}, now=self.now)
                sheet_filing.settle(self.dispatcher, sheet, REASON, now=self.now)
            else:
                sheet_answers.confirm(self.colleague, sheet, now=self.now)
        self._attempt(act)

    @invariant()
    def every_party_sees_the_same_true_story(self):
        if not hasattr(self, "requester"):
            return
        db.session.flush()
        db.session.expire_all()
        for person in self.people:
            bookings = db.session.scalars(select(Booking).where(
                Booking.person_id == person.id, Booking.status != BookingStatus.CANCELLED))
            truth = {b.uid: (b.sequence, "CONFIRMED", b.starts_at, b.ends_at)
                     for b in bookings}
            mailbox = self._mailbox(person.mail_recipient.address)
            assert _comparable(mailbox) == _comparable(truth), person.full_name
            if person.id in self.feeds:
                assert _comparable(self._feed(self.feeds[person.id])) == _comparable(truth)
        items = db.session.scalars(select(InterpretingRequest).where(
            InterpretingRequest.requester_id == self.requester.id)).all()
        truth = {r.calendar_uid: (r.calendar_sequence, r.calendar_status, r.starts_at,
                                  r.ends_at)
                 for r in items if r.has_calendar_event and r.calendar_status != "CANCELLED"}
        assert _comparable(self._mailbox(self.requester.email)) == _comparable(truth)
        assert _comparable(self._feed(self.requester_feed)) == _comparable(truth)

    @invariant()
    def nobody_is_booked_twice(self):
        if not hasattr(self, "requester"):
            return
        for person in self.people:
            live = db.session.scalars(select(Booking).where(
                Booking.person_id == person.id,
                Booking.status == BookingStatus.CONFIRMED)).all()
            for first in live:
                for second in live:
                    assert first is second or not overlaps(
                        first.starts_at, first.ends_at, second.starts_at, second.ends_at)

    @invariant()
    def every_booking_at_risk_needs_attention(self):
        if not hasattr(self, "requester"):
            return
        listed = {item.booking.id for item in attention_list(self.service.id, self.now)
                  if item.booking is not None}
        at_risk = db.session.scalars(select(Booking).join(InterpretingRequest).where(
            InterpretingRequest.service_id == self.service.id,
            Booking.status == BookingStatus.CONFIRMED,
            InterpretingRequest.due_at > self.now)).all()
        for made in at_risk:
            day = made.request.day
            pair = made.person.qualifications[0]
            if not made.person.active or not pair.certified_on(day):
                assert made.id in listed, made.person.full_name

    @invariant()
    def no_client_data_leaves(self):
        if not hasattr(self, "requester"):
            return
        for message in db.session.scalars(select(OutboxMessage)):
            for secret in (CASE, NOTES, REASON):
                assert secret not in message.subject
                assert secret not in (message.calendar or "")
            for secret in (CASE, REASON):
                assert secret not in message.body


def _comparable(events: dict) -> dict:
    """Events by UID: (SEQUENCE, STATUS, start, end), the times in UTC."""
    return {uid: (sequence, status, _utc(start), _utc(end))
            for uid, (sequence, status, start, end) in events.items()}


def _utc(moment):
    return moment.astimezone(UTC) if isinstance(moment, datetime) else moment


@pytest.mark.parametrize("seed", [2027])
def test_every_change_reaches_everyone(app_ctx, database_kind, seed):
    run_state_machine_as_test(ChangesReachEveryone, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        derandomize=not os.environ.get("INVARIANT_EXAMPLES"), database=None,
        suppress_health_check=list(HealthCheck)))
