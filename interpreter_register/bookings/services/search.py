"""Finding requests: a requester among their organisation's, a dispatcher among their
service's, in every status, upcoming first (soonest first) then past (latest first).

Each search narrows on an index of its own (docs/scaling.md): the request number is the
primary key; a case reference, (organisation or service, case reference); an
organisation, (organisation, date); an interpreter, their bookings (person, start); a
date range alone, the service's (service, status, date) with every status named.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ...core.time import brussels_to_utc
from ...extensions import db
from ...organisations.models import Organisation
from ...register.models import Person
from ..models import Booking, InterpretingRequest, RequestStatus
from .requests import normalise_case_reference

PAGE_SIZE = 30
# "2027-00012" (as the pages show a number) or "12".
NUMBER = re.compile(r"^\s*(?:(\d{4})-)?0*(\d{1,9})\s*$")
# How many organisations or people a name may stand for in one search.
NAMES_AT_MOST = 200


@dataclass(frozen=True)
class RequestSearch:
    """What to look for; empty fields do not narrow."""

    reference: str = ""        # a request number or a case reference
    status: str = ""
    language: str = ""
    first_day: date | None = None
    last_day: date | None = None
    organisation: str = ""     # part of an organisation's name (dispatchers)
    interpreter: str = ""      # part of the booked person's name (dispatchers)

    @property
    def narrowed(self) -> bool:
        return any((self.reference.strip(), self.status, self.language, self.first_day,
                    self.last_day, self.organisation.strip(), self.interpreter.strip()))


def request_number(text: str) -> int | None:
    """The request id a typed number stands for, or None when it is no number."""
    found = NUMBER.match(text or "")
    return int(found.group(2)) if found else None


def _ordered(statement, now: datetime):
    """Upcoming first, the soonest first; then the past, the latest first."""
    upcoming = InterpretingRequest.due_at >= now
    return statement.order_by(case((upcoming, 0), else_=1),
                              case((upcoming, InterpretingRequest.due_at), else_=None),
                              InterpretingRequest.due_at.desc(),
                              InterpretingRequest.id.desc())


def _common(statement, search: RequestSearch, all_statuses: bool):
    if search.status:
        statement = statement.where(InterpretingRequest.status == search.status)
    elif all_statuses:
        # Every status named: the service's (service, status, date) index then serves a
        # date range in any status.
        statement = statement.where(InterpretingRequest.status.in_(list(RequestStatus)))
    if search.language:
        statement = statement.where(InterpretingRequest.language_code == search.language)
    if search.first_day:
        statement = statement.where(
            InterpretingRequest.due_at >= brussels_to_utc(search.first_day, time(0)))
    if search.last_day:
        statement = statement.where(InterpretingRequest.due_at < brussels_to_utc(
            search.last_day + timedelta(days=1), time(0)))
    reference = search.reference.strip()
    if reference:
        number = request_number(reference)
        by_case = InterpretingRequest.case_reference == normalise_case_reference(reference)
        statement = statement.where(by_case if number is None else (
            (InterpretingRequest.id == number) | by_case))
    return statement


def _page(statement, page: int):
    return db.paginate(statement.options(
        joinedload(InterpretingRequest.organisation),
        selectinload(InterpretingRequest.bookings).joinedload(Booking.person)),
        page=page, per_page=PAGE_SIZE, error_out=False)


def requests_of_organisation(organisation_id: int):
    """Every request of the organisation (the pages and the API narrow and order it)."""
    return select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == organisation_id)


def organisation_requests(organisation_id: int, search: RequestSearch, now: datetime,
                          page: int = 1):
    """A page of the organisation's requests that match, upcoming first then past."""
    statement = requests_of_organisation(organisation_id)
    return _page(_ordered(_common(statement, search, all_statuses=False), now), page)


def service_requests(service_id: int, search: RequestSearch, now: datetime, page: int = 1):
    """A page of the service's requests that match, in every status; None when nothing
    narrows the search (the queue lists the service's open requests)."""
    if not search.narrowed:
        return None
    statement = select(InterpretingRequest).where(InterpretingRequest.service_id == service_id)
    statement = _common(statement, search, all_statuses=True)
    if search.organisation.strip():
        statement = statement.where(InterpretingRequest.organisation_id.in_(
            _ids_named(Organisation, Organisation.name, search.organisation)))
    if search.interpreter.strip():
        # Whoever was booked, even if they no longer are (withdrew, replaced).
        statement = statement.where(InterpretingRequest.id.in_(
            select(Booking.request_id).where(
                Booking.person_id.in_(_people_named(search.interpreter)))))
    return _page(_ordered(statement, now), page)


def _ids_named(model, column, text: str) -> list[int]:
    """The ids of the rows whose name holds ``text`` (any case), read first: a few of a
    small table, so that the requests are then found on an index."""
    pattern = f"%{_escaped(text.strip().lower())}%"
    return list(db.session.scalars(select(model.id).where(
        func.lower(column).like(pattern, escape="\\")).limit(NAMES_AT_MOST)))


def _people_named(text: str) -> list[int]:
    words = text.strip().lower().split()
    statement = select(Person.id)
    full = func.lower(Person.first_name + " " + Person.last_name)
    for word in words:
        statement = statement.where(full.like(f"%{_escaped(word)}%", escape="\\"))
    return list(db.session.scalars(statement.limit(NAMES_AT_MOST)))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
