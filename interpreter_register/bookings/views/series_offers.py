"""Interpreters answer the dates of a series at once: logged in, from their offers, or
from the signed link in the mail that offered them (until the offers expire)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...auth.models import Role
from ...core.edge import one_click
from ...core.permissions import roles_required
from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from ..forms import SeriesAnswerForm
from ..links import series_offer_claim_from
from ..models import RequestSeries
from ..services.series_booking import answer_series, open_series_offers
from . import portal_bp as bp


def answered_message(result) -> str:
    booked, missed = result
    text = (ngettext("You are booked for %(num)d date; the others are declined.",
                     "You are booked for %(num)d dates; the others are declined.",
                     len(booked)) if booked
            else _("You declined the dates of this series. Thank you for answering."))
    if missed:
        text += " " + ngettext("%(num)d date could no longer be taken.",
                               "%(num)d dates could no longer be taken.", len(missed))
    return text


@bp.route("/portal/series/<int:series_id>/answer", methods=["POST"])
@roles_required(Role.INTERPRETER)
def answer_series_dates(series_id):
    series = db.session.get(RequestSeries, series_id)
    if series is None or not open_series_offers(current_user.person_id, series, utcnow()):
        abort(404)
    form = SeriesAnswerForm()
    return one_click(lambda: answer_series(current_user, current_user.person_id, series,
                                           set(form.accept.data or ()), form.reason.data),
                     answered_message, url_for("portal.index"), form=form)


@bp.route("/offers/series/<token>", methods=["GET", "POST"])
def answer_series_offer(token):
    """The link in the mail that offered the dates: the open ones, each to tick."""
    claim = series_offer_claim_from(token)
    series = db.session.get(RequestSeries, claim[1]) if claim else None
    if series is None:
        abort(404)
    person_id = claim[0]
    form = SeriesAnswerForm()
    if form.validate_on_submit():
        try:
            result = answer_series(None, person_id, series, set(form.accept.data or ()),
                                   form.reason.data)
        except RuleError as error:
            db.session.rollback()
            flash(str(error.message), "warning")
        else:
            db.session.commit()
            flash(answered_message(result), "success")
        return redirect(url_for("portal.answer_series_offer", token=token))
    return render_template("portal/series_offer.html", series=series, form=form,
                           offers=open_series_offers(person_id, series, utcnow()))
