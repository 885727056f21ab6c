"""Figures about the register for the staff's home page and an interpreter's own page."""

from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ..models import Certificate, CertificateStatus, Language, Person, Qualification
from .search import certificate_status_is


def _certificates(*conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(Certificate).where(*conditions))


def register_summary(today: date) -> dict:
    """Counts for the register staff's home page, each in one query."""
    people = db.session.scalar(select(func.count()).select_from(Person)
                               .where(Person.active.is_(True)))
    rows = db.session.execute(
        select(Qualification.language_code, Qualification.kind,
               func.count(func.distinct(Qualification.person_id)))
        .join(Person).where(Person.active.is_(True))
        .group_by(Qualification.language_code, Qualification.kind)
    ).all()
    languages = {lang.code: lang for lang in db.session.scalars(select(Language))}
    per_language: dict[str, dict] = {}
    for code, kind, count in rows:
        per_language.setdefault(code, {"language": languages[code]})[kind.value] = count
    valid = certificate_status_is(CertificateStatus.VALID, today)
    return {
        "people": people, "languages": len(per_language),
        "valid_certificates": _certificates(valid),
        "expiring": _certificates(valid, Certificate.valid_until <= today + timedelta(days=90)),
        "suspended": _certificates(certificate_status_is(CertificateStatus.SUSPENDED, today)),
        "per_language": sorted(per_language.values(),
                               key=lambda r: -(r.get("interpreting", 0)
                                               + r.get("translation", 0))),
    }


def qualifications_of(person: Person) -> list[Qualification]:
    return db.session.scalars(
        select(Qualification).where(Qualification.person_id == person.id)
        .order_by(Qualification.kind, Qualification.language_code)
    ).all()
