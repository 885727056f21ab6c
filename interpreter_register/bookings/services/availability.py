"""Interpreters keep their weekly availability and leave; organisations bar people."""

from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ...core.permissions import require
from ...core.rules import RuleError
from ...extensions import db
from ...register.models import Person
from ..models import Leave, OrganisationBar, WeeklyAvailability
from .booking import open_offers_of, withdraw_offers


def _may_keep(acting, person: Person) -> None:
    require(person.can_be_kept_by(acting), "not allowed to change this person's availability")


def weekly_of(person_id: int) -> list[WeeklyAvailability]:
    return db.session.scalars(select(WeeklyAvailability).where(
        WeeklyAvailability.person_id == person_id).order_by(
        WeeklyAvailability.weekday, WeeklyAvailability.starts)).all()


def set_weekly(acting, person: Person, ranges: list[tuple[int, time, time]]) -> None:
    """Replace the person's weekly availability by these (weekday, start, end) ranges."""
    _may_keep(acting, person)
    for weekday, starts, ends in ranges:
        if not 0 <= weekday <= 6:
            raise RuleError(_l("Choose a day of the week."), "weekday")
        if ends <= starts:
            raise RuleError(_l("The end must come after the start."), "ends")
    by_day: dict[int, list] = {}
    for weekday, starts, ends in sorted(ranges):
        previous = by_day.setdefault(weekday, [])
        if previous and starts < previous[-1][1]:
            raise RuleError(_l("Two ranges on the same day overlap."), "starts")
        previous.append((starts, ends))
    db.session.execute(delete(WeeklyAvailability).where(
        WeeklyAvailability.person_id == person.id))
    db.session.add_all(WeeklyAvailability(person_id=person.id, weekday=d, starts=s, ends=e)
                       for d, s, e in ranges)
    db.session.flush()


def leave_of(person_id: int, from_day: date | None = None) -> list[Leave]:
    statement = select(Leave).where(Leave.person_id == person_id).order_by(Leave.first_day)
    if from_day is not None:
        statement = statement.where(Leave.last_day >= from_day)
    return db.session.scalars(statement).all()


def remove_leave(acting, leave: Leave) -> None:
    _may_keep(acting, leave.person)
    db.session.delete(leave)
    db.session.flush()


def bar(acting, person: Person, reason: str | None = None) -> OrganisationBar:
    """The contact person records that their organisation does not want this person."""
    require(acting.can_manage_colleagues(), "only a contact person bars interpreters")
    existing = db.session.scalar(select(OrganisationBar).where(
        OrganisationBar.organisation_id == acting.organisation_id,
        OrganisationBar.person_id == person.id))
    if existing is not None:
        raise RuleError(_l("This person is already barred by your organisation."), "person")
    entry = OrganisationBar(organisation_id=acting.organisation_id, person_id=person.id,
                            reason=(reason or "").strip() or None, created_by_id=acting.id)
    db.session.add(entry)
    db.session.flush()
    # Their open offers for the organisation are taken back; they are never told why.
    withdraw_offers(open_offers_of(person.id, organisation_id=acting.organisation_id))
    return entry


def unbar(acting, entry: OrganisationBar) -> None:
    require(entry.can_be_lifted_by(acting), "only the organisation's contact person lifts a bar")
    db.session.delete(entry)
    db.session.flush()
