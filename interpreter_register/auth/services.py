"""Accounts: logging in with throttling, passwords, reset and invitation tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.mail import send_mail
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from .models import LoginAttempt, User, recipient_of_user


@cache
def _dummy_hash() -> str:
    """A hash to check when the e-mail is unknown, so the answer takes as long as for a
    real account and does not tell which addresses exist."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


# --- logging in -------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    # One of: "ok", "wrong", "inactive", "throttled", "no_password"
    outcome: str = "wrong"
    wait_minutes: int = 0


def _failures_since(column, value, since) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    )


def throttle_wait(email: str, address: str) -> int:
    """Minutes to wait before another try, or 0: too many recent failures lock the door briefly.

    The limit is per account (against guessing one password) and per address (against
    trying many accounts). It lifts by itself when the window has passed, and a password
    reset lifts it for the account at once, so the real owner is never locked out for good.
    """
    config = current_app.config
    window: timedelta = config["LOGIN_THROTTLE_WINDOW"]
    since = utcnow() - window
    limits = ((LoginAttempt.email, email, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
              (LoginAttempt.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
    waits = []
    for column, value, limit in limits:
        if _failures_since(column, value, since) >= limit:
            oldest_counted = db.session.scalar(
                select(LoginAttempt.at)
                .where(column == value, LoginAttempt.at >= since,
                       LoginAttempt.succeeded.is_(False))
                .order_by(LoginAttempt.at.desc()).offset(limit - 1).limit(1))
            remaining = oldest_counted + window - utcnow()
            waits.append(max(1, -(-int(remaining.total_seconds()) // 60)))
    return max(waits, default=0)


def _record_attempt(email: str, address: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded))
    # Attempts are kept only as long as throttling needs them: no log of addresses.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    db.session.flush()


def authenticate(email: str, password: str, address: str) -> LoginResult:
    """Check a login; records the attempt. The caller logs the user in when outcome is 'ok'."""
    email = email.strip().lower()
    wait = throttle_wait(email, address)
    if wait:
        return LoginResult(outcome="throttled", wait_minutes=wait)
    user = find_user_by_email(email)
    if user is None or not user.has_password:
        check_password_hash(_dummy_hash(), password)
        _record_attempt(email, address, False)
        return LoginResult(outcome="wrong")
    if not user.check_password(password):
        _record_attempt(email, address, False)
        return LoginResult(outcome="wrong")
    _record_attempt(email, address, True)
    if not user.active:
        return LoginResult(user=user, outcome="inactive")
    user.last_login_at = utcnow()
    db.session.flush()
    return LoginResult(user=user, outcome="ok")


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email.strip().lower(),
                                                  LoginAttempt.succeeded.is_(False)))


# --- passwords ---------------------------------------------------------------------------

def password_problem(user: User, password: str) -> str | None:
    """Why a new password is not acceptable, translated; None when it is fine."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    if password.strip().lower() in {user.email.lower(), user.email.split("@")[0].lower()}:
        return _("Do not use your e-mail address as your password.")
    return None


def change_password(user: User, new_password: str) -> None:
    """Set a new password; every other session of the user ends."""
    user.set_password(new_password)
    clear_failures(user.email)
    db.session.flush()


def set_language(user: User, language: str) -> None:
    """Remember the UI language a user chose."""
    user.locale = language
    db.session.flush()


def update_own_account(user: User, name: str, language: str,
                       mails: dict[str, bool] | None = None) -> None:
    """What every user may change about themselves: name, language, which mails they get."""
    user.name = name.strip()
    for preference, wanted in (mails or {}).items():
        if preference in ("mail_offers", "mail_bookings", "mail_reminders"):
            setattr(user, preference, bool(wanted))
    set_language(user, language)


# --- signed tokens for password reset and invitation ------------------------------------
# A token names the user and a fingerprint of their current password hash: once the
# password is set or changed, every earlier token for that user stops working.

TOKEN_PURPOSES = {"reset": "PASSWORD_RESET_MAX_AGE", "invitation": "INVITATION_MAX_AGE"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"auth-{purpose}")


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"user": user.id, "fp": _fingerprint(user)})


class TokenError(Exception):
    """A reset or invitation link that cannot be used; ``reason`` is 'expired' or 'invalid'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def user_for_token(token: str, purpose: str) -> User:
    max_age = current_app.config[TOKEN_PURPOSES[purpose]]
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise TokenError("expired") from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise TokenError("invalid")
    return user


def _mail_to(user: User, template: str, kind: str, subject, **context) -> None:
    send_mail(recipient_of_user(user), kind, subject, template, user=user, **context)


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active account; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    hours = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600)
    link = external_url("auth.reset_password", token=make_token(user, "reset"))
    _mail_to(user, "emails/password_reset.txt", "password_reset",
             _l("Reset your password"), link=link, hours=max(hours, 1))


def reset_password(user: User, new_password: str) -> None:
    change_password(user, new_password)


def send_invitation(user: User, invited_by: User | None) -> None:
    """Mail a new user the link to choose their password; no password is ever mailed."""
    days = current_app.config["INVITATION_MAX_AGE"].days
    link = external_url("auth.accept_invitation", token=make_token(user, "invitation"))
    _mail_to(user, "emails/invitation.txt", "invitation",
             _l("Your account in the interpreter register"),
             link=link, days=days, invited_by=invited_by)
