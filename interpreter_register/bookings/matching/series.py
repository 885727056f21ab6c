"""Matching a whole series: who can take every remaining date, or how many of them.

In a fixed number of statements whatever the number of dates (seven for dates that ask
for the same pair, place and case; a date changed on its own to another language makes a
group of its own). What does not change from date to date (the pair held, the way of
working, the region, a bar, continuity, the workload) comes from the one candidates
statement of a single matching; what does (the tier and the certificates on each day, the
weekly hours, leave, bookings near each date, declined offers) comes in one statement
each for all the dates at once. Then the same pure rules as a single matching decide per
date (``rules.exclusions``, ``rules.hold_back_lower_tiers``, ``scoring.score``), so a
date's result is the one ``engine.match`` gives for it (a test holds them together).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Date, literal, select, union_all

from ...extensions import db
from ...register.models import QualificationTier
from ..models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    Leave,
    Offer,
    OfferStatus,
    WeeklyAvailability,
)
from . import queries, rules
from .engine import TIERS, slot_for, words
from .facts import Candidate, Clash, Slot
from .scoring import Ranking, score
from .settings import MatchingPolicy
from .settings import current_policy as matching_policy


@dataclass
class SeriesCandidate:
    """A person ranked for at least one date: which dates, and their ranking on the
    first of them."""

    person_id: int
    name: str
    tier: object
    ranking: Ranking
    request_ids: list[int] = field(default_factory=list)


@dataclass
class SeriesMatch:
    requests: list[InterpretingRequest]
    people: list[SeriesCandidate]
    ranked: dict[int, list[int]]        # request id -> the people ranked for it, in order
    language_held: bool = True

    @property
    def size(self) -> int:
        return len(self.requests)

    def takes_all(self, candidate: SeriesCandidate) -> bool:
        return len(candidate.request_ids) == self.size

    @property
    def nobody(self) -> list[InterpretingRequest]:
        """The dates nobody can take."""
        return [r for r in self.requests if not self.ranked.get(r.id)]


def _group_key(request: InterpretingRequest, slot: Slot) -> tuple:
    """What decides the SQL of a matching besides the day and time."""
    return (slot.kind, slot.language_code, slot.working_language, slot.direction,
            slot.modality, slot.province, slot.place, slot.domain, request.organisation_id,
            request.case_reference, slot.starts_at is not None)


def match_series(requests: list[InterpretingRequest],
                 policy: MatchingPolicy | None = None) -> SeriesMatch:
    """Who can take each of ``requests`` (the awaiting dates of a series), ranked."""
    policy = policy or matching_policy()
    slots = {r.id: slot_for(r) for r in requests}
    groups = defaultdict(list)
    for request in requests:
        groups[_group_key(request, slots[request.id])].append(request)
    ranked, people, held = {}, {}, True
    for group in groups.values():
        facts = _facts(group, slots, policy)
        held = held and (bool(facts.rows) or queries.holds_language(group[0].language_code))
        for request in group:
            slot = slots[request.id]
            eligible = []
            for candidate in facts.candidates_for(request, slot, policy):
                if not rules.exclusions(candidate, slot, policy.travel_buffer_minutes):
                    eligible.append(candidate)
            offered, _held_back = rules.hold_back_lower_tiers(eligible)
            scored = sorted(((c, score(c, slot, policy.weights)) for c in offered),
                            key=lambda pair: (pair[0].tier if pair[0].tier > 2 else 0,
                                              -pair[1].points, pair[0].name))
            ranked[request.id] = [c.person_id for c, _ranking in scored]
            for candidate, ranking in scored:
                found = people.setdefault(candidate.person_id, SeriesCandidate(
                    candidate.person_id, candidate.name, candidate.tier, ranking))
                found.request_ids.append(request.id)
    order = {r.id: n for n, r in enumerate(requests)}
    for candidate in people.values():
        candidate.request_ids.sort(key=order.get)
    listed = sorted(people.values(), key=lambda c: (-len(c.request_ids), -c.ranking.points,
                                                    c.name))
    return SeriesMatch(list(requests), listed, ranked, held)


@dataclass
class _GroupFacts:
    rows: list
    tiers: dict            # (person, day) -> tier
    notes: dict            # (person, day) -> certificate note
    hours: dict            # person -> [(weekday, starts, ends)]
    leave: dict            # person -> [(starts_at, ends_at, (first, last, from, until))]
    bookings: dict         # person -> [(request id, Clash)]
    declined: set          # (person, request id)

    def candidates_for(self, request, slot: Slot, policy: MatchingPolicy):
        buffer = timedelta(minutes=policy.travel_buffer_minutes)
        modality = slot.modality.value
        province = slot.province.value if slot.province is not None else None
        domain = slot.domain.value if slot.domain is not None else None
        for (person_id, first_name, last_name, active, gender, postcode, qualification_id,
             _tier, _note, _since, modalities, regions, domains, _hours, barred, _declined,
             continuity, recent) in self.rows:
            tier = self.tiers.get((person_id, slot.day))
            yield Candidate(
                person_id=person_id, name=f"{first_name} {last_name}",
                tier=TIERS[tier] if tier is not None else None,
                qualification_id=qualification_id, active=active, gender=gender,
                postcode=postcode, works_this_way=modality in words(modalities),
                serves_region=not slot.on_site or (province is not None
                                                   and province in words(regions)),
                specialised=domain is not None and domain in words(domains),
                **self._hours(person_id, slot), leave=self._leave(person_id, slot),
                bookings=self._near(person_id, request.id, slot, buffer),
                barred=bool(barred), declined=(person_id, request.id) in self.declined,
                continuity=bool(continuity), recent_bookings=recent,
                certificate_note=self.notes.get((person_id, slot.day)))

    def _hours(self, person_id: int, slot: Slot) -> dict:
        """As the candidates statement answers it: a weekly range of that weekday covers
        the slot (2), some hours that day (1), none (0)."""
        if slot.starts_at is None:
            return {"available": True, "hours_that_day": True}
        that_day = [(s, e) for weekday, s, e in self.hours.get(person_id, ())
                    if weekday == slot.day.weekday()]
        covers = any(s <= slot.local_start and e >= slot.local_end for s, e in that_day)
        return {"available": covers, "hours_that_day": bool(that_day)}

    def _leave(self, person_id: int, slot: Slot):
        for starts_at, ends_at, first, last, since, until in self.leave.get(person_id, ()):
            if slot.starts_at is not None:
                meets = starts_at < slot.ends_at and ends_at > slot.starts_at
            else:
                meets = first <= slot.day <= last
            if meets:
                return first, last, since, until
        return None

    def _near(self, person_id: int, request_id: int, slot: Slot, buffer) -> tuple:
        if slot.starts_at is None:
            return ()
        earliest = slot.starts_at - buffer - queries.LONGEST_BOOKING
        return tuple(clash for other, clash in self.bookings.get(person_id, ())
                     if other != request_id and earliest < clash.starts_at
                     < slot.ends_at + buffer and clash.ends_at > slot.starts_at - buffer)


def _days_table(days):
    selects = [select(literal(day, Date()).label("day")) for day in days]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("series_days")


def _facts(group: list[InterpretingRequest], slots: dict, policy: MatchingPolicy):
    first = group[0]
    slot = slots[first.id]
    shape = queries.shape_of(first, slot, None)
    values = queries.parameters(first, slot, policy.workload_days,
                                policy.travel_buffer_minutes, None)
    rows = queries.candidate_rows(shape, values)
    if not rows:
        return _GroupFacts([], {}, {}, {}, {}, {}, set())
    days = sorted({slots[r.id].day for r in group})
    table = _days_table(days)
    # Each holder's tier and certificate note on each date, from the ranges the register
    # keeps (register/facts.py), as a single matching reads them for its one day.
    tiers, notes = {}, {}
    for person_id, day, tier, note, since in db.session.execute(
            select(QualificationTier.person_id, table.c.day, QualificationTier.tier,
                   QualificationTier.note, QualificationTier.note_since)
            .select_from(QualificationTier)
            .join(table, (QualificationTier.starts_on <= table.c.day)
                  & (QualificationTier.ends_on >= table.c.day))
            .where(*queries._pair(shape)), values):
        tiers[(person_id, day)] = tier
        if note:
            notes[(person_id, day)] = (note, since)
    holders = queries._holders(shape)
    hours = defaultdict(list)
    for person_id, weekday, starts, ends in db.session.execute(
            select(WeeklyAvailability.person_id, WeeklyAvailability.weekday,
                   WeeklyAvailability.starts, WeeklyAvailability.ends)
            .where(WeeklyAvailability.person_id.in_(holders)), values):
        hours[person_id].append((weekday, starts, ends))
    timed = [slots[r.id] for r in group if slots[r.id].starts_at is not None]
    buffer = timedelta(minutes=policy.travel_buffer_minutes)
    leave, near = defaultdict(list), defaultdict(list)
    span_start = min((s.starts_at for s in timed), default=None)
    span_end = max((s.ends_at for s in timed), default=None)
    leave_meets = ((Leave.starts_at < span_end, Leave.ends_at > span_start) if timed
                   else (Leave.first_day <= days[-1], Leave.last_day >= days[0]))
    for person_id, *found in db.session.execute(
            select(Leave.person_id, Leave.starts_at, Leave.ends_at, Leave.first_day,
                   Leave.last_day, Leave.from_time, Leave.until_time)
            .where(Leave.person_id.in_(holders), *leave_meets), values):
        leave[person_id].append(tuple(found))
    if timed:
        for person_id, request_id, starts_at, ends_at, on_site, place, municipality in \
                db.session.execute(
                    select(Booking.person_id, Booking.request_id, Booking.starts_at,
                           Booking.ends_at, Booking.on_site, Booking.place,
                           InterpretingRequest.municipality)
                    .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
                    .where(Booking.person_id.in_(holders),
                           Booking.status == BookingStatus.CONFIRMED,
                           Booking.starts_at > span_start - buffer - queries.LONGEST_BOOKING,
                           Booking.starts_at < span_end + buffer,
                           Booking.ends_at > span_start - buffer), values):
            near[person_id].append((request_id, Clash(starts_at, ends_at, on_site, place,
                                                      municipality)))
    declined = set(db.session.execute(
        select(Offer.person_id, Offer.request_id)
        .where(Offer.request_id.in_([r.id for r in group]),
               Offer.status == OfferStatus.DECLINED)).all())
    return _GroupFacts(rows, tiers, notes, hours, leave, near, declined)
