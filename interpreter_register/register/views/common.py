"""What the register's views share: who may change it, loading, the policy of the day."""

from flask import abort
from sqlalchemy import select

from ...core.i18n import current_language
from ...core.time import today_in_brussels
from ...extensions import db
from ..models import Person, Qualification
from ..policy import current_policy
from ..services.search import with_credentials


def load_person(person_id: int) -> Person:
    """A person with everything their page shows, or 404."""
    person = db.session.scalar(with_credentials(select(Person).where(Person.id == person_id)))
    return person or abort(404)


def load_qualification(qualification_id: int) -> Qualification:
    return db.session.get(Qualification, qualification_id) or abort(404)


def page_context() -> dict:
    """The day and policy every tier on a page is computed for."""
    return {"today": today_in_brussels(), "policy": current_policy(),
            "ui": current_language()}

