"""Demo requests, offers and bookings in every state, over the past month and the coming
weeks, so that every role logs in to a working day; and a year of history before."""

from datetime import date, time, timedelta

from sqlalchemy import select

from ..auth.models import Role, User
from ..bookings.matching.engine import match, place_key
from ..bookings.matching.series import match_series
from ..bookings.models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    RequestEvent,
    RequestStatus,
    UnfilledReason,
    WithdrawalReason,
)
from ..bookings.recurrence import Frequency, Recurrence
from ..bookings.services import (
    availability,
    booking,
    requests,
    revisions,
    series,
    series_booking,
    withdrawals,
)
from ..calendar.models import FeedScope
from ..calendar.services import create_feed
from ..core.rules import RuleError
from ..core.time import brussels_to_utc, utcnow
from ..extensions import db
from ..register.models import (
    CertificateStatus,
    Direction,
    Domain,
    Modality,
    Person,
    Qualification,
    Tier,
)
from ..register.services import credentials
from ..sheets.services import followup
from .documents import attach as attach_documents
from .history import seed_history
from .sheets import seed_late_cancellation_sheet, seed_recent_sheets


def working_day(start: date, n: int) -> date:
    """The n-th working day (Monday to Friday) after ``start``; negative counts back."""
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def _availability(persons: list[Person]) -> None:
    """Most work on weekdays; some mornings only; some on Saturdays too."""
    for number, person in enumerate(persons):
        hours = (time(9), time(13)) if number % 5 == 3 else (time(8), time(18))
        days = range(6) if number % 4 == 1 else range(5)
        availability.set_weekly(_staff(), person, [(d, *hours) for d in days])


def _staff() -> User:
    return db.session.scalar(select(User).where(User.role == Role.REGISTER_STAFF))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def seed_bookings(persons: list[Person], today: date) -> None:
    _availability(persons)
    fatima = persons[0]
    withdrawals.take_leave(_staff(), persons[3], working_day(today, 6), working_day(today, 10),
                           note="Vakantie")
    requester, colleague = _user("requester@example.org"), _user("uzgent@example.org")
    dispatcher = _user("dispatcher@example.org")

    def ask(who, day, start, end, language="ar", modality=Modality.ON_SITE, **extra):
        details = requests.RequestDetails(
            language_code=language, working_language="nl", modality=modality,
            domain=extra.pop("domain", Domain.SOCIAL_WELFARE),
            starts_at=brussels_to_utc(day, start), ends_at=brussels_to_utc(day, end),
            address=extra.pop("address", "Onderstraat 12"), postcode=who.organisation.postcode,
            municipality=who.organisation.municipality,
            phone_number="+32 9 266 99 00" if modality == Modality.PHONE else None,
            video_link="https://meet.example.org/r" if modality == Modality.VIDEO else None,
            **extra)
        return requests.create_request(who, details)

    # Booked for the demo interpreter, on site in two working days.
    first = ask(requester, working_day(today, 2), time(10), time(11, 30),
                case_reference="GNT-2026-0412",
                notes="Intakegesprek. Breng het budgetformulier mee.")
    booking.book(dispatcher, first, fatima.id)
    # Offered to several, the demo interpreter among them: waiting for answers.
    second = ask(colleague, working_day(today, 5), time(14), time(15), modality=Modality.VIDEO,
                 domain=Domain.MEDICAL, case_reference="UZG-77821")
    booking.send_offers(dispatcher, second)
    # Urgent and tomorrow, by telephone, not handled yet: it stands out in the queue.
    ask(requester, working_day(today, 1), time(9), time(9, 45), language="prs",
        modality=Modality.PHONE, urgent=True, case_reference="GNT-2026-0533")
    # A language nobody in the register holds: the shortage evidence.
    ask(requester, working_day(today, 3), time(13), time(14), language="wo",
        case_reference="GNT-2026-0534")
    # A written translation, offered.
    translation = requests.create_request(requester, requests.RequestDetails(
        language_code="ar", working_language="nl", modality=Modality.WRITTEN,
        domain=Domain.EDUCATION, deadline_on=working_day(today, 10), words=800,
        direction=Direction.INTO_WORKING, case_reference="GNT-2026-0535"))
    booking.send_offers(dispatcher, translation)
    # A translation the demo interpreter (reliable, not certified) delivered: it waits on
    # the register staff's list for a revisor.
    delivered = requests.create_request(requester, requests.RequestDetails(
        language_code="ar", working_language="nl", modality=Modality.WRITTEN,
        domain=Domain.SOCIAL_WELFARE, deadline_on=working_day(today, 7), words=350,
        direction=Direction.INTO_WORKING, case_reference="GNT-2026-0537"))
    made = booking.book(dispatcher, delivered, fatima.id)
    revisions.mark_delivered(_user("interpreter@example.org"), made, today)
    attach_documents(requester, _user("interpreter@example.org"), translation, delivered,
                     first)
    # Cancelled in time, and cancelled late.
    early = ask(requester, working_day(today, 12), time(10), time(11), language="ps",
                case_reference="GNT-2026-0536")
    requests.cancel_request(requester, early, "De cliënt is verhuisd")
    late = ask(colleague, working_day(today, 4), time(8, 30), time(9, 30),
               case_reference="UZG-77822")
    booking.book(dispatcher, late, fatima.id)
    requests.cancel_request(colleague, late, "Afspraak verplaatst door het ziekenhuis",
                            now=brussels_to_utc(working_day(today, 3), time(15)))
    _changes(ask, persons, requester, dispatcher, today)
    _series(persons, requester, colleague, dispatcher, today)
    _past(persons, requester, dispatcher, today)
    seed_history(persons, [requester, colleague], dispatcher, working_day(today, -20))
    # The demo interpreter's and requester's calendar feeds, to subscribe to from a
    # calendar client.
    create_feed(_user("interpreter@example.org"))
    create_feed(requester, FeedScope.OWN)


def _changes(ask, persons, requester, dispatcher, today) -> None:
    """What happens after booking, on the dispatcher's attention list: an interpreter who
    withdrew (ill), and one whose certificate was suspended after being booked; and an
    afternoon of leave."""
    fatima = persons[0]
    withdrawn = ask(requester, working_day(today, 6), time(10), time(11),
                    modality=Modality.PHONE, case_reference="GNT-2026-0540")
    someone = _ranked_other_than(withdrawn, fatima)
    if someone is not None:
        made = booking.book(dispatcher, withdrawn, someone)
        withdrawals.withdraw(None, made, WithdrawalReason.ILLNESS, "Griep, sorry")
    suspended = ask(requester, working_day(today, 9), time(14), time(15),
                    modality=Modality.VIDEO, case_reference="GNT-2026-0541")
    someone = _ranked_other_than(suspended, fatima)
    if someone is not None:
        made = booking.book(dispatcher, suspended, someone)
        pair = db.session.get(Qualification, made.qualification_id)
        for certificate in pair.certificates:
            credentials.change_certificate_status(
                _staff(), certificate, CertificateStatus.SUSPENDED, today,
                "Klacht in onderzoek")
    withdrawals.take_leave(_staff(), persons[5], working_day(today, 8), working_day(today, 8),
                           time(13), time(18), note="Opleiding")


def _series(persons, requester, colleague, dispatcher, today) -> None:
    """Two series: weekly school meetings, booked for the demo interpreter except the date
    she is already booked at that hour (it waits in the queue, flagged); and a monthly
    telephone follow-up at the hospital, its dates offered to her to accept all or some."""
    fatima = persons[0]
    first = working_day(today, 2)       # the day and hour of her first booking
    meetings = requests.RequestDetails(
        language_code="ar", working_language="nl", modality=Modality.ON_SITE,
        domain=Domain.EDUCATION, starts_at=brussels_to_utc(first, time(10)),
        ends_at=brussels_to_utc(first, time(11)), address="Basisschool De Regenboog, "
        "Sleepstraat 10", postcode=requester.organisation.postcode,
        municipality=requester.organisation.municipality, case_reference="GNT-2026-0600",
        notes="Oudercontact met de klasleerkracht.")
    rule = Recurrence(first, Frequency.WEEKLY, count=8)
    holidays = series.plan_series(requester, meetings, rule, "nl").holiday_days
    weekly = series.create_series(requester, meetings, rule, skip=holidays)
    series_booking.book_series(dispatcher, weekly, fatima.id)
    day = working_day(today, 7)
    follow_up = requests.RequestDetails(
        language_code="ar", working_language="nl", modality=Modality.PHONE,
        domain=Domain.MENTAL_HEALTH, starts_at=brussels_to_utc(day, time(15)),
        ends_at=brussels_to_utc(day, time(16)), phone_number="+32 9 332 21 11",
        case_reference="UZG-78001")
    monthly = series.create_series(colleague, follow_up, Recurrence(
        day, Frequency.MONTHLY_BY_WEEKDAY, count=6))
    try:
        series_booking.offer_series(dispatcher, monthly, fatima.id)
    except RuleError:
        people = match_series(series.awaiting(monthly, utcnow())).people
        if people:
            series_booking.offer_series(dispatcher, monthly, people[0].person_id)


def _ranked_other_than(request, person) -> int | None:
    """Someone the matching ranks for the request, other than ``person``."""
    ranked = [r.candidate.person_id for r in match(request).ranked
              if r.candidate.person_id != person.id]
    return ranked[0] if ranked else None


def _past(persons, requester, dispatcher, today) -> None:
    """The past month: booked work whose completion sheets stand at every step (the
    services then take them on: ``demo/sheets.py``), unfilled requests, and a late
    cancellation. The requests and bookings are written directly (the services refuse the
    past, rightly)."""
    organisation = requester.organisation
    plans = [(-1, "ar", persons[0], "to_file"),
             (-2, "ar", persons[0], "waiting"),
             (-4, "ar", persons[0], "disputed"),
             (-6, "prs", persons[10], "corrected"),
             (-8, "ti", persons[26], "deemed"),
             (-10, "ar", persons[1], "not_filed"),
             (-12, "ps", None, RequestStatus.UNFILLED),
             (-15, "ar", persons[0], "confirmed"),
             (-18, "so", None, RequestStatus.UNFILLED),
             (-20, "tr", persons[30], RequestStatus.CANCELLED)]
    done, late = {}, None
    for number, (offset, language, person, part) in enumerate(plans):
        day = working_day(today, offset)
        starts, ends = brussels_to_utc(day, time(10)), brussels_to_utc(day, time(11))
        status = part if isinstance(part, RequestStatus) else RequestStatus.BOOKED
        item = InterpretingRequest(
            organisation=organisation, requester=requester, service=dispatcher.service,
            language_code=language, working_language="nl", modality=Modality.ON_SITE,
            starts_at=starts, ends_at=ends, due_at=starts, address="Onderstraat 12",
            postcode=organisation.postcode, municipality=organisation.municipality,
            domain=Domain.SOCIAL_WELFARE, case_reference=f"GNT-2026-03{number:02d}",
            status=status, created_at=starts - timedelta(days=7))
        if status == RequestStatus.UNFILLED:
            item.unfilled_reason = (UnfilledReason.NO_ONE_AVAILABLE if language == "ps"
                                    else UnfilledReason.NO_ONE_ACCEPTED)
        if status == RequestStatus.CANCELLED:
            item.cancelled_at, item.cancelled_late = starts - timedelta(hours=20), True
            item.cancel_reason = "De cliënt kwam niet opdagen"
        if person is not None:
            item.booked_at = starts - timedelta(days=5)
            made = Booking(
                request=item, person=person, starts_at=starts, ends_at=ends,
                on_site=True, place=place_key(item), tier=int(Tier.CERTIFIED),
                confirmed_at=item.booked_at, confirmed_by_id=dispatcher.id,
                status=BookingStatus.CANCELLED if status == RequestStatus.CANCELLED
                else BookingStatus.CONFIRMED)
            db.session.add(made)
            if status == RequestStatus.CANCELLED:
                made.cancelled_at, made.cancelled_late = item.cancelled_at, True
                late = (item, made)
            else:
                done[part] = made
        db.session.add(item)
        db.session.add(RequestEvent(request=item, action="submitted", at=item.created_at,
                                    actor_id=requester.id))
    db.session.flush()
    interpreter = _user("interpreter@example.org")
    seed_recent_sheets(done, requester, dispatcher, interpreter)
    followup.ask(done["not_filed"], done["not_filed"].ends_at)
    seed_late_cancellation_sheet(*late)
