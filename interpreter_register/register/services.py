"""Reading the register (the register issue adds keeping it)."""

from sqlalchemy import func, select

from ..extensions import db
from .models import Language, Person, Qualification


def register_summary() -> dict:
    """Counts for the register staff's home page, in three queries."""
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
    return {"people": people, "languages": len(per_language),
            "per_language": sorted(per_language.values(),
                                   key=lambda r: -(r.get("interpreting", 0)
                                                   + r.get("translation", 0)))}


def qualifications_of(person: Person) -> list[Qualification]:
    return db.session.scalars(
        select(Qualification).where(Qualification.person_id == person.id)
        .order_by(Qualification.kind, Qualification.language_code)
    ).all()
