"""Calendar downloads, the secret subscription feeds, and the page that manages them."""

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import CALENDAR_ROLES
from ..bookings.models import Booking
from ..core.edge import one_click
from ..core.forms import ConfirmForm
from ..core.i18n import current_language
from ..core.permissions import roles_required
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from . import services
from .events import calendar_document, event_of, feed_ics
from .models import FeedScope

bp = Blueprint("calendar", __name__)

ICS = "text/calendar; charset=utf-8"


@bp.route("/bookings/<int:booking_id>.ics")
@login_required
def download(booking_id):
    """A booking as its reader's calendar shows it: the interpreter's booking event, or the
    request's event for the requester and the service."""
    booking = db.session.get(Booking, booking_id)
    audience = booking.audience_for(current_user) if booking else None
    if audience is None:
        abort(404)
    subject = booking if audience == "person" else booking.request
    text = calendar_document([event_of(subject, audience, current_language())]).to_ical()
    name = f"booking-{booking.request.number}.ics"
    return Response(text, content_type=ICS,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/calendar/<token>.ics")
def feed(token):
    """The feed itself. An unknown token answers 404; a revoked one, or one whose owner,
    organisation or service was deactivated, 410 Gone (so that clients stop asking)."""
    subscription = services.feed_by_token(token)
    if subscription is None:
        abort(404)
    if not services.is_live(subscription):
        abort(410)
    now = utcnow()
    etag, modified = services.feed_version(subscription, now)
    # A polling client that has this version gets 304 before anything is built.
    if request.if_none_match.contains_weak(etag) or (
            not request.if_none_match and modified is not None
            and request.if_modified_since is not None
            and modified.replace(microsecond=0) <= request.if_modified_since):
        response = Response(status=304)
    else:
        response = Response(feed_ics(services.feed_subjects(subscription, now),
                                     services.audience_of(subscription),
                                     services.language_of(subscription),
                                     services.REFRESH_MINUTES),
                            content_type=ICS)
    response.set_etag(etag, weak=True)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.private = True
    response.cache_control.max_age = services.REFRESH_MINUTES * 60
    return response


def _webcal(url: str) -> str:
    return url.replace("https://", "webcal://").replace("http://", "webcal://")


@bp.route("/calendar")
@roles_required(CALENDAR_ROLES)
def page():
    """Each calendar the user may subscribe to, with its address once they made one."""
    feeds = services.feeds_of(current_user)
    calendars = []
    for scope in services.scopes_for(current_user):
        feed = feeds.get(scope)
        url = external_url("calendar.feed", token=feed.token) if feed else None
        calendars.append({"scope": scope, "url": url, "webcal": _webcal(url) if url else None})
    return render_template("calendar/page.html", calendars=calendars, confirm=ConfirmForm())


def _scope() -> FeedScope | None:
    value = request.args.get("scope", "")
    return FeedScope(value) if value in set(FeedScope) else None


@bp.route("/calendar/feed", methods=["POST"])
@roles_required(CALENDAR_ROLES)
def create():
    scope = _scope()
    return one_click(lambda: services.create_feed(current_user, scope),
                     _("Your calendar address is ready. Any earlier address no longer works."),
                     url_for("calendar.page"))


@bp.route("/calendar/feed/revoke", methods=["POST"])
@roles_required(CALENDAR_ROLES)
def revoke():
    scope = _scope() or (services.scopes_for(current_user) or [None])[0]
    return one_click(lambda: services.revoke_feed(current_user, scope) if scope else None,
                     _("The calendar address no longer works."), url_for("calendar.page"))
