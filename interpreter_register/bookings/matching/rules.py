"""The hard rules: why a person who holds the language cannot take this request.

Pure functions of the facts; each reason carries a code and what the explanation needs.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from ...register.models import Modality, Tier
from .facts import Candidate, Clash, Slot, overlaps


@dataclass(frozen=True)
class Exclusion:
    code: str
    params: dict = field(default_factory=dict)


def clashes(candidate: Candidate, slot: Slot, buffer_minutes: int) -> list[Clash]:
    """Live bookings that overlap the slot, or leave no travel time between two places."""
    if slot.starts_at is None or not candidate.bookings:
        return []
    buffer = timedelta(minutes=buffer_minutes)
    found = []
    for booking in candidate.bookings:
        travel = (slot.on_site and booking.on_site and booking.place != slot.place)
        margin = buffer if travel else timedelta(0)
        if overlaps(slot.starts_at - margin, slot.ends_at + margin,
                    booking.starts_at, booking.ends_at):
            found.append(booking)
    return found


def exclusions(candidate: Candidate, slot: Slot, buffer_minutes: int) -> list[Exclusion]:
    """Every hard rule the person fails for this slot (empty: they may take it)."""
    reasons = []
    if not candidate.active:
        reasons.append(Exclusion("inactive"))
    note = candidate.certificate_note
    if note is not None and note[0] in ("suspended", "revoked"):
        # Not a lower tier: a suspended or revoked certificate keeps the person from the
        # pair's work altogether until the register decides otherwise.
        reasons.append(Exclusion(f"certificate_{note[0]}", {"since": note[1]}))
    if candidate.tier is None:
        reasons.append(Exclusion("other_pair", {"pairs": candidate.other_pairs}))
    if not candidate.works_this_way:
        reasons.append(Exclusion("modality", {"modality": slot.modality}))
    if slot.modality == Modality.ON_SITE and not candidate.serves_region:
        reasons.append(Exclusion("region", {"province": slot.province}))
    if candidate.barred:
        reasons.append(Exclusion("barred"))
    if candidate.declined:
        reasons.append(Exclusion("declined"))
    if candidate.leave is not None:
        first, last, starts, ends = candidate.leave
        reasons.append(Exclusion("leave", {"first": first, "last": last, "from": starts,
                                           "until": ends}))
    elif not candidate.available:
        reasons.append(Exclusion("unavailable", {"recorded": candidate.hours_that_day}))
    for clash in clashes(candidate, slot, buffer_minutes):
        travel = slot.on_site and clash.on_site and clash.place != slot.place
        reasons.append(Exclusion("booked", {"starts_at": clash.starts_at,
                                            "ends_at": clash.ends_at, "travel": travel,
                                            "minutes": buffer_minutes,
                                            "municipality": clash.municipality}))
    return reasons


def hold_back_lower_tiers(eligible: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """Lower tiers (in the quality track, registered) are offered only when no certified
    or reliable person can take it. Returns (offered, held back)."""
    best = min((c.tier for c in eligible), default=None)
    if best is None or best > Tier.RELIABLE:
        return eligible, []
    return ([c for c in eligible if c.tier <= Tier.RELIABLE],
            [c for c in eligible if c.tier > Tier.RELIABLE])
