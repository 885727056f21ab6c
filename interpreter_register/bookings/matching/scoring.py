"""Ranking: a pure function of a candidate's facts and the weights, with its reasons."""

from dataclasses import dataclass, field

from ...core.regions import province_of
from ...register.models import Modality, Tier
from .facts import Candidate, Slot
from .settings import Weights

TIER_SHARE = {Tier.CERTIFIED: 1.0, Tier.RELIABLE: 0.75, Tier.IN_TRACK: 0.35,
              Tier.REGISTERED: 0.0}
# Recent bookings at which the workload bonus has gone.
BUSY = 10


@dataclass(frozen=True)
class Reason:
    code: str
    points: float
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ranking:
    points: float
    reasons: tuple[Reason, ...]


def _place(candidate: Candidate, slot: Slot) -> tuple[str, float]:
    """How close the person lives: same postcode, same province, or only serving it."""
    if slot.modality != Modality.ON_SITE or not slot.postcode:
        return "remote", 0.0
    if candidate.postcode == slot.postcode:
        return "same_postcode", 1.0
    if candidate.postcode and province_of(candidate.postcode) == slot.province:
        return "same_province", 0.6
    return "serves_region", 0.2


def score(candidate: Candidate, slot: Slot, weights: Weights) -> Ranking:
    """Points for tier, continuity, place, specialisation, gender and workload, each with
    its reason, so a dispatcher sees why one person ranks above another."""
    reasons = [Reason("tier", weights.tier * TIER_SHARE[candidate.tier],
                      {"tier": candidate.tier})]
    if candidate.continuity:
        # Continuity counts in full when the requester asked for it, by half otherwise.
        reasons.append(Reason("continuity",
                              weights.continuity * (1.0 if slot.prefer_same else 0.5)))
    place, share = _place(candidate, slot)
    if place != "remote":
        reasons.append(Reason(place, weights.place * share))
    if slot.domain is not None and candidate.specialised:
        reasons.append(Reason("specialised", weights.specialisation, {"domain": slot.domain}))
    if slot.preferred_gender is not None:
        met = candidate.gender == slot.preferred_gender
        reasons.append(Reason("gender_met" if met else "gender_not_met",
                              weights.gender if met else 0.0))
    note = candidate.certificate_note
    if note is not None and note[0] == "expired":
        # Worth no points (the tier already says it); the dispatcher must see it.
        reasons.append(Reason("certificate_expired", 0.0, {"since": note[1]}))
    spare = max(0.0, 1 - candidate.recent_bookings / BUSY)
    reasons.append(Reason("workload", round(weights.workload * spare, 1),
                          {"count": candidate.recent_bookings}))
    return Ranking(round(sum(r.points for r in reasons), 1), tuple(reasons))
