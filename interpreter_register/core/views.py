"""The home page of each role, the language switcher and the health check."""

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from ..auth import services as auth_services
from ..auth.models import Role, User
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..organisations.services import colleagues_of, services_serving
from ..register.policy import current_policy
from ..register.services.summary import qualifications_of, register_summary
from . import settings
from .edge import save_form
from .forms import LanguageForm, safe_next, settings_form
from .i18n import offered_languages
from .permissions import check
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
    from ..bookings.services.booking import awaiting_revision, translation_pair
    return render_template("home/register_staff.html",
                           summary=register_summary(today_in_brussels()),
                           awaiting=awaiting_revision(), translation_pair=translation_pair)


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


# Who keeps which policy: the register's for its staff, matching and offers for admins.
SETTING_GROUPS = {
    "register": ((Role.ADMIN, Role.REGISTER_STAFF), _l("Register policy")),
    "matching": ((Role.ADMIN,), _l("Matching and offers")),
    "jobs": ((Role.ADMIN,), _l("Reminders and retention")),
}


@bp.route("/settings/<group>", methods=["GET", "POST"])
@login_required
def policy_settings(group):
    if group not in SETTING_GROUPS:
        abort(404)
    roles, title = SETTING_GROUPS[group]
    check(current_user.role in roles)
    specs = [spec for key, spec in settings.SPECS.items() if key.startswith(f"{group}.")]
    form = settings_form(specs, settings.values(f"{group}."))
    saved = save_form(form, lambda: settings.change_many(current_user, form.values()),
                      _("The settings are saved."), url_for("core.policy_settings", group=group))
    return saved or render_template("core/settings.html", form=form, title=title, group=group)


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "reachable"}
