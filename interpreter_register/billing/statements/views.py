"""Statements: an interpreter's own per month (their portal), a service's for its payroll
(a page, one CSV, a zip of PDFs); each as a page, a PDF and a CSV."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import Role
from ...core.edge import one_click
from ...core.forms import ConfirmForm
from ...core.i18n import current_language
from ...core.permissions import roles_required
from ...core.time import today_in_brussels
from ...extensions import db
from ...organisations.models import InterpretingService
from ...register.models import Person
from ..exports import services as exports
from ..exports.models import ExportKind
from . import documents, services
from .services import month_key, parse_month, previous_month

bp = Blueprint("statements", __name__)
READERS = (Role.INTERPRETER, Role.DISPATCHER)


def _month(text: str | None) -> date:
    """The month of the URL; without one, last month (the one paid now)."""
    if text is None:
        return previous_month(today_in_brussels().replace(day=1))
    return parse_month(text) or abort(404)


def _statement(service_id: int, person_id: int, month: str):
    """One statement, 404 unless it is the reader's own or of their service."""
    if not services.may_read(current_user, service_id, person_id):
        abort(404)
    service = db.session.get(InterpretingService, service_id) or abort(404)
    person = db.session.get(Person, person_id) or abort(404)
    return services.statement(current_user, service, person, _month(month))


def _file(data: bytes, mimetype: str, name: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{name}"',
        "Cache-Control": "private, no-store"})


@bp.route("/statements")
@roles_required(*READERS)
def index():
    month = _month(request.args.get("month"))
    made = []
    if current_user.is_dispatcher:
        found = services.of_service(current_user, current_user.service_id, month)
        made = exports.of_month(current_user, current_user.service_id,
                                ExportKind.STATEMENTS, month)
    else:
        found = services.of_person(current_user, current_user.person_id, month)
    return render_template("statements/index.html", statements=found, month=month,
                           exports=made, confirm=ConfirmForm(),
                           key=month_key(month), previous=month_key(previous_month(month)),
                           next=month_key(services.next_month(month)))


@bp.route("/statements/<int:service_id>/<int:person_id>/<month>")
@roles_required(*READERS)
def show(service_id, person_id, month):
    return render_template("statements/show.html",
                           statement=_statement(service_id, person_id, month))


@bp.route("/statements/<int:service_id>/<int:person_id>/<month>/pdf")
@roles_required(*READERS)
def pdf(service_id, person_id, month):
    statement = _statement(service_id, person_id, month)
    # The interpreter reads it in the language they read now; the service prints it in
    # the interpreter's own.
    language = (current_language() if current_user.is_interpreter
                else documents.language_of(statement.person, current_language()))
    return _file(documents.statement_pdf(statement, language), "application/pdf",
                 statement.file_name("pdf"), inline=True)


@bp.route("/statements/<int:service_id>/<int:person_id>/<month>/csv")
@roles_required(*READERS)
def csv(service_id, person_id, month):
    statement = _statement(service_id, person_id, month)
    return _file(documents.statements_csv([statement]), "text/csv; charset=utf-8",
                 statement.file_name("csv"))


@bp.route("/statements/<int:service_id>/<month>/all.<fmt>")
@roles_required(Role.DISPATCHER)
def export(service_id, month, fmt):
    """The month of every interpreter of the service as one CSV, at once (it is cheap).
    The zip of their PDFs is made by the background worker (``ask_export``): an old link
    to it leads to the month's page, where it is asked for."""
    if not current_user.dispatches_for(service_id) or fmt not in ("csv", "zip"):
        abort(404)
    month = _month(month)
    if fmt == "zip":
        flash(_("The PDFs of the month are now made in the background: ask for them "
                "below, and you get a mail when the zip is ready."), "info")
        return redirect(url_for("statements.index", month=month_key(month)))
    found = services.of_service(current_user, service_id, month)
    return _file(documents.statements_csv(found), "text/csv; charset=utf-8",
                 f"statements-{month_key(month)}.csv")


@bp.route("/statements/<int:service_id>/<month>/export", methods=["POST"])
@roles_required(Role.DISPATCHER)
def ask_export(service_id, month):
    """Queue the zip of the month's PDFs for the background worker."""
    if not current_user.dispatches_for(service_id):
        abort(404)
    month = _month(month)
    return one_click(
        lambda: exports.ask(current_user, service_id, ExportKind.STATEMENTS, month,
                            current_language()),
        _("The export is queued. This page shows when it is ready, and you get a mail."),
        url_for("statements.index", month=month_key(month)))
