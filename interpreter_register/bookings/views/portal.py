"""Interpreters: offers to answer, their bookings, weekly availability and leave; and the
signed link in an offer mail, which works without logging in until the offer expires."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import Role
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm
from ...core.permissions import roles_required
from ...core.rules import RuleError, show_on_form
from ...core.time import today_in_brussels, utcnow
from ...extensions import db
from ...register.models import Person
from ..forms import (
    AvailabilityForm,
    DeclineForm,
    LeaveForm,
    OfferAnswerForm,
    WithdrawForm,
)
from ..links import booking_link, booking_of_token, offer_id_from
from ..models import Booking, Leave, Offer, OfferStatus, WithdrawalReason
from ..services import availability as availability_service
from ..services import booking as booking_service
from ..services import revisions, withdrawals
from ..services.queue import interpreter_overview
from . import portal_bp as bp


def _person() -> Person:
    return db.session.get(Person, current_user.person_id) or abort(404)


def _own_offer(offer_id: int) -> Offer:
    """An offer to the interpreter; anyone else's answers 404."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not offer.can_be_answered_by(current_user):
        abort(404)
    return offer


def _own_booking(booking_id: int) -> Booking:
    found = db.session.get(Booking, booking_id)
    if found is None or found.audience_for(current_user) != "person":
        abort(404)
    return found


@bp.route("/portal")
@roles_required(Role.INTERPRETER)
def index():
    overview = interpreter_overview(current_user.person_id, utcnow())
    return render_template("portal/index.html", offers=overview.offers,
                           series_offers=overview.series_offers,
                           answered=overview.answered, upcoming=overview.upcoming,
                           past=overview.past, ended=overview.ended, decline=DeclineForm(),
                           confirm=ConfirmForm())


def booked_message(_booking=None) -> str:
    return _("You are booked. The details are under your bookings.")


def declined_message() -> str:
    return _("You declined the offer. Thank you for answering.")


@bp.route("/portal/offers/<int:offer_id>/accept", methods=["POST"])
@roles_required(Role.INTERPRETER)
def accept(offer_id):
    offer = _own_offer(offer_id)
    return one_click(lambda: booking_service.accept_offer(current_user, offer),
                     booked_message, url_for("portal.index"))


@bp.route("/portal/offers/<int:offer_id>/decline", methods=["POST"])
@roles_required(Role.INTERPRETER)
def decline(offer_id):
    form, offer = DeclineForm(), _own_offer(offer_id)
    return one_click(lambda: booking_service.decline_offer(current_user, offer,
                                                           form.reason.data),
                     declined_message(), url_for("portal.index"), form=form)


def _offer_from_token(token: str) -> Offer:
    offer_id = offer_id_from(token)
    return (db.session.get(Offer, offer_id) if offer_id else None) or abort(404)


@bp.route("/offers/<token>", methods=["GET", "POST"])
def answer_offer(token):
    """The link in the offer mail: a page with the offer and two buttons (a link alone
    never accepts: mail scanners open links)."""
    offer = _offer_from_token(token)
    form = OfferAnswerForm()
    if form.validate_on_submit():
        accepting = form.answer.data == "accept"
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
    booking = next((b for b in offer.request.bookings
                    if b.person_id == offer.person_id and b.is_live), None)
    booking_url = None
    if booking is not None and offer.status == OfferStatus.ACCEPTED:
        booking_url = (url_for("portal.booking", booking_id=booking.id)
                       if offer.person.active_account else booking_link(booking))
    return render_template("portal/offer.html", offer=offer, form=form,
                           open=offer.is_open_at(utcnow()), booking_url=booking_url)


@bp.route("/portal/bookings/<int:booking_id>")
@roles_required(Role.INTERPRETER)
def booking(booking_id):
    """The booking as the interpreter needs it, notes for the interpreter included."""
    found = _own_booking(booking_id)
    return _booking_page(found, url_for("portal.withdraw", booking_id=found.id))


def _booking_page(found: Booking, withdraw_url: str, form=None, token: str | None = None):
    """The booking's page; ``token`` when opened by its signed link (the page then leads
    to the completion sheet by the same link once the work is done)."""
    now = utcnow()
    return render_template("portal/booking.html", booking=found, item=found.request,
                           confirm=ConfirmForm(), withdraw_form=form or WithdrawForm(),
                           withdraw_url=withdraw_url, by_link=token is not None,
                           link_token=token, sheet_token=token,
                           may_withdraw=found.is_confirmed and found.request.is_booked
                           and (found.starts_at or found.request.due_at) > now
                           and found.delivered_on is None)


@bp.route("/portal/bookings/<int:booking_id>/withdraw", methods=["POST"])
@roles_required(Role.INTERPRETER)
def withdraw(booking_id):
    found = _own_booking(booking_id)
    form = WithdrawForm()
    saved = save_form(form, lambda: withdrawals.withdraw(
        current_user, found, WithdrawalReason(form.reason.data), form.note.data),
        withdrawn_message(), url_for("portal.index"))
    return saved or _booking_page(found, url_for("portal.withdraw", booking_id=found.id), form)


def withdrawn_message() -> str:
    return _("You withdrew from the booking. The interpreting service will find someone "
             "else; thank you for telling us in time.")


def _booking_from_token(token: str) -> Booking:
    """The booking a link was signed for, while it is still the person's: a booking that
    ended early (cancelled, given to someone else, withdrawn) voids its link."""
    return booking_of_token(token) or abort(404)


@bp.route("/b/<token>", methods=["GET", "POST"])
def booking_by_link(token):
    """The link in a booking mail, for people without an account: every detail of the
    booking, a way to withdraw, and once the work is done the way to its completion
    sheet. A link alone never changes anything."""
    found = _booking_from_token(token)
    if found.is_cancelled:
        return render_template("portal/link_void.html"), 410
    form = WithdrawForm()
    if request.method == "POST":
        saved = save_form(form, lambda: withdrawals.withdraw(
            None, found, WithdrawalReason(form.reason.data), form.note.data),
            withdrawn_message(), url_for("portal.booking_by_link", token=token))
        if saved:
            return saved
    return _booking_page(found, url_for("portal.booking_by_link", token=token), form,
                         token=token)


@bp.route("/portal/bookings/<int:booking_id>/delivered", methods=["POST"])
@roles_required(Role.INTERPRETER)
def delivered(booking_id):
    found = _own_booking(booking_id)
    return one_click(lambda: revisions.mark_delivered(current_user, found,
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


def _availability_page(person, form, leave_form, touched=()):
    return render_template(
        "portal/availability.html", form=form, leave_form=leave_form,
        leave=availability_service.leave_of(person.id, today_in_brussels()),
        confirm=ConfirmForm(), touched=touched)


@bp.route("/portal/leave", methods=["POST"])
@roles_required(Role.INTERPRETER)
def add_leave():
    """Leave; over confirmed bookings, the page lists them and asks to confirm, and the
    confirmation withdraws from each."""
    form = LeaveForm()
    person = _person()
    touched = []
    if form.validate_on_submit():
        try:
            withdrawals.take_leave(current_user, person, form.first_day.data,
                                   form.last_day.data, form.from_time.data,
                                   form.until_time.data, form.note.data,
                                   confirmed=form.confirmed_bookings())
        except withdrawals.LeaveOverBookings as asked:
            db.session.rollback()
            touched = asked.bookings
        except RuleError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Your leave is saved."), "success")
            return redirect(url_for("portal.availability"))
    weekly = AvailabilityForm(data={"rows": [
        {"weekday": r.weekday, "starts": r.starts, "ends": r.ends}
        for r in availability_service.weekly_of(person.id)]}, formdata=None)
    return _availability_page(person, weekly, form, touched)


@bp.route("/portal/leave/<int:leave_id>/delete", methods=["POST"])
@roles_required(Role.INTERPRETER)
def delete_leave(leave_id):
    entry = db.session.get(Leave, leave_id)
    if entry is None or not current_user.is_person(entry.person_id):
        abort(404)
    return one_click(lambda: availability_service.remove_leave(current_user, entry),
                     _("The leave is removed."), url_for("portal.availability"))
