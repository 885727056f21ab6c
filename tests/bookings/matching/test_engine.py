"""Matching against the database: candidates with reasons, exclusions with reasons, and a
query count that does not grow with the number of people."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

from interpreter_register.bookings.matching.engine import match, other_pairs, problems_for
from interpreter_register.bookings.services import booking
from interpreter_register.core.regions import Province
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.register.models import Domain, Modality, Tier
from tests.fixtures.factories import (
    create_bar,
    create_certificate,
    create_interpreter,
    create_leave,
    create_offer,
    create_person,
    create_request,
    future_day,
    make_available,
)
from tests.fixtures.reading import load


def ranked_names(result):
    return [r.candidate.name for r in result.ranked]


def excluded(result):
    return {c.name: [e.code for e in reasons] for c, reasons in result.excluded}


def test_candidates_are_ranked_with_reasons(app_ctx, world):
    result = match(create_request(world.contact_person))
    assert ranked_names(result) == ["Fatima Haddad", "Omar Mansour"]
    best = result.ranked[0].ranking
    assert [r.code for r in best.reasons] == ["tier", "same_postcode", "workload"]


def test_everyone_who_holds_the_language_but_cannot_take_it_is_listed_with_why(app_ctx, world):
    far = create_interpreter("Karim", "Far", postcode="2000", regions={Province.ANTWERP})
    phone_only = create_interpreter("Leila", "Phone", modalities={Modality.PHONE})
    create_interpreter("Unrelated", "Turkish", languages=("tr",))
    result = match(create_request(world.contact_person))
    assert excluded(result) == {"Karim Far": ["region"], "Leila Phone": ["modality"]}
    assert far and phone_only


def test_a_certificate_expiring_the_day_before_the_booking_excludes(app_ctx, world):
    day = future_day()
    lapsed = create_interpreter("Nadia", "Lapsed", certified=False)
    create_certificate(lapsed.qualifications[0], issued_on=date(2020, 1, 1),
                       valid_until=day - timedelta(days=1))
    result = match(create_request(world.contact_person, day=day))
    [(candidate, [reason])] = [(c, r) for c, r in result.excluded if c.name == "Nadia Lapsed"]
    assert reason.code == "lower_tier" and candidate.tier == Tier.REGISTERED
    assert reason.params["note"] == ("expired", day - timedelta(days=1))


def test_lower_tier_is_offered_when_no_one_higher_is_available(app_ctx, world):
    create_interpreter("Reza", "Register", certified=False, languages=("fa",))
    result = match(create_request(world.contact_person, language="fa"))
    assert ranked_names(result) == ["Reza Register"]
    assert result.ranked[0].lower_tier


def test_lower_tiers_rank_by_tier_before_points(app_ctx, world):
    """Among the lower tiers, someone in the quality track comes before someone only
    registered, even when the registered one lives next door and would score more."""
    from interpreter_register.register.models import StepResult, TrackStep
    from interpreter_register.register.services import credentials

    create_interpreter("Reza", "Nextdoor", certified=False, languages=("fa",),
                       domains={Domain.SOCIAL_WELFARE})
    learner = create_interpreter("Yasmine", "Faraway", certified=False, languages=("fa",),
                                 postcode="2000", municipality="Antwerpen")
    credentials.record_step(None, learner.qualifications[0], TrackStep.PRESELECTION_TEST,
                            future_day() - timedelta(days=30), StepResult.PASSED)
    result = match(create_request(world.contact_person, language="fa"))
    assert ranked_names(result) == ["Yasmine Faraway", "Reza Nextdoor"]
    points = {r.candidate.name: r.ranking.points for r in result.ranked}
    assert points["Reza Nextdoor"] > points["Yasmine Faraway"], "points alone would swap them"


def test_nobody_holds_the_language(app_ctx, world):
    result = match(create_request(world.contact_person, language="wo"))
    assert result.nobody_holds


def test_an_overlapping_booking_excludes_and_says_when(app_ctx, world):
    day = future_day()
    first = create_request(world.contact_person, day=day, start=time(9), end=time(10, 15))
    booking.book(world.dispatcher, first, world.fatima.id)
    second = create_request(world.contact_person, day=day, start=time(10), end=time(11))
    result = match(second)
    [(candidate, [reason])] = [(c, r) for c, r in result.excluded if c.name == "Fatima Haddad"]
    assert reason.code == "booked"


def counted(action):
    """Run ``action``; return what it returned and the SQL statements it sent."""
    statements = []
    engine = db.session.get_bind()

    def listener(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        return action(), statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_matching_reads_a_fixed_number_of_statements_for_10_or_200_people(app_ctx, world):
    item = create_request(world.contact_person)
    counts, made = {}, 2
    for wanted in (10, 200):
        for n in range(made, wanted):
            create_interpreter(f"Extra{n}", f"Person{n}", certified=n % 2 == 0)
        made = wanted
        # From a cold session, as a page would match.
        result, statements = counted(lambda: match(load(item)))
        counts[wanted] = len(statements)
        assert len(result.ranked) + len(result.excluded) == wanted
    assert counts[10] == counts[200] <= 8, counts


def test_the_weights_in_the_settings_change_the_ranking(app_ctx, world):
    from interpreter_register.core import settings

    item = create_request(world.contact_person)
    before = {r.candidate.name: r.ranking.points for r in match(item).ranked}
    settings.change(None, "matching.weight_place", 0)
    after = {r.candidate.name: r.ranking.points for r in match(item).ranked}
    assert before["Fatima Haddad"] - after["Fatima Haddad"] == 15, "same postcode: all of it"
    assert before["Omar Mansour"] - after["Omar Mansour"] == 9, "same province: 60 %"


# --- the facts, as the database answers them ----------------------------------------------

def hours_only(first, last, weekdays, starts, ends):
    """A certified interpreter with only these weekly hours."""
    person = create_person(first_name=first, last_name=last, postcode="9000",
                           regions={Province.EAST_FLANDERS},
                           modalities={Modality.ON_SITE, Modality.PHONE})
    create_certificate(person.qualifications[0], issued_on=date(2024, 1, 1))
    make_available(person, weekdays=weekdays, starts=starts, ends=ends)
    return person


@pytest.mark.parametrize("starts,ends,fits", [
    (time(10), time(11, 30), True),          # exactly the slot (Friday 10:00–11:30)
    (time(10, 1), time(12), False),          # starts a minute late
    (time(8), time(11, 29), False),          # ends a minute early
])
def test_weekly_hours_must_cover_the_whole_slot(app_ctx, world, starts, ends, fits):
    hours_only("Hana", "Hours", [4], starts, ends)
    result = match(create_request(world.contact_person))
    assert ("Hana Hours" in ranked_names(result)) is fits
    if not fits:
        [(_c, [reason])] = [(c, r) for c, r in result.excluded if c.name == "Hana Hours"]
        assert (reason.code, reason.params["recorded"]) == ("unavailable", True)


def test_hours_on_other_weekdays_only_say_nothing_is_recorded_that_day(app_ctx, world):
    hours_only("Tess", "Thursday", [3], time(8), time(18))
    result = match(create_request(world.contact_person))
    [(_c, [reason])] = [(c, r) for c, r in result.excluded if c.name == "Tess Thursday"]
    assert (reason.code, reason.params["recorded"]) == ("unavailable", False)


def test_video_needs_someone_who_works_by_video(app_ctx, world):
    create_interpreter("Vera", "Video", modalities={Modality.VIDEO})
    result = match(create_request(world.contact_person, modality=Modality.VIDEO))
    assert ranked_names(result) == ["Vera Video"]
    assert excluded(result) == {"Fatima Haddad": ["modality"], "Omar Mansour": ["modality"]}


def test_bars_leave_and_declines_are_read_for_this_request(app_ctx, world):
    item = create_request(world.contact_person)
    create_bar(world.organisation, world.omar)
    create_leave(world.fatima, first_day=item.day, days=1)
    other = create_interpreter("Dina", "Declined")
    offer = create_offer(item, other)
    offer.decline(None, utcnow())
    db.session.commit()
    result = match(item)
    assert excluded(result) == {"Omar Mansour": ["barred"], "Fatima Haddad": ["leave"],
                                "Dina Declined": ["declined"]}


def test_continuity_specialisation_and_workload_rank(app_ctx, world):
    day = future_day()
    earlier = create_request(world.contact_person, day=day, start=time(8), end=time(9))
    booking.book(world.dispatcher, earlier, world.omar.id)
    specialist = create_interpreter("Sara", "Social", domains={Domain.SOCIAL_WELFARE})
    result = match(create_request(world.contact_person, day=day))
    reasons = {r.candidate.name: {reason.code: reason for reason in r.ranking.reasons}
               for r in result.ranked}
    assert "continuity" in reasons["Omar Mansour"], "booked for the same case before"
    assert reasons["Omar Mansour"]["workload"].params["count"] == 1
    assert "specialised" in reasons["Sara Social"] and specialist
    # Fatima has the world's booking; Sara, new to the register, has none.
    assert reasons["Sara Social"]["workload"].params["count"] == 0


def test_people_holding_another_pair_are_listed_apart(app_ctx, world):
    french = create_person(first_name="Rachid", last_name="Français", languages=("ar",),
                           working_language="fr")
    item = create_request(world.contact_person)
    result = match(item)
    assert "Rachid Français" not in ranked_names(result) | excluded(result).keys()
    [(person, pairs)] = other_pairs(item)
    assert person.id == french.id
    assert [(q.language_code, q.working_language) for q in pairs] == [("ar", "fr")]
    [reason] = problems_for(item, french.id)
    assert reason.code == "other_pair" and reason.params["pairs"][0].working_language == "fr"
