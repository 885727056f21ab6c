"""The register's rules at their boundaries: validity on a date, revision counting, tiers,
revisor eligibility, language codes, phone numbers."""

from datetime import date

import pytest
from sqlalchemy import select

from interpreter_register.core.phones import normalise_phone
from interpreter_register.core.rules import RuleError
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    Certificate,
    CertificateStatus,
    Direction,
    Qualification,
    QualificationKind,
    StepResult,
    Tier,
    TrackStep,
    Verdict,
)
from interpreter_register.register.models.tracks import revision_standing
from interpreter_register.register.policy import RegisterPolicy, add_years
from interpreter_register.register.services import credentials, people
from interpreter_register.register.services.search import certificate_status_is
from interpreter_register.register.sql import tier_of_qualification
from tests.fixtures.factories import create_certificate, create_person, create_qualification

POLICY = RegisterPolicy(certificate_years=5, positives_needed=5, with_remarks="counts")
P, R, N = Verdict.POSITIVE, Verdict.POSITIVE_WITH_REMARKS, Verdict.NEGATIVE


@pytest.fixture
def certificate(app_ctx):
    """Issued 1 March 2026, valid until 28 February 2031."""
    person = create_person()
    return create_certificate(person.qualifications[0], issued_on=date(2026, 3, 1),
                              valid_until=date(2031, 2, 28))


# --- certificate validity on a date ------------------------------------------------------

@pytest.mark.parametrize("day,valid", [
    (date(2026, 2, 28), False),   # the day before it was issued
    (date(2026, 3, 1), True),     # the day it was issued
    (date(2031, 2, 28), True),    # the last day, included
    (date(2031, 3, 1), False),    # the day after: expired
])
def test_valid_from_issue_to_the_last_day_inclusive(certificate, day, valid):
    assert certificate.is_valid_on(day) is valid


def test_expired_the_day_after(certificate):
    assert certificate.status_on(date(2031, 3, 1)) == CertificateStatus.EXPIRED


def test_suspended_in_between_then_reinstated(certificate):
    credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                          date(2027, 3, 12), "complaint")
    credentials.change_certificate_status(None, certificate, CertificateStatus.VALID,
                                          date(2027, 6, 1), "cleared")
    assert certificate.is_valid_on(date(2027, 3, 11))
    assert not certificate.is_valid_on(date(2027, 3, 12))
    assert certificate.status_on(date(2027, 5, 31)) == CertificateStatus.SUSPENDED
    assert certificate.is_valid_on(date(2027, 6, 1))


def test_revoked_from_its_date_on_for_good(certificate):
    credentials.change_certificate_status(None, certificate, CertificateStatus.REVOKED,
                                          date(2028, 1, 1), "fraud")
    assert certificate.is_valid_on(date(2027, 12, 31))
    assert certificate.status_on(date(2028, 1, 1)) == CertificateStatus.REVOKED
    assert certificate.status_on(date(2032, 1, 1)) == CertificateStatus.REVOKED
    with pytest.raises(RuleError, match="cannot become"):
        credentials.change_certificate_status(None, certificate, CertificateStatus.VALID,
                                              date(2028, 2, 1), "oops")


@pytest.mark.parametrize("current,new,allowed", [
    (CertificateStatus.VALID, CertificateStatus.SUSPENDED, True),
    (CertificateStatus.VALID, CertificateStatus.REVOKED, True),
    (CertificateStatus.VALID, CertificateStatus.VALID, False),
    (CertificateStatus.SUSPENDED, CertificateStatus.VALID, True),
    (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED, True),
    (CertificateStatus.SUSPENDED, CertificateStatus.SUSPENDED, False),
    (CertificateStatus.REVOKED, CertificateStatus.VALID, False),
    (CertificateStatus.REVOKED, CertificateStatus.SUSPENDED, False),
])
def test_status_changes_only_from_states_that_make_sense(certificate, current, new, allowed):
    if current != CertificateStatus.VALID:
        credentials.change_certificate_status(None, certificate, current, date(2027, 1, 1), "x")
    change = lambda: credentials.change_certificate_status(  # noqa: E731
        None, certificate, new, date(2027, 2, 1), "y")
    if allowed:
        change()
    else:
        with pytest.raises(RuleError):
            change()


def test_a_status_change_needs_a_reason_and_a_date_in_order(certificate):
    with pytest.raises(RuleError) as error:
        credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                              date(2027, 1, 1), "  ")
    assert error.value.field == "reason"
    with pytest.raises(RuleError) as error:
        credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                              date(2026, 2, 1), "before issue")
    assert error.value.field == "effective_on"


def test_marked_expired_the_day_after_once_and_not_when_suspended(certificate):
    assert credentials.mark_expired(certificate, date(2031, 2, 28)) is None
    change = credentials.mark_expired(certificate, date(2031, 3, 1))
    assert change.effective_on == date(2031, 3, 1)
    assert credentials.mark_expired(certificate, date(2031, 3, 2)) is None
    other = create_certificate(certificate.qualification, issued_on=date(2020, 1, 1),
                               valid_until=date(2024, 12, 31))
    credentials.change_certificate_status(None, other, CertificateStatus.SUSPENDED,
                                          date(2024, 6, 1), "x")
    assert credentials.mark_expired(other, date(2025, 1, 1)) is None


@pytest.mark.parametrize("status", list(CertificateStatus))
@pytest.mark.parametrize("day", [date(2026, 2, 28), date(2026, 3, 1), date(2027, 3, 11),
                                 date(2027, 3, 12), date(2027, 6, 1), date(2031, 2, 28),
                                 date(2031, 3, 1)])
def test_the_sql_status_rule_agrees_with_the_python_one(certificate, status, day):
    credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                          date(2027, 3, 12), "complaint")
    credentials.change_certificate_status(None, certificate, CertificateStatus.VALID,
                                          date(2027, 6, 1), "cleared")
    in_sql = db.session.scalar(select(Certificate.id).where(
        Certificate.id == certificate.id, certificate_status_is(status, day))) is not None
    in_python = certificate.status_on(day) == status and (
        status != CertificateStatus.VALID or certificate.is_valid_on(day))
    assert in_sql == in_python


# --- the revision protocol ---------------------------------------------------------------

@pytest.mark.parametrize("verdicts,needed,reliable,streak", [
    ([], 5, False, 0),
    ([P, P, P, P], 5, False, 4),              # N-1
    ([P, P, P, P, P], 5, True, 5),            # N
    ([P, P, N, P, P, P], 5, False, 3),        # a negative in the middle resets
    ([P, P, P, P, P, N], 5, False, 0),        # reliable, then a negative: back to revision
    ([P, P, P, P, P, N, P, P, P, P, P], 5, True, 5),
    ([P, R, P, R, P], 5, True, 5),            # with remarks counts (the default)
    ([P, P, P], 3, True, 3),                  # the setting decides
])
def test_revision_counting(verdicts, needed, reliable, streak):
    standing = revision_standing(verdicts, needed, "counts")
    assert (standing.reliable, standing.streak, standing.needed) == (reliable, streak, needed)


@pytest.mark.parametrize("policy,reliable,streak", [
    ("counts", True, 5), ("neutral", False, 4), ("resets", False, 2)])
def test_what_a_positive_with_remarks_does_is_policy(policy, reliable, streak):
    standing = revision_standing([P, P, R, P, P], 5, policy)
    assert (standing.reliable, standing.streak) == (reliable, streak)


# --- tiers -------------------------------------------------------------------------------

@pytest.fixture
def translator(app_ctx):
    person = create_person(first_name="Senait", last_name="Haile", languages=())
    return create_qualification(person, QualificationKind.TRANSLATION, "ti", "nl",
                                Direction.INTO_WORKING)


def tier_of(qualification, day):
    """The tier by the Python rule, after checking that the SQL rule says the same."""
    in_python = qualification.tier_on(day, POLICY)
    in_sql = db.session.scalar(select(tier_of_qualification(POLICY, day)).where(
        Qualification.id == qualification.id))
    assert in_sql == in_python, f"SQL says {in_sql}, Python {in_python} on {day}"
    return in_python


def test_tier_is_registered_then_in_track_then_reliable_then_certified(app_ctx, translator):
    day = date(2026, 11, 23)
    assert tier_of(translator, day) == Tier.REGISTERED
    credentials.record_step(None, translator, TrackStep.INFORMATION_SESSION, date(2026, 1, 10),
                            StepResult.PASSED)
    assert tier_of(translator, day) == Tier.IN_TRACK
    assert tier_of(translator, date(2026, 1, 9)) == Tier.REGISTERED
    revisor = create_person(first_name="Yonas", last_name="Berhane", languages=())
    revisor_pair = create_qualification(revisor, QualificationKind.TRANSLATION, "ti", "nl",
                                        Direction.INTO_WORKING)
    create_certificate(revisor_pair, issued_on=date(2025, 1, 1))
    track = credentials.open_revision_track(None, translator, date(2026, 2, 1))
    for month in range(3, 8):
        credentials.record_revision(None, track, date(2026, month, 1), revisor, f"Doc {month}",
                                    P)
    assert tier_of(translator, day) == Tier.RELIABLE
    assert tier_of(translator, date(2026, 6, 30)) == Tier.IN_TRACK, "4 of 5 by then"
    credentials.record_revision(None, track, date(2026, 8, 1), revisor, "Doc 8", N)
    assert tier_of(translator, day) == Tier.IN_TRACK, "a negative starts the count again"
    create_certificate(translator, issued_on=date(2026, 9, 1))
    assert tier_of(translator, day) == Tier.CERTIFIED


def test_a_certificate_expiring_the_day_before_does_not_certify(app_ctx):
    person = create_person()
    qualification = person.qualifications[0]
    create_certificate(qualification, issued_on=date(2021, 3, 1), valid_until=date(2026, 3, 11))
    assert tier_of(qualification, date(2026, 3, 11)) == Tier.CERTIFIED
    assert tier_of(qualification, date(2026, 3, 12)) == Tier.REGISTERED


# --- revisors ----------------------------------------------------------------------------

def test_revisor_eligibility(app_ctx, translator):
    day = date(2026, 5, 1)
    own = credentials.revisor_problem(translator, translator.person, day)
    assert "own" in str(own)

    certified = create_person(first_name="Cert", last_name="Ified", languages=())
    pair = create_qualification(certified, QualificationKind.TRANSLATION, "ti", "nl",
                                Direction.INTO_WORKING)
    create_certificate(pair, issued_on=date(2025, 1, 1), valid_until=date(2026, 4, 30))
    assert credentials.revisor_problem(translator, certified, date(2026, 4, 30)) is None
    assert credentials.revisor_problem(translator, certified, day) is not None, "expired"

    other_way = create_person(first_name="Other", last_name="Way", languages=())
    reverse = create_qualification(other_way, QualificationKind.TRANSLATION, "ti", "nl",
                                   Direction.FROM_WORKING)
    create_certificate(reverse, issued_on=date(2025, 1, 1))
    assert credentials.revisor_problem(translator, other_way, day) is not None, \
        "the other direction is another pair"

    specialist = create_person(first_name="Spec", last_name="Ialist", languages=())
    create_qualification(specialist, QualificationKind.TRANSLATION, "ti", "nl",
                         Direction.INTO_WORKING)
    assert credentials.revisor_problem(translator, specialist, day) is not None
    credentials.set_specialist_revisor(None, specialist.qualifications[0], True)
    assert credentials.revisor_problem(translator, specialist, day) is None
    assert [p.last_name for p in credentials.eligible_revisors(translator, day)] == ["Ialist"]


# --- languages, phones, dates ------------------------------------------------------------

@pytest.mark.parametrize("code,expected", [("ar", "ar"), (" TI ", "ti"), ("prs", "prs"),
                                           ("kmr", "kmr"), ("vgt", "vgt"), ("ckb", "ckb"),
                                           ("ary", "ary")])
def test_known_language_codes(app_ctx, code, expected):
    assert people.check_language_code(code) == expected


@pytest.mark.parametrize("code,message", [("ara", "“ar”"), ("tur", "“tr”"), ("xx", "“xx”"),
                                          ("zzz", "is not an ISO 639")])
def test_unknown_or_long_codes_are_refused(app_ctx, code, message):
    with pytest.raises(RuleError) as error:
        people.check_language_code(code)
    assert message in str(error.value.message)


@pytest.mark.parametrize("text,e164", [("0470 12 34 56", "+32470123456"),
                                       ("+32 470 12 34 56", "+32470123456"),
                                       ("+33 6 12 34 56 78", "+33612345678"),
                                       ("", None)])
def test_phone_numbers_are_kept_in_e164(app_ctx, text, e164):
    assert normalise_phone(text) == e164


@pytest.mark.parametrize("text", ["12345", "not a number", "0470 12"])
def test_impossible_phone_numbers_are_refused(app_ctx, text):
    with pytest.raises(RuleError):
        normalise_phone(text)


def test_add_years_keeps_the_day_and_handles_29_february():
    assert add_years(date(2026, 3, 12), 5) == date(2031, 3, 12)
    assert add_years(date(2028, 2, 29), 5) == date(2033, 2, 28)
