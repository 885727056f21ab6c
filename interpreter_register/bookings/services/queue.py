"""What a dispatcher and an interpreter see of their work: the service's queue, and the
interpreter's offers and bookings. The pages and the benchmark call these same functions."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import joinedload

from ...core.time import brussels_to_utc, to_brussels, utcnow
from ...extensions import db
from ..models import (
    OPEN_CONDITION,
    OPEN_STATUSES,
    Booking,
    InterpretingRequest,
    Offer,
    OfferStatus,
    RequestStatus,
)

QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters; an empty status means the open requests (the default view)."""

    status: str = ""
    language: str = ""
    modality: str = ""
    day: date | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.status or self.language or self.modality or self.day)


@dataclass
class Queue:
    page: object        # a Flask-SQLAlchemy pagination of requests, soonest first
    counts: dict        # open requests per status


def still_to_do(now: datetime):
    """Open requests whose work is still ahead: a booked one whose end (or a translation's
    deadline day) has passed waits for its completion sheet, on the sheets page, not in
    the queue."""
    R = InterpretingRequest
    return or_(R.status != RequestStatus.BOOKED, R.ends_at > now,
               R.deadline_on >= to_brussels(now).date())


def queue(service_id: int, filters: QueueFilter, page: int = 1,
          now: datetime | None = None) -> Queue:
    """A page of the service's requests, soonest first, and the open ones counted per
    status (only the open ones: the service's history is not counted on each visit). The
    default view leaves out booked work that is over (it waits for its sheet)."""
    now = now or utcnow()
    mine = InterpretingRequest.service_id == service_id
    statement = (select(InterpretingRequest).where(mine)
                 .order_by(InterpretingRequest.due_at, InterpretingRequest.id)
                 .options(joinedload(InterpretingRequest.organisation)))
    if filters.status == "":
        # Written as the partial index's own condition, so that the database uses it.
        statement = statement.where(text(f"requests.{OPEN_CONDITION}"), still_to_do(now))
    elif filters.status != "all":
        statement = statement.where(InterpretingRequest.status == filters.status)
    if filters.language:
        statement = statement.where(InterpretingRequest.language_code == filters.language)
    if filters.modality:
        statement = statement.where(InterpretingRequest.modality == filters.modality)
    if filters.day:
        start = brussels_to_utc(filters.day, time(0))
        statement = statement.where(InterpretingRequest.due_at >= start,
                                    InterpretingRequest.due_at < start + timedelta(days=1))
    counts = open_counts(service_id, now)
    found = db.paginate(statement, page=page, per_page=QUEUE_PAGE_SIZE, error_out=False,
                        count=filters.narrowed)
    if not filters.narrowed:
        found.total = sum(counts.values())
    return Queue(found, counts)


def open_counts(service_id: int, now: datetime | None = None) -> dict:
    """The service's open requests whose work is still ahead, per status (the queue's
    tabs, the dispatcher's home)."""
    return dict(db.session.execute(
        select(InterpretingRequest.status, func.count())
        .where(InterpretingRequest.service_id == service_id,
               InterpretingRequest.status.in_(OPEN_STATUSES), still_to_do(now or utcnow()))
        .group_by(InterpretingRequest.status)).all())


@dataclass
class Overview:
    """An interpreter's work: offers to answer, bookings ahead, work done that waits for
    its completion sheet, and the recent past."""

    offers: list
    answered: list
    upcoming: list
    past: list
    ended: list = ()
    series_offers: list = ()   # (series, its open offers), for the dates of a series


def by_series(offers: list) -> tuple[list, list]:
    """Offers of single requests, and those of a series grouped: (single, [(series,
    offers)]), each group in date order."""
    single, grouped = [], {}
    for offer in offers:
        series = offer.request.series
        if series is None:
            single.append(offer)
        else:
            grouped.setdefault(series.id, (series, []))[1].append(offer)
    return single, [(series, sorted(found, key=lambda o: o.request.due_at))
                    for series, found in grouped.values()]


def _ends(booking: Booking) -> datetime:
    """When a booking is over: its end, or the end of a translation's deadline day."""
    return booking.ends_at or brussels_to_utc(booking.deadline_on, time(23, 59))


def interpreter_overview(person_id: int, now: datetime) -> Overview:
    offers = db.session.scalars(select(Offer).where(
        Offer.person_id == person_id, Offer.status == OfferStatus.OPEN,
        Offer.expires_at > now).order_by(Offer.expires_at)).all()
    answered = db.session.scalars(select(Offer).where(
        Offer.person_id == person_id, Offer.status != OfferStatus.OPEN,
        Offer.sent_at > now - timedelta(days=30)).order_by(Offer.sent_at.desc())).all()
    bookings = db.session.scalars(select(Booking).where(
        Booking.person_id == person_id).order_by(Booking.confirmed_at.desc())).all()
    ended = [b for b in bookings if b.is_confirmed and b.work_is_over(now)]
    upcoming = sorted((b for b in bookings if b.is_confirmed and b not in ended),
                      key=lambda b: b.starts_at or _ends(b))
    past = [b for b in bookings if not b.is_confirmed][:30]
    single, series_offers = by_series(offers)
    return Overview(single, answered, upcoming, past, ended, series_offers)
