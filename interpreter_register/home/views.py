"""The home page of each role."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.models import Role, User
from ..bookings.services.revisions import awaiting_revision, translation_pair
from ..bookings.views.rows import attention_rows
from ..core.time import today_in_brussels, utcnow
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..organisations.services import colleagues_of, services_serving
from ..register.policy import current_policy
from ..register.services.summary import qualifications_of, register_summary
from ..sheets.services import lists as sheet_lists
from . import work

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
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
    today = today_in_brussels()
    return render_template("home/register_staff.html", summary=register_summary(today),
                           work=work.register_work(today), awaiting=awaiting_revision(),
                           translation_pair=translation_pair)


def _dispatcher_home():
    service = current_user.service
    dispatchers = [u for u in service.dispatchers if u.active]
    found = work.dispatcher_work(service.id, utcnow())
    return render_template("home/dispatcher.html", service=service, dispatchers=dispatchers,
                           work=found, attention=attention_rows(found.attention),
                           sheets=sheet_lists.service_counts(service.id, utcnow()))


def _requester_home():
    organisation = current_user.organisation
    contacts = [u for u in colleagues_of(current_user) if u.is_contact_person and u.active]
    return render_template("home/requester.html", organisation=organisation,
                           work=work.requester_work(organisation.id, utcnow()),
                           sheets_to_confirm=sheet_lists.to_confirm(organisation.id),
                           services=services_serving(organisation.postcode), contacts=contacts)


def _interpreter_home():
    person = current_user.person
    now = utcnow()
    return render_template("home/interpreter.html", person=person, now=now,
                           work=work.interpreter_work(person.id, now),
                           sheets_to_file=sheet_lists.to_file(person.id, now),
                           qualifications=qualifications_of(person),
                           today=today_in_brussels(), policy=current_policy())


HOME_PAGES = {
    Role.ADMIN: _admin_home,
    Role.REGISTER_STAFF: _register_staff_home,
    Role.DISPATCHER: _dispatcher_home,
    Role.REQUESTER: _requester_home,
    Role.INTERPRETER: _interpreter_home,
}
