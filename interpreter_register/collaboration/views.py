"""Writing to a request's thread, from each party's own page of the request."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..bookings.links import booking_claim_from
from ..bookings.models import Booking, InterpretingRequest
from ..core.edge import save_form
from ..core.forms import safe_next
from ..extensions import db
from . import services
from .forms import MessageForm
from .models import thread_party

bp = Blueprint("collaboration", __name__)


def _page_of(request, user) -> str:
    """Where each party reads the request."""
    party = thread_party(request, user)
    if party == "organisation":
        return url_for("requests.show", request_id=request.id)
    if party == "service":
        return url_for("dispatch.show", request_id=request.id)
    return url_for("portal.booking", booking_id=request.live_booking.id)


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@login_required
def post(request_id):
    item = db.session.get(InterpretingRequest, request_id)
    if item is None or thread_party(item, current_user) is None:
        abort(404)
    form = MessageForm()
    back = _page_of(item, current_user) + "#thread"
    saved = save_form(form, lambda: services.post(current_user, item, form.body.data),
                      _("Your message is sent."), back)
    if saved:
        return saved
    flash(" ".join(str(e) for e in form.body.errors) or _("Write a message first."),
          "danger")
    return redirect(back)


@bp.route("/b/<token>/messages", methods=["POST"])
def post_by_link(token):
    """The booked person writes from their booking's link (no account)."""
    claim = booking_claim_from(token)
    booking = db.session.get(Booking, claim[0]) if claim else None
    if booking is None or booking.uid != claim[1] or not booking.is_live:
        abort(404)
    form = MessageForm()
    back = safe_next(url_for("portal.booking_by_link", token=token), "/") + "#thread"
    saved = save_form(form, lambda: services.post(None, booking.request, form.body.data,
                                                   person=booking.person),
                      _("Your message is sent."), back)
    if saved:
        return saved
    flash(" ".join(str(e) for e in form.body.errors) or _("Write a message first."),
          "danger")
    return redirect(back)
