"""Requesters: ask for an interpreter or a translation, follow it, cancel it."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ...auth.models import Role
from ...core.arguments import page_arg
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm, choices
from ...core.i18n import current_language
from ...core.permissions import require, roles_required
from ...core.rules import RuleError, show_on_form
from ...core.time import to_brussels, utcnow
from ...extensions import db
from ...register.models import Modality, Person
from ...register.services.people import language_choices
from ..forms import (
    BarForm,
    EditRequestForm,
    ReasonForm,
    RequestForm,
    RequestSearchForm,
    search_of,
)
from ..history import event_text
from ..models import Booking, InterpretingRequest, OrganisationBar
from ..recurrence import Frequency, Recurrence
from ..services import availability
from ..services import requests as service
from ..services import search as search_service
from ..services import series as series_service
from . import requests_bp as bp
from .common import cancelled_message, load_request


@bp.route("")
@roles_required(Role.REQUESTER)
def index():
    form = RequestSearchForm(request.args, languages=language_choices(current_language()))
    form.validate()
    search = search_of(form)
    page = search_service.organisation_requests(current_user.organisation_id, search,
                                                utcnow(), page_arg())
    arguments = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("requests/index.html", page=page, form=form,
                           arguments=arguments, narrowed=search.narrowed, now=utcnow())


def _fill(form: RequestForm, item: InterpretingRequest, with_day: bool) -> None:
    """A form showing what a request asks (to change it, or to ask the same again)."""
    details = service.details_of(item)
    form.language.data, form.working_language.data = item.language_code, item.working_language
    form.modality.data, form.domain.data = item.modality.value, item.domain.value
    if item.starts_at is not None:
        local_start, local_end = to_brussels(item.starts_at), to_brussels(item.ends_at)
        form.day.data = local_start.date() if with_day else None
        form.starts.data, form.ends.data = local_start.time(), local_end.time()
    form.deadline_on.data = details.deadline_on if with_day else None
    form.words.data = details.words
    form.direction.data = details.direction.value
    for name in ("address", "postcode", "municipality", "phone_number", "video_link",
                 "case_reference", "notes", "prefer_same_interpreter", "urgent"):
        getattr(form, name).data = getattr(details, name)
    form.preferred_gender.data = (details.preferred_gender.value if details.preferred_gender
                                  else "")


def _request_form(form_class=RequestForm):
    return form_class(languages=language_choices(current_language()), ui=current_language())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def create():
    form = _request_form()
    if request.method == "GET":
        form.working_language.data = current_user.organisation.working_language
        form.modality.data = Modality.ON_SITE.value
        form.municipality.data = current_user.organisation.municipality
        form.postcode.data = current_user.organisation.postcode
    return _ask(form)


@bp.route("/<int:request_id>/again", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def again(request_id):
    """Ask again what an earlier request asked: the form filled in, the day to choose
    (the earlier one, when it is still to come)."""
    source = load_request(request_id)
    form = _request_form()
    if request.method == "GET":
        _fill(form, source, with_day=not source.has_begun(utcnow()))
    return _ask(form, source)


def _ask(form: RequestForm, source: InterpretingRequest | None = None):
    if form.is_submitted() and form.repeat.data:
        return _ask_series(form, source)
    saved = save_form(form, lambda: service.create_request(current_user, form.details()),
                      _("Your request is sent to the interpreting service."),
                      lambda created: url_for("requests.show", request_id=created.id))
    return saved or render_template("requests/form.html", form=form, source=source)


def _rule(form: RequestForm) -> Recurrence:
    if form.day.data is None:
        raise RuleError(_l("Give the day, the start and the end."), "day")
    frequency = Frequency(form.repeat.data)
    nth = (int(form.repeat_nth.data) if form.repeat_nth.data
           and frequency == Frequency.MONTHLY_BY_WEEKDAY else None)
    return Recurrence(form.day.data, frequency, until=form.repeat_until.data,
                      count=form.repeat_count.data, nth=nth)


def _ask_series(form: RequestForm, source):
    """A series: its dates and the public holidays among them are shown first (to skip or
    keep), then saved."""
    plan = None
    if form.validate_on_submit():
        try:
            plan = series_service.plan_series(current_user, form.details(), _rule(form),
                                              current_language())
        except RuleError as error:
            db.session.rollback()
            show_on_form(form, error)
    seen = {part for part in (form.reviewed.data or "").split(",") if part}
    if plan is not None and not form.preview.data and seen == {
            day.isoformat() for day in plan.holiday_days}:
        saved = save_form(form, lambda: series_service.create_series(
            current_user, form.details(), _rule(form), skip=_skipped(form),
            language=current_language()),
            lambda made: ngettext("Your series of %(num)d dates is sent to the interpreting "
                                  "service.", "Your series of %(num)d dates is sent to the "
                                  "interpreting service.", made.size),
            lambda made: url_for("requests.series", series_id=made.id))
        if saved:
            return saved
    if plan is not None:
        form.reviewed.data = ",".join(sorted(day.isoformat() for day in plan.holiday_days))
    return render_template("requests/form.html", form=form, plan=plan, source=source)


def _skipped(form: RequestForm) -> set:
    found = set()
    for value in form.skip.data or ():
        try:
            found.add(date.fromisoformat(value))
        except ValueError:
            continue
    return found


@bp.route("/<int:request_id>")
@roles_required(Role.REQUESTER)
def show(request_id):
    item = load_request(request_id)
    now = utcnow()
    late = service.cancellation_is_late(item, now) if item.is_open else None
    return render_template("requests/show.html", item=item, late=late, event_text=event_text,
                           changeable=item.is_changeable(now))


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def edit(request_id):
    item = load_request(request_id)
    if not item.is_changeable(utcnow()):
        flash(_("This request has begun, is over or is closed: it can no longer be changed."),
              "warning")
        return redirect(url_for("requests.show", request_id=item.id))
    form = _request_form(EditRequestForm)
    if request.method == "GET":
        _fill(form, item, with_day=True)
    saved = save_form(form, lambda: series_service.edit_occurrences(
        current_user, item, form.details(), form.scope.data or "one"),
        lambda changed: ngettext("The change is saved.", "The change is saved for %(num)d "
                                 "dates.", changed) if changed else _("Nothing changed."),
        url_for("requests.show", request_id=item.id))
    return saved or render_template("requests/edit.html", form=form, item=item,
                                    booked=item.live_booking is not None)


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
