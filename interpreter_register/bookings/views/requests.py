"""Requesters: ask for an interpreter or a translation, follow it, cancel it."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.models import Role
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm, choices
from ...core.i18n import current_language
from ...core.permissions import require, roles_required
from ...core.time import utcnow
from ...extensions import db
from ...register.models import Modality, Person
from ...register.services.people import language_choices
from ..forms import BarForm, ReasonForm, RequestForm
from ..history import event_text
from ..models import Booking, InterpretingRequest, OrganisationBar
from ..services import availability
from ..services import requests as service
from . import requests_bp as bp
from .common import cancelled_message, load_request


@bp.route("")
@roles_required(Role.REQUESTER)
def index():
    page = db.paginate(service.requests_of_organisation(current_user.organisation_id),
                       per_page=30, error_out=False)
    return render_template("requests/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def create():
    form = RequestForm(languages=language_choices(current_language()), ui=current_language())
    if request.method == "GET":
        form.working_language.data = current_user.organisation.working_language
        form.modality.data = Modality.ON_SITE.value
        form.municipality.data = current_user.organisation.municipality
        form.postcode.data = current_user.organisation.postcode
    saved = save_form(form, lambda: service.create_request(current_user, form.details()),
                      _("Your request is sent to the interpreting service."),
                      lambda created: url_for("requests.show", request_id=created.id))
    return saved or render_template("requests/form.html", form=form)


@bp.route("/<int:request_id>")
@roles_required(Role.REQUESTER)
def show(request_id):
    item = load_request(request_id)
    late = service.cancellation_is_late(item, utcnow()) if item.is_open else None
    return render_template("requests/show.html", item=item, late=late, event_text=event_text)


@bp.route("/<int:request_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def cancel(request_id):
    item = load_request(request_id)
    form = ReasonForm()
    late = service.cancellation_is_late(item, utcnow())
    saved = save_form(form, lambda: service.cancel_request(current_user, item,
                                                           form.reason.data),
                      cancelled_message,
                      url_for("requests.show", request_id=item.id))
    return saved or render_template("requests/cancel.html", item=item, form=form, late=late)



# --- interpreters an organisation does not want again -----------------------------------

@bp.route("/barred", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def barred():
    require(current_user.can_manage_colleagues())
    form = BarForm()
    form.person.choices = choices(((p.id, p.full_name)
                                   for p in people_booked_for(current_user.organisation_id)),
                                  placeholder=_("— choose a person —"))
    saved = save_form(form, lambda: availability.bar(
        current_user, db.session.get(Person, form.person.data), form.reason.data),
        _("This person will not be proposed for your organisation any more."),
        url_for("requests.barred"))
    entries = db.session.scalars(select(OrganisationBar).where(
        OrganisationBar.organisation_id == current_user.organisation_id)
        .order_by(OrganisationBar.created_at.desc())).all()
    return saved or render_template("requests/barred.html", form=form, entries=entries,
                                    confirm=ConfirmForm())


@bp.route("/barred/<int:bar_id>/lift", methods=["POST"])
@roles_required(Role.REQUESTER)
def lift_bar(bar_id):
    require(current_user.can_manage_colleagues())
    entry = db.session.get(OrganisationBar, bar_id)
    if entry is None or not entry.can_be_lifted_by(current_user):
        abort(404)
    return one_click(lambda: availability.unbar(current_user, entry),
                     _("The bar is lifted."), url_for("requests.barred"))


def people_booked_for(organisation_id: int) -> list[Person]:
    """The people who worked for the organisation: whom its contact person may bar."""
    return db.session.scalars(
        select(Person).join(Booking, Booking.person_id == Person.id)
        .join(InterpretingRequest, Booking.request_id == InterpretingRequest.id)
        .where(InterpretingRequest.organisation_id == organisation_id)
        .order_by(Person.last_name, Person.first_name).distinct()).all()
