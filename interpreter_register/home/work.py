"""What each role's home page puts in front of them: the work waiting, soonest first.

Each function reads a few short lists with one query each; the full lists stay on their
own pages (the portal, the requests, the queue, the register), the home page links there.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..bookings.models import AWAITING_STATUSES, OPEN_STATUSES, InterpretingRequest
from ..bookings.services.attention import attention_list
from ..bookings.services.queue import interpreter_overview, open_counts
from ..extensions import db
from ..quality import renewals
from ..quality.models import Complaint, ComplaintStatus

# How many items of a kind a home page shows before "see all".
SHORT_LIST = 5
# Unfilled requests starting within this time stand out on the dispatcher's home.
STARTING_SOON = timedelta(hours=48)


@dataclass
class InterpreterWork:
    offers: list            # open offers, the one to answer first first
    next_bookings: list     # the next few confirmed bookings
    more_bookings: int      # how many more lie ahead


def interpreter_work(person_id: int, now: datetime) -> InterpreterWork:
    overview = interpreter_overview(person_id, now)
    # The dates of a series offered at once count among the offers, each with its time.
    offers = sorted([*overview.offers,
                     *(offer for _series, dates in overview.series_offers for offer in dates)],
                    key=lambda offer: offer.expires_at)
    return InterpreterWork(offers, overview.upcoming[:SHORT_LIST],
                           max(0, len(overview.upcoming) - SHORT_LIST))


@dataclass
class RequesterWork:
    upcoming: list          # the organisation's open requests, soonest first
    more: int               # how many more are open


def requester_work(organisation_id: int, now: datetime) -> RequesterWork:
    ahead = (InterpretingRequest.organisation_id == organisation_id,
             InterpretingRequest.status.in_(OPEN_STATUSES), InterpretingRequest.due_at >= now)
    upcoming = db.session.scalars(
        select(InterpretingRequest).where(*ahead)
        .options(joinedload(InterpretingRequest.requester))
        .order_by(InterpretingRequest.due_at, InterpretingRequest.id).limit(SHORT_LIST)).all()
    total = db.session.scalar(select(func.count()).select_from(InterpretingRequest)
                              .where(*ahead))
    return RequesterWork(upcoming, max(0, total - len(upcoming)))


@dataclass
class DispatcherWork:
    counts: dict            # open requests of the service per status
    attention: list         # what a change put at risk (bookings/services/attention.py)
    starting_soon: list     # requests without anyone booked that start within 48 hours

    @property
    def awaiting(self) -> int:
        return sum(self.counts.get(status, 0) for status in AWAITING_STATUSES)


def dispatcher_work(service_id: int, now: datetime) -> DispatcherWork:
    soon = db.session.scalars(
        select(InterpretingRequest).where(
            InterpretingRequest.service_id == service_id,
            InterpretingRequest.status.in_(AWAITING_STATUSES),
            InterpretingRequest.due_at >= now, InterpretingRequest.due_at < now + STARTING_SOON)
        .options(joinedload(InterpretingRequest.organisation))
        .order_by(InterpretingRequest.due_at, InterpretingRequest.id).limit(10)).all()
    return DispatcherWork(open_counts(service_id), attention_list(service_id, now), soon)


@dataclass
class RegisterWork:
    ending: list            # certificates ending within the renewal horizon, undecided
    ended: list             # those that ended in the last year, undecided
    complaints: list = field(default_factory=list)  # received or in review, oldest first


def register_work(today: date) -> RegisterWork:
    ending, ended = renewals.due(today)
    open_cases = db.session.scalars(
        select(Complaint).where(Complaint.status != ComplaintStatus.DECIDED)
        .order_by(Complaint.created_at)).all()
    return RegisterWork(ending, ended, open_cases)
