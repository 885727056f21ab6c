"""The facts matching reads, kept with the register (register/facts.py, bookings/workload.py):
each qualification's tier by date range, a person's sets in their row, their recent
workload; ``flask register verify-facts``; and a property test that random sequences of
register changes keep the kept facts equal to what the register says when worked out
again (``FACTS_EXAMPLES=200 make test`` for a long run)."""

import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from interpreter_register.auth.models import Role
from interpreter_register.bookings import workload
from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.matching.settings import WORKLOAD_DAYS
from interpreter_register.bookings.services import booking as booking_service
from interpreter_register.bookings.services import requests as request_service
from interpreter_register.core import settings as settings_store
from interpreter_register.core.regions import Province
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.register import facts
from interpreter_register.register.models import (
    Certificate,
    CertificateStatus,
    Direction,
    Domain,
    Modality,
    Person,
    Qualification,
    QualificationKind,
    QualificationTier,
    StepResult,
    Tier,
    TrackStep,
    Verdict,
)
from interpreter_register.register.policy import POSITIVES_NEEDED, WITH_REMARKS, current_policy
from interpreter_register.register.services import credentials, people
from interpreter_register.register.sql import tier_of_qualification
from tests.fixtures.factories import (
    create_booking,
    create_certificate,
    create_interpreter,
    create_language,
    create_organisation,
    create_person,
    create_qualification,
    create_request,
    create_service,
    create_user,
    future_day,
    open_track,
)

EXAMPLES = int(os.environ.get("FACTS_EXAMPLES", "6"))
STEPS = int(os.environ.get("FACTS_STEPS", "25"))
START = datetime(2027, 3, 1, 8, tzinfo=UTC)


def kept_tiers(qualification) -> list[tuple]:
    table = QualificationTier.__table__
    return [tuple(row) for row in db.session.execute(
        select(table.c.starts_on, table.c.ends_on, table.c.tier, table.c.note,
               table.c.note_since)
        .where(table.c.qualification_id == qualification.id).order_by(table.c.starts_on))]


def kept_tier_on(qualification_id: int, day: date) -> tuple:
    table = QualificationTier.__table__
    return db.session.execute(select(table.c.tier, table.c.note, table.c.note_since).where(
        table.c.qualification_id == qualification_id, table.c.starts_on <= day,
        table.c.ends_on >= day)).one()


# --- what is kept, and when ---------------------------------------------------------------

def test_a_certificate_its_suspension_and_its_end_are_kept_as_ranges(app_ctx, world):
    person = create_person(first_name="Rania", last_name="Kept")
    qualification = person.qualifications[0]
    assert kept_tiers(qualification) == [(date.min, date.max, 4, None, None)]
    certificate = create_certificate(qualification, issued_on=date(2025, 1, 1),
                                     valid_until=date(2029, 12, 31))
    credentials.change_certificate_status(world.register_staff, certificate,
                                          CertificateStatus.SUSPENDED, date(2026, 5, 1),
                                          "Complaint under review")
    credentials.change_certificate_status(world.register_staff, certificate,
                                          CertificateStatus.VALID, date(2026, 6, 1), "Cleared")
    assert kept_tiers(qualification) == [
        (date.min, date(2024, 12, 31), 4, None, None),
        (date(2025, 1, 1), date(2026, 4, 30), 1, None, None),
        (date(2026, 5, 1), date(2026, 5, 31), 4, "suspended", date(2026, 5, 1)),
        (date(2026, 6, 1), date(2029, 12, 31), 1, None, None),
        (date(2030, 1, 1), date.max, 4, "expired", date(2029, 12, 31)),
    ]
    # Moving the re-certification date moves the end of the last certified range.
    credentials.update_certificate(world.register_staff, certificate, certificate.number,
                                   date(2025, 1, 1), date(2030, 6, 30))
    assert kept_tiers(qualification)[-1] == (date(2030, 7, 1), date.max, 4, "expired",
                                             date(2030, 6, 30))


def test_the_quality_track_and_the_revision_policy_move_the_tier(app_ctx, world):
    translation = world.translation        # Fatima's Arabic → Dutch, certified
    certificate = world.certificate
    credentials.change_certificate_status(world.register_staff, certificate,
                                          CertificateStatus.REVOKED, date(2026, 1, 1), "Fraud")
    revisor = create_person(first_name="Rev", last_name="Isor", languages=())
    own = create_qualification(revisor, QualificationKind.TRANSLATION, "ar", "nl",
                               Direction.INTO_WORKING)
    credentials.set_specialist_revisor(world.register_staff, own, True)
    for n in range(3):
        credentials.record_revision(world.register_staff, world.revision_track,
                                    date(2026, 2, 1 + n), revisor, f"Letter {n}",
                                    Verdict.POSITIVE)
    day = date(2026, 3, 1)
    assert kept_tier_on(translation.id, day) == (4, "revoked", date(2026, 1, 1))
    settings_store.change(world.register_staff, POSITIVES_NEEDED.key, 3)
    assert kept_tier_on(translation.id, day) == (2, "revoked", date(2026, 1, 1))
    assert kept_tier_on(translation.id, date(2026, 2, 2)) == (4, "revoked", date(2026, 1, 1))
    settings_store.change(world.register_staff, WITH_REMARKS.key, "resets")
    assert kept_tier_on(translation.id, day) == (2, "revoked", date(2026, 1, 1))

    step_holder = create_person(first_name="Track", last_name="Walker")
    credentials.record_step(world.register_staff, step_holder.qualifications[0],
                            TrackStep.INFORMATION_SESSION, date(2026, 4, 1), StepResult.PASSED)
    assert kept_tiers(step_holder.qualifications[0]) == [
        (date.min, date(2026, 3, 31), 4, None, None), (date(2026, 4, 1), date.max, 3, None, None)]


def test_a_persons_sets_are_kept_in_their_row(app_ctx, world):
    person = create_person(first_name="Set", last_name="Keeper",
                           regions={Province.ANTWERP, Province.BRUSSELS},
                           modalities={Modality.VIDEO}, domains={Domain.MEDICAL})
    assert (person.modality_set, person.region_set, person.domain_set) == (
        "video", "antwerp brussels", "medical")
    details = people.PersonDetails(first_name="Set", last_name="Keeper",
                                   regions={Province.LIEGE},
                                   modalities={Modality.ON_SITE, Modality.PHONE}, domains=set())
    people.update_person(world.register_staff, person, details)
    row = db.session.execute(select(Person.modality_set, Person.region_set, Person.domain_set)
                             .where(Person.id == person.id)).one()
    assert tuple(row) == ("on_site phone", "liege", "")


def test_the_workload_is_counted_again_when_bookings_change(app_ctx, world):
    day = future_day()
    item = create_request(world.contact_person, day=day, start=time(8), end=time(9))
    booking_service.book(world.dispatcher, item, world.omar.id)

    def kept():
        return db.session.execute(select(Person.workload_count, Person.workload_first)
                                  .where(Person.id == world.omar.id)).one()
    assert kept()[0] == 1 and kept()[1] is not None
    request_service.cancel_request(world.contact_person, item, "No longer needed")
    assert kept() == (0, None)
    assert workload.differences() == []


def test_matching_counts_afresh_when_time_made_the_kept_count_stale(app_ctx, world):
    with time_machine.travel(START, tick=False):
        person = create_interpreter("Busy", "Bee")
        for weeks in (3, 4):
            item = create_request(world.contact_person, day=future_day(weeks=weeks),
                                  start=time(8), end=time(9), case_reference=None)
            booking_service.book(world.dispatcher, item, person.id)
    # Three weeks on, the first booking is 21 days old; at forty days, both have left the
    # window of thirty days, though the row still says two.
    for days, expected in ((21, 2), (40, 0)):
        with time_machine.travel(START + timedelta(days=days), tick=False):
            item = create_request(world.contact_person, day=future_day(weeks=6),
                                  case_reference=None)
            ranked = {r.candidate.person_id: r for r in match(item).ranked}
            assert ranked[person.id].candidate.recent_bookings == expected
            assert workload.differences() == []
    with time_machine.travel(START + timedelta(days=40), tick=False):
        assert workload.recount_stale(utcnow()) >= 1
        count = db.session.scalar(select(Person.workload_count).where(Person.id == person.id))
        assert count == 0


# --- verify-facts -------------------------------------------------------------------------

def test_verify_facts_passes_on_kept_facts_and_lists_stale_ones(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["register", "verify-facts"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output

    qualification = world.omar.qualifications[0]
    db.session.execute(update(QualificationTier).where(
        QualificationTier.qualification_id == qualification.id).values(tier=2))
    db.session.execute(update(Person).where(Person.id == world.fatima.id)
                       .values(region_set="antwerp", workload_count=7))
    db.session.flush()
    result = runner.invoke(args=["register", "verify-facts"])
    assert result.exit_code != 0
    assert f"qualification {qualification.id} (person {world.omar.id}" in result.output
    assert f"person {world.fatima.id}: region_set kept “antwerp”" in result.output
    assert f"person {world.fatima.id}: workload kept 7, counted 1" in result.output
    assert "3 kept fact(s) differ" in result.output


def test_rebuild_works_out_what_was_written_around_the_services(app_ctx, world):
    db.session.execute(QualificationTier.__table__.delete())
    db.session.execute(update(Person).values(modality_set="", workload_from=None))
    assert facts.differences()
    facts.rebuild(db.session)
    workload.recount(db.session)
    assert facts.differences() == [] and workload.differences() == []


# --- the property -------------------------------------------------------------------------

LANGUAGES = ("ar", "tr")
_examples = iter(range(10_000))


def _today() -> date:
    return utcnow().date()


def _pick(data, items: list):
    """One of the items, drawn as a number: the list depends on the database, and a strategy
    built from it (sampled_from) would differ when Hypothesis replays a failure, which it
    reports as FlakyStrategyDefinition instead of the shrunk example."""
    return items[data.draw(st.integers(0, 255), label="which") % len(items)]


class RegisterFactsStayTrue(RuleBasedStateMachine):
    """Register changes through the services, bookings made and cancelled, policies
    changed and time passing; after every step the kept facts are what the register says,
    and the tier matching reads on any day is the model's own rule."""

    def __init__(self):
        super().__init__()
        self.clock = time_machine.travel(START, tick=False)
        self.clock.start()
        self.number = next(_examples)

    def teardown(self):
        self.clock.stop()

    @initialize()
    def world(self):
        for code in LANGUAGES:
            create_language(code)
        self.staff = create_user(Role.REGISTER_STAFF, name="Katrien")
        postcode = str(9000 + 10 * (self.number % 99))
        organisation = create_organisation(postcode=postcode)
        create_service(name=f"TVGent {self.number}",
                       ranges=((int(postcode), int(postcode) + 9),))
        self.requester = create_user(Role.REQUESTER, organisation=organisation,
                                     is_contact_person=True)
        self.people = [create_person(first_name="Nadia", last_name=f"Facts{self.number}")]
        self.revisor = create_person(first_name="Rev", last_name=f"Isor{self.number}",
                                     languages=())
        for code in LANGUAGES:
            own = create_qualification(self.revisor, QualificationKind.TRANSLATION, code, "nl",
                                       Direction.INTO_WORKING)
            credentials.set_specialist_revisor(self.staff, own, True)
        # A translation under the revision protocol from the start, one positive
        # revision enough: the reliable tier is reached within a few steps.
        translation = create_qualification(self.people[0], QualificationKind.TRANSLATION,
                                           LANGUAGES[0], "nl", Direction.INTO_WORKING)
        credentials.open_revision_track(self.staff, translation, _today() - timedelta(days=400))
        settings_store.change(self.staff, POSITIVES_NEEDED.key, 1)
        self.bookings = []
        db.session.flush()

    def _attempt(self, action):
        """A change the rules may refuse: refused means nothing changed. The factory books
        straight into the table, so a second booking of one person at one time is refused by
        PostgreSQL's exclusion constraint (SQLite keeps both: the facts must hold either way)."""
        try:
            with db.session.begin_nested():
                action()
        except (RuleError, IntegrityError):
            pass
        db.session.flush()

    def _qualifications(self, kind=None) -> list[Qualification]:
        found = [q for p in self.people for q in p.qualifications]
        return [q for q in found if kind is None or q.kind == kind]

    def _certificates(self) -> list[Certificate]:
        return [c for q in self._qualifications() for c in q.certificates]

    # --- the register ------------------------------------------------------------------

    @rule(modalities=st.sets(st.sampled_from(Modality)), regions=st.sets(st.sampled_from(
        Province), max_size=3), domains=st.sets(st.sampled_from(Domain), max_size=2))
    def add_person(self, modalities, regions, domains):
        self.people.append(create_person(
            first_name="Omar", last_name=f"Facts{self.number}-{len(self.people)}",
            languages=(), modalities=modalities, regions=regions, domains=domains))

    @rule(data=st.data(), modalities=st.sets(st.sampled_from(Modality)),
          regions=st.sets(st.sampled_from(Province), max_size=3),
          domains=st.sets(st.sampled_from(Domain), max_size=2))
    def change_sets(self, data, modalities, regions, domains):
        person = _pick(data, self.people)
        people.update_person(self.staff, person, people.PersonDetails(
            first_name=person.first_name, last_name=person.last_name, regions=regions,
            modalities=modalities, domains=domains))

    @rule(data=st.data(), language=st.sampled_from(LANGUAGES),
          kind=st.sampled_from(QualificationKind),
          direction=st.sampled_from((Direction.INTO_WORKING, Direction.FROM_WORKING)))
    def add_pair(self, data, language, kind, direction):
        person = _pick(data, self.people)
        self._attempt(lambda: credentials.add_qualification(self.staff, person, kind, language,
                                                            "nl", direction))

    @precondition(lambda self: self._qualifications())
    @rule(data=st.data(), issued=st.integers(-2000, 300), years=st.integers(0, 6),
          days=st.integers(0, 40))
    def issue(self, data, issued, years, days):
        qualification = _pick(data, self._qualifications())
        issued_on = _today() + timedelta(days=issued)
        valid_until = issued_on + timedelta(days=365 * years + days)
        self._attempt(lambda: credentials.issue_certificate(
            self.staff, qualification, f"F{self.number}-{len(self._certificates())}", issued_on,
            valid_until))

    @precondition(lambda self: self._certificates())
    @rule(data=st.data(), shift=st.integers(-400, 400), length=st.integers(0, 3000))
    def move_certificate(self, data, shift, length):
        certificate = _pick(data, self._certificates())
        issued_on = certificate.issued_on + timedelta(days=shift)
        self._attempt(lambda: credentials.update_certificate(
            self.staff, certificate, certificate.number, issued_on,
            issued_on + timedelta(days=length)))

    @precondition(lambda self: self._certificates())
    @rule(data=st.data(), status=st.sampled_from((CertificateStatus.SUSPENDED,
                                                  CertificateStatus.REVOKED,
                                                  CertificateStatus.VALID)),
          offset=st.integers(-300, 300))
    def decide(self, data, status, offset):
        certificate = _pick(data, self._certificates())
        self._attempt(lambda: credentials.change_certificate_status(
            self.staff, certificate, status, _today() + timedelta(days=offset), "Decided"))

    @precondition(lambda self: self._certificates())
    @rule(data=st.data())
    def mark_expired(self, data):
        certificate = _pick(data, self._certificates())
        credentials.mark_expired(certificate, _today())
        db.session.flush()

    @precondition(lambda self: self._qualifications())
    @rule(data=st.data(), step=st.sampled_from(TrackStep), offset=st.integers(-500, 200),
          result=st.sampled_from(StepResult))
    def step(self, data, step, offset, result):
        qualification = _pick(data, self._qualifications())
        credentials.record_step(self.staff, qualification, step,
                                _today() + timedelta(days=offset), result)

    @precondition(lambda self: self._qualifications(QualificationKind.TRANSLATION))
    @rule(data=st.data(), offset=st.integers(-600, 0))
    def open_track(self, data, offset):
        qualification = _pick(
            data, self._qualifications(QualificationKind.TRANSLATION))
        self._attempt(lambda: open_track(qualification, _today() + timedelta(days=offset)))

    @precondition(lambda self: [q for q in self._qualifications() if q.revision_track])
    @rule(data=st.data(), offset=st.integers(-300, 100),
          verdict=st.sampled_from((Verdict.POSITIVE, *Verdict)))
    def revise(self, data, offset, verdict):
        qualification = _pick(
            data, [q for q in self._qualifications() if q.revision_track])
        self._attempt(lambda: credentials.record_revision(
            self.staff, qualification.revision_track, _today() + timedelta(days=offset),
            self.revisor, "A letter", verdict))

    @rule(positives=st.integers(1, 4),
          with_remarks=st.sampled_from(("counts", "neutral", "resets")),
          workload_days=st.integers(1, 60))
    def policy(self, positives, with_remarks, workload_days):
        settings_store.change(self.staff, POSITIVES_NEEDED.key, positives)
        settings_store.change(self.staff, WITH_REMARKS.key, with_remarks)
        settings_store.change(self.staff, WORKLOAD_DAYS.key, workload_days)

    # --- bookings and time -------------------------------------------------------------

    @rule(data=st.data(), weeks=st.integers(1, 6), hour=st.integers(7, 17))
    def book(self, data, weeks, hour):
        person = _pick(data, self.people)
        item = create_request(self.requester, day=future_day(weeks=weeks), start=time(hour),
                              end=time(hour, 30), case_reference=None)
        self._attempt(lambda: self.bookings.append(create_booking(item, person)))

    @precondition(lambda self: any(b.is_live and b.request.is_cancellable
                                   for b in self.bookings))
    @rule(data=st.data())
    def cancel(self, data):
        chosen = _pick(data, [b for b in self.bookings
                              if b.is_live and b.request.is_cancellable])
        request_service.cancel_request(self.requester, chosen.request, "Not needed")

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        self.clock.stop()
        self.clock = time_machine.travel(utcnow() + timedelta(days=days), tick=False)
        self.clock.start()

    @rule()
    def recount_stale(self):
        workload.recount_stale(utcnow())
        db.session.flush()

    # --- after every step ----------------------------------------------------------------

    @invariant()
    def kept_facts_are_what_the_register_says(self):
        if not hasattr(self, "staff"):
            return
        db.session.flush()
        assert facts.differences() == []
        assert workload.differences() == []

    @invariant()
    def the_tier_read_on_any_day_is_the_models_rule(self):
        if not hasattr(self, "staff"):
            return
        db.session.expire_all()
        policy = current_policy()
        today = _today()
        for qualification in self._qualifications():
            days = {today, *facts.turning_days(qualification)} - {date.min}
            for day in days | {d - timedelta(days=1) for d in days}:
                tier, note, since = kept_tier_on(qualification.id, day)
                assert Tier(tier) == qualification.tier_on(day, policy), (qualification, day)
                assert (note, since) == (facts.certificate_note(qualification, day)
                                         or (None, None))
            # And the register's rule in SQL, which matching used before, on the day.
            assert kept_tier_on(qualification.id, today)[0] == db.session.scalar(
                select(tier_of_qualification(policy, today))
                .where(Qualification.id == qualification.id))


@pytest.mark.parametrize("seed", [2027])
def test_random_register_changes_keep_the_facts_true(app_ctx, database_kind, seed):
    run_state_machine_as_test(RegisterFactsStayTrue, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        derandomize=not os.environ.get("FACTS_EXAMPLES"), database=None,
        suppress_health_check=list(HealthCheck)))
