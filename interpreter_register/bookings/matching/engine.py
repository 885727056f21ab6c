"""Who can take a request, ranked, and why every other holder of the pair cannot.

The facts come from a fixed number of statements, whatever the number of people
(queries.py); the rules and the ranking are pure functions of them.
"""

from dataclasses import dataclass, field

from ...core.regions import province_of
from ...core.time import to_brussels
from ...register.models import Tier
from ..models import InterpretingRequest
from . import queries, rules
from .facts import Candidate, Slot
from .scoring import Ranking, score
from .settings import MatchingPolicy
from .settings import current_policy as matching_policy

TIERS = {tier.value: tier for tier in Tier}


@dataclass
class Ranked:
    candidate: Candidate
    ranking: Ranking

    @property
    def lower_tier(self) -> bool:
        return self.candidate.tier.value > 2


@dataclass
class MatchResult:
    """The holders of the pair: ranked, or excluded with the reasons; and whether anyone
    in the register holds the language at all (the shortage evidence)."""

    slot: Slot
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[tuple[Candidate, list[rules.Exclusion]]] = field(default_factory=list)
    language_held: bool = True

    @property
    def nobody_holds(self) -> bool:
        return not self.language_held

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


def candidates(request: InterpretingRequest, policy: MatchingPolicy | None = None,
               only: int | None = None) -> tuple[Slot, list[Candidate]]:
    """The holders of the request's pair with their facts, in three statements."""
    policy = policy or matching_policy()
    slot = slot_for(request)
    shape = queries.shape_of(request, slot, only)
    values = queries.parameters(request, slot, policy.workload_days,
                                policy.travel_buffer_minutes, only)
    rows = queries.candidate_rows(shape, values)
    near = queries.nearby_bookings(shape, values)
    leave = queries.leave_on_the_day(shape, values)
    modality = slot.modality.value
    province = slot.province.value if slot.province is not None else None
    domain = slot.domain.value if slot.domain is not None else None
    # Unpacked by position, in the order of candidates_statement: a language can have a
    # thousand holders, and reading each fact by name cost more than the query.
    found = [Candidate(
        person_id=person_id, name=f"{first_name} {last_name}", tier=TIERS[tier],
        qualification_id=qualification_id,
        active=active, gender=gender, postcode=postcode,
        works_this_way=modality in words(modalities),
        serves_region=not slot.on_site or (province is not None
                                           and province in words(regions)),
        specialised=domain is not None and domain in words(domains), available=hours == 2,
        hours_that_day=hours > 0, leave=leave.get(person_id),
        bookings=tuple(near.get(person_id, ())), barred=bool(barred),
        declined=bool(declined), continuity=bool(continuity), recent_bookings=recent,
        certificate_note=(note, note_since) if note else None)
        for (person_id, first_name, last_name, active, gender, postcode, qualification_id,
             tier, note, note_since, modalities, regions, domains, hours, barred, declined,
             continuity, recent)
        in rows]
    return slot, found


def words(text: str) -> frozenset:
    """A set as a person's row keeps it ("on_site phone"); the few distinct ones are
    split once."""
    found = _WORDS.get(text)
    if found is None:
        found = _WORDS[text] = frozenset(text.split())
    return found


_WORDS: dict[str, frozenset] = {}


def match(request: InterpretingRequest, policy: MatchingPolicy | None = None,
          leave_out=frozenset()) -> MatchResult:
    """The ranked candidates and the excluded holders of the language, each with reasons.

    ``leave_out``: people already asked (a wave of offers), left out before the lower tiers
    are held back, so that the next wave reaches the next tier.
    """
    policy = policy or matching_policy()
    slot, found = candidates(request, policy)
    result = MatchResult(slot, language_held=bool(found) or queries.holds_language(
        request.language_code))
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
    # Certified and reliable people rank by points (the tier is part of them); the lower
    # tiers, offered only when no one better can, rank by tier first, then points.
    result.ranked = sorted((Ranked(c, score(c, slot, policy.weights)) for c in offered),
                           key=lambda r: (r.candidate.tier if r.lower_tier else 0,
                                          -r.ranking.points, r.candidate.name))
    result.excluded.sort(key=lambda pair: pair[0].name)
    return result


def problems_for(request: InterpretingRequest, person_id: int,
                 policy: MatchingPolicy | None = None) -> list[rules.Exclusion]:
    """The hard rules one person fails for a request now (for accepting an offer)."""
    policy = policy or matching_policy()
    slot, found = candidates(request, policy, only=person_id)
    if not found:
        held = queries.pairs_in_the_language(slot, only=person_id)
        return [rules.Exclusion("other_pair", {"pairs": tuple(held[0][1]) if held else ()})]
    return rules.exclusions(found[0], slot, policy.travel_buffer_minutes)


def other_pairs(request: InterpretingRequest) -> list[tuple]:
    """Who holds the request's language in other pairs only, with those pairs: for the
    matching panel's question "why not X?"."""
    return queries.pairs_in_the_language(slot_for(request))
