"""The hard rules, each at its boundary; pure functions, no database."""

from datetime import UTC, date, datetime, time

import pytest

from interpreter_register.bookings.matching.facts import Candidate, Clash, Slot, overlaps
from interpreter_register.bookings.matching.rules import exclusions, hold_back_lower_tiers
from interpreter_register.core.regions import Province
from interpreter_register.register.models import Direction, Modality, QualificationKind, Tier

DAY = date(2027, 3, 12)  # a Friday


def at(hour, minute=0):
    # March 2027 is winter time: Brussels is UTC+1.
    return datetime(2027, 3, 12, hour - 1, minute, tzinfo=UTC)


def slot(modality=Modality.ON_SITE, start=(10, 0), end=(11, 30), place="9000 onderstraat 12",
         **extra):
    return Slot(kind=QualificationKind.INTERPRETING, language_code="ar", working_language="nl",
                direction=Direction.BOTH, modality=modality, day=DAY, starts_at=at(*start),
                ends_at=at(*end), local_start=time(*start), local_end=time(*end),
                province=Province.EAST_FLANDERS, postcode="9000", place=place, **extra)


def person(**facts):
    """A certified interpreter for whom every fact is in favour, unless said otherwise."""
    return Candidate(**{"person_id": 1, "name": "Fatima Haddad", "tier": Tier.CERTIFIED,
                        **facts})


def codes(candidate, the_slot=None, buffer=30):
    return [e.code for e in exclusions(candidate, the_slot or slot(), buffer)]


@pytest.mark.parametrize("a,b,expected", [
    ((10, 11), (11, 12), False),     # end at 10:00... start at 10:00: no overlap
    ((10, 11), (9, 10), False),
    ((10, 11), (10.98, 12), True),
    ((10, 11), (9, 10.02), True),
    ((10, 11), (10.25, 10.5), True),  # inside
    ((10, 11), (9, 12), True),        # around
])
def test_the_one_overlap_rule_at_its_boundaries(a, b, expected):
    assert overlaps(*a, *b) is expected


def test_a_free_certified_interpreter_passes_every_rule():
    assert codes(person()) == []


def test_booking_ending_when_the_slot_starts_does_not_clash():
    before = Clash(at(9), at(10), on_site=True, place="9000 onderstraat 12")
    assert codes(person(bookings=(before,))) == []


def test_travel_buffer_applies_between_places_not_at_the_same_address():
    elsewhere = Clash(at(9), at(9, 45), on_site=True, place="9050 elders 1")
    same_place = Clash(at(9), at(9, 45), on_site=True, place="9000 onderstraat 12")
    assert codes(person(bookings=(elsewhere,))) == ["booked"]
    assert codes(person(bookings=(same_place,))) == []
    assert codes(person(bookings=(elsewhere,)), buffer=15) == []
    assert codes(person(bookings=(Clash(at(9), at(9, 30), on_site=True, place="x"),))) == []


def test_no_travel_buffer_for_remote_work():
    elsewhere = Clash(at(9), at(9, 45), on_site=True, place="9050 elders 1")
    assert codes(person(bookings=(elsewhere,)), slot(Modality.PHONE, place=None)) == []


@pytest.mark.parametrize("facts,recorded", [
    ({"available": False}, True),                            # hours that day, not these
    ({"available": False, "hours_that_day": False}, False),  # nothing recorded that day
])
def test_weekly_availability_must_cover_the_slot(facts, recorded):
    [reason] = exclusions(person(**facts), slot(), 30)
    assert (reason.code, reason.params["recorded"]) == ("unavailable", recorded)


def test_leave_comes_before_weekly_hours():
    on_leave = person(leave=(date(2027, 3, 12), date(2027, 3, 19), None, None), available=False)
    assert codes(on_leave) == ["leave"]


def test_leave_excludes_and_says_when():
    on_leave = person(leave=(date(2027, 3, 12), date(2027, 3, 19), None, None))
    [reason] = exclusions(on_leave, slot(), 30)
    assert reason.code == "leave" and reason.params["first"] == date(2027, 3, 12)


@pytest.mark.parametrize("facts,code", [
    ({"active": False}, "inactive"),
    ({"tier": None}, "other_pair"),
    ({"works_this_way": False}, "modality"),
    ({"serves_region": False}, "region"),
    ({"barred": True}, "barred"),
    ({"declined": True}, "declined"),
])
def test_each_hard_rule_excludes_with_its_reason(facts, code):
    assert codes(person(**facts)) == [code]


def test_region_matters_on_site_only():
    far = person(serves_region=False)
    assert codes(far) == ["region"]
    assert codes(far, slot(Modality.PHONE, place=None)) == []


def test_every_failed_rule_is_given_not_only_the_first():
    assert codes(person(active=False, works_this_way=False, barred=True)) == [
        "inactive", "modality", "barred"]


def test_lower_tiers_only_when_no_higher_tier_is_available():
    certified, in_track = person(tier=Tier.CERTIFIED), person(person_id=2, tier=Tier.IN_TRACK)
    reliable, registered = person(person_id=3, tier=Tier.RELIABLE), person(
        person_id=4, tier=Tier.REGISTERED)
    assert hold_back_lower_tiers([certified, in_track, reliable]) == (
        [certified, reliable], [in_track])
    assert hold_back_lower_tiers([in_track, registered]) == ([in_track, registered], [])
    assert hold_back_lower_tiers([]) == ([], [])
