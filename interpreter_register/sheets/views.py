"""The sheets' pages: each role's list, filing (the interpreter, or the service for them),
the sheet with its versions, the requester's answer, the service's settlement and
correction, the PDF and the receipts; and the same for people without an account, by
their booking's signed link."""

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import BOOKING_PARTIES, Role
from ..bookings.links import booking_of_token
from ..bookings.models import Booking
from ..core import settings, uploads
from ..core.edge import one_click, save_form
from ..core.forms import ConfirmForm
from ..core.i18n import current_language
from ..core.permissions import roles_required
from ..core.time import to_brussels, today_in_brussels, utcnow
from ..extensions import db
from . import pdf
from . import settings as sheet_settings
from .forms import SettleForm, SheetForm, dispute_form
from .models import CompletionSheet, SheetExpense
from .services import answers, filing, followup, lists
from .services.content import km_suggestion, lines_of
from .services.filing import find_sheet

bp = Blueprint("sheets", __name__)


@bp.app_context_processor
def _sheet_lookup():
    """Booking pages of other areas show a request's sheet, if it has one."""
    return {"completion_sheet_of": lists.sheet_of_request}


# --- loading, with access checked (404 for what the user may not see) ---------------------

def _visible(sheet_id: int) -> CompletionSheet:
    sheet = db.session.get(CompletionSheet, sheet_id)
    if sheet is None or not sheet.can_be_seen_by(current_user):
        abort(404)
    return sheet


def _fileable(booking_id: int) -> Booking:
    """A booking of the interpreter's own, or of the dispatcher's service."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.audience_for(current_user) not in ("person", "service"):
        abort(404)
    return booking


def _by_token(token: str) -> Booking:
    """The booking a link was signed for, while it is still the person's (as the booking's
    own page by link)."""
    booking = booking_of_token(token) or abort(404)
    if booking.is_cancelled:
        abort(make_response(render_template("portal/link_void.html"), 410))
    return booking


def _receipt(sheet: CompletionSheet, expense_id: int):
    expense = db.session.get(SheetExpense, expense_id)
    if expense is None or expense.version.sheet_id != sheet.id or expense.receipt is None:
        abort(404)
    return uploads.send(expense.receipt)


def _pdf(sheet: CompletionSheet):
    number = request.args.get("version", type=int) or sheet.version
    version = next((v for v in sheet.versions if v.number == number and v.is_settled), None)
    if version is None:
        abort(404)
    disposition = f'inline; filename="{pdf.file_name(sheet, version)}"'
    return Response(pdf.sheet_pdf(sheet, version, current_language()),
                    mimetype="application/pdf", headers={
                        "Content-Disposition": disposition, "Cache-Control": "private, no-store"})


# --- pages -------------------------------------------------------------------------------

def filed_message(_sheet=None) -> str:
    return _("Thank you: the sheet is filed. The organisation is asked to confirm it.")


@bp.route("/sheets")
@roles_required(BOOKING_PARTIES)
def index():
    now = utcnow()
    if current_user.is_dispatcher:
        found = lists.of_service(current_user.service_id, now)
    elif current_user.is_requester:
        found = lists.of_organisation(current_user.organisation_id, now)
    else:
        found = lists.of_person(current_user.person_id, now)
    return render_template("sheets/index.html", sheets=found, now=now,
                           remaining_days=followup.remaining_days)


def _prefill(form: SheetForm, booking: Booking) -> None:
    """What the booking planned, to change where it went otherwise."""
    if booking.starts_at is not None:
        form.started.data = to_brussels(booking.starts_at).time()
        form.ended.data = to_brussels(booking.ends_at).time()
        form.minutes.data = booking.booked_minutes
    suggestion = km_suggestion(booking)
    if suggestion is not None:
        form.km.data = suggestion
    if booking.is_translation:
        form.delivered_on.data = booking.delivered_on or today_in_brussels()
        form.words.data = booking.request.words


def _form_page(booking: Booking, form: SheetForm, action: str, token: str | None = None,
               sheet: CompletionSheet | None = None):
    return render_template("sheets/file.html", booking=booking, item=booking.request,
                           form=form, action=action, token=token, sheet=sheet,
                           # A sheet made already (a late cancellation's) is corrected
                           # whatever the booked time.
                           over=sheet is not None or booking.work_is_over(utcnow()),
                           suggestion=km_suggestion(booking),
                           receipt_limit=settings.value(sheet_settings.UPLOAD_LIMIT_MB.key))


@bp.route("/sheets/bookings/<int:booking_id>/file", methods=["GET", "POST"])
@roles_required(Role.INTERPRETER, Role.DISPATCHER)
def file(booking_id):
    booking = _fileable(booking_id)
    existing = find_sheet(booking)
    if existing is not None and not existing.is_awaited:
        return redirect(url_for("sheets.show", sheet_id=existing.id))
    form = SheetForm()
    if request.method == "GET":
        _prefill(form, booking)
    saved = save_form(form, lambda: filing.file_sheet(current_user, booking, form.details()),
                      filed_message, lambda sheet: url_for("sheets.show", sheet_id=sheet.id))
    return saved or _form_page(booking, form, url_for("sheets.file", booking_id=booking.id))


def _show_page(sheet: CompletionSheet, token: str | None = None, settle=None):
    """The sheet with its versions; ``token`` when opened by the booking's signed link (its
    reader is then the booked person)."""
    audience = "person" if token else sheet.booking.audience_for(current_user)
    return render_template(
        "sheets/show.html", sheet=sheet, item=sheet.request, booking=sheet.booking,
        audience=audience, token=token, confirm=ConfirmForm(),
        settle=settle or SettleForm(formdata=None),
        remaining=followup.remaining_days(sheet, utcnow()))


@bp.route("/sheets/<int:sheet_id>")
@roles_required(BOOKING_PARTIES)
def show(sheet_id):
    return _show_page(_visible(sheet_id))


@bp.route("/sheets/<int:sheet_id>/confirm", methods=["POST"])
@roles_required(Role.REQUESTER)
def confirm(sheet_id):
    sheet = _visible(sheet_id)
    return one_click(lambda: answers.confirm(current_user, sheet),
                     _("Thank you: the sheet is confirmed and settled."),
                     url_for("sheets.show", sheet_id=sheet.id))


@bp.route("/sheets/<int:sheet_id>/dispute", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def dispute(sheet_id):
    sheet = _visible(sheet_id)
    form = dispute_form(lines_of(sheet))
    saved = save_form(form, lambda: answers.dispute(current_user, sheet, form.reasons()),
                      _("Your dispute is sent to the interpreting service, which settles it."),
                      url_for("sheets.show", sheet_id=sheet.id))
    return saved or render_template("sheets/dispute.html", sheet=sheet, item=sheet.request,
                                    form=form)


@bp.route("/sheets/<int:sheet_id>/settle", methods=["POST"])
@roles_required(Role.DISPATCHER)
def settle(sheet_id):
    sheet = _visible(sheet_id)
    form = SettleForm()
    saved = save_form(form, lambda: filing.settle(current_user, sheet, form.note.data),
                      _("The sheet is settled."), url_for("sheets.show", sheet_id=sheet.id))
    return saved or _show_page(sheet, settle=form)


@bp.route("/sheets/<int:sheet_id>/correct", methods=["GET", "POST"])
@roles_required(Role.DISPATCHER)
def correct(sheet_id):
    sheet = _visible(sheet_id)
    if sheet.current is None:
        return redirect(url_for("sheets.file", booking_id=sheet.booking_id))
    form = SheetForm()
    if request.method == "GET":
        form.fill_from(sheet.current)
    saved = save_form(form, lambda: filing.correct(current_user, sheet, form.details()),
                      _("The sheet is settled with the service's version."),
                      url_for("sheets.show", sheet_id=sheet.id))
    return saved or _form_page(sheet.booking, form,
                               url_for("sheets.correct", sheet_id=sheet.id), sheet=sheet)


@bp.route("/sheets/<int:sheet_id>/pdf")
@roles_required(BOOKING_PARTIES)
def sheet_pdf(sheet_id):
    return _pdf(_visible(sheet_id))


@bp.route("/sheets/<int:sheet_id>/receipts/<int:expense_id>")
@roles_required(BOOKING_PARTIES)
def receipt(sheet_id, expense_id):
    return _receipt(_visible(sheet_id), expense_id)


# --- by the booking's signed link, for people without an account ---------------------------

@bp.route("/b/<token>/sheet", methods=["GET", "POST"])
def by_link(token):
    """The sheet of the booking a link was signed for: the form once the work is over,
    the sheet once it is filed. A link alone never changes anything (a form does)."""
    booking = _by_token(token)
    sheet = find_sheet(booking)
    if sheet is not None and not sheet.is_awaited:
        return _show_page(sheet, token=token)
    form = SheetForm()
    if request.method == "GET":
        _prefill(form, booking)
    else:
        saved = save_form(form, lambda: filing.file_sheet(None, booking, form.details()),
                          filed_message(), url_for("sheets.by_link", token=token))
        if saved:
            return saved
    return _form_page(booking, form, url_for("sheets.by_link", token=token), token=token)


@bp.route("/b/<token>/sheet/pdf")
def pdf_by_link(token):
    sheet = find_sheet(_by_token(token))
    return _pdf(sheet) if sheet is not None else abort(404)


@bp.route("/b/<token>/sheet/receipts/<int:expense_id>")
def receipt_by_link(token, expense_id):
    sheet = find_sheet(_by_token(token))
    return _receipt(sheet, expense_id) if sheet is not None else abort(404)
