"""Who can take a request, ranked, and why everyone else who holds the language cannot.

The queries narrow the people in SQL and load their facts in a fixed number of
statements, whatever their number; the rules and the ranking are pure functions.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from ..bookings.models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    Leave,
    Offer,
    OfferStatus,
    OrganisationBar,
    WeeklyAvailability,
)
from ..core.regions import province_of
from ..core.time import to_brussels, utcnow
from ..extensions import db
from ..register.models import CertificateStatus, Person, Qualification, QualificationKind
from ..register.policy import current_policy as register_policy
from ..register.services.search import with_credentials
from . import rules
from .facts import Candidate, Clash, Slot
from .scoring import Ranking, score
from .settings import MatchingPolicy
from .settings import current_policy as matching_policy


@dataclass
class Ranked:
    candidate: Candidate
    ranking: Ranking

    @property
    def lower_tier(self) -> bool:
        return self.candidate.tier.value > 2


@dataclass
class MatchResult:
    slot: Slot
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[tuple[Candidate, list[rules.Exclusion]]] = field(default_factory=list)

    @property
    def nobody_holds(self) -> bool:
        return not self.ranked and not self.excluded

    def ranked_ids(self) -> list[int]:
        return [r.candidate.person_id for r in self.ranked]


def slot_for(request: InterpretingRequest) -> Slot:
    on_site = request.modality.value == "on_site"
    local_start = to_brussels(request.starts_at) if request.starts_at else None
    local_end = to_brussels(request.ends_at) if request.ends_at else None
    return Slot(
        kind=request.kind, language_code=request.language_code,
        working_language=request.working_language, direction=request.direction,
        modality=request.modality, day=request.day, starts_at=request.starts_at,
        ends_at=request.ends_at,
        local_start=local_start.time() if local_start else None,
        local_end=local_end.time() if local_end else None,
        province=province_of(request.postcode) if on_site and request.postcode else None,
        postcode=request.postcode if on_site else None,
        place=place_key(request) if on_site else None,
        domain=request.domain, preferred_gender=request.preferred_gender,
        prefer_same=request.prefer_same_interpreter)


def place_key(request: InterpretingRequest) -> str:
    """Two on-site bookings at the same place need no travel time between them."""
    return f"{request.postcode or ''} {' '.join((request.address or '').lower().split())}"


def _pair_of(person: Person, slot: Slot) -> Qualification | None:
    for qualification in person.qualifications:
        if (qualification.kind == slot.kind and qualification.language_code == slot.language_code
                and qualification.working_language == slot.working_language
                and (slot.kind == QualificationKind.INTERPRETING
                     or qualification.direction == slot.direction)):
            return qualification
    return None


def _certificate_note(qualification: Qualification | None, day):
    """Why a certificate of the pair does not count on the day: for the explanation."""
    if qualification is None or not qualification.certificates:
        return None
    latest = max(qualification.certificates, key=lambda c: c.valid_until)
    status = latest.status_on(day)
    if status == CertificateStatus.EXPIRED:
        return ("expired", latest.valid_until)
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        change = latest.current_change(day)
        return (status.value, change.effective_on if change else day)
    return None


def _people(request: InterpretingRequest, only: int | None):
    statement = (select(Person).join(Qualification)
                 .where(Qualification.language_code == request.language_code).distinct())
    if only is not None:
        statement = statement.where(Person.id == only)
    return db.session.scalars(with_credentials(statement)).unique().all()


def _facts(request: InterpretingRequest, slot: Slot, people, policy: MatchingPolicy):
    """The per-person facts, one query per kind of fact for all people together."""
    ids = [p.id for p in people]
    weekly = defaultdict(list)
    for row in db.session.scalars(select(WeeklyAvailability).where(
            WeeklyAvailability.person_id.in_(ids),
            WeeklyAvailability.weekday == slot.day.weekday())):
        weekly[row.person_id].append((row.weekday, row.starts, row.ends))
    leave = {row.person_id: (row.first_day, row.last_day) for row in db.session.scalars(
        select(Leave).where(Leave.person_id.in_(ids), Leave.first_day <= slot.day,
                            Leave.last_day >= slot.day))}
    near = defaultdict(list)
    if slot.starts_at is not None:
        margin = timedelta(minutes=policy.travel_buffer_minutes)
        for booking, municipality in db.session.execute(
                select(Booking, InterpretingRequest.municipality).join(Booking.request)
                .where(Booking.person_id.in_(ids), Booking.status == BookingStatus.CONFIRMED,
                       Booking.request_id != request.id,
                       Booking.starts_at < slot.ends_at + margin,
                       Booking.ends_at > slot.starts_at - margin)):
            near[booking.person_id].append(Clash(booking.starts_at, booking.ends_at,
                                                 booking.on_site, booking.place, municipality))
    barred = set(db.session.scalars(select(OrganisationBar.person_id).where(
        OrganisationBar.organisation_id == request.organisation_id,
        OrganisationBar.person_id.in_(ids))))
    declined = set(db.session.scalars(select(Offer.person_id).where(
        Offer.request_id == request.id, Offer.status == OfferStatus.DECLINED)))
    continuity = set()
    if request.case_reference:
        continuity = set(db.session.scalars(
            select(Booking.person_id).join(Booking.request).where(
                InterpretingRequest.organisation_id == request.organisation_id,
                InterpretingRequest.case_reference == request.case_reference,
                InterpretingRequest.id != request.id,
                Booking.status != BookingStatus.CANCELLED, Booking.person_id.in_(ids))))
    since = utcnow() - timedelta(days=policy.workload_days)
    workload = dict(db.session.execute(
        select(Booking.person_id, func.count()).where(
            Booking.person_id.in_(ids), Booking.status != BookingStatus.CANCELLED,
            Booking.confirmed_at >= since).group_by(Booking.person_id)).all())
    return weekly, leave, near, barred, declined, continuity, workload


def candidates(request: InterpretingRequest, policy: MatchingPolicy | None = None,
               only: int | None = None) -> tuple[Slot, list[Candidate]]:
    policy = policy or matching_policy()
    slot = slot_for(request)
    people = _people(request, only)
    weekly, leave, near, barred, declined, continuity, workload = _facts(
        request, slot, people, policy)
    rules_of_register = register_policy()
    found = []
    for person in people:
        pair = _pair_of(person, slot)
        found.append(Candidate(
            person_id=person.id, name=person.full_name, active=person.active,
            gender=person.gender, modalities=frozenset(person.modalities),
            regions=frozenset(person.regions), postcode=person.postcode,
            domains=frozenset(person.domains),
            tier=pair.tier_on(slot.day, rules_of_register) if pair else None,
            other_pairs=tuple(q for q in person.qualifications
                              if q.language_code == slot.language_code and q is not pair),
            certificate_note=_certificate_note(pair, slot.day),
            weekly=tuple(weekly[person.id]), leave=leave.get(person.id),
            bookings=tuple(near[person.id]), barred=person.id in barred,
            declined=person.id in declined, continuity=person.id in continuity,
            recent_bookings=workload.get(person.id, 0)))
    return slot, found


def match(request: InterpretingRequest, policy: MatchingPolicy | None = None,
          leave_out=frozenset()) -> MatchResult:
    """The ranked candidates and the excluded holders of the language, each with reasons.

    ``leave_out``: people already asked (a wave of offers), left out before the lower tiers
    are held back, so that the next wave reaches the next tier.
    """
    policy = policy or matching_policy()
    slot, found = candidates(request, policy)
    result = MatchResult(slot)
    eligible = []
    for candidate in found:
        if candidate.person_id in leave_out:
            continue
        reasons = rules.exclusions(candidate, slot, policy.travel_buffer_minutes)
        if reasons:
            result.excluded.append((candidate, reasons))
        else:
            eligible.append(candidate)
    offered, held_back = rules.hold_back_lower_tiers(eligible)
    for candidate in held_back:
        result.excluded.append((candidate, [rules.Exclusion(
            "lower_tier", {"tier": candidate.tier, "note": candidate.certificate_note})]))
    result.ranked = sorted((Ranked(c, score(c, slot, policy.weights)) for c in offered),
                           key=lambda r: (-r.ranking.points, r.candidate.name))
    result.excluded.sort(key=lambda pair: pair[0].name)
    return result


def problems_for(request: InterpretingRequest, person_id: int,
                 policy: MatchingPolicy | None = None) -> list[rules.Exclusion]:
    """The hard rules one person fails for a request now (for accepting an offer)."""
    policy = policy or matching_policy()
    slot, found = candidates(request, policy, only=person_id)
    if not found:
        return [rules.Exclusion("other_pair", {"pairs": ()})]
    return rules.exclusions(found[0], slot, policy.travel_buffer_minutes)
