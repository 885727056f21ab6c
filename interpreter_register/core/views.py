"""The home page of each role, the language switcher and the health check."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select, text

from ..auth import services as auth_services
from ..auth.models import Role, User
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..organisations.services import colleagues_of, services_serving
from ..register.policy import current_policy
from ..register.services.summary import qualifications_of, register_summary
from .forms import LanguageForm, safe_next
from .i18n import offered_languages
from .time import today_in_brussels

bp = Blueprint("core", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("home/public.html")
    return HOME_PAGES[current_user.role]()


def _admin_home():
    users_per_role = dict(db.session.execute(
        select(User.role, func.count()).where(User.active.is_(True)).group_by(User.role)).all())
    pending = db.session.scalars(select(User).where(User.active.is_(True),
                                                    User.password_hash.is_(None))
                                 .order_by(User.created_at.desc()).limit(10)).all()
    counts = {
        "organisations": db.session.scalar(select(func.count()).select_from(Organisation)
                                           .where(Organisation.active.is_(True))),
        "services": db.session.scalar(select(func.count()).select_from(InterpretingService)
                                      .where(InterpretingService.active.is_(True))),
    }
    return render_template("home/admin.html", users_per_role=users_per_role, roles=list(Role),
                           pending=pending, counts=counts)


def _register_staff_home():
    return render_template("home/register_staff.html",
                           summary=register_summary(today_in_brussels()))


def _dispatcher_home():
    service = current_user.service
    dispatchers = [u for u in service.dispatchers if u.active]
    return render_template("home/dispatcher.html", service=service, dispatchers=dispatchers)


def _requester_home():
    organisation = current_user.organisation
    contacts = [u for u in colleagues_of(current_user) if u.is_contact_person and u.active]
    return render_template("home/requester.html", organisation=organisation,
                           services=services_serving(organisation.postcode), contacts=contacts)


def _interpreter_home():
    person = current_user.person
    return render_template("home/interpreter.html", person=person,
                           qualifications=qualifications_of(person),
                           today=today_in_brussels(), policy=current_policy())


HOME_PAGES = {
    Role.ADMIN: _admin_home,
    Role.REGISTER_STAFF: _register_staff_home,
    Role.DISPATCHER: _dispatcher_home,
    Role.REQUESTER: _requester_home,
    Role.INTERPRETER: _interpreter_home,
}


@bp.route("/language", methods=["POST"])
def switch_language():
    form = LanguageForm()
    back = safe_next(form.next.data, url_for("core.home"))
    if form.validate_on_submit() and form.language.data in offered_languages(current_user):
        session["language"] = form.language.data
        if current_user.is_authenticated:
            auth_services.set_language(current_user, form.language.data)
            db.session.commit()
    else:
        flash(_("This language is not available."), "warning")
    return redirect(back)


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "reachable"}
