"""Administrators keep the requesting organisations and the interpreting services."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import Role
from ..core.arguments import paginate, text_arg
from ..core.edge import one_click, save_form
from ..core.forms import ConfirmForm
from ..core.permissions import roles_required
from ..core.regions import format_postcode_ranges
from ..extensions import db
from . import services
from .forms import OrganisationForm, ServiceForm
from .models import CancellationRule, InterpretingService, Organisation, OrganisationType

bp = Blueprint("organisations", __name__, url_prefix="/admin")


def _get(model, object_id):
    return db.session.get(model, object_id) or abort(404)


def _set_active(model, object_id, setter, active: bool, back: str, question=None):
    """(De)activate an organisation or a service; deactivating asks ``question`` first."""
    item = _get(model, object_id)
    done = _("%(name)s is active again.") if active else _("%(name)s is deactivated.")
    return one_click(lambda: setter(current_user, item, active), done % {"name": item.name},
                     back, confirm=None if active else (question % {"name": item.name},
                                                        _("Deactivate")))


# --- organisations ----------------------------------------------------------------------

@bp.route("/organisations")
@roles_required(Role.ADMIN)
def organisations():
    statement = select(Organisation).order_by(Organisation.active.desc(), Organisation.name)
    kind = text_arg("type", 40)
    if kind in set(OrganisationType):
        statement = statement.where(Organisation.type == kind)
    query = text_arg("q")
    if query:
        statement = statement.where(func.lower(Organisation.name).like(f"%{query.lower()}%"))
    page = paginate(statement, per_page=50)
    return render_template("organisations/index.html", page=page, query=query, kind=kind,
                           types=list(OrganisationType), confirm=ConfirmForm())


def _organisation_details(form) -> services.OrganisationDetails:
    return services.OrganisationDetails(
        name=form.name.data, type=OrganisationType(form.type.data), postcode=form.postcode.data,
        municipality=form.municipality.data, working_language=form.working_language.data,
        email=form.email.data, phone=form.phone.data)


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_organisation():
    form = OrganisationForm()
    saved = save_form(form, lambda: services.save_organisation(current_user,
                                                           _organisation_details(form)),
                  _("%(name)s is saved."), url_for("organisations.organisations"))
    return saved or render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_organisation(organisation_id):
    organisation = _get(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation)
    saved = save_form(form, lambda: services.save_organisation(
        current_user, _organisation_details(form), organisation),
        _("%(name)s is saved."), url_for("organisations.organisations"))
    return saved or render_template("organisations/form.html", form=form,
                                    organisation=organisation)


@bp.route("/organisations/<int:organisation_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate_organisation(organisation_id):
    return _set_active(Organisation, organisation_id, services.set_organisation_active, False,
                       url_for("organisations.organisations"),
                       _("Deactivate %(name)s? Its members can no longer log in."))


@bp.route("/organisations/<int:organisation_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_organisation(organisation_id):
    return _set_active(Organisation, organisation_id, services.set_organisation_active, True,
                       url_for("organisations.organisations"))


# --- interpreting services --------------------------------------------------------------

@bp.route("/services")
@roles_required(Role.ADMIN)
def services_index():
    items = db.session.scalars(select(InterpretingService).order_by(
        InterpretingService.active.desc(), InterpretingService.name)).all()
    return render_template("organisations/services.html", services=items,
                           confirm=ConfirmForm())


def _service_details(form) -> services.ServiceDetails:
    return services.ServiceDetails(
        name=form.name.data, email=form.email.data, phone=form.phone.data,
        postcode_ranges=form.postcode_ranges(),
        cancellation_rule=CancellationRule(form.cancellation_rule.data),
        cancellation_hours=form.cancellation_hours.data,
        late_cancellation_billable=form.late_cancellation_billable.data,
        late_cancellation_paid=form.late_cancellation_paid.data,
        late_cancellation_minutes=form.late_cancellation_minutes.data)


def _prefill_areas(form: ServiceForm, service: InterpretingService) -> None:
    """Show whole provinces as ticked boxes and the rest as typed ranges."""
    provinces = service.provinces
    form.provinces.data = [p.value for p in provinces]
    in_provinces = [r for p in provinces for r in p.postcode_ranges]
    form.postcodes.data = format_postcode_ranges(
        [r for r in service.postcode_ranges
         if not any(a <= r[0] and r[1] <= b for a, b in in_provinces)])


@bp.route("/services/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_service():
    form = ServiceForm()
    saved = save_form(form, lambda: services.save_service(current_user, _service_details(form)),
                  _("%(name)s is saved."), url_for("organisations.services_index"))
    return saved or render_template("organisations/service_form.html", form=form, service=None)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_service(service_id):
    service = _get(InterpretingService, service_id)
    form = ServiceForm(obj=service)
    if request.method == "GET":
        _prefill_areas(form, service)
    saved = save_form(form, lambda: services.save_service(current_user, _service_details(form),
                                                      service),
                  _("%(name)s is saved."), url_for("organisations.services_index"))
    return saved or render_template("organisations/service_form.html", form=form,
                                    service=service)


@bp.route("/services/<int:service_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate_service(service_id):
    return _set_active(InterpretingService, service_id, services.set_service_active, False,
                       url_for("organisations.services_index"),
                       _("Deactivate %(name)s? Its dispatchers can no longer log in."))


@bp.route("/services/<int:service_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_service(service_id):
    return _set_active(InterpretingService, service_id, services.set_service_active, True,
                       url_for("organisations.services_index"))
