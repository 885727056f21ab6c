"""Administrators manage every user; contact persons invite and deactivate colleagues."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..auth.models import Role, User
from ..core.arguments import paginate, text_arg
from ..core.edge import one_click, save_form
from ..core.forms import ConfirmForm
from ..core.permissions import require, roles_required
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..organisations.services import colleagues_of
from ..register.models import Person
from . import services
from .forms import ColleagueForm, UserForm

bp = Blueprint("users", __name__)

PAGE_SIZE = 50


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def index():
    query = text_arg("q")
    role = text_arg("role", 20)
    statement = select(User).order_by(User.active.desc(), User.name)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(User.name).like(pattern),
                                        func.lower(User.email).like(pattern)))
    if role in set(Role):
        statement = statement.where(User.role == role)
    page = paginate(statement, per_page=PAGE_SIZE)
    return render_template("users/index.html", page=page, query=query, role=role,
                           roles=list(Role), confirm=ConfirmForm())


def _user_form(user: User | None = None) -> UserForm:
    active = Organisation.active.is_(True)
    return UserForm(
        obj=user,
        organisations=db.session.scalars(select(Organisation).where(active)
                                         .order_by(Organisation.name)),
        services=db.session.scalars(select(InterpretingService)
                                    .where(InterpretingService.active.is_(True))
                                    .order_by(InterpretingService.name)),
        people=db.session.scalars(select(Person).where(Person.active.is_(True))
                                  .order_by(Person.last_name, Person.first_name)),
    )


def _details(form: UserForm) -> services.UserDetails:
    return services.UserDetails(
        email=form.email.data, name=form.name.data, role=Role(form.role.data),
        locale=form.locale.data or None,
        organisation=db.session.get(Organisation, form.organisation.data or 0),
        service=db.session.get(InterpretingService, form.service.data or 0),
        person=db.session.get(Person, form.person.data or 0),
        is_contact_person=form.is_contact_person.data,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create():
    form = _user_form()
    saved = save_form(form, lambda: services.create_user(current_user, _details(form)),
                      _("%(name)s was invited by mail to choose a password."),
                      url_for("users.index"))
    return saved or render_template("users/form.html", form=form, user=None)


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(user_id):
    user = _get_user(user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.organisation.data = user.organisation_id or 0
        form.service.data = user.service_id or 0
        form.person.data = user.person_id or 0
        form.locale.data = user.locale or ""
    saved = save_form(form, lambda: services.update_user(current_user, user, _details(form)),
                      _("%(name)s is saved."), url_for("users.index"))
    return saved or render_template("users/form.html", form=form, user=user)


def _user_action(user_id: int, action, done_message: str, back: str, confirm=None):
    """A one-click action on a user (deactivate, reactivate, invite), for whoever may;
    ``confirm`` the question asked first, of the user's name."""
    user = _get_user(user_id)
    require(current_user.can_manage_user(user))
    return one_click(lambda: action(current_user, user), done_message % {"name": user.name},
                     back, confirm=confirm and (confirm % {"name": user.name},
                                                _("Deactivate")))


def deactivation_question() -> str:
    return _("Deactivate %(name)s? They can no longer log in.")


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate(user_id):
    return _user_action(user_id, services.deactivate_user,
                        _("%(name)s can no longer log in."), url_for("users.index"),
                        deactivation_question())


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate(user_id):
    return _user_action(user_id, services.reactivate_user,
                        _("%(name)s can log in again."), url_for("users.index"))


@bp.route("/admin/users/<int:user_id>/invite", methods=["POST"])
@roles_required(Role.ADMIN)
def invite(user_id):
    return _user_action(user_id, services.resend_invitation,
                        _("A new invitation was mailed to %(name)s."), url_for("users.index"))


@bp.route("/admin/users/<int:user_id>/reset-two-step", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id):
    return _user_action(user_id, services.reset_two_factor,
                        _("%(name)s logs in with the password alone now."),
                        url_for("users.edit", user_id=user_id))


# --- a contact person and their colleagues ----------------------------------------------

@bp.route("/organisation/colleagues")
@roles_required(Role.REQUESTER)
def colleagues():
    require(current_user.can_manage_colleagues())
    return render_template("users/colleagues.html", colleagues=colleagues_of(current_user),
                           confirm=ConfirmForm())


@bp.route("/organisation/colleagues/new", methods=["GET", "POST"])
@roles_required(Role.REQUESTER)
def invite_colleague():
    require(current_user.can_manage_colleagues())
    form = ColleagueForm()
    saved = save_form(form, lambda: services.create_user(current_user, services.UserDetails(
        email=form.email.data, name=form.name.data, role=Role.REQUESTER,
        locale=form.locale.data or None)),
        _("%(name)s was invited by mail to choose a password."), url_for("users.colleagues"))
    return saved or render_template("users/invite_colleague.html", form=form)


@bp.route("/organisation/colleagues/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.REQUESTER)
def deactivate_colleague(user_id):
    return _user_action(user_id, services.deactivate_user,
                        _("%(name)s can no longer log in."), url_for("users.colleagues"),
                        deactivation_question())


@bp.route("/organisation/colleagues/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.REQUESTER)
def reactivate_colleague(user_id):
    return _user_action(user_id, services.reactivate_user,
                        _("%(name)s can log in again."), url_for("users.colleagues"))
