"""Series: the requester's page of a series and cancelling it from a date; the
dispatcher's page, which matches the series as a whole and books or offers it to one
person."""

from datetime import date

from flask import abort, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from ...auth.models import Role
from ...core.edge import one_click, save_form
from ...core.forms import choices
from ...core.i18n import format_day
from ...core.permissions import roles_required
from ...core.time import utcnow
from ...extensions import db
from ..forms import PersonChoiceForm, SeriesCancelForm
from ..matching.series import match_series
from ..models import RequestSeries
from ..recurrence_words import rule_words
from ..services import series as series_service
from ..services import series_booking
from . import dispatch_bp, requests_bp


def _series(series_id: int, may) -> RequestSeries:
    """A series the current user may see this way; any other answers 404."""
    found = db.session.get(RequestSeries, series_id)
    if found is None or not may(found):
        abort(404)
    return found


# --- requesters ---------------------------------------------------------------------------

@requests_bp.route("/series/<int:series_id>")
@roles_required(Role.REQUESTER)
def series(series_id):
    found = _series(series_id, lambda s: s.can_be_changed_by(current_user))
    now = utcnow()
    return render_template("requests/series.html", series=found, rule=rule_words(found.rule),
                           now=now, may_cancel=bool(series_service.days_to_cancel_from(
                               found, now)))


@requests_bp.route("/series/<int:series_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def series_cancel(series_id):
    found = _series(series_id, lambda s: s.can_be_changed_by(current_user))
    form = SeriesCancelForm()
    form.first_day.choices = choices(
        (day.isoformat(), format_day(day, weekday=True))
        for day in series_service.days_to_cancel_from(found, utcnow()))
    back = url_for("requests.series", series_id=found.id)

    def cancel():
        return series_service.cancel_from(current_user, found,
                                          date.fromisoformat(form.first_day.data),
                                          form.reason.data)

    def done(result):
        cancelled, late = result
        text = ngettext("%(num)d date of the series is cancelled.",
                        "%(num)d dates of the series are cancelled.", cancelled)
        if late:
            text += " " + ngettext("%(num)d of them was cancelled late under the service's "
                                   "policy.", "%(num)d of them were cancelled late under the "
                                   "service's policy.", late)
        return text
    saved = save_form(form, cancel, done, back)
    return saved or render_template("requests/series_cancel.html", series=found, form=form,
                                    back=back)


# --- dispatchers --------------------------------------------------------------------------

@dispatch_bp.route("/series/<int:series_id>")
@roles_required(Role.DISPATCHER)
def series_panel(series_id):
    """The series as a whole: who can take every remaining date, or how many of them."""
    found = _series(series_id, lambda s: s.can_be_handled_by(current_user))
    now = utcnow()
    waiting = [r for r in series_service.awaiting(found, now)
               if r.can_be_handled_by(current_user)]
    result = match_series(waiting) if waiting else None
    return render_template("dispatch/series.html", series=found, rule=rule_words(found.rule),
                           waiting=waiting, result=result, now=now)


def _series_action(series_id: int, act, done):
    found = _series(series_id, lambda s: s.can_be_handled_by(current_user))
    form = PersonChoiceForm()
    return one_click(lambda: act(current_user, found, int(form.person.data)), done,
                     url_for("dispatch.series_panel", series_id=found.id), form=form)


def _left_words(left) -> str:
    if not left:
        return ""
    return " " + ngettext("%(num)d date stays in the queue, flagged.",
                          "%(num)d dates stay in the queue, flagged.", len(left))


@dispatch_bp.route("/series/<int:series_id>/book", methods=["POST"])
@roles_required(Role.DISPATCHER)
def series_book(series_id):
    return _series_action(series_id, series_booking.book_series, lambda result: ngettext(
        "%(name)s is booked for %(num)d date.", "%(name)s is booked for %(num)d dates.",
        len(result[0]), name=result[0][0].person.full_name) + _left_words(result[1]))


@dispatch_bp.route("/series/<int:series_id>/offer", methods=["POST"])
@roles_required(Role.DISPATCHER)
def series_offer(series_id):
    return _series_action(series_id, series_booking.offer_series, lambda result: ngettext(
        "%(num)d date is offered to %(name)s.", "%(num)d dates are offered to %(name)s.",
        len(result[0]), name=result[0][0].person.full_name) + _left_words(result[1]))
