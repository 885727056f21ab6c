"""The invoice pages: a service's invoices by month (the run with its preview, detail,
downloads, credit notes, Peppol), the organisations' billing data, and the requesters'
cost overview."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import Role
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm
from ...core.i18n import current_language
from ...core.permissions import require, roles_required
from ...core.rules import RuleError, show_on_form
from ...core.time import today_in_brussels, utcnow
from ...extensions import db
from ...organisations.models import InterpretingService, Organisation, ReferenceRule
from ..exports import services as exports
from ..exports.models import ExportKind
from . import costs, customers, documents, run
from .forms import BillingForm, CreditForm, MonthReferenceForm, SellerForm
from .models import Invoice
from .peppol import access_point

bp = Blueprint("invoicing", __name__)


def _month_arg(default: date) -> date:
    """?month=2026-03, within bounds; anything else is the default month."""
    text = (request.args.get("month") or "")[:7]
    try:
        year, month = (int(part) for part in text.split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return default
    return chosen if date(2000, 1, 1) <= chosen <= date(2199, 12, 1) else default


def _invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or not invoice.can_be_seen_by(current_user):
        abort(404)
    return invoice


def _download(data: bytes, name: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- the service's invoices ------------------------------------------------------------

def _service() -> InterpretingService:
    return db.session.get(InterpretingService, current_user.service_id) or abort(404)


@bp.route("/invoices")
@roles_required(Role.DISPATCHER)
def index():
    service = _service()
    period = _month_arg(run.previous_month(today_in_brussels()))
    invoices = run.issued_invoices(service.id, period)
    plan = run.plan_month(service, period) if period < today_in_brussels().replace(day=1) \
        else None
    made = exports.of_month(current_user, service.id, ExportKind.INVOICES, period)
    return render_template("invoicing/index.html", service=service, period=period,
                           invoices=invoices, plan=plan, problem=run.seller_problem(service),
                           exports=made,
                           months=costs.recent_months(), confirm=ConfirmForm(),
                           can_send=access_point() is not None)


@bp.route("/invoices/run", methods=["POST"])
@roles_required(Role.DISPATCHER)
def run_month():
    service = _service()
    period = _month_arg(run.previous_month(today_in_brussels()))
    back = url_for("invoicing.index", month=f"{period:%Y-%m}")
    return one_click(lambda: run.bill_month(current_user, service, period),
                     lambda plan: _("%(count)d invoices issued.") % {
                         "count": len(plan.invoices)}, back)


@bp.route("/invoices/<int:invoice_id>")
@roles_required(Role.DISPATCHER, Role.REQUESTER)
def show(invoice_id):
    invoice = _invoice(invoice_id)
    language = invoice.language
    from flask_babel import force_locale

    from ...core.i18n import locale_for
    with force_locale(locale_for(language)):
        names = {line.id: documents.line_name(line, language) for line in invoice.lines}
    return render_template("invoicing/show.html", invoice=invoice, names=names,
                           confirm=ConfirmForm(), can_send=access_point() is not None)


# Each download: the documents function that makes it (by name), and its type.
FORMATS = {"pdf": ("invoice_pdf", "application/pdf"),
           "xml": ("invoice_xml", "application/xml")}


def _document(invoice_id: int, extension: str) -> Response:
    invoice = _invoice(invoice_id)
    maker, mimetype = FORMATS[extension]
    return _download(getattr(documents, maker)(invoice),
                     documents.document_name(invoice, extension), mimetype)


@bp.route("/invoices/<int:invoice_id>/pdf")
@roles_required(Role.DISPATCHER, Role.REQUESTER)
def invoice_pdf(invoice_id):
    return _document(invoice_id, "pdf")


@bp.route("/invoices/<int:invoice_id>/xml")
@roles_required(Role.DISPATCHER, Role.REQUESTER)
def invoice_xml(invoice_id):
    return _document(invoice_id, "xml")


@bp.route("/invoices/export", methods=["POST"])
@roles_required(Role.DISPATCHER)
def ask_export():
    """Queue the month's zip (PDF, XML and journal) for the background worker."""
    service = _service()
    period = _month_arg(run.previous_month(today_in_brussels()))
    return one_click(
        lambda: exports.ask(current_user, service.id, ExportKind.INVOICES, period,
                            current_language()),
        _("The export is queued. This page shows when it is ready, and you get a mail."),
        url_for("invoicing.index", month=f"{period:%Y-%m}"))


@bp.route("/invoices/<int:invoice_id>/credit", methods=["GET", "POST"])
@roles_required(Role.DISPATCHER)
def credit(invoice_id):
    invoice = _invoice(invoice_id)
    require(invoice.can_be_credited_by(current_user))
    form = CreditForm()
    open_sheets = run.open_sheet_ids(invoice)
    if form.validate_on_submit():
        chosen = request.form.getlist("sheet", type=int) or None
        try:
            note = run.credit(current_user, invoice, form.reason.data, chosen)
        except RuleError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            flash(_("Credit note %(number)s issued.") % {"number": note.number}, "success")
            return redirect(url_for("invoicing.show", invoice_id=note.id))
    return render_template("invoicing/credit.html", invoice=invoice, form=form,
                           open_sheets=open_sheets)


@bp.route("/invoices/<int:invoice_id>/send", methods=["POST"])
@roles_required(Role.DISPATCHER)
def send(invoice_id):
    invoice = _invoice(invoice_id)
    return one_click(lambda: customers.send(current_user, invoice, access_point(),
                                            documents.invoice_xml(invoice), utcnow()),
                     lambda accepted: _("The invoice was sent by Peppol.") if accepted
                     else _("The access point refused the invoice: %(error)s") % {
                         "error": invoice.send_result},
                     url_for("invoicing.show", invoice_id=invoice.id))


# --- billing data ----------------------------------------------------------------------

def _billing_details(form) -> customers.BillingDetails:
    return customers.BillingDetails(
        street=form.billing_street.data, postcode=form.billing_postcode.data,
        city=form.billing_city.data, enterprise_number=form.enterprise_number.data,
        peppol_id=form.peppol_id.data, reference_rule=ReferenceRule(form.reference_rule.data),
        invoice_language=form.invoice_language.data or None)


def _billing_page(organisation: Organisation, back: str):
    form = BillingForm(obj=organisation)
    if request.method == "GET":
        form.reference_rule.data = organisation.reference_rule.value
        form.invoice_language.data = organisation.invoice_language or ""
    saved = save_form(form, lambda: customers.save_billing_details(
        current_user, organisation, _billing_details(form)),
        _("The billing data of %(name)s is saved."), back)
    return saved or render_template("invoicing/billing.html", form=form,
                                    organisation=organisation, back=back)


@bp.route("/admin/organisations/<int:organisation_id>/billing", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisation_billing(organisation_id):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    return _billing_page(organisation, url_for("organisations.organisations"))


@bp.route("/organisation/billing", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def own_billing():
    require(current_user.can_manage_colleagues())
    organisation = db.session.get(Organisation, current_user.organisation_id) or abort(404)
    return _billing_page(organisation, url_for("invoicing.costs_overview"))


@bp.route("/admin/services/<int:service_id>/billing", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def service_billing(service_id):
    service = db.session.get(InterpretingService, service_id) or abort(404)
    form = SellerForm(obj=service)
    saved = save_form(form, lambda: customers.save_seller_details(
        current_user, service, customers.SellerDetails(
            street=form.billing_street.data, postcode=form.billing_postcode.data,
            city=form.billing_city.data, enterprise_number=form.enterprise_number.data,
            iban=form.iban.data, payment_days=form.payment_days.data)),
        _("The billing data of %(name)s is saved."), url_for("organisations.services_index"))
    return saved or render_template("invoicing/seller.html", form=form, service=service)


# --- the requesters' costs --------------------------------------------------------------

@bp.route("/organisation/costs")
@roles_required(Role.REQUESTER)
def costs_overview():
    period = _month_arg(run.previous_month(today_in_brussels()))
    overview = costs.overview(current_user, period)
    return render_template("invoicing/costs.html", overview=overview, period=period,
                           months=costs.recent_months(),
                           reference_form=MonthReferenceForm(month=f"{period:%Y-%m}"))


@bp.route("/organisation/references", methods=["POST"])
@roles_required(Role.REQUESTER)
def give_reference():
    require(current_user.can_manage_colleagues())
    organisation = db.session.get(Organisation, current_user.organisation_id) or abort(404)
    form = MonthReferenceForm()
    back = url_for("invoicing.costs_overview", month=form.month.data or "")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return redirect(back)
    year, month = (int(part) for part in form.month.data.split("-"))
    try:
        customers.give_month_reference(current_user, organisation, date(year, month, 1),
                                       form.reference.data)
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(_("The reference is saved."), "success")
    return redirect(back)
