"""Finding people in the register: staff search, the public register, certificate status."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, literal, not_, or_, select
from sqlalchemy.orm import selectinload

from ...core.regions import Province
from ..models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    Modality,
    Person,
    PersonModality,
    PersonRegion,
    Qualification,
    QualificationKind,
    RevisionTrack,
)


def with_credentials(statement):
    """Load what tiers and certificates need for every person of a page, in a few queries."""
    qualifications = selectinload(Person.qualifications)
    return statement.options(
        qualifications.selectinload(Qualification.certificates),
        qualifications.selectinload(Qualification.steps),
        qualifications.selectinload(Qualification.revision_track)
        .selectinload(RevisionTrack.revisions),
    )


def _latest_decision(column, day: date):
    """``column`` of the latest decision on a certificate that took effect by ``day``.

    Everything but the decisions is the enclosing query's: ``day`` may be a column of a
    query two levels up (a booking's day), which automatic correlation, looking only one
    level up, would have joined in as a table of its own."""
    return (select(column)
            .where(CertificateStatusChange.certificate_id == Certificate.id,
                   CertificateStatusChange.effective_on <= day)
            .order_by(CertificateStatusChange.effective_on.desc(),
                      CertificateStatusChange.id.desc())
            .limit(1).correlate_except(CertificateStatusChange).scalar_subquery())


def _latest_status(day: date):
    """The status of the latest decision on a certificate that took effect by ``day``."""
    return _latest_decision(CertificateStatusChange.status, day)


def latest_decision_on(day: date):
    """SQL: the day the decision in force on ``day`` took effect (none: no decision)."""
    return _latest_decision(CertificateStatusChange.effective_on, day)


def certificate_status_is(status: CertificateStatus, day: date):
    """SQL for "this certificate has ``status`` on ``day``", the same rule as
    ``Certificate.status_on`` (which the tests hold the two to)."""
    latest = func.coalesce(_latest_status(day), literal(CertificateStatus.VALID.value))
    stopped = latest.in_([CertificateStatus.SUSPENDED.value, CertificateStatus.REVOKED.value])
    ran_out = or_(Certificate.valid_until < day, latest == CertificateStatus.EXPIRED.value)
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return latest == status.value
    if status == CertificateStatus.EXPIRED:
        return and_(not_(stopped), ran_out)
    # Neither stopped nor run out: no decision but "valid" by then, and within its dates.
    return and_(Certificate.issued_on <= day, Certificate.valid_until >= day,
                latest == CertificateStatus.VALID.value)


@dataclass
class StaffSearch:
    name: str = ""
    language: str = ""
    certificate_number: str = ""
    status: CertificateStatus | None = None
    expiring_within: int | None = None
    include_inactive: bool = False


def _has_certificate(*conditions):
    return exists(select(Certificate.id).join(Qualification).where(
        Qualification.person_id == Person.id, *conditions))


def staff_search(criteria: StaffSearch, today: date):
    """People matching every criterion given, by name."""
    statement = select(Person).order_by(Person.last_name, Person.first_name, Person.id)
    if not criteria.include_inactive:
        statement = statement.where(Person.active.is_(True))
    if criteria.name.strip():
        pattern = f"%{criteria.name.strip().lower()}%"
        full = func.lower(Person.first_name + " " + Person.last_name)
        statement = statement.where(or_(full.like(pattern),
                                        func.lower(Person.last_name).like(pattern)))
    if criteria.language:
        statement = statement.where(exists(select(Qualification.id).where(
            Qualification.person_id == Person.id,
            Qualification.language_code == criteria.language)))
    if criteria.certificate_number.strip():
        statement = statement.where(_has_certificate(
            func.lower(Certificate.number).like(f"%{criteria.certificate_number.strip().lower()}%")))
    if criteria.status is not None:
        statement = statement.where(_has_certificate(certificate_status_is(criteria.status,
                                                                           today)))
    if criteria.expiring_within is not None:
        statement = statement.where(_has_certificate(
            certificate_status_is(CertificateStatus.VALID, today),
            Certificate.valid_until <= today + timedelta(days=criteria.expiring_within)))
    return with_credentials(statement)


@dataclass
class PublicSearch:
    language: str = ""
    working_language: str = ""
    modality: Modality | None = None
    kind: QualificationKind | None = None
    province: Province | None = None


def public_search(criteria: PublicSearch):
    """Active people who consented to the public register and match the criteria."""
    pair = [Qualification.person_id == Person.id]
    if criteria.language:
        pair.append(Qualification.language_code == criteria.language)
    if criteria.working_language:
        pair.append(Qualification.working_language == criteria.working_language)
    if criteria.kind is not None:
        pair.append(Qualification.kind == criteria.kind)
    statement = (select(Person)
                 .where(Person.active.is_(True), Person.public_consent.is_(True),
                        exists(select(Qualification.id).where(*pair)))
                 .order_by(Person.last_name, Person.first_name, Person.id))
    if criteria.modality is not None:
        statement = statement.where(exists(select(PersonModality.person_id).where(
            PersonModality.person_id == Person.id,
            PersonModality.modality == criteria.modality)))
    if criteria.province is not None:
        statement = statement.where(exists(select(PersonRegion.person_id).where(
            PersonRegion.person_id == Person.id, PersonRegion.province == criteria.province)))
    return with_credentials(statement)


def matching_qualifications(person: Person, criteria: PublicSearch) -> list[Qualification]:
    """The qualifications of a found person that match what was searched for."""
    return [q for q in person.qualifications
            if (not criteria.language or q.language_code == criteria.language)
            and (not criteria.working_language or q.working_language == criteria.working_language)
            and (criteria.kind is None or q.kind == criteria.kind)]
