"""Finding requests: a requester among their organisation's, a dispatcher among their
service's, in every status, upcoming first (soonest first) then past (latest first).

Each filter is on an index that the walks by date read without the rows (docs/scaling.md):
the request number is the primary key; a case reference, (organisation or service, case
reference); an organisation's requests, (organisation, date, service, status, language);
a service's, (service, date, status, language), (service, language, date) and (service,
status, date); an interpreter, their bookings (person, start).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ...core.time import brussels_to_utc
from ...extensions import db
from ...organisations.models import Organisation
from ...register.models import Person
from ..models import Booking, InterpretingRequest
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


def _conditions(search: RequestSearch) -> list:
    """What the fields of ``search`` ask of a request, as conditions."""
    conditions = []
    if search.status:
        conditions.append(InterpretingRequest.status == search.status)
    if search.language:
        conditions.append(InterpretingRequest.language_code == search.language)
    if search.first_day:
        conditions.append(
            InterpretingRequest.due_at >= brussels_to_utc(search.first_day, time(0)))
    if search.last_day:
        conditions.append(InterpretingRequest.due_at < brussels_to_utc(
            search.last_day + timedelta(days=1), time(0)))
    reference = search.reference.strip()
    if reference:
        number = request_number(reference)
        by_case = InterpretingRequest.case_reference == normalise_case_reference(reference)
        conditions.append(by_case if number is None else (
            (InterpretingRequest.id == number) | by_case))
    return conditions


class UpcomingThenPast(Pagination):
    """A page of the requests that meet ``conditions``: upcoming first, the soonest first;
    then the past, the latest first.

    Read as two walks by date, each on an index and stopping at the page: the upcoming
    from now onwards, the past from now backwards (docs/scaling.md). One count tells how
    many of each there are, and so where the page falls; the page's requests are then
    loaded by id. A single query ordered by "upcoming or not" would make the database
    sort every request that matches before it returns the first thirty.
    """

    def _query_items(self) -> list:
        conditions, now = self._query_args["conditions"], self._query_args["now"]
        due, request_id = InterpretingRequest.due_at, InterpretingRequest.id
        coming = due >= now
        self._total, upcoming = db.session.execute(
            select(func.count(), func.count(case((coming, 1))))
            .select_from(InterpretingRequest).where(*conditions)).one()
        offset, size = self._query_offset, self.per_page
        ids = []
        if offset < upcoming:
            ids += _ids(select(request_id).where(*conditions, coming)
                        .order_by(due.asc(), request_id.desc()),
                        offset, min(size, upcoming - offset))
        if len(ids) < size and offset + len(ids) < self._total:
            ids += _ids(select(request_id).where(*conditions, due < now)
                        .order_by(due.desc(), request_id.desc()),
                        max(0, offset - upcoming), size - len(ids))
        if not ids:
            return []
        loaded = {item.id: item for item in db.session.scalars(
            select(InterpretingRequest).where(request_id.in_(ids)).options(
                joinedload(InterpretingRequest.organisation),
                # The pages name the booked person: their other collections wait
                # until asked for (three queries a page fewer).
                selectinload(InterpretingRequest.bookings).joinedload(Booking.person)
                .lazyload("*")))}
        return [loaded[n] for n in ids if n in loaded]

    def _query_count(self) -> int:
        return self._total


def _ids(statement, offset: int, limit: int) -> list[int]:
    return list(db.session.scalars(statement.offset(offset).limit(limit)))


def _page(conditions: list, now: datetime, page: int) -> UpcomingThenPast:
    return UpcomingThenPast(page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                            error_out=False, conditions=conditions, now=now)


def requests_of_organisation(organisation_id: int):
    """Every request of the organisation (the pages and the API narrow and order it)."""
    return select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == organisation_id)


def organisation_requests(organisation_id: int, search: RequestSearch, now: datetime,
                          page: int = 1) -> UpcomingThenPast:
    """A page of the organisation's requests that match, upcoming first then past."""
    return _page([InterpretingRequest.organisation_id == organisation_id,
                  *_conditions(search)], now, page)


def service_requests(service_id: int, search: RequestSearch, now: datetime,
                     page: int = 1) -> UpcomingThenPast | None:
    """A page of the service's requests that match, in every status; None when nothing
    narrows the search (the queue lists the service's open requests)."""
    if not search.narrowed:
        return None
    conditions = [InterpretingRequest.service_id == service_id, *_conditions(search)]
    if search.organisation.strip():
        conditions.append(InterpretingRequest.organisation_id.in_(
            _ids_named(Organisation, Organisation.name, search.organisation)))
    if search.interpreter.strip():
        # Whoever was booked, even if they no longer are (withdrew, replaced).
        conditions.append(InterpretingRequest.id.in_(
            select(Booking.request_id).where(
                Booking.person_id.in_(_people_named(search.interpreter)))))
    return _page(conditions, now, page)


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
