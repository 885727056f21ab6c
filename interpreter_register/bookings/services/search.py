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
from sqlalchemy import func, literal, literal_column, null, select, union_all
from sqlalchemy.orm import joinedload

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
# Counted exactly up to this many; beyond, a search finds "more than" (docs/scaling.md).
COUNT_AT_MOST = 1000


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

    Two statements, most of the time (docs/scaling.md). The first reads, on indexes, how
    many requests match (up to ``COUNT_AT_MOST``, or to the end of the page if it lies
    further; beyond that only "more than") and the ids of two walks by date that stop
    at the page: the upcoming from the page's place onwards, and the latest past ones.
    The second loads the page's requests by id with what the lists show of them. Only a
    page deep in the past needs to know how many are upcoming, and two statements more.
    A single query ordered by "upcoming or not" would make the database sort every
    request that matches before it returns the first thirty; an exact count would read
    every match (tens of thousands for a common name or a status).
    """

    def _query_items(self) -> list:
        conditions, now = self._query_args["conditions"], self._query_args["now"]
        due, request_id = InterpretingRequest.due_at, InterpretingRequest.id
        offset, size = self._query_offset, self.per_page
        reach = max(COUNT_AT_MOST, offset + size)
        upcoming_walk = (select(request_id, due).where(*conditions, due >= now)
                         .order_by(due.asc(), request_id.desc()).offset(offset).limit(size))
        past_walk = (select(request_id, due).where(*conditions, due < now)
                     .order_by(due.desc(), request_id.desc()))
        rows = db.session.execute(union_all(
            _part(UPCOMING, upcoming_walk), _part(PAST, past_walk.limit(size)),
            select(literal(COUNT), _count_of(select(request_id).where(*conditions),
                                             reach + 1), null()))).all()
        total = next(number for part, number, _due in rows if part == COUNT)
        self.more, self._total = total > reach, min(total, reach)
        upcoming = sorted((row for row in rows if row[0] == UPCOMING),
                          key=lambda row: (row[2], -row[1]))
        past = sorted((row for row in rows if row[0] == PAST),
                      key=lambda row: (row[2], row[1]), reverse=True)
        if upcoming or offset == 0:
            # The page starts among the upcoming; the past, if any, goes on from its
            # latest.
            ids = [row[1] for row in upcoming + past][:size]
        elif offset < total:
            # Past the upcoming: how many there are tells where in the past.
            before = db.session.scalar(select(_count_of(
                select(request_id).where(*conditions, due >= now).order_by(due.asc()),
                offset)))
            ids = list(db.session.scalars(select(past_walk.subquery().c.id).offset(
                offset - before).limit(size)))
        else:
            ids = []
        if not ids:
            return []
        loaded = {item.id: item for item in db.session.scalars(
            select(InterpretingRequest).where(request_id.in_(ids)).options(
                joinedload(InterpretingRequest.organisation),
                # The pages name the booked person: their other collections wait
                # until asked for.
                joinedload(InterpretingRequest.bookings).joinedload(Booking.person)
                .lazyload("*"))).unique()}
        return [loaded[n] for n in ids if n in loaded]

    def _query_count(self) -> int:
        return self._total

    @property
    def pages(self) -> int:
        """Beyond the count, one page more while there are more."""
        counted = super().pages
        return max(counted, self.page + 1) if self.more else counted


# The parts of the first statement of a search.
UPCOMING, PAST, COUNT = 1, 2, 3


def _part(part: int, walk):
    """The rows of ``walk`` (id, date), marked as ``part`` (SQLite takes no ORDER BY
    inside a UNION, hence the subquery)."""
    inner = walk.subquery()
    return select(literal(part), inner.c.id, inner.c.due_at)


def _count_of(statement, at_most: int):
    """How many rows ``statement`` gives, counted up to ``at_most``."""
    return select(func.count()).select_from(
        statement.limit(at_most).subquery()).scalar_subquery()


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
    # Spelled as the trigram index is on PostgreSQL (migrations/versions/f462f9c63ced_*).
    full = func.lower(Person.first_name + literal_column("' '") + Person.last_name)
    for word in words:
        statement = statement.where(full.like(f"%{_escaped(word)}%", escape="\\"))
    return list(db.session.scalars(statement.limit(NAMES_AT_MOST)))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
