"""Feeds: each user's own secret addresses, what each feed holds, and its version for
conditional requests."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..auth import signals as auth_signals
from ..bookings.models import Booking, BookingStatus, InterpretingRequest, RequestStatus
from ..core.i18n import UI_LANGUAGES
from ..core.permissions import require
from ..core.time import today_in_brussels, utcnow
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..register.models import Language, Person
from .models import CalendarFeed, FeedScope, new_token

PAST_DAYS = 30
AHEAD_DAYS = 365
# Cancelled events stay in a feed (as CANCELLED) this long, so clients remove them.
CANCELLED_DAYS = 30
REFRESH_MINUTES = 60


def scopes_for(user) -> list[FeedScope]:
    """The feeds a user may have: an interpreter their bookings; a requester their own
    requests or their organisation's; a dispatcher their service's."""
    if user.is_interpreter and user.person_id:
        return [FeedScope.PERSON]
    if user.is_requester and user.organisation_id:
        return [FeedScope.OWN, FeedScope.ORGANISATION]
    if user.is_dispatcher and user.service_id:
        return [FeedScope.SERVICE]
    return []


def _owner_id(user, scope: FeedScope) -> int:
    return {FeedScope.PERSON: user.person_id, FeedScope.OWN: user.id,
            FeedScope.ORGANISATION: user.organisation_id,
            FeedScope.SERVICE: user.service_id}[scope]


def audience_of(feed: CalendarFeed) -> str:
    """Interpreters see their bookings; the others see requests (docs/calendar.md)."""
    return {FeedScope.PERSON: "person", FeedScope.OWN: "requester",
            FeedScope.ORGANISATION: "requester", FeedScope.SERVICE: "service"}[feed.owner]


def feeds_of(user) -> dict[FeedScope, CalendarFeed]:
    """The user's live feed of each scope."""
    return {feed.owner: feed for feed in db.session.scalars(select(CalendarFeed).where(
        CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)))}


def create_feed(acting, scope: FeedScope = None) -> CalendarFeed:
    """A new secret address for one of the user's calendars; their earlier one of the
    same scope stops working."""
    scopes = scopes_for(acting)
    scope = FeedScope(scope) if scope else (scopes[0] if scopes else None)
    require(scope in scopes, "no such calendar for this role")
    revoke_feed(acting, scope)
    feed = CalendarFeed(user_id=acting.id, owner=scope, owner_id=_owner_id(acting, scope),
                        token=new_token())
    db.session.add(feed)
    db.session.flush()
    return feed


def revoke_feed(acting, scope: FeedScope) -> None:
    current = feeds_of(acting).get(FeedScope(scope))
    if current is not None:
        current.revoked_at = utcnow()
        db.session.flush()


@auth_signals.user_deactivated.connect
def revoke_feeds_of(user, **_) -> None:
    """A leaver's feeds stop for good (a reactivated account makes new ones)."""
    for feed in feeds_of(user).values():
        feed.revoked_at = utcnow()
    db.session.flush()


def feed_by_token(token: str) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)
                             .options(joinedload(CalendarFeed.user)))


def is_live(feed: CalendarFeed) -> bool:
    """Revoked, or its user, organisation or service deactivated: the feed is gone."""
    user = feed.user
    if feed.revoked_at is not None or not user.active:
        return False
    if feed.owner in (FeedScope.OWN, FeedScope.ORGANISATION):
        return bool(user.organisation and user.organisation.active)
    if feed.owner == FeedScope.SERVICE:
        return bool(user.service and user.service.active)
    return True


def language_of(feed: CalendarFeed) -> str:
    """The feed speaks its owner's language of the moment."""
    return feed.user.locale if feed.user.locale in UI_LANGUAGES else "nl"


# --- what a feed holds ------------------------------------------------------------------

def _bookings_owned(feed: CalendarFeed):
    return Booking.person_id == feed.owner_id


def _requests_owned(feed: CalendarFeed):
    column = {FeedScope.OWN: InterpretingRequest.requester_id,
              FeedScope.ORGANISATION: InterpretingRequest.organisation_id,
              FeedScope.SERVICE: InterpretingRequest.service_id}[feed.owner]
    return column == feed.owner_id


def _booking_window(now: datetime):
    """From a month back to a year ahead; cancelled ones only for a month after."""
    today = today_in_brussels()
    first, last = now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS)
    when = or_(and_(Booking.starts_at >= first, Booking.starts_at <= last),
               and_(Booking.deadline_on >= today - timedelta(days=PAST_DAYS),
                    Booking.deadline_on <= today + timedelta(days=AHEAD_DAYS)))
    recent = or_(Booking.status != BookingStatus.CANCELLED,
                 Booking.cancelled_at >= now - timedelta(days=CANCELLED_DAYS))
    return and_(when, recent)


def _request_window(now: datetime):
    """Requests that had a booking, due from a month back to a year ahead; ended ones
    (cancelled, unfilled) only for a month after."""
    first, last = now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS)
    ended = InterpretingRequest.status.in_((RequestStatus.CANCELLED, RequestStatus.UNFILLED))
    booked = aliased(Booking)
    return and_(select(booked.id).where(booked.request_id == InterpretingRequest.id).exists(),
                InterpretingRequest.due_at >= first, InterpretingRequest.due_at <= last,
                or_(~ended, InterpretingRequest.updated_at >= now - timedelta(
                    days=CANCELLED_DAYS)))


def feed_subjects(feed: CalendarFeed, now: datetime | None = None) -> list:
    """The feed's bookings (an interpreter's) or requests (everyone else's), with what
    their events show, in a fixed number of queries."""
    now = now or utcnow()
    if feed.owner == FeedScope.PERSON:
        request = joinedload(Booking.request)
        return db.session.scalars(
            select(Booking).where(_bookings_owned(feed), _booking_window(now))
            .options(request.joinedload(InterpretingRequest.language),
                     request.joinedload(InterpretingRequest.series),
                     request.joinedload(InterpretingRequest.organisation),
                     request.joinedload(InterpretingRequest.service),
                     request.joinedload(InterpretingRequest.requester),
                     joinedload(Booking.person).selectinload(Person.account))
            .order_by(Booking.starts_at, Booking.deadline_on, Booking.id)).unique().all()
    return db.session.scalars(
        select(InterpretingRequest).where(_requests_owned(feed), _request_window(now))
        .options(joinedload(InterpretingRequest.language),
                 joinedload(InterpretingRequest.series),
                 joinedload(InterpretingRequest.organisation),
                 joinedload(InterpretingRequest.service),
                 joinedload(InterpretingRequest.requester),
                 selectinload(InterpretingRequest.bookings).joinedload(Booking.person)
                 .selectinload(Person.account))
        .order_by(InterpretingRequest.due_at, InterpretingRequest.id)).unique().all()


def feed_version(feed: CalendarFeed, now: datetime | None = None) -> tuple[str, datetime | None]:
    """(ETag, last modification) from one small query, without building the feed: the
    events' own changes, and the names they show (organisation, service, language,
    interpreter), and the language the feed speaks. The day is in it: the window moves
    at midnight."""
    now = now or utcnow()
    if feed.owner == FeedScope.PERSON:
        base = (select(Booking.id).join(InterpretingRequest,
                                        Booking.request_id == InterpretingRequest.id)
                .join(Person, Booking.person_id == Person.id)
                .where(_bookings_owned(feed), _booking_window(now)))
        changed = [Booking.updated_at, Person.updated_at]
    else:
        base = (select(InterpretingRequest.id)
                .outerjoin(Booking, and_(Booking.request_id == InterpretingRequest.id,
                                         Booking.status != BookingStatus.CANCELLED))
                .outerjoin(Person, Booking.person_id == Person.id)
                .where(_requests_owned(feed), _request_window(now)))
        changed = [InterpretingRequest.updated_at, Person.updated_at]
    statement = (base.with_only_columns(
        func.count(), *(func.max(column) for column in changed),
        func.max(Organisation.updated_at), func.max(InterpretingService.updated_at),
        func.max(Language.updated_at))
        .join(Organisation, InterpretingRequest.organisation_id == Organisation.id)
        .outerjoin(InterpretingService,
                   InterpretingRequest.service_id == InterpretingService.id)
        .join(Language, InterpretingRequest.language_code == Language.code))
    count, *moments = db.session.execute(statement).one()
    moments = [m if m is None or m.tzinfo else m.replace(tzinfo=now.tzinfo) for m in moments]
    latest = max((m for m in moments if m is not None), default=None)
    seed = "|".join(map(str, (feed.token, language_of(feed), count, *moments,
                              today_in_brussels())))
    return hashlib.sha256(seed.encode()).hexdigest()[:32], latest
