"""Feeds: which bookings a feed holds, its version for conditional requests, its token."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ..bookings.models import Booking, BookingStatus, InterpretingRequest
from ..core.permissions import require
from ..core.time import today_in_brussels, utcnow
from ..extensions import db
from ..register.models import Person
from .models import CalendarFeed, FeedOwner, new_token

PAST_DAYS = 30
AHEAD_DAYS = 365
# Cancelled bookings stay in a feed (as CANCELLED) this long, so clients remove them.
CANCELLED_DAYS = 30
REFRESH_MINUTES = 60


def owner_of(user) -> tuple[FeedOwner, int] | None:
    """Whose bookings a user's feed shows: their own, their organisation's, their service's."""
    if user.is_interpreter and user.person_id:
        return FeedOwner.PERSON, user.person_id
    if user.is_requester and user.organisation_id:
        return FeedOwner.ORGANISATION, user.organisation_id
    if user.is_dispatcher and user.service_id:
        return FeedOwner.SERVICE, user.service_id
    return None


def audience_of(feed: CalendarFeed) -> str:
    return {FeedOwner.PERSON: "person", FeedOwner.ORGANISATION: "requester",
            FeedOwner.SERVICE: "service"}[feed.owner]


def feed_of(user) -> CalendarFeed | None:
    owner = owner_of(user)
    if owner is None:
        return None
    return db.session.scalar(select(CalendarFeed).where(
        CalendarFeed.owner == owner[0], CalendarFeed.owner_id == owner[1],
        CalendarFeed.revoked_at.is_(None)))


def create_feed(acting) -> CalendarFeed:
    """A new secret address for the user's calendar; any earlier one stops working."""
    owner = owner_of(acting)
    require(owner is not None, "no calendar for this role")
    revoke_feed(acting)
    feed = CalendarFeed(owner=owner[0], owner_id=owner[1], token=new_token(),
                        language=acting.locale if acting.locale in ("nl", "fr", "de", "en")
                        else "nl", created_by_id=acting.id)
    db.session.add(feed)
    db.session.flush()
    return feed


def revoke_feed(acting) -> None:
    current = feed_of(acting)
    if current is not None:
        current.revoked_at = utcnow()
        db.session.flush()


def active_feed(token: str) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token,
                                                        CalendarFeed.revoked_at.is_(None)))


def _owned(feed: CalendarFeed):
    if feed.owner == FeedOwner.PERSON:
        return Booking.person_id == feed.owner_id
    column = (InterpretingRequest.organisation_id if feed.owner == FeedOwner.ORGANISATION
              else InterpretingRequest.service_id)
    return Booking.request_id.in_(select(InterpretingRequest.id).where(column == feed.owner_id))


def _window(now: datetime):
    """From a month back to a year ahead; cancelled ones only for a month after."""
    today = today_in_brussels()
    first, last = now - timedelta(days=PAST_DAYS), now + timedelta(days=AHEAD_DAYS)
    when = or_(and_(Booking.starts_at >= first, Booking.starts_at <= last),
               and_(Booking.deadline_on >= today - timedelta(days=PAST_DAYS),
                    Booking.deadline_on <= today + timedelta(days=AHEAD_DAYS)))
    recent = or_(Booking.status != BookingStatus.CANCELLED,
                 Booking.cancelled_at >= now - timedelta(days=CANCELLED_DAYS))
    return and_(when, recent)


def feed_version(feed: CalendarFeed, now: datetime | None = None) -> tuple[str, datetime | None]:
    """(ETag, last modification) from one small query, without building the feed. The day
    is in the ETag: the window moves at midnight."""
    now = now or utcnow()
    count, latest = db.session.execute(
        select(func.count(), func.max(Booking.updated_at))
        .where(_owned(feed), _window(now))).one()
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=now.tzinfo)
    seed = f"{feed.token}|{feed.language}|{count}|{latest}|{today_in_brussels()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32], latest


def feed_bookings(feed: CalendarFeed, now: datetime | None = None) -> list[Booking]:
    """The feed's bookings with what their events show, in a fixed number of queries."""
    now = now or utcnow()
    request = joinedload(Booking.request)
    return db.session.scalars(
        select(Booking).where(_owned(feed), _window(now))
        .options(request.joinedload(InterpretingRequest.language),
                 request.joinedload(InterpretingRequest.organisation),
                 request.joinedload(InterpretingRequest.service),
                 joinedload(Booking.person).selectinload(Person.account))
        .order_by(Booking.starts_at, Booking.deadline_on, Booking.id)).unique().all()
