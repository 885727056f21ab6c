"""The facts matching needs, read in a fixed number of statements whatever the number of
people: one row per holder of the pair, with the per-person facts worked out by the
database (a lookup on an index each), and small queries for the few people on leave,
booked near the slot, or without a valid certificate.

Rows, not ORM objects: a language can have a thousand holders, and the matching panel
must stay a few times the cost of listing them. For the same reason each statement is
built once per shape of request (timed or not, on site or not, ...) with bound
parameters, and only executed afterwards.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

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
    not_,
    select,
    true,
)
from sqlalchemy.orm import selectinload

from ...core.database import UTCDateTime
from ...core.time import utcnow
from ...extensions import db
from ...register.models import (
    Certificate,
    CertificateStatus,
    Person,
    PersonDomain,
    PersonModality,
    PersonRegion,
    Qualification,
    QualificationKind,
)
from ...register.policy import RegisterPolicy
from ...register.services.search import certificate_status_is, latest_decision_on
from ...register.sql import tier_of_qualification
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
from .facts import Clash, Slot

# An interpreting assignment lies within one day (the forms ask for one day, a start and
# an end): a booking that starts earlier than this before a slot cannot reach it. This
# bounds the index range read for the bookings near a slot.
LONGEST_BOOKING = timedelta(hours=24)

DAY = bindparam("day", type_=Date())
PERSON = bindparam("person", type_=Integer())


@dataclass(frozen=True)
class Shape:
    """What changes the SQL of a matching (the values are bound parameters)."""

    translation: bool
    timed: bool
    on_site: bool
    domain: bool
    case: bool
    one_person: bool
    with_remarks: str = "counts"


def shape_of(request: InterpretingRequest, slot: Slot, only, register: RegisterPolicy):
    return Shape(translation=slot.kind == QualificationKind.TRANSLATION,
                 timed=slot.starts_at is not None, on_site=slot.on_site,
                 domain=slot.domain is not None, case=bool(request.case_reference),
                 one_person=only is not None, with_remarks=register.with_remarks)


def parameters(request: InterpretingRequest, slot: Slot, register: RegisterPolicy,
               workload_days: int, buffer_minutes: int, only) -> dict:
    margin = timedelta(minutes=buffer_minutes)
    found = {"language": slot.language_code, "working": slot.working_language,
             "kind": slot.kind, "direction": slot.direction, "day": slot.day,
             "positives": register.positives_needed, "modality": slot.modality,
             "province": slot.province, "domain": slot.domain,
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


def _pair(shape: Shape) -> list:
    conditions = [Qualification.language_code == bindparam("language"),
                  Qualification.working_language == bindparam("working"),
                  Qualification.kind == bindparam("kind")]
    if shape.translation:
        conditions.append(Qualification.direction == bindparam("direction"))
    if shape.one_person:
        conditions.append(Qualification.person_id == PERSON)
    return conditions


def _holders(shape: Shape):
    """The ids of the people who hold the pair, as a list of its own (even inside another
    query over the qualifications)."""
    return select(Qualification.person_id).where(*_pair(shape)).correlate(None)


def _looked_up(statement):
    """EXISTS, looked up on an index for each holder.

    PostgreSQL plans an EXISTS in the select list as a hashed subplan when it expects
    hundreds of rows: it reads the whole table (every person's modalities, every
    availability slot) on each matching, which cost more than the holders themselves at
    the median pair. A scalar subquery is never hashed, so its cost follows the holders.
    """
    return func.coalesce(statement.with_only_columns(true()).limit(1).scalar_subquery(),
                         false())


def _has(model, column, name):
    return _looked_up(select(model.person_id).where(model.person_id == Person.id,
                                                    column == bindparam(name)))


@cache
def candidates_statement(shape: Shape):
    """One row per holder of the pair: who they are, the pair's tier, and the facts."""
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
    # Bookings confirmed lately; an index on (person, confirmed_at, status) answers it.
    workload = (select(func.count())
                .where(Booking.person_id == Person.id,
                       Booking.confirmed_at >= bindparam("since", type_=UTCDateTime()),
                       Booking.status != BookingStatus.CANCELLED)
                .scalar_subquery())
    register = SimpleNamespace(with_remarks=shape.with_remarks,
                               positives_needed=bindparam("positives", type_=Integer()))
    return (
        select(Person.id, Person.first_name, Person.last_name, Person.active, Person.gender,
               Person.postcode, Qualification.id.label("qualification_id"),
               tier_of_qualification(register, DAY).label("tier"),
               _has(PersonModality, PersonModality.modality, "modality")
               .label("works_this_way"),
               (_has(PersonRegion, PersonRegion.province, "province") if shape.on_site
                else true()).label("serves_region"),
               (_has(PersonDomain, PersonDomain.domain, "domain") if shape.domain
                else false()).label("specialised"),
               hours.label("hours"),
               Person.id.in_(select(OrganisationBar.person_id).where(
                   OrganisationBar.organisation_id == bindparam("organisation")))
               .label("barred"),
               Person.id.in_(select(Offer.person_id).where(
                   Offer.request_id == bindparam("request"),
                   Offer.status == OfferStatus.DECLINED)).label("declined"),
               continuity.label("continuity"), workload.label("recent_bookings"))
        .join(Qualification, Qualification.person_id == Person.id)
        .where(*_pair(shape)))


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
def notes_statement(shape: Shape):
    """Why a holder's certificates of the pair do not count on the day, for those of whom
    none is valid then: the status of each and the day it took effect, the latest last."""
    valid = (select(Certificate.id)
             .where(Certificate.qualification_id == Qualification.id,
                    certificate_status_is(CertificateStatus.VALID, DAY))
             .correlate(Qualification).exists())
    status = case(*((certificate_status_is(s, DAY), s.value) for s in (
        CertificateStatus.SUSPENDED, CertificateStatus.REVOKED, CertificateStatus.EXPIRED)))
    return (select(Qualification.person_id, status, Certificate.valid_until,
                   latest_decision_on(DAY))
            .join(Certificate, Certificate.qualification_id == Qualification.id)
            .where(*_pair(shape), not_(valid))
            .order_by(Certificate.valid_until))


@cache
def language_statement():
    return select(Qualification.id).where(
        Qualification.language_code == bindparam("language")).limit(1)


def candidate_rows(shape: Shape, values: dict):
    return db.session.execute(candidates_statement(shape), values).all()


def nearby_bookings(shape: Shape, values: dict) -> dict[int, list[Clash]]:
    near = defaultdict(list)
    if shape.timed:
        for person_id, starts_at, ends_at, on_site, place, municipality in db.session.execute(
                nearby_statement(shape), values):
            near[person_id].append(Clash(starts_at, ends_at, on_site, place, municipality))
    return near


def leave_on_the_day(shape: Shape, values: dict) -> dict[int, tuple]:
    """(first day, last day, from, until) of leave that meets the slot, per person."""
    return {person_id: (first, last, starts, ends) for person_id, first, last, starts, ends
            in db.session.execute(leave_statement(shape), values)}


def certificate_notes(shape: Shape, values: dict) -> dict[int, tuple]:
    """("expired"|"suspended"|"revoked", since when) per person; the latest certificate
    decides, and one not yet issued says nothing."""
    notes = {}
    for person_id, status, valid_until, decided_on in db.session.execute(
            notes_statement(shape), values):
        if status is None:
            notes.pop(person_id, None)
        else:
            notes[person_id] = (status, valid_until if status == "expired" else decided_on)
    return notes


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
                        Person.id.not_in(_holders(shape)))
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
