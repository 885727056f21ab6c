"""Rating and complaining (requesters), the interpreter's feedback page, complaint cases and
renewals (register staff)."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import REGISTER_KEEPERS, Role
from ..bookings.models import Booking
from ..core.edge import one_click, save_form
from ..core.forms import ConfirmForm
from ..core.permissions import roles_required
from ..core.time import today_in_brussels
from ..extensions import db
from ..register.models import Certificate
from . import feedback, renewals
from .forms import ComplaintForm, DecisionForm, LetEndForm, RatingForm, RenewForm, TrainingForm
from .models import Complaint, ComplaintOutcome, Rating, Renewal

bp = Blueprint("quality", __name__)


# --- requesters -------------------------------------------------------------------------

def _their_booking(booking_id: int) -> Booking:
    """A booking of the requester's organisation; any other answers 404."""
    found = db.session.get(Booking, booking_id)
    if found is None or not current_user.requests_for(found.request.organisation_id):
        abort(404)
    return found


@bp.route("/bookings/<int:booking_id>/rating", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def rating(booking_id):
    found = _their_booking(booking_id)
    given = db.session.scalar(select(Rating).where(Rating.booking_id == found.id))
    form = RatingForm()
    saved = save_form(form, lambda: feedback.rate(
        current_user, found, form.punctuality.data, form.conduct.data, form.quality.data,
        form.comment.data), _("Thank you: your rating reaches the register."),
        url_for("requests.show", request_id=found.request_id))
    return saved or render_template("quality/rating.html", form=form, booking=found,
                                    given=given)


@bp.route("/bookings/<int:booking_id>/complaint", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def complain(booking_id):
    found = _their_booking(booking_id)
    form = ComplaintForm()
    saved = save_form(form, lambda: feedback.file_complaint(current_user, found,
                                                            form.text.data),
                      _("Your complaint reached the register. Register staff will handle "
                        "it."), url_for("requests.show", request_id=found.request_id))
    return saved or render_template("quality/complaint_form.html", form=form, booking=found)


# --- the interpreter ----------------------------------------------------------------------

@bp.route("/portal/feedback", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER)
def my_feedback():
    """Their ratings in aggregate, the decisions that concern them, their trainings."""
    person = current_user.person
    form = TrainingForm()
    saved = save_form(form, lambda: renewals.add_training(
        current_user, person, form.title.data, form.taken_on.data, form.hours.data,
        today_in_brussels()), _("The training is recorded."), url_for("quality.my_feedback"))
    return saved or render_template(
        "quality/feedback.html", summary=feedback.summary_of(person.id),
        decisions=feedback.decided_for(person.id), form=form,
        trainings=renewals.trainings_of(person.id))


# --- register staff: complaints -----------------------------------------------------------

@bp.route("/register/complaints")
@roles_required(REGISTER_KEEPERS)
def complaints():
    cases = db.session.scalars(select(Complaint).order_by(
        Complaint.decided_at.is_not(None), Complaint.created_at.desc()).limit(200)).all()
    return render_template("quality/complaints.html", cases=cases)


def _complaint(complaint_id: int) -> Complaint:
    return db.session.get(Complaint, complaint_id) or abort(404)


@bp.route("/register/complaints/<int:complaint_id>", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def complaint(complaint_id):
    case = _complaint(complaint_id)
    form = DecisionForm()
    saved = save_form(form, lambda: feedback.decide(
        current_user, case, ComplaintOutcome(form.outcome.data), form.note.data,
        form.effective_on.data), _("The decision is recorded and the interpreter told."),
        url_for("quality.complaint", complaint_id=case.id))
    return saved or render_template("quality/complaint.html", case=case, form=form,
                                    confirm=ConfirmForm())


@bp.route("/register/complaints/<int:complaint_id>/review", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def review(complaint_id):
    case = _complaint(complaint_id)
    return one_click(lambda: feedback.review(current_user, case),
                     _("The complaint is in review."),
                     url_for("quality.complaint", complaint_id=case.id))


# --- register staff: renewals -------------------------------------------------------------

@bp.route("/register/renewals")
@roles_required(REGISTER_KEEPERS)
def renewals_due():
    ending, ended = renewals.due(today_in_brussels())
    opened = {r.certificate_id: r for r in db.session.scalars(select(Renewal).where(
        Renewal.certificate_id.in_([c.id for c in ending + ended])))}
    return render_template("quality/renewals.html", ending=ending, ended=ended,
                           opened=opened, confirm=ConfirmForm())


@bp.route("/register/certificates/<int:certificate_id>/renewal", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def open_renewal(certificate_id):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    return one_click(
        lambda: renewals.open_renewal(current_user, certificate, today_in_brussels()),
        _("The renewal is open."), url_for("quality.renewals_due"))


def _renewal(renewal_id: int) -> Renewal:
    return db.session.get(Renewal, renewal_id) or abort(404)


@bp.route("/register/renewals/<int:renewal_id>", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def renewal(renewal_id):
    case = _renewal(renewal_id)
    form = RenewForm(prefix="renew")
    if request.method == "GET":
        form.issued_on.data = max(today_in_brussels(), case.certificate.valid_until)
    saved = save_form(form, lambda: renewals.renew(
        current_user, case, form.number.data, form.issued_on.data, form.valid_until.data,
        today_in_brussels()), _("The certificate is renewed."),
        url_for("quality.renewal", renewal_id=case.id))
    return saved or _renewal_page(case, form, LetEndForm(prefix="end"),
                                  TrainingForm(prefix="training"))


def _renewal_page(case, renew_form, end_form, training_form):
    person = case.certificate.qualification.person
    return render_template("quality/renewal.html", case=case, person=person,
                           evidence=renewals.evidence(case.certificate), form=renew_form,
                           end_form=end_form, training_form=training_form)


@bp.route("/register/renewals/<int:renewal_id>/let-end", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def let_end(renewal_id):
    case = _renewal(renewal_id)
    form = LetEndForm(prefix="end")
    saved = save_form(form, lambda: renewals.let_end(current_user, case, form.note.data,
                                                      today_in_brussels()),
                      _("The certificate is left to end."),
                      url_for("quality.renewal", renewal_id=case.id))
    return saved or _renewal_page(case, RenewForm(prefix="renew"), form,
                                  TrainingForm(prefix="training"))


@bp.route("/register/renewals/<int:renewal_id>/trainings", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def add_training(renewal_id):
    case = _renewal(renewal_id)
    form = TrainingForm(prefix="training")
    person = case.certificate.qualification.person
    saved = save_form(form, lambda: renewals.add_training(
        current_user, person, form.title.data, form.taken_on.data, form.hours.data,
        today_in_brussels()), _("The training is recorded."),
        url_for("quality.renewal", renewal_id=case.id))
    return saved or _renewal_page(case, RenewForm(prefix="renew"), LetEndForm(prefix="end"),
                                  form)
