"""Writing to a request's thread and sending its documents, from each party's own page of
the request (or the booked person's link)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..bookings.links import booking_claim_from
from ..bookings.models import Booking, InterpretingRequest
from ..core import uploads
from ..core.edge import one_click, save_form
from ..core.forms import safe_next
from ..extensions import db
from . import documents, services
from .forms import DocumentForm, MessageForm
from .models import RequestDocument, thread_party

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
    item = _request_of(request_id)
    form = MessageForm()
    back = _page_of(item, current_user) + "#thread"
    saved = save_form(form, lambda: services.post(current_user, item, form.body.data),
                      _("Your message is sent."), back)
    if saved:
        return saved
    flash(" ".join(str(e) for e in form.body.errors) or _("Write a message first."),
          "danger")
    return redirect(back)


def _request_of(request_id):
    """The request, for a party of it; 404 for anyone else."""
    item = db.session.get(InterpretingRequest, request_id)
    if item is None or thread_party(item, current_user) is None:
        abort(404)
    return item


def _live_booking_of(token) -> Booking:
    """The booking a link was signed for, while the person still holds it; else 404."""
    claim = booking_claim_from(token)
    booking = db.session.get(Booking, claim[0]) if claim else None
    if booking is None or booking.uid != claim[1] or not booking.is_live:
        abort(404)
    return booking


@bp.route("/b/<token>/messages", methods=["POST"])
def post_by_link(token):
    """The booked person writes from their booking's link (no account)."""
    booking = _live_booking_of(token)
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


# --- documents ---------------------------------------------------------------------------

def _add_document(item, back: str, acting=None, person=None, action: str = ""):
    """Add the sent document and go back to the request's page; when something is wrong,
    a page with the form says what, next to its field."""
    party = "interpreter" if acting is None else thread_party(item, acting)
    form = DocumentForm().offer(documents.purposes_for(item, party))
    saved = save_form(form, lambda: documents.add(acting, item, form.document.data,
                                                  form.purpose.data, person=person),
                      _("The document is sent: the others are told."), back)
    return saved or render_template("collaboration/document_form.html", form=form,
                                    item=item, back=back, action=action)


@bp.route("/requests/<int:request_id>/documents", methods=["POST"])
@login_required
def add_document(request_id):
    item = _request_of(request_id)
    return _add_document(item, _page_of(item, current_user) + "#documents", current_user,
                         action=url_for("collaboration.add_document", request_id=item.id))


@bp.route("/documents/<int:document_id>")
@login_required
def download(document_id):
    document = db.session.get(RequestDocument, document_id)
    if document is None or not documents.readable_by(document, current_user):
        abort(404)
    return uploads.send(document.upload)


@bp.route("/documents/<int:document_id>/remove", methods=["POST"])
@login_required
def remove_document(document_id):
    document = db.session.get(RequestDocument, document_id)
    if document is None or not documents.may_remove(document, current_user):
        abort(404)
    return _remove(document, current_user, None,
                   _page_of(document.request, current_user) + "#documents")


def _remove(document, acting, person, back: str):
    return one_click(lambda: documents.remove(acting, document, person),
                     _("The document is removed and its file erased."), back,
                     confirm=(_("Remove this document? Its file is erased and cannot be "
                                "brought back."), _("Remove")))


@bp.route("/b/<token>/documents", methods=["POST"])
def add_document_by_link(token):
    booking = _live_booking_of(token)
    return _add_document(booking.request,
                         url_for("portal.booking_by_link", token=token) + "#documents",
                         person=booking.person,
                         action=url_for("collaboration.add_document_by_link", token=token))


def _document_by_link(token, document_id, allowed):
    """The booking of a live link and one of its request's documents that ``allowed(document,
    None, person)`` lets the booked person have; else 404."""
    booking = _live_booking_of(token)
    document = db.session.get(RequestDocument, document_id)
    if (document is None or document.request_id != booking.request_id
            or not allowed(document, None, booking.person)):
        abort(404)
    return booking, document


@bp.route("/b/<token>/documents/<int:document_id>")
def download_by_link(token, document_id):
    _booking, document = _document_by_link(token, document_id, documents.readable_by)
    return uploads.send(document.upload)


@bp.route("/b/<token>/documents/<int:document_id>/remove", methods=["POST"])
def remove_document_by_link(token, document_id):
    booking, document = _document_by_link(token, document_id, documents.may_remove)
    return _remove(document, None, booking.person,
                   url_for("portal.booking_by_link", token=token) + "#documents")
