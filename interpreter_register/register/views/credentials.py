"""Language pairs, certificates, quality-track steps and revisions of a person."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import REGISTER_KEEPERS
from ...core.edge import one_click, save_form
from ...core.i18n import current_language
from ...core.permissions import roles_required
from ...core.time import today_in_brussels
from ...extensions import db
from .. import policy
from ..forms import (
    CertificateForm,
    CertificateStatusForm,
    QualificationForm,
    RevisionTrackForm,
    StepForm,
)
from ..models import (
    Certificate,
    CertificateStatus,
    Direction,
    QualificationKind,
    StepResult,
    TrackStep,
)
from ..services import credentials as service
from ..services.people import language_choices
from . import bp
from .common import load_person, load_qualification


def _back_to(person_id: int) -> str:
    return url_for("register.person", person_id=person_id)


@bp.route("/people/<int:person_id>/qualifications/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def add_qualification(person_id):
    person = load_person(person_id)
    form = QualificationForm(languages=language_choices(current_language()))
    # Read once the form is valid (save_form calls the lambda only then).
    saved = save_form(form, lambda: service.add_qualification(
        current_user, person, QualificationKind(form.kind.data), form.language.data,
        form.working_language.data,
        Direction(form.direction.data), form.specialist_revisor.data),
        _("The language pair is added."), _back_to(person.id))
    return saved or render_template("register/qualification_form.html", form=form,
                                    person=person)


@bp.route("/qualifications/<int:qualification_id>/revisor", methods=["POST"])
@roles_required(REGISTER_KEEPERS)
def toggle_revisor(qualification_id):
    qualification = load_qualification(qualification_id)
    flag = not qualification.specialist_revisor
    done = (_("Marked as specialist revisor for this pair.") if flag
            else _("No longer a specialist revisor for this pair."))
    return one_click(lambda: service.set_specialist_revisor(current_user, qualification, flag),
                     done, _back_to(qualification.person_id))


@bp.route("/qualifications/<int:qualification_id>/certificates/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def issue_certificate(qualification_id):
    qualification = load_qualification(qualification_id)
    form = CertificateForm()
    if request.method == "GET":
        form.issued_on.data = today_in_brussels()
    saved = save_form(form, lambda: service.issue_certificate(
        current_user, qualification, form.number.data, form.issued_on.data,
        form.valid_until.data),
        _("The certificate is issued."), _back_to(qualification.person_id))
    return saved or render_template("register/certificate_form.html", form=form,
                                    qualification=qualification, certificate=None,
                                    years=policy.current_policy().certificate_years)


def _load_certificate(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id) or abort(404)


@bp.route("/certificates/<int:certificate_id>/edit", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def edit_certificate(certificate_id):
    certificate = _load_certificate(certificate_id)
    form = CertificateForm(obj=certificate)
    saved = save_form(form, lambda: service.update_certificate(
        current_user, certificate, form.number.data, form.issued_on.data,
        form.valid_until.data or service.default_valid_until(form.issued_on.data)),
        _("The certificate is saved."), _back_to(certificate.qualification.person_id))
    return saved or render_template("register/certificate_form.html", form=form,
                                    qualification=certificate.qualification,
                                    certificate=certificate,
                                    years=policy.current_policy().certificate_years)


@bp.route("/certificates/<int:certificate_id>/status", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def change_status(certificate_id):
    certificate = _load_certificate(certificate_id)
    form = CertificateStatusForm()
    if request.method == "GET":
        form.effective_on.data = today_in_brussels()
    saved = save_form(form, lambda: service.change_certificate_status(
        current_user, certificate, CertificateStatus(form.status.data), form.effective_on.data,
        form.reason.data), _("The status of the certificate is recorded."),
        _back_to(certificate.qualification.person_id))
    return saved or render_template("register/status_form.html", form=form,
                                    certificate=certificate, today=today_in_brussels())


@bp.route("/qualifications/<int:qualification_id>/steps/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def record_step(qualification_id):
    qualification = load_qualification(qualification_id)
    form = StepForm()
    if request.method == "GET":
        form.taken_on.data = today_in_brussels()
        form.step.data = request.args.get("step", TrackStep.INFORMATION_SESSION.value)
    saved = save_form(form, lambda: service.record_step(
        current_user, qualification, TrackStep(form.step.data), form.taken_on.data,
        StepResult(form.result.data), form.certificate_number.data or None,
        form.valid_until.data),
        _("The step is recorded."), _back_to(qualification.person_id))
    return saved or render_template("register/step_form.html", form=form,
                                    qualification=qualification)


@bp.route("/qualifications/<int:qualification_id>/revision", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def open_revision(qualification_id):
    qualification = load_qualification(qualification_id)
    form = RevisionTrackForm()
    if request.method == "GET":
        form.opened_on.data = today_in_brussels()
    saved = save_form(form, lambda: service.open_revision_track(
        current_user, qualification, form.opened_on.data),
        _("The revision protocol is started for this pair."), _back_to(qualification.person_id))
    return saved or render_template("register/revision_track_form.html", form=form,
                                    qualification=qualification)
