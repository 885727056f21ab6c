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
from .events import booking_event, calendar_document, feed_ics

bp = Blueprint("calendar", __name__)

ICS = "text/calendar; charset=utf-8"


@bp.route("/bookings/<int:booking_id>.ics")
@login_required
def download(booking_id):
    booking = db.session.get(Booking, booking_id)
    audience = booking.audience_for(current_user) if booking else None
    if audience is None:
        abort(404)
    text = calendar_document([booking_event(booking, audience, current_language())]).to_ical()
    name = f"booking-{booking.request.number}.ics"
    return Response(text, content_type=ICS,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/calendar/<token>.ics")
def feed(token):
    """The feed itself; an unknown or revoked token answers 404 and says nothing more."""
    subscription = services.active_feed(token)
    if subscription is None:
        abort(404)
    now = utcnow()
    etag, modified = services.feed_version(subscription, now)
    # A polling client that has this version gets 304 before anything is built.
    if request.if_none_match.contains_weak(etag) or (
            not request.if_none_match and modified is not None
            and request.if_modified_since is not None
            and modified.replace(microsecond=0) <= request.if_modified_since):
        response = Response(status=304)
    else:
        response = Response(feed_ics(services.feed_bookings(subscription, now),
                                     services.audience_of(subscription),
                                     subscription.language, services.REFRESH_MINUTES),
                            content_type=ICS)
    response.set_etag(etag, weak=True)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.private = True
    response.cache_control.max_age = services.REFRESH_MINUTES * 60
    return response


@bp.route("/calendar")
@roles_required(CALENDAR_ROLES)
def page():
    subscription = services.feed_of(current_user)
    url = external_url("calendar.feed", token=subscription.token) if subscription else None
    return render_template("calendar/page.html", feed=subscription, url=url,
                           webcal=url.replace("https://", "webcal://").replace(
                               "http://", "webcal://") if url else None,
                           confirm=ConfirmForm())


@bp.route("/calendar/feed", methods=["POST"])
@roles_required(CALENDAR_ROLES)
def create():
    return one_click(lambda: services.create_feed(current_user),
                     _("Your calendar address is ready. Any earlier address no longer works."),
                     url_for("calendar.page"))


@bp.route("/calendar/feed/revoke", methods=["POST"])
@roles_required(CALENDAR_ROLES)
def revoke():
    return one_click(lambda: services.revoke_feed(current_user),
                     _("The calendar address no longer works."), url_for("calendar.page"))
