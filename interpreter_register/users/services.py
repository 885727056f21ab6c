"""Managing accounts: administrators create, change, deactivate and invite any user; a
contact person does the same for the requesters of their organisation."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth import signals as auth_signals
from ..auth import two_factor
from ..auth.models import Role, User, recipient_of_user
from ..auth.services import find_user_by_email, send_invitation
from ..core.mail import send_mail
from ..core.permissions import require
from ..core.rules import RuleError
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation
from ..register.models import Person


@dataclass
class UserDetails:
    """What an administrator (or a contact person, within limits) sets on a user."""

    email: str
    name: str
    role: Role
    locale: str | None = None
    organisation: Organisation | None = None
    service: InterpretingService | None = None
    person: Person | None = None
    is_contact_person: bool = False


def _check_details(details: UserDetails, user: User | None) -> None:
    email = details.email.strip().lower()
    taken = find_user_by_email(email)
    if taken is not None and taken is not user:
        raise RuleError(_l("A user with this e-mail address already exists."), "email")
    _check_links(details, user)


def _check_links(details: UserDetails, user: User | None) -> None:
    needs = {Role.REQUESTER: ("organisation", _l("A requester belongs to an organisation.")),
             Role.DISPATCHER: ("service", _l("A dispatcher belongs to an interpreting service.")),
             Role.INTERPRETER: ("person", _l("An interpreter is linked to a person in the "
                                             "register."))}
    if details.role in needs:
        field, message = needs[details.role]
        if getattr(details, field) is None:
            raise RuleError(message, field)
    if details.person is not None:
        linked = db.session.scalar(select(User).where(User.person_id == details.person.id))
        if linked is not None and linked is not user:
            raise RuleError(_l("This person already has an account."), "person")


def _apply(user: User, details: UserDetails) -> None:
    user.email = details.email.strip().lower()
    user.name = details.name.strip()
    user.role = details.role
    user.locale = details.locale or None
    # Only the link the role needs is kept, so access never follows a stale link.
    user.organisation = details.organisation if details.role == Role.REQUESTER else None
    user.service = details.service if details.role == Role.DISPATCHER else None
    user.person = details.person if details.role == Role.INTERPRETER else None
    user.is_contact_person = details.role == Role.REQUESTER and details.is_contact_person


def create_user(acting: User | None, details: UserDetails) -> User:
    """Create an account and mail its owner an invitation to choose a password.

    ``acting`` is None only for the command line (the first administrator).
    """
    if acting is not None and not acting.is_admin:
        _restrict_to_colleague(acting, details)
        taken = find_user_by_email(details.email.strip().lower())
        if taken is not None and taken.organisation_id != acting.organisation_id:
            return _already_elsewhere(acting, taken, details)
    _check_details(details, None)
    user = User()
    _apply(user, details)
    db.session.add(user)
    db.session.flush()
    send_invitation(user, acting)
    return user


def _already_elsewhere(acting: User, taken: User, details: UserDetails) -> User:
    """A contact person invited an address that has an account outside their organisation.

    They are not told (that would reveal who has an account where): the page answers as
    for any invitation, nothing is created, and the owner of the address is told instead,
    so that they can ask to have their account moved. Returns a stand-in that is never
    saved, named as the contact person typed it."""
    send_mail(recipient_of_user(taken), "invitation_elsewhere",
              _l("Someone tried to invite you to the interpreter register"),
              "emails/invitation_elsewhere.txt", user=taken,
              organisation=acting.organisation.name)
    return User(name=details.name.strip(), email=taken.email, role=Role.REQUESTER)


def _restrict_to_colleague(acting: User, details: UserDetails) -> None:
    require(acting.can_manage_colleagues(), "only administrators and contact persons")
    details.role = Role.REQUESTER
    details.organisation = acting.organisation
    details.service = details.person = None


def update_user(acting: User, user: User, details: UserDetails) -> User:
    require(acting.is_admin, "only administrators edit users")
    if user.id == acting.id and details.role != Role.ADMIN:
        raise RuleError(_l("You cannot take away your own administrator role."), "role")
    _check_details(details, user)
    _apply(user, details)
    db.session.flush()
    return user


def deactivate_user(acting: User, user: User) -> None:
    """Block the user's login at once; their history stays."""
    require(acting.can_manage_user(user), "not allowed to deactivate this user")
    # With this and the rule on one's own role, at least one administrator stays active.
    if user.id == acting.id:
        raise RuleError(_l("You cannot deactivate your own account."))
    user.deactivate()
    db.session.flush()
    auth_signals.user_deactivated.send(user)


def reactivate_user(acting: User, user: User) -> None:
    require(acting.can_manage_user(user), "not allowed to reactivate this user")
    user.reactivate()
    db.session.flush()


def resend_invitation(acting: User, user: User) -> None:
    require(acting.can_manage_user(user), "not allowed to invite this user")
    if user.has_password:
        raise RuleError(_l("This user has already chosen a password."))
    send_invitation(user, acting)


def reset_two_factor(acting: User, user: User) -> None:
    """After a lost phone: the user signs in with their password alone (and, where it is
    required, sets two-step sign-in up again at once)."""
    require(acting.is_admin, "only administrators reset two-step sign-in")
    two_factor.turn_off(user)
    user.end_sessions()
    db.session.flush()
