"""Matching and offer policy: the travel buffer, offers and waves, and the ranking weights."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ...core import settings

settings.group("matching", _l("Matching and offers"), lambda user: user.is_admin, _l(
    "These settings decide how offers are sent and how candidates are ranked. The ranking "
    "adds each weight, in part or in full, for what a candidate brings; the matching panel "
    "shows the points."))

TRAVEL_BUFFER = settings.define(
    "matching.travel_buffer_minutes", 30,
    _l("Travel time between on-site bookings at different places (minutes)"),
    minimum=0, maximum=240)
TOP_K = settings.define("matching.offer_top_k", 5,
                        _l("How many people an offer goes to at once"), minimum=1, maximum=50)
WAVE_MINUTES = settings.define(
    "matching.wave_minutes", 60,
    _l("Minutes without acceptance before the next wave of offers"), minimum=5, maximum=1440)
OFFER_HOURS = settings.define("matching.offer_expiry_hours", 24,
                              _l("Hours an offer stays open"), minimum=1, maximum=336)
WORKLOAD_DAYS = settings.define("matching.workload_days", 30,
                                _l("Days counted for the recent workload"), minimum=1,
                                maximum=365)
WEIGHTS = {
    "tier": settings.define("matching.weight_tier", 40, _l("Weight: tier"), minimum=0,
                            maximum=100),
    "continuity": settings.define("matching.weight_continuity", 25,
                                  _l("Weight: the same interpreter for the case"), minimum=0,
                                  maximum=100),
    "place": settings.define("matching.weight_place", 15, _l("Weight: close to the place"),
                             minimum=0, maximum=100),
    "specialisation": settings.define("matching.weight_specialisation", 10,
                                      _l("Weight: specialised in the domain"), minimum=0,
                                      maximum=100),
    "gender": settings.define("matching.weight_gender", 10,
                              _l("Weight: gender preference met"), minimum=0, maximum=100),
    "workload": settings.define("matching.weight_workload", 10,
                                _l("Weight: few recent bookings"), minimum=0, maximum=100),
}


@dataclass(frozen=True)
class Weights:
    tier: int = 40
    continuity: int = 25
    place: int = 15
    specialisation: int = 10
    gender: int = 10
    workload: int = 10


@dataclass(frozen=True)
class MatchingPolicy:
    travel_buffer_minutes: int = 30
    top_k: int = 5
    wave_minutes: int = 60
    offer_hours: int = 24
    workload_days: int = 30
    weights: Weights = Weights()


def current_policy() -> MatchingPolicy:
    stored = settings.values("matching.")
    return MatchingPolicy(
        travel_buffer_minutes=stored[TRAVEL_BUFFER.key], top_k=stored[TOP_K.key],
        wave_minutes=stored[WAVE_MINUTES.key], offer_hours=stored[OFFER_HOURS.key],
        workload_days=stored[WORKLOAD_DAYS.key],
        weights=Weights(**{name: stored[spec.key] for name, spec in WEIGHTS.items()}))
