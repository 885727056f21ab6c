"""A year of past requests in Ghent, so that the reports of a fresh demo have something to
say: demand skewed towards the languages the sector lacks, fills, unfilled requests with
their reasons, a few cancellations, and a settled completion sheet for each assignment
done. Written straight into the tables (the services
refuse the past, rightly) and the same on every run (a fixed random seed)."""

import random
from datetime import date, time, timedelta

from ..bookings.matching.engine import place_key
from ..bookings.models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    RequestStatus,
    UnfilledReason,
)
from ..core.time import brussels_to_utc
from ..extensions import db
from ..register.models import Domain, Modality, Person, QualificationKind, Tier
from .sheets import settled_history_sheet

# How often each language is asked for, out of 100: Arabic and Dari most, a long tail,
# and Wolof, which nobody in the demo register holds.
DEMAND = [("ar", 30), ("prs", 14), ("ps", 10), ("tr", 8), ("fa", 7), ("ti", 7), ("uk", 6),
          ("ru", 5), ("so", 4), ("rif", 3), ("kmr", 2), ("wo", 4)]
MODALITIES = [Modality.ON_SITE] * 6 + [Modality.PHONE] * 3 + [Modality.VIDEO]


def _holders(persons: list[Person]) -> dict[str, list[Person]]:
    found: dict[str, list[Person]] = {}
    for person in persons:
        for qualification in person.qualifications:
            if qualification.kind == QualificationKind.INTERPRETING:
                found.setdefault(qualification.language_code, []).append(person)
    return found


def _outcome(chance: random.Random, holders: list[Person]):
    """(status, unfilled reason, booked person) for one past request."""
    if not holders:
        return RequestStatus.UNFILLED, UnfilledReason.NO_HOLDER, None
    roll = chance.random()
    if roll < 0.10:
        return RequestStatus.UNFILLED, UnfilledReason.NO_ONE_AVAILABLE, None
    if roll < 0.14:
        return RequestStatus.UNFILLED, UnfilledReason.NO_ONE_ACCEPTED, None
    if roll < 0.20:
        return RequestStatus.CANCELLED, None, chance.choice(holders)
    return RequestStatus.COMPLETED, None, chance.choice(holders)


def seed_history(persons: list[Person], requesters, dispatcher, first_day: date) -> None:
    """One or two requests on every working day of the year before ``first_day``."""
    chance = random.Random(2026)
    holders = _holders(persons)
    languages, weights = zip(*DEMAND, strict=True)
    day, stop = first_day, first_day - timedelta(days=365)
    number = 0
    completed: list[Booking] = []
    while day > stop:
        day -= timedelta(days=1)
        if day.weekday() >= 5:
            continue
        for slot in range(chance.choice((1, 1, 2))):
            number += 1
            language = chance.choices(languages, weights)[0]
            requester = chance.choice(requesters)
            starts = brussels_to_utc(day, time(9 + 3 * slot))
            ends = starts + timedelta(minutes=chance.choice((45, 60, 90, 120)))
            status, reason, person = _outcome(chance, holders.get(language, []))
            item = InterpretingRequest(
                organisation=requester.organisation, requester=requester,
                service=dispatcher.service, language_code=language, working_language="nl",
                modality=chance.choice(MODALITIES), starts_at=starts, ends_at=ends,
                due_at=starts, address="Onderstraat 12",
                postcode=requester.organisation.postcode,
                municipality=requester.organisation.municipality,
                domain=chance.choice(list(Domain)), case_reference=f"HIST-{number:04d}",
                status=status, unfilled_reason=reason,
                created_at=starts - timedelta(days=chance.randint(1, 14)))
            if person is not None:
                item.booked_at = item.created_at + timedelta(hours=chance.randint(1, 72))
                made = Booking(
                    request=item, person=person, starts_at=starts, ends_at=ends,
                    on_site=item.modality == Modality.ON_SITE, place=place_key(item),
                    tier=int(Tier.CERTIFIED), confirmed_at=item.booked_at,
                    confirmed_by_id=dispatcher.id,
                    status=BookingStatus.CANCELLED if status == RequestStatus.CANCELLED
                    else BookingStatus.COMPLETED)
                db.session.add(made)
                if status == RequestStatus.COMPLETED:
                    completed.append(made)
            if status == RequestStatus.CANCELLED:
                late = chance.random() < 0.4
                item.cancelled_at = starts - timedelta(hours=12 if late else 96)
                item.cancelled_late = late
            db.session.add(item)
    db.session.flush()
    # Completed means settled: every completed booking of the year has its settled sheet.
    for made in completed:
        settled_history_sheet(chance, made, made.request.requester)
