"""Interpreters: offers to answer, their bookings, weekly availability and leave; and the
signed link in an offer mail, which works without logging in until the offer expires."""

from datetime import time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature
from sqlalchemy import select

from ...auth.models import Role
from ...core.database import serialised_writes
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm
from ...core.permissions import roles_required
from ...core.rules import RuleError
from ...core.time import today_in_brussels, utcnow
from ...extensions import db
from ...register.models import Person
from .. import notify
from ..forms import AvailabilityForm, DeclineForm, LeaveForm, OfferAnswerForm
from ..models import Booking, BookingStatus, Leave, Offer, OfferStatus
from ..services import availability as availability_service
from ..services import booking as booking_service
from . import portal_bp as bp


def _person() -> Person:
    return db.session.get(Person, current_user.person_id) or abort(404)


def _own_offer(offer_id: int) -> Offer:
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.person_id != current_user.person_id:
        abort(404)
    return offer


@bp.route("/portal")
@roles_required(Role.INTERPRETER)
def index():
    person_id = current_user.person_id
    now = utcnow()
    offers = db.session.scalars(select(Offer).where(
        Offer.person_id == person_id, Offer.status == OfferStatus.OPEN,
        Offer.expires_at > now).order_by(Offer.expires_at)).all()
    answered = db.session.scalars(select(Offer).where(
        Offer.person_id == person_id, Offer.status != OfferStatus.OPEN,
        Offer.sent_at > now - timedelta(days=30)).order_by(Offer.sent_at.desc())).all()
    bookings = db.session.scalars(select(Booking).where(
        Booking.person_id == person_id).order_by(Booking.confirmed_at.desc())).all()
    upcoming = [b for b in bookings if b.status == BookingStatus.CONFIRMED
                and (b.ends_at or _deadline(b)) >= now]
    upcoming.sort(key=lambda b: b.starts_at or _deadline(b))
    past = [b for b in bookings if b not in upcoming][:30]
    return render_template("portal/index.html", offers=offers, answered=answered,
                           upcoming=upcoming, past=past, decline=DeclineForm(),
                           confirm=ConfirmForm())


def _deadline(booking: Booking):
    from ...core.time import brussels_to_utc
    return brussels_to_utc(booking.deadline_on, time(23, 59))


def booked_message(_booking=None) -> str:
    return _("You are booked. The details are under your bookings.")


def declined_message() -> str:
    return _("You declined the offer. Thank you for answering.")


@bp.route("/portal/offers/<int:offer_id>/accept", methods=["POST"])
@roles_required(Role.INTERPRETER)
def accept(offer_id):
    return one_click(lambda: booking_service.accept_offer(current_user, _own_offer(offer_id)),
                     booked_message, url_for("portal.index"), serialised=True)


@bp.route("/portal/offers/<int:offer_id>/decline", methods=["POST"])
@roles_required(Role.INTERPRETER)
def decline(offer_id):
    form = DeclineForm()
    return one_click(lambda: booking_service.decline_offer(current_user, _own_offer(offer_id),
                                                           form.reason.data),
                     declined_message(), url_for("portal.index"), form=form)


def _offer_from_token(token: str) -> Offer:
    try:
        data = notify.offer_serializer().loads(token)
    except BadSignature:
        abort(404)
    return db.session.get(Offer, data.get("offer")) or abort(404)


@bp.route("/offers/<token>", methods=["GET", "POST"])
def answer_offer(token):
    """The link in the offer mail: a page with the offer and two buttons (a link alone
    never accepts: mail scanners open links)."""
    offer = _offer_from_token(token)
    form = OfferAnswerForm()
    if form.validate_on_submit():
        accepting = form.answer.data == "accept"
        with serialised_writes(db.session):
            offer = _offer_from_token(token)
            try:
                if accepting:
                    booking_service.accept_offer(None, offer)
                else:
                    booking_service.decline_offer(None, offer, form.reason.data)
            except RuleError as error:
                db.session.rollback()
                flash(str(error.message), "warning")
            else:
                db.session.commit()
                flash(booked_message() if accepting else declined_message(), "success")
        return redirect(url_for("portal.answer_offer", token=token))
    return render_template("portal/offer.html", offer=offer, form=form,
                           open=offer.is_open_at(utcnow()))


@bp.route("/portal/bookings/<int:booking_id>")
@roles_required(Role.INTERPRETER)
def booking(booking_id):
    """The booking as the interpreter needs it, notes for the interpreter included."""
    found = db.session.get(Booking, booking_id)
    if found is None or found.person_id != current_user.person_id:
        abort(404)
    return render_template("portal/booking.html", booking=found, item=found.request,
                           confirm=ConfirmForm())


@bp.route("/portal/bookings/<int:booking_id>/delivered", methods=["POST"])
@roles_required(Role.INTERPRETER)
def delivered(booking_id):
    found = db.session.get(Booking, booking_id)
    if found is None or found.person_id != current_user.person_id:
        abort(404)
    return one_click(lambda: booking_service.mark_delivered(current_user, found,
                                                             today_in_brussels()),
                     _("Thank you: the translation is marked as delivered."),
                     url_for("portal.booking", booking_id=booking_id))


@bp.route("/portal/availability", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER)
def availability():
    person = _person()
    form = AvailabilityForm()
    if request.method == "GET":
        current = availability_service.weekly_of(person.id)
        form = AvailabilityForm(data={"rows": [
            {"weekday": r.weekday, "starts": r.starts, "ends": r.ends} for r in current]})
        while len(form.rows) < len(current) + 3:
            form.rows.append_entry()
    saved = save_form(form, lambda: availability_service.set_weekly(
        current_user, person, [(row.weekday.data, row.starts.data, row.ends.data)
                               for row in form.rows if row.starts.data and row.ends.data]),
        _("Your weekly availability is saved."), url_for("portal.availability"))
    return saved or _availability_page(person, form, LeaveForm())


def _availability_page(person, form, leave_form):
    return render_template(
        "portal/availability.html", form=form, leave_form=leave_form,
        leave=availability_service.leave_of(person.id, today_in_brussels()),
        confirm=ConfirmForm())


@bp.route("/portal/leave", methods=["POST"])
@roles_required(Role.INTERPRETER)
def add_leave():
    form = LeaveForm()
    person = _person()
    saved = save_form(form, lambda: availability_service.add_leave(
        current_user, person, form.first_day.data, form.last_day.data, form.note.data),
        _("Your leave is saved."), url_for("portal.availability"))
    if saved:
        return saved
    weekly = AvailabilityForm(data={"rows": [
        {"weekday": r.weekday, "starts": r.starts, "ends": r.ends}
        for r in availability_service.weekly_of(person.id)]}, formdata=None)
    return _availability_page(person, weekly, form)


@bp.route("/portal/leave/<int:leave_id>/delete", methods=["POST"])
@roles_required(Role.INTERPRETER)
def delete_leave(leave_id):
    entry = db.session.get(Leave, leave_id)
    if entry is None or entry.person_id != current_user.person_id:
        abort(404)
    return one_click(lambda: availability_service.remove_leave(current_user, entry),
                     _("The leave is removed."), url_for("portal.availability"))
