"""People: the staff's search, a person's page, adding and editing, and an interpreter's
own record."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import REGISTER_KEEPERS, REGISTER_READERS, Role
from ...core.arguments import list_arguments, paginate
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm
from ...core.i18n import current_language
from ...core.permissions import require, roles_required
from ...core.phones import display_phone
from ...core.regions import Province
from ..forms import ContactForm, PersonForm, StaffSearchForm
from ..history import history_of
from ..models import CertificateStatus, Domain, Gender, Modality
from ..services import people as service
from ..services.people import language_choices
from ..services.search import StaffSearch, staff_search
from . import bp
from .common import load_person, page_context


@bp.route("/people")
@roles_required(REGISTER_READERS)
def index():
    form = StaffSearchForm(request.args, languages=language_choices(current_language()))
    context = page_context()
    criteria = StaffSearch()
    if form.validate():
        criteria = StaffSearch(
            name=form.q.data or "", language=form.language.data or "",
            certificate_number=form.certificate.data or "",
            status=CertificateStatus(form.status.data) if form.status.data else None,
            expiring_within=form.expiring.data, include_inactive=form.inactive.data)
    page = paginate(staff_search(criteria, context["today"]), per_page=25)
    arguments = list_arguments()
    return render_template("register/people.html", form=form, page=page, arguments=arguments,
                           can_change=current_user.keeps_register, **context)


def _details(form: PersonForm) -> service.PersonDetails:
    return service.PersonDetails(
        first_name=form.first_name.data, last_name=form.last_name.data, email=form.email.data,
        phone=form.phone.data, postcode=form.postcode.data, municipality=form.municipality.data,
        gender=Gender(form.gender.data) if form.gender.data else None,
        regions={Province(v) for v in form.regions.data or []},
        modalities={Modality(v) for v in form.modalities.data or []},
        domains={Domain(v) for v in form.domains.data or []},
        public_consent=form.public_consent.data, show_email=form.show_email.data,
        show_phone=form.show_phone.data, show_municipality=form.show_municipality.data)


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def create():
    form = PersonForm()
    if request.method == "GET":
        form.show_municipality.data = True
    # On to the new person's page, where languages and certificates are added.
    saved = save_form(form, lambda: service.create_person(current_user, _details(form)),
                      _("%(name)s is added to the register."),
                      lambda person: url_for("register.person", person_id=person.id))
    return saved or render_template("register/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>")
@roles_required(REGISTER_READERS, Role.INTERPRETER)
def person(person_id):
    person = load_person(person_id)
    require(person.can_be_seen_by(current_user))
    staff = current_user.keeps_register
    # Dispatchers read what matching needs; the audit trail is for register staff.
    history = history_of(person.id) if staff else None
    return render_template("register/person.html", person=person, history=history,
                           can_change=staff, confirm=ConfirmForm(),
                           phone=display_phone(person.phone), **page_context())


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def edit(person_id):
    person = load_person(person_id)
    form = PersonForm(obj=person)
    if request.method == "GET":
        form.phone.data = display_phone(person.phone)
        form.gender.data = person.gender.value if person.gender else ""
        form.regions.data = [p.value for p in person.regions]
        form.modalities.data = [m.value for m in person.modalities]
        form.domains.data = [d.value for d in person.domains]
    saved = save_form(form, lambda: service.update_person(current_user, person, _details(form)),
                      _("%(name)s is saved."), url_for("register.person", person_id=person.id))
    return saved or render_template("register/person_form.html", form=form, person=person)


@bp.route("/people/<int:person_id>/deactivate", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def deactivate(person_id):
    person = load_person(person_id)
    return one_click(lambda: service.set_person_active(current_user, person, False),
                     _("%(name)s is deactivated: no longer offered, history kept.",
                       name=person.full_name),
                     url_for("register.person", person_id=person.id),
                     confirm=(_("Deactivate %(name)s? They are no longer offered work, and the "
                                "interpreting services are told of their bookings ahead.",
                                name=person.full_name), _("Deactivate")))


@bp.route("/people/<int:person_id>/reactivate", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def reactivate(person_id):
    person = load_person(person_id)
    return one_click(lambda: service.set_person_active(current_user, person, True),
                     _("%(name)s is active again.", name=person.full_name),
                     url_for("register.person", person_id=person.id))


@bp.route("/me", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER)
def me():
    """An interpreter's own record: read-only, but for contact data and public consent."""
    person = load_person(current_user.person_id) if current_user.person_id else abort(404)
    form = ContactForm(obj=person)
    if request.method == "GET":
        form.phone.data = display_phone(person.phone)
    saved = save_form(form, lambda: service.update_own_contact(
        current_user, person, service.ContactDetails(
            email=form.email.data, phone=form.phone.data, postcode=form.postcode.data,
            municipality=form.municipality.data, public_consent=form.public_consent.data,
            show_email=form.show_email.data, show_phone=form.show_phone.data,
            show_municipality=form.show_municipality.data)),
        _("Your contact details are saved."), url_for("register.me"))
    return saved or render_template("register/me.html", person=person, form=form,
                                    **page_context())
