"""Keeping the register: every change audited, bad input refused with nothing half-written."""

from datetime import date

import pytest
from sqlalchemy import func, select

from interpreter_register.core import settings
from interpreter_register.core.audit import AuditEntry, AuditMissing
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.regions import Province
from interpreter_register.core.rules import RuleError
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    Certificate,
    Direction,
    Language,
    Modality,
    Person,
    QualificationKind,
    StepResult,
    Tier,
    TrackStep,
    Verdict,
)
from interpreter_register.register.policy import current_policy
from interpreter_register.register.services import credentials, people
from tests.fixtures.factories import (
    create_certificate,
    create_person,
    create_qualification,
    create_user,
)


def entries(**filters):
    return db.session.scalars(select(AuditEntry).filter_by(**filters).order_by(AuditEntry.id)
                              ).all()


def test_adding_a_person_is_audited_with_who_and_what(app_ctx):
    staff = create_user("register_staff")
    person = people.create_person(staff, people.PersonDetails(
        first_name="Amina", last_name="Benali", phone="0470 12 34 56",
        regions={Province.ANTWERP}, modalities={Modality.VIDEO}))
    [entry] = entries(person_id=person.id)
    assert (entry.actor_id, entry.entity, entry.action) == (staff.id, "person", "created")
    assert entry.changes["last_name"] == [None, "Benali"]
    assert entry.changes["phone"] == [None, "+32470123456"]
    assert entry.changes["regions"] == [None, ["antwerp"]]


def test_a_change_records_before_and_after(app_ctx):
    staff = create_user("register_staff")
    person = create_person(modalities={Modality.ON_SITE})
    details = people.PersonDetails(first_name=person.first_name, last_name="Renamed",
                                   email=person.email, modalities={Modality.PHONE},
                                   regions=person.regions)
    people.update_person(staff, person, details)
    entry = entries(person_id=person.id, action="changed")[-1]
    assert entry.changes["last_name"][1] == "Renamed"
    assert entry.changes["modalities"] == [["on_site"], ["phone"]]
    assert "first_name" not in entry.changes


def test_a_change_without_audit_is_refused_at_commit(app_ctx):
    person = create_person()
    person.last_name = "Sneaky"
    with pytest.raises(AuditMissing):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Person, person.id).last_name != "Sneaky"


def test_deactivating_keeps_the_person_and_says_so_in_the_history(app_ctx):
    staff = create_user("register_staff")
    person = create_person()
    people.set_person_active(staff, person, False)
    assert db.session.get(Person, person.id).active is False
    assert entries(person_id=person.id)[-1].action == "deactivated"


def test_only_register_staff_change_the_register(app_ctx):
    dispatcher = create_user("dispatcher")
    with pytest.raises(Forbidden):
        people.create_person(dispatcher, people.PersonDetails(first_name="X", last_name="Y"))


def test_two_people_cannot_share_an_email_address(app_ctx):
    create_person(email="same@example.org")
    with pytest.raises(RuleError) as error:
        people.create_person(None, people.PersonDetails(first_name="A", last_name="B",
                                                        email="Same@Example.org"))
    assert error.value.field == "email"


# --- qualifications and certificates -----------------------------------------------------

def test_a_pair_needs_two_languages_known_to_the_register(app_ctx):
    person = create_person(languages=())
    with pytest.raises(RuleError, match="first"):
        credentials.add_qualification(None, person, QualificationKind.INTERPRETING, "ps", "nl")
    with pytest.raises(RuleError, match="two different"):
        credentials.add_qualification(None, person, QualificationKind.INTERPRETING, "nl", "nl")


def test_the_same_pair_twice_is_refused_but_the_other_direction_is_another_pair(app_ctx):
    person = create_person(languages=("ar",))
    with pytest.raises(RuleError, match="already holds"):
        credentials.add_qualification(None, person, QualificationKind.INTERPRETING, "ar", "nl")
    credentials.add_qualification(None, person, QualificationKind.TRANSLATION, "ar", "nl",
                                  Direction.INTO_WORKING)
    credentials.add_qualification(None, person, QualificationKind.TRANSLATION, "ar", "nl",
                                  Direction.FROM_WORKING)
    with pytest.raises(RuleError, match="which way"):
        credentials.add_qualification(None, person, QualificationKind.TRANSLATION, "ar", "fr")


def test_certificate_numbers_are_unique_and_validity_follows_issue(app_ctx):
    person = create_person()
    create_certificate(person.qualifications[0], number="SI-001")
    qualification = person.qualifications[0]
    with pytest.raises(RuleError) as error:
        credentials.issue_certificate(None, qualification, "si-001", date(2026, 1, 1))
    assert error.value.field == "number"
    with pytest.raises(RuleError) as error:
        credentials.issue_certificate(None, qualification, "SI-002", date(2026, 1, 1),
                                      date(2025, 12, 31))
    assert error.value.field == "valid_until"
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_validity_defaults_to_the_policy_years(app_ctx):
    person = create_person()
    qualification = person.qualifications[0]
    certificate = credentials.issue_certificate(None, qualification, "SI-9", date(2026, 3, 12))
    assert certificate.valid_until == date(2031, 3, 12)
    settings.change(None, "register.certificate_years", 3)
    certificate = credentials.issue_certificate(None, qualification, "SI-10", date(2026, 3, 12))
    assert certificate.valid_until == date(2029, 3, 12)


# --- the quality track -------------------------------------------------------------------

def test_attempts_are_counted_per_step_and_a_passed_exam_issues_the_certificate(app_ctx):
    person = create_person()
    qualification = person.qualifications[0]
    exam = TrackStep.CERTIFICATION_EXAM
    first = credentials.record_step(None, qualification, exam, date(2026, 1, 10),
                                    StepResult.FAILED)
    with pytest.raises(RuleError, match="passed certification exam"):
        credentials.record_step(None, qualification, exam, date(2026, 3, 10),
                                StepResult.ABSENT, certificate_number="SI-77")
    second = credentials.record_step(None, qualification, exam, date(2026, 6, 10),
                                     StepResult.PASSED, certificate_number="SI-77")
    assert (first.attempt, second.attempt) == (1, 2)
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == "SI-77"))
    assert certificate.issued_on == date(2026, 6, 10)
    assert certificate.valid_until == date(2031, 6, 10)
    assert qualification.tier_on(date(2026, 6, 10), current_policy()) == Tier.CERTIFIED


# --- the revision protocol ---------------------------------------------------------------

@pytest.fixture
def protocol(app_ctx):
    translator = create_person(first_name="Reza", last_name="Moradi", languages=())
    pair = create_qualification(translator, QualificationKind.TRANSLATION, "fa", "nl",
                                Direction.INTO_WORKING)
    revisor = create_person(first_name="Shirin", last_name="Tehrani", languages=())
    revisor_pair = create_qualification(revisor, QualificationKind.TRANSLATION, "fa", "nl",
                                        Direction.INTO_WORKING)
    create_certificate(revisor_pair, issued_on=date(2024, 1, 1))
    track = credentials.open_revision_track(None, pair, date(2026, 1, 1))
    return track, revisor, pair


def test_five_positive_revisions_make_a_translator_reliable(protocol):
    track, revisor, pair = protocol
    day = date(2026, 12, 31)
    for month in range(2, 6):
        credentials.record_revision(None, track, date(2026, month, 1), revisor, "Letter",
                                    Verdict.POSITIVE)
    assert pair.tier_on(day, current_policy()) == Tier.REGISTERED
    assert track.standing(day, current_policy()).streak == 4
    credentials.record_revision(None, track, date(2026, 6, 1), revisor, "Letter",
                                Verdict.POSITIVE)
    assert pair.tier_on(day, current_policy()) == Tier.RELIABLE
    credentials.record_revision(None, track, date(2026, 7, 1), revisor, "Letter",
                                Verdict.NEGATIVE, "too free")
    assert pair.tier_on(day, current_policy()) == Tier.REGISTERED


def test_the_policy_decides_how_many_positives(protocol):
    track, revisor, pair = protocol
    settings.change(None, "register.revision_positives_needed", 2)
    for month in (2, 3):
        credentials.record_revision(None, track, date(2026, month, 1), revisor, "Doc",
                                    Verdict.POSITIVE)
    assert pair.tier_on(date(2026, 12, 31), current_policy()) == Tier.RELIABLE


def test_an_ineligible_revisor_is_refused_and_nothing_is_written(protocol):
    track, revisor, pair = protocol
    with pytest.raises(RuleError) as error:
        credentials.record_revision(None, track, date(2026, 2, 1), pair.person, "Doc",
                                    Verdict.POSITIVE)
    assert error.value.field == "revisor"
    stranger = create_person(first_name="No", last_name="Cert", languages=())
    with pytest.raises(RuleError, match="no valid certificate"):
        credentials.record_revision(None, track, date(2026, 2, 1), stranger, "Doc",
                                    Verdict.POSITIVE)
    assert track.revisions == []


def test_revision_protocol_is_for_translation_pairs_once(protocol, app_ctx):
    track, revisor, pair = protocol
    with pytest.raises(RuleError):
        credentials.open_revision_track(None, pair, date(2026, 2, 1))
    interpreting = create_person().qualifications[0]
    with pytest.raises(RuleError):
        credentials.open_revision_track(None, interpreting, date(2026, 2, 1))


def test_settings_are_checked_and_audited(app_ctx):
    staff = create_user("register_staff")
    with pytest.raises(RuleError):
        settings.change(staff, "register.revision_positives_needed", 0)
    with pytest.raises(RuleError):
        settings.change(staff, "register.revision_with_remarks", "sometimes")
    settings.change(staff, "register.revision_positives_needed", 4)
    [entry] = entries(entity="setting", entity_id="register.revision_positives_needed")
    assert entry.changes == {"value": [5, 4]} and entry.actor_id == staff.id
    assert current_policy().positives_needed == 4


def test_language_choices_follow_additions_and_renames_at_once(app_ctx):
    staff = create_user("register_staff")
    people.add_language(staff, "ar")
    assert ("ar", "Arabic") in people.language_choices("en")
    assert ("ar", "Arabe") in people.language_choices("fr")

    people.add_language(staff, "ti")
    assert [code for code, _name in people.language_choices("en")] == ["ar", "ti"]
    people.rename_language(staff, db.session.get(Language, "ar"), {"en": "standard arabic"})
    assert people.language_choices("en") == (("ar", "Standard arabic"), ("ti", "Tigrinya"))
    assert ("ar", "Arabe") in people.language_choices("fr"), "the French name is the locale's"
