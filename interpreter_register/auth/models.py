"""Users, their one role, their sessions and second factor, and the record of login
attempts used for throttling."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, delete
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.database import UTCDateTime, enum_type
from ..core.mail import Recipient
from ..core.time import utcnow
from ..extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    REGISTER_STAFF = "register_staff"
    DISPATCHER = "dispatcher"
    REQUESTER = "requester"
    INTERPRETER = "interpreter"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.REGISTER_STAFF: _l("Register staff"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.REQUESTER: _l("Requester"),
    Role.INTERPRETER: _l("Interpreter / translator"),
}

# The role groups, named once: every access check in views, services, models and
# templates is said in these words (or in a model's ``can_*``), never as a list of roles.
# Who changes the register (people, certificates, languages, its policy).
REGISTER_KEEPERS = frozenset({Role.ADMIN, Role.REGISTER_STAFF})
# Who reads the register: its keepers, and dispatchers, who match from it.
REGISTER_READERS = REGISTER_KEEPERS | {Role.DISPATCHER}
# The people who work in the register or the services, as opposed to their clients;
# they may also choose English.
STAFF_ROLES = REGISTER_READERS
# Who takes part in bookings: the interpreter, the requesting organisation, the service
# (a booking's completion sheet is theirs, and theirs alone).
BOOKING_PARTIES = frozenset({Role.INTERPRETER, Role.REQUESTER, Role.DISPATCHER})
# Who has a calendar of bookings: their own, their organisation's, their service's.
CALENDAR_ROLES = BOOKING_PARTIES
# Who reads reports: everyone but interpreters, each within their scope.
REPORT_READERS = STAFF_ROLES | {Role.REQUESTER}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Access depends on these links, so a user without theirs cannot exist.
        CheckConstraint("role <> 'requester' OR organisation_id IS NOT NULL",
                        name="requester_has_organisation"),
        CheckConstraint("role <> 'dispatcher' OR service_id IS NOT NULL",
                        name="dispatcher_has_service"),
        CheckConstraint("role <> 'interpreter' OR person_id IS NOT NULL",
                        name="interpreter_has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("interpreting_services.id"),
                                                   index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    # A requester who may invite and deactivate colleagues of their organisation.
    is_contact_person: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(2))
    # Which mails the user wants (invitations and password links always go out).
    mail_offers: Mapped[bool] = mapped_column(default=True)
    mail_bookings: Mapped[bool] = mapped_column(default=True)
    mail_reminders: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Two-step sign-in (TOTP, RFC 6238): the shared secret once the user confirmed it, and
    # the last time step a code was accepted for (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation", back_populates="members")
    service = relationship("InterpretingService", back_populates="dispatchers")
    person = relationship("Person", back_populates="account")

    # The session this user was loaded for (``auth.sessions``): what the login and the
    # remember-me cookies carry, instead of anything lasting about the user.
    login_token = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    # Flask-Login
    def get_id(self) -> str | None:
        return self.login_token

    @property
    def is_active(self) -> bool:
        return self.active

    # Passwords
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def end_sessions(self) -> None:
        """Log the user out everywhere (after a password change or a deactivation)."""
        if self.id is None:
            return  # not saved yet: no login to end
        db.session.execute(delete(UserSession).where(UserSession.user_id == self.id))

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    # State
    def deactivate(self) -> None:
        self.active = False
        self.deactivated_at = utcnow()
        self.end_sessions()

    def reactivate(self) -> None:
        self.active = True
        self.deactivated_at = None

    # Roles and permissions, in the words of the role groups above
    def has_role(self, *roles_or_groups) -> bool:
        return any(self.role == r if isinstance(r, Role) else self.role in r
                   for r in roles_or_groups)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def keeps_register(self) -> bool:
        return self.role in REGISTER_KEEPERS

    @property
    def reads_register(self) -> bool:
        return self.role in REGISTER_READERS

    @property
    def is_dispatcher(self) -> bool:
        return self.role == Role.DISPATCHER

    @property
    def is_requester(self) -> bool:
        return self.role == Role.REQUESTER

    @property
    def is_interpreter(self) -> bool:
        return self.role == Role.INTERPRETER

    @property
    def has_calendar(self) -> bool:
        return self.role in CALENDAR_ROLES

    @property
    def reads_reports(self) -> bool:
        return self.role in REPORT_READERS

    def dispatches_for(self, service_id: int | None) -> bool:
        """A dispatcher of this interpreting service."""
        return self.is_dispatcher and service_id is not None and self.service_id == service_id

    def requests_for(self, organisation_id: int | None) -> bool:
        """A requester of this organisation."""
        return (self.is_requester and organisation_id is not None
                and self.organisation_id == organisation_id)

    def is_person(self, person_id: int | None) -> bool:
        """The interpreter's account of this person of the register."""
        return self.is_interpreter and person_id is not None and self.person_id == person_id

    def can_manage_colleagues(self) -> bool:
        return self.active and self.is_requester and self.is_contact_person

    def can_manage_user(self, other: "User") -> bool:
        """Administrators manage everyone; a contact person the requesters of their organisation."""
        if self.is_admin:
            return True
        return (self.can_manage_colleagues() and other.is_requester
                and other.organisation_id == self.organisation_id and other.id != self.id)


def recipient_of_user(user: User) -> Recipient:
    """A user's address and chosen language, for ``send_mail``."""
    return Recipient(user.email, user.locale)


class UserSession(db.Model):
    """One login: its secret token is what the session and remember-me cookies carry.
    Logging out deletes it, so a copied or replayed cookie stops working at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator (a lost phone); kept hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(db.Model):
    """One try to log in (or to give the second factor, or to ask for a reset link); kept
    for a day to slow guessing, then pruned."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "login" (the password), "code" (the second factor) or "reset" (a reset link asked).
    purpose: Mapped[str] = mapped_column(String(10), default="login")
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)
