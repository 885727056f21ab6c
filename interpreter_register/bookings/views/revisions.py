"""Recording a revision of the revision protocol, with the booked translations of the pair
that wait for one: the register's protocol, fed by the bookings."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import REGISTER_KEEPERS
from ...core.arguments import int_arg
from ...core.edge import save_form
from ...core.permissions import roles_required
from ...core.time import today_in_brussels
from ...extensions import db
from ...register import policy
from ...register.forms import RevisionForm
from ...register.models import Person, Qualification, Verdict
from ...register.services import credentials
from ..services.revisions import awaiting_revision, translation_pair
from . import revisions_bp as bp


@bp.route("/qualifications/<int:qualification_id>/revisions/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def record(qualification_id):
    qualification = db.session.get(Qualification, qualification_id) or abort(404)
    track = qualification.revision_track or abort(404)
    day = today_in_brussels()
    waiting = [b for b in awaiting_revision(qualification.person_id)
               if translation_pair(b) is qualification]
    form = RevisionForm(revisors=credentials.same_pair_people(qualification), bookings=waiting)
    if request.method == "GET":
        form.revised_on.data = day
        chosen = next((b for b in waiting if b.id == int_arg("booking")),
                      None)
        if chosen is not None:
            form.booking.data = chosen.id
            form.translation.data = chosen.request.number
    saved = save_form(form, lambda: credentials.record_revision(
        current_user, track, form.revised_on.data,
        db.session.get(Person, form.revisor.data or 0), form.translation.data,
        Verdict(form.verdict.data), form.remarks.data, form.booking.data or None),
        _("The revision is recorded."),
        url_for("register.person", person_id=qualification.person_id))
    return saved or render_template("register/revision_form.html", form=form,
                                    qualification=qualification, track=track,
                                    standing=track.standing(day, policy.current_policy()))
