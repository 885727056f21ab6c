"""Dispatchers: the queue of their service, the matching panel, booking and offers."""

from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...auth.models import Role
from ...core.arguments import list_arguments, page_arg
from ...core.edge import one_click, save_form
from ...core.i18n import current_language
from ...core.permissions import roles_required
from ...core.time import to_brussels, today_in_brussels, utcnow
from ...extensions import db
from ...register.models import Modality
from ...register.services.people import language_choices
from ..forms import (
    DispatchSearchForm,
    OfferForm,
    PersonChoiceForm,
    QueueFilterForm,
    ReasonForm,
    RescheduleForm,
    moment,
    search_of,
)
from ..history import event_text
from ..matching.engine import match, other_pairs
from ..matching.explain import exclusion_text, reason_text
from ..models import OPEN_STATUSES, InterpretingRequest, RequestStatus
from ..services import booking as booking_service
from ..services import changes
from ..services import queue as queue_service
from ..services import requests as request_service
from ..services import search as search_service
from ..services.attention import attention_list
from ..services.queue import QueueFilter
from . import dispatch_bp as bp
from .common import cancelled_message
from .rows import attention_rows, queue_rows

SOON = timedelta(hours=48)


def _handled(request_id: int) -> InterpretingRequest:
    """A request of the dispatcher's own service; any other answers 404."""
    found = db.session.get(InterpretingRequest, request_id)
    if found is None or not found.can_be_handled_by(current_user):
        abort(404)
    return found


@bp.route("")
@roles_required(Role.DISPATCHER)
def queue():
    form = QueueFilterForm(request.args, languages=language_choices(current_language()))
    form.validate()
    # A filter the form refused (an unknown status, a day out of range) filters nothing.
    filters = QueueFilter(status=form.value("status") or "",
                          language=form.value("language") or "",
                          modality=form.value("modality") or "", day=form.value("day"))
    found = queue_service.queue(current_user.service_id, filters, page_arg())
    arguments = list_arguments()
    # The attention list heads the queue's first page, unfiltered.
    attention = (attention_rows(attention_list(current_user.service_id, utcnow()))
                 if not filters.narrowed and found.page.page == 1 else None)
    return render_template("dispatch/queue.html", form=form, page=found.page,
                           rows=queue_rows(found.page.items, utcnow() + SOON),
                           counts=found.counts, statuses=list(RequestStatus),
                           open_statuses=OPEN_STATUSES, arguments=arguments,
                           attention=attention)


@bp.route("/search")
@roles_required(Role.DISPATCHER)
def search():
    """The service's requests in every status, by number, case reference, organisation,
    interpreter and dates."""
    form = DispatchSearchForm(request.args, languages=language_choices(current_language()))
    form.validate()
    wanted = search_of(form)
    page = search_service.service_requests(current_user.service_id, wanted, utcnow(),
                                           page_arg())
    arguments = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("dispatch/search.html", form=form, page=page, arguments=arguments,
                           now=utcnow())


@bp.route("/requests/<int:request_id>")
@roles_required(Role.DISPATCHER)
def show(request_id):
    item = _handled(request_id)
    # Booked work that is over waits for its completion sheet: nobody to match any more.
    over = item.work_is_over(utcnow())
    result = match(item) if item.is_open and not over else None
    others = other_pairs(item) if result is not None else []
    return render_template("dispatch/show.html", item=item, result=result, others=others,
                           exclusion_text=exclusion_text, reason_text=reason_text,
                           event_text=event_text, today=today_in_brussels(), over=over)


def _back(request_id: int) -> str:
    return url_for("dispatch.show", request_id=request_id)


@bp.route("/requests/<int:request_id>/book", methods=["POST"])
@roles_required(Role.DISPATCHER)
def book(request_id):
    form = PersonChoiceForm()
    item = _handled(request_id)
    return one_click(
        lambda: booking_service.book(current_user, item, int(form.person.data)),
        lambda booking: _("%(name)s is booked.", name=booking.person.full_name),
        _back(request_id), form=form)


@bp.route("/requests/<int:request_id>/offers", methods=["POST"])
@roles_required(Role.DISPATCHER)
def offers(request_id):
    form, item = OfferForm(), _handled(request_id)
    return one_click(
        lambda: booking_service.send_offers(current_user, item, form.people.data or None,
                                            form.waves.data),
        lambda sent: ngettext("The offer is sent to %(num)d person.",
                              "The offer is sent to %(num)d people.", len(sent)),
        _back(request_id), form=form)


@bp.route("/requests/<int:request_id>/next-wave", methods=["POST"])
@roles_required(Role.DISPATCHER)
def next_wave(request_id):
    item = _handled(request_id)
    return one_click(
        lambda: booking_service.next_wave(item, acting=current_user),
        lambda sent: ngettext("The next wave went to %(num)d person.",
                              "The next wave went to %(num)d people.", len(sent)) if sent
        else _("There is no next wave: every tier was offered."),
        _back(request_id))


@bp.route("/requests/<int:request_id>/reassign", methods=["POST"])
@roles_required(Role.DISPATCHER)
def reassign(request_id):
    form, item = PersonChoiceForm(), _handled(request_id)
    return one_click(
        lambda: changes.reassign(current_user, item, int(form.person.data)),
        lambda booking: _("%(name)s is booked instead.", name=booking.person.full_name),
        _back(request_id), form=form)


@bp.route("/requests/<int:request_id>/reschedule", methods=["GET", "POST"])
@roles_required(Role.DISPATCHER)
def reschedule(request_id):
    item = _handled(request_id)
    if item.is_translation or not item.is_open or item.work_is_over(utcnow()):
        abort(404)
    form = RescheduleForm(obj=item)
    if request.method == "GET":
        local_start, local_end = to_brussels(item.starts_at), to_brussels(item.ends_at)
        form.day.data, form.starts.data = local_start.date(), local_start.time()
        form.ends.data = local_end.time()
    saved = save_form(form, lambda: changes.reschedule(
        current_user, item, moment(form.day.data, form.starts.data, "starts"),
        moment(form.day.data, form.ends.data, "ends"), form.address.data,
        form.postcode.data, form.municipality.data),
        _("The request is moved."), _back(request_id))
    return saved or render_template("dispatch/reschedule.html", item=item, form=form,
                                    on_site=item.modality == Modality.ON_SITE)


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.DISPATCHER)
def cancel(request_id):
    item = _handled(request_id)
    form = ReasonForm()
    late = request_service.cancellation_is_late(item, utcnow())
    saved = save_form(form, lambda: request_service.cancel_request(current_user, item,
                                                                   form.reason.data),
                      cancelled_message, _back(request_id))
    return saved or render_template("requests/cancel.html", item=item, form=form, late=late,
                                    back=_back(request_id))

