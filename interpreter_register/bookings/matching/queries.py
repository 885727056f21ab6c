"""The facts matching needs, read in a fixed number of statements whatever the number of
people: one row per holder of the pair, and small queries for the few people on leave or
booked near the slot.

The holders come from the facts the register keeps (``register/facts.py``): each
qualification's tier by date range, with the pair and the person, read for the day from
one index; the person's ways of working, regions, domains and recent workload from their
own row. What is left to look up per holder is their weekly hours that weekday (and a
workload count only when the kept one does not hold for this window).

Rows, not ORM objects: a language can have a thousand holders, and the matching panel
must stay a few times the cost of listing them. For the same reason each statement is
built once per shape of request (timed or not, on site or not, ...) with bound
parameters, and only executed afterwards.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import (
    Date,
    Integer,
    Time,
    and_,
    bindparam,
    case,
    false,
    func,
    literal,
    select,
)
from sqlalchemy.orm import selectinload

from ...core.database import UTCDateTime
from ...core.time import utcnow
from ...extensions import db
from ...register.models import (
    Person,
    Qualification,
    QualificationKind,
    QualificationTier,
)
from ..models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    Leave,
    Offer,
    OfferStatus,
    OrganisationBar,
    WeeklyAvailability,
)
from ..workload import kept_count_holds, live_count
from .facts import Clash, Slot

# An interpreting assignment lies within one day (the forms ask for one day, a start and
# an end): a booking that starts earlier than this before a slot cannot reach it. This
# bounds the index range read for the bookings near a slot.
LONGEST_BOOKING = timedelta(hours=24)

DAY = bindparam("day", type_=Date())
PERSON = bindparam("person", type_=Integer())
SINCE = bindparam("since", type_=UTCDateTime())


@dataclass(frozen=True)
class Shape:
    """What changes the SQL of a matching (the values are bound parameters)."""

    translation: bool
    timed: bool
    on_site: bool
    domain: bool
    case: bool
    one_person: bool


def shape_of(request: InterpretingRequest, slot: Slot, only):
    return Shape(translation=slot.kind == QualificationKind.TRANSLATION,
                 timed=slot.starts_at is not None, on_site=slot.on_site,
                 domain=slot.domain is not None, case=bool(request.case_reference),
                 one_person=only is not None)


def parameters(request: InterpretingRequest, slot: Slot, workload_days: int,
               buffer_minutes: int, only) -> dict:
    margin = timedelta(minutes=buffer_minutes)
    found = {"language": slot.language_code, "working": slot.working_language,
             "kind": slot.kind, "direction": slot.direction, "day": slot.day,
             "organisation": request.organisation_id, "request": request.id,
             "case": request.case_reference,
             "since": utcnow() - timedelta(days=workload_days), "person": only}
    if slot.starts_at is not None:
        found.update(slot_start=slot.starts_at, slot_end=slot.ends_at,
                     weekday=slot.day.weekday(), local_start=slot.local_start,
                     local_end=slot.local_end, window_start=slot.starts_at - margin,
                     window_end=slot.ends_at + margin,
                     earliest=slot.starts_at - margin - LONGEST_BOOKING)
    return found


def _pair(shape: Shape, model=QualificationTier) -> list:
    conditions = [model.language_code == bindparam("language"),
                  model.working_language == bindparam("working"),
                  model.kind == bindparam("kind")]
    if shape.translation:
        conditions.append(model.direction == bindparam("direction"))
    if shape.one_person:
        conditions.append(model.person_id == PERSON)
    return conditions


def _on_the_day(shape: Shape) -> list:
    """The pair's tier ranges that hold on the day: one per holder."""
    return [*_pair(shape), QualificationTier.ends_on >= DAY, QualificationTier.starts_on <= DAY]


def _holders(shape: Shape):
    """The ids of the people who hold the pair, as a list of its own (even inside another
    query over the same table)."""
    return select(QualificationTier.person_id).where(*_on_the_day(shape)).correlate(None)


@cache
def candidates_statement(shape: Shape):
    """One row per holder of the pair: who they are, the pair's tier and note on the day,
    their sets and the facts of this request."""
    # 2: a range of that weekday covers the slot; 1: hours that day, none covering it;
    # 0: no hours that day. One lookup of the person's ranges that weekday answers both.
    hours = literal(2)
    if shape.timed:
        covers = and_(WeeklyAvailability.starts <= bindparam("local_start", type_=Time()),
                      WeeklyAvailability.ends >= bindparam("local_end", type_=Time()))
        hours = func.coalesce(
            select(func.max(case((covers, 2), else_=1)))
            .where(WeeklyAvailability.person_id == Person.id,
                   WeeklyAvailability.weekday == bindparam("weekday", type_=Integer()))
            .scalar_subquery(), 0)
    continuity = false()
    if shape.case:
        continuity = Person.id.in_(
            select(Booking.person_id)
            .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
            .where(InterpretingRequest.organisation_id == bindparam("organisation"),
                   InterpretingRequest.case_reference == bindparam("case"),
                   InterpretingRequest.id != bindparam("request"),
                   Booking.status != BookingStatus.CANCELLED))
    # The kept count when it holds for this window (it nearly always does), else counted.
    workload = case((kept_count_holds(SINCE), Person.workload_count), else_=live_count(SINCE))
    return (
        select(Person.id, Person.first_name, Person.last_name, Person.active, Person.gender,
               Person.postcode, QualificationTier.qualification_id, QualificationTier.tier,
               QualificationTier.note, QualificationTier.note_since, Person.modality_set,
               Person.region_set, Person.domain_set, hours.label("hours"),
               Person.id.in_(select(OrganisationBar.person_id).where(
                   OrganisationBar.organisation_id == bindparam("organisation")))
               .label("barred"),
               Person.id.in_(select(Offer.person_id).where(
                   Offer.request_id == bindparam("request"),
                   Offer.status == OfferStatus.DECLINED)).label("declined"),
               continuity.label("continuity"), workload.label("recent_bookings"))
        .select_from(QualificationTier)
        .join(Person, Person.id == QualificationTier.person_id)
        .where(*_on_the_day(shape)))


@cache
def nearby_statement(shape: Shape):
    """Live bookings of the holders within the travel buffer of the slot."""
    window_start = bindparam("window_start", type_=UTCDateTime())
    return (select(Booking.person_id, Booking.starts_at, Booking.ends_at, Booking.on_site,
                   Booking.place, InterpretingRequest.municipality)
            .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
            .where(Booking.person_id.in_(_holders(shape)),
                   Booking.status == BookingStatus.CONFIRMED,
                   Booking.request_id != bindparam("request"),
                   Booking.starts_at > bindparam("earliest", type_=UTCDateTime()),
                   Booking.starts_at < bindparam("window_end", type_=UTCDateTime()),
                   Booking.ends_at > window_start))


@cache
def leave_statement(shape: Shape):
    """Leave of the holders that meets the slot (its time; a translation: its day)."""
    if shape.timed:
        meets = (Leave.starts_at < bindparam("slot_end", type_=UTCDateTime()),
                 Leave.ends_at > bindparam("slot_start", type_=UTCDateTime()))
    else:
        meets = (Leave.first_day <= DAY, Leave.last_day >= DAY)
    return select(Leave.person_id, Leave.first_day, Leave.last_day, Leave.from_time,
                  Leave.until_time).where(Leave.person_id.in_(_holders(shape)), *meets)


@cache
def language_statement():
    return select(Qualification.id).where(
        Qualification.language_code == bindparam("language")).limit(1)


def _rows(statement, values: dict):
    """Plain rows, on the session's connection: through the ORM each row of a statement
    without entities still passed its loading machinery, which cost more than the query."""
    return db.session.connection().execute(statement, values)


def candidate_rows(shape: Shape, values: dict):
    return _rows(candidates_statement(shape), values).all()


def nearby_bookings(shape: Shape, values: dict) -> dict[int, list[Clash]]:
    near = defaultdict(list)
    if shape.timed:
        for person_id, starts_at, ends_at, on_site, place, municipality in _rows(
                nearby_statement(shape), values):
            near[person_id].append(Clash(starts_at, ends_at, on_site, place, municipality))
    return near


def leave_on_the_day(shape: Shape, values: dict) -> dict[int, tuple]:
    """(first day, last day, from, until) of leave that meets the slot, per person."""
    return {person_id: (first, last, starts, ends) for person_id, first, last, starts, ends
            in _rows(leave_statement(shape), values)}


def holds_language(language_code: str) -> bool:
    return db.session.execute(language_statement(),
                              {"language": language_code}).first() is not None


def pairs_in_the_language(slot: Slot, only: int | None = None):
    """People who hold the language, but not this pair: (person, their pairs in it)."""
    shape = Shape(translation=slot.kind == QualificationKind.TRANSLATION, timed=False,
                  on_site=False, domain=False, case=False, one_person=False)
    statement = (select(Person, Qualification)
                 .join(Qualification, Qualification.person_id == Person.id)
                 .where(Qualification.language_code == slot.language_code,
                        Person.id.not_in(select(Qualification.person_id)
                                         .where(*_pair(shape, Qualification))
                                         .correlate(None)))
                 .order_by(Person.last_name, Person.first_name, Person.id, Qualification.id)
                 .options(selectinload(Qualification.language)))
    if only is not None:
        statement = statement.where(Person.id == only)
    grouped: dict[int, tuple] = {}
    for person, qualification in db.session.execute(statement, {
            "language": slot.language_code, "working": slot.working_language,
            "kind": slot.kind, "direction": slot.direction}):
        grouped.setdefault(person.id, (person, []))[1].append(qualification)
    return list(grouped.values())
