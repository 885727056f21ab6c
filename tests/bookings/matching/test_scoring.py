"""Ranking is a pure function of the facts and the weights: a table of cases."""

from datetime import date

import pytest

from interpreter_register.bookings.matching.facts import Candidate, Slot
from interpreter_register.bookings.matching.scoring import score
from interpreter_register.bookings.matching.settings import Weights
from interpreter_register.core.regions import Province
from interpreter_register.register.models import (
    Direction,
    Domain,
    Gender,
    Modality,
    QualificationKind,
    Tier,
)

WEIGHTS = Weights(tier=40, continuity=25, place=15, specialisation=10, gender=10, workload=10)


def slot(modality=Modality.ON_SITE, **extra):
    return Slot(kind=QualificationKind.INTERPRETING, language_code="ar", working_language="nl",
                direction=Direction.BOTH, modality=modality, day=date(2027, 3, 12),
                province=Province.EAST_FLANDERS if modality == Modality.ON_SITE else None,
                postcode="9000" if modality == Modality.ON_SITE else None, **extra)


def candidate(**facts):
    return Candidate(**{"person_id": 1, "name": "X", "tier": Tier.CERTIFIED,
                        "postcode": "2000", **facts})


@pytest.mark.parametrize("facts,the_slot,points,reasons", [
    # Certified, far away (serves the region), no recent work: 40 + 3 + 10
    ({}, slot(), 53.0, ["tier", "serves_region", "workload"]),
    ({"tier": Tier.RELIABLE}, slot(), 43.0, ["tier", "serves_region", "workload"]),
    ({"tier": Tier.IN_TRACK}, slot(), 27.0, ["tier", "serves_region", "workload"]),
    ({"tier": Tier.REGISTERED}, slot(), 13.0, ["tier", "serves_region", "workload"]),
    ({"postcode": "9000"}, slot(), 65.0, ["tier", "same_postcode", "workload"]),
    ({"postcode": "9300"}, slot(), 59.0, ["tier", "same_province", "workload"]),
    ({}, slot(Modality.PHONE), 50.0, ["tier", "workload"]),
    ({"continuity": True}, slot(prefer_same=True), 78.0,
     ["tier", "continuity", "serves_region", "workload"]),
    ({"continuity": True}, slot(), 65.5, ["tier", "continuity", "serves_region", "workload"]),
    ({"specialised": True}, slot(domain=Domain.MEDICAL), 63.0,
     ["tier", "serves_region", "specialised", "workload"]),
    ({"specialised": False}, slot(domain=Domain.EDUCATION), 53.0,
     ["tier", "serves_region", "workload"]),
    ({"gender": Gender.FEMALE}, slot(preferred_gender=Gender.FEMALE), 63.0,
     ["tier", "serves_region", "gender_met", "workload"]),
    ({"gender": Gender.MALE}, slot(preferred_gender=Gender.FEMALE), 53.0,
     ["tier", "serves_region", "gender_not_met", "workload"]),
    ({"recent_bookings": 5}, slot(), 48.0, ["tier", "serves_region", "workload"]),
    ({"recent_bookings": 12}, slot(), 43.0, ["tier", "serves_region", "workload"]),
])
def test_ranking_table(facts, the_slot, points, reasons):
    ranking = score(candidate(**facts), the_slot, WEIGHTS)
    assert ranking.points == points
    assert [r.code for r in ranking.reasons] == reasons


def test_weights_come_from_the_settings_not_the_code():
    heavy_workload = Weights(tier=0, continuity=0, place=0, specialisation=0, gender=0,
                             workload=100)
    busy, idle = candidate(recent_bookings=9), candidate(recent_bookings=0)
    assert score(idle, slot(), heavy_workload).points > score(busy, slot(), heavy_workload).points
    assert score(idle, slot(), heavy_workload).points == 100.0
