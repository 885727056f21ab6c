"""Report pages: shortage, register overview, service figures, per organisation; each with a
period in its URL, a chart drawn on the server, the table beside it, and CSV and XLSX."""

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import REGISTER_KEEPERS, REPORT_READERS, STAFF_ROLES
from ..bookings.models import UnfilledReason
from ..core.arguments import int_arg
from ..core.i18n import current_language, format_month, language_label
from ..core.permissions import require, roles_required
from ..core.time import today_in_brussels
from ..extensions import db
from ..organisations.models import InterpretingService
from ..quality import feedback, renewals
from ..register.models import CertificateStatus, Person, Tier
from ..register.policy import current_policy
from . import charts, exports, figures, source
from .periods import period_from

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.teardown_app_request(source.close)


def percent(value) -> str:
    return "—" if value is None else format_percent(value, "#0%")


def share(value) -> exports.Share | None:
    """A fill rate for an export: none when nothing was asked."""
    return None if value is None else exports.Share(value)


def number(value) -> str:
    return "—" if value is None else format_decimal(value)


def _scope():
    """(service id, organisation id, what the figures cover) for the current user."""
    if current_user.is_dispatcher:
        return current_user.service_id, None, current_user.service.name
    if current_user.is_requester:
        return None, current_user.organisation_id, current_user.organisation.name
    chosen = int_arg("service")
    service = db.session.get(InterpretingService, chosen) if chosen else None
    return (service.id if service else None), None, (service.name if service
                                                      else _("All interpreting services"))


def _page(template: str, **context):
    period = period_from(request.args)
    services = (db.session.scalars(select(InterpretingService).order_by(
        InterpretingService.name)).all() if current_user.keeps_register else [])
    # What the page's links carry on: the period and the chosen service, read, never the
    # query string as it came (a stray "fmt" or "name" would clash with the export's own).
    args = dict(period.arguments())
    if int_arg("service"):
        args["service"] = str(int_arg("service"))
    return render_template(template, period=period, services=services, percent=percent,
                           number=number, args=args, figures_as_of=source.as_of(),
                           **context)


@bp.route("")
@roles_required(REPORT_READERS)
def index():
    return _page("reports/index.html")


# --- shortage -----------------------------------------------------------------------------

def _shortage_table(rows):
    ui = current_language()
    headers = [_("Language"), _("Working language"), _("Requests"), _("Booked"),
               _("Unfilled: nobody holds the language"), _("Unfilled: nobody available"),
               _("Unfilled: nobody accepted"), _("Fill rate"), *(t.label for t in Tier),
               _("Certificates expiring within 6 months")]
    body = [[r.language.name(ui), language_label(r.working_language), r.requests, r.filled,
             *(r.unfilled.get(reason, 0) for reason in UnfilledReason),
             share(r.fill_rate), *(r.supply.get(int(t), 0) for t in Tier), r.expiring]
            for r in rows]
    return [str(h) for h in headers], body


def _shortage():
    today = today_in_brussels()
    return figures.shortage(period_from(request.args), current_policy(), today)


@bp.route("/shortage")
@roles_required(REGISTER_KEEPERS)
def shortage():
    rows = _shortage()
    ui = current_language()
    shown = [r for r in rows if r.requests][:15]
    chart = charts.horizontal_bars(
        "shortage-chart", _("Requests and bookings per language"),
        _("For each language, the number of requests and how many were booked."),
        [r.language.name(ui) for r in shown],
        [(_("Requests"), [r.requests for r in shown]), (_("Booked"), [r.filled for r in shown])],
        [f"↔ {language_label(r.working_language)}" for r in shown])
    return _page("reports/shortage.html", rows=rows, chart=chart, tiers=list(Tier))


# --- register overview --------------------------------------------------------------------

def _register_table(overview):
    headers = [_("Subject"), _("Item"), _("Number")]
    rows = [[_("People"), _("Active"), overview.people],
            [_("Languages"), _("In the register"), overview.languages]]
    rows += [[_("Certificates"), str(s.label), overview.certificates[s]]
             for s in CertificateStatus]
    rows += [[_("Quality track"), str(step.label), overview.steps.get(step, 0)]
             for step in figures.STEP_ORDER]
    rows += [[_("Revision protocol"), _("Reliable"), overview.revision.get("reliable", 0)],
             [_("Revision protocol"), _("In revision"), overview.revision.get("in_revision", 0)]]
    rows += [[_("Certificates ending"), format_month(m), c]
             for m, c in overview.expiries]
    return [str(h) for h in headers], [[str(a), str(b), c] for a, b, c in rows]


@bp.route("/register")
@roles_required(REGISTER_KEEPERS)
def register():
    overview = figures.register_overview(current_policy(), today_in_brussels())
    months = [format_month(m, short=True) for m, _count in overview.expiries]
    chart = charts.vertical_bars(
        "expiry-chart", _("Certificates ending per month"),
        _("For each of the next twelve months, how many valid certificates end in it."),
        months, [(_("Certificates ending"), [c for _m, c in overview.expiries])],
        _("Certificates"))
    ending, ended = renewals.due(today_in_brussels())
    counts = feedback.feedback_counts()
    people = {p.id: p for p in db.session.scalars(select(Person).where(
        Person.id.in_(counts)))} if counts else {}
    feedback_rows = sorted(((people[i], r, c) for i, (r, c) in counts.items() if i in people),
                           key=lambda row: (-row[2], -row[1], row[0].sort_name))
    return _page("reports/register.html", overview=overview, chart=chart,
                 statuses=list(CertificateStatus), steps=figures.STEP_ORDER,
                 renewals_due=len(ending), renewals_overdue=len(ended),
                 feedback_rows=feedback_rows)


# --- service figures ----------------------------------------------------------------------

def _service_table(result, money=None):
    ui = current_language()
    headers = [_("Figure"), _("Group"), _("Value")]
    rows = [[_("Requests"), "", result.requests], [_("Booked"), "", result.filled],
            [_("Unfilled"), "", result.unfilled], [_("Fill rate"), "", share(result.fill_rate)],
            [_("Cancelled"), "", result.cancelled],
            [_("Late cancellations"), "", result.cancelled_late],
            [_("Median hours from request to booking"), "",
             result.median_hours_to_booking]]
    groups = ([(lang.name(ui), h) for lang, h in result.hours_by_language]
              + result.hours_by_organisation
              + [(str(modality.label), h) for modality, h in result.hours_by_modality])
    for label, value in ((_("Hours interpreted"), "total"),
                         (_("Of which planned, no settled sheet yet"), "planned"),
                         (_("Kilometres (settled sheets)"), "km")):
        rows += [[label, name, getattr(h, value)] for name, h in groups]
    rows += [[_("Requests per month"), format_month(m), r]
             for m, r, _f in result.months]
    if money is not None:
        rows += [[_("Revenue per language"), lang.name(ui), amount]
                 for lang, amount in money.by_language]
        rows += [[_("Revenue per organisation"), name, amount]
                 for name, amount in money.by_organisation]
        rows += [[_("Revenue per month"), format_month(m), amount]
                 for m, amount in money.by_month]
    return [str(h) for h in headers], [[str(a), str(b), c] for a, b, c in rows]


@bp.route("/service")
@roles_required(STAFF_ROLES)
def service():
    service_id, organisation_id, scope = _scope()
    result = figures.service_figures(period_from(request.args), service_id, organisation_id)
    chart = charts.vertical_bars(
        "months-chart", _("Requests and bookings per month"),
        _("For each month, the number of requests and how many were booked."),
        [format_month(m, short=True) for m, _r, _f in result.months],
        [(_("Requests"), [r for _m, r, _f in result.months]),
         (_("Booked"), [f for _m, _r, f in result.months])], _("Requests"))
    ui = current_language()
    hours = [(_("Hours interpreted per language"),
              [(lang.name(ui), h) for lang, h in result.hours_by_language]),
             (_("Hours interpreted per organisation"), result.hours_by_organisation),
             (_("Hours interpreted per way of working"),
              [(str(m.label), h) for m, h in result.hours_by_modality])]
    money = figures.revenue(period_from(request.args), service_id, organisation_id)
    ui_revenue = [(_("Revenue per language"),
                   [(lang.name(ui), amount) for lang, amount in money.by_language]),
                  (_("Revenue per organisation"), money.by_organisation),
                  (_("Revenue per month"), [(format_month(m), amount)
                                            for m, amount in money.by_month])]
    return _page("reports/service.html", result=result, chart=chart, scope=scope, hours=hours,
                 revenue=ui_revenue, revenue_total=money.total)


# --- per organisation ---------------------------------------------------------------------

def _organisation_table(rows):
    headers = [_("Organisation"), _("Requests"), _("Booked"), _("Unfilled"), _("Fill rate"),
               _("Hours interpreted"), _("Of which planned, no settled sheet yet"),
               _("Kilometres (settled sheets)"), _("Late cancellations")]
    return [str(h) for h in headers], [
        [r.name, r.requests, r.filled, r.unfilled, share(r.fill_rate), r.hours.total,
         r.hours.planned, r.hours.km, r.cancelled_late] for r in rows]


@bp.route("/organisations")
@roles_required(REPORT_READERS)
def organisations():
    service_id, organisation_id, scope = _scope()
    rows = figures.per_organisation(period_from(request.args), service_id, organisation_id)
    return _page("reports/organisations.html", rows=rows, scope=scope)


# --- exports ------------------------------------------------------------------------------

def _shortage_export(period):
    return _("Shortage"), *_shortage_table(_shortage())


def _register_export(period):
    overview = figures.register_overview(current_policy(), today_in_brussels())
    return _("Register"), *_register_table(overview)


def _service_export(period):
    service_id, organisation_id, _name = _scope()
    result = figures.service_figures(period, service_id, organisation_id)
    money = figures.revenue(period, service_id, organisation_id)
    return _("Service figures"), *_service_table(result, money)


def _organisations_export(period):
    service_id, organisation_id, _name = _scope()
    rows = figures.per_organisation(period, service_id, organisation_id)
    return _("Organisations"), *_organisation_table(rows)


# Each export: who may download it, and the table of the page it belongs to.
EXPORTS = {
    "shortage": (REGISTER_KEEPERS, _shortage_export),
    "register": (REGISTER_KEEPERS, _register_export),
    "service": (STAFF_ROLES, _service_export),
    "organisations": (REPORT_READERS, _organisations_export),
}


@bp.route("/<name>.<fmt>")
@roles_required(REPORT_READERS)
def export(name, fmt):
    if fmt not in ("csv", "xlsx") or name not in EXPORTS:
        abort(404)
    allowed, build = EXPORTS[name]
    require(current_user.has_role(allowed), f"the {name} export")
    period = period_from(request.args)
    title, headers, rows = build(period)
    stem = period.arguments().get("month") or period.first.isoformat()
    return exports.download(f"{name}-{stem}", fmt, title, headers, rows)
