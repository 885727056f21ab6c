"""Accounts: logging in with throttling, passwords, reset and invitation tokens."""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.i18n import locale_for
from ..core.mail import send_mail
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from . import passwords, two_factor
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
    # One of: "ok", "wrong", "inactive", "throttled", "second_step"
    outcome: str = "wrong"
    wait_seconds: int = 0


@dataclass(frozen=True)
class Slowdown:
    """After ``free`` failures within the window, each further try waits ``first``
    seconds after the last failure, doubling with every failure, at most ``longest``."""

    free: int
    first: int
    longest: int

    def wait(self, failures: int, last, now) -> int:
        if failures < self.free:
            return 0
        delay = min(self.first * 2 ** (failures - self.free), self.longest)
        return max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))


def _failures(purpose: str, since, **key) -> tuple[int, object]:
    """How many failed tries match ``key`` since ``since``, and when the last one was."""
    conditions = [getattr(LoginAttempt, column) == value for column, value in key.items()]
    return db.session.execute(
        select(func.count(), func.max(LoginAttempt.at))
        .where(LoginAttempt.purpose == purpose, LoginAttempt.at >= since,
               LoginAttempt.succeeded.is_(False), *conditions)).one()


def throttle_wait(email: str, address: str, purpose: str = "login") -> int:
    """Seconds to wait before another try, or 0: guessing slows down, nobody is locked out.

    Counted per account and address together (someone guessing one password from one
    place), more loosely per address (one place trying many accounts) and per account
    (many places trying one). The account's owner, trying from their own address, is
    slowed only by the looser account-wide count, by seconds; a reset lifts it all.
    """
    config = current_app.config
    now = utcnow()
    since = now - config["LOGIN_THROTTLE_WINDOW"]
    waits = []
    for rule, key in ((config["LOGIN_SLOWDOWN_PAIR"], {"email": email, "address": address}),
                      (config["LOGIN_SLOWDOWN_ADDRESS"], {"address": address}),
                      (config["LOGIN_SLOWDOWN_ACCOUNT"], {"email": email})):
        failures, last = _failures(purpose, since, **key)
        if failures:
            waits.append(Slowdown(*rule).wait(failures, last, now))
    return max(waits, default=0)


def record_attempt(email: str, address: str, succeeded: bool, purpose: str = "login") -> None:
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded,
                                purpose=purpose, at=utcnow()))
    # Attempts are kept only as long as throttling needs them: no log of addresses.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    if succeeded:
        # The owner got in from here: earlier mistakes from here no longer count.
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.email == email, LoginAttempt.address == address,
            LoginAttempt.purpose == purpose, LoginAttempt.succeeded.is_(False)))
    db.session.flush()


def authenticate(email: str, password: str, address: str) -> LoginResult:
    """Check a login; records the attempt. The caller logs the user in when outcome is 'ok',
    or asks for the second step when it is 'second_step'."""
    email = email.strip().lower()
    wait = throttle_wait(email, address)
    if wait:
        return LoginResult(outcome="throttled", wait_seconds=wait)
    user = find_user_by_email(email)
    if user is None or not user.has_password:
        check_password_hash(_dummy_hash(), password)
        record_attempt(email, address, False)
        return LoginResult(outcome="wrong")
    if not user.check_password(password):
        record_attempt(email, address, False)
        return LoginResult(outcome="wrong")
    record_attempt(email, address, True)
    if not user.active:
        return LoginResult(user=user, outcome="inactive")
    if user.has_two_factor:
        return LoginResult(user=user, outcome="second_step")
    user.last_login_at = utcnow()
    db.session.flush()
    return LoginResult(user=user, outcome="ok")


def second_step(user: User, code: str, address: str) -> LoginResult:
    """The code from the authenticator app (or a recovery code) after the password."""
    wait = throttle_wait(user.email, address, "code")
    if wait:
        return LoginResult(outcome="throttled", wait_seconds=wait)
    if not user.active or not two_factor.verify(user, code):
        record_attempt(user.email, address, False, "code")
        return LoginResult(outcome="wrong")
    record_attempt(user.email, address, True, "code")
    user.last_login_at = utcnow()
    db.session.flush()
    return LoginResult(user=user, outcome="ok")


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email.strip().lower(),
                                                  LoginAttempt.succeeded.is_(False)))


# --- passwords ---------------------------------------------------------------------------

def password_problem(user: User, password: str) -> str | None:
    """Why a new password is not acceptable, translated; None when it is fine."""
    return passwords.password_problem(user.name or "", user.email, password)


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
# A token names the user and a fingerprint of their current password hash and address:
# once the password is set or changed, or the address corrected, every earlier token for
# that user stops working.

TOKEN_PURPOSES = {"reset": "PASSWORD_RESET_MAX_AGE", "invitation": "INVITATION_MAX_AGE"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"auth-{purpose}")


def _fingerprint(user: User) -> str:
    seen = f"{user.password_hash or ''}\x00{(user.email or '').lower()}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


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


def request_password_reset(email: str, address: str) -> int:
    """Mail a reset link when the address belongs to an active account; silent otherwise.

    Known and unknown addresses take the same path (the lookup, a token signed, the mail
    rendered; only a known one is queued), so that neither the answer nor its time tells
    which addresses have an account. Returns the seconds to wait when this address asked
    too often (the page then asks to wait, whichever address was typed), else 0; an
    account gets no more than a few links an hour, silently.
    """
    email = email.strip().lower()
    config = current_app.config
    window = config["LOGIN_THROTTLE_WINDOW"]
    asked, last = _failures("reset", utcnow() - window, address=address)
    if asked >= config["RESET_REQUESTS_PER_ADDRESS"]:
        return max(1, int((last + window - utcnow()).total_seconds()))
    recent = _failures("reset", utcnow() - timedelta(hours=1), email=email)[0]
    record_attempt(email, address, False, "reset")
    user = find_user_by_email(email)
    wanted = user is not None and user.active and recent < config["RESET_MAILS_PER_HOUR"]
    target = user if wanted else User(email=email, name="", role=user.role if user else "admin")
    hours = int(config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600)
    link = external_url("auth.reset_password", token=make_token(target, "reset"))
    context = {"link": link, "hours": max(hours, 1), "user": target}
    if wanted:
        _mail_to(user, "emails/password_reset.txt", "password_reset",
                 _l("Reset your password"), link=link, hours=context["hours"])
    else:
        with force_locale(locale_for(None)):
            render_template("emails/password_reset.txt", ui="nl", **context)
    return 0


def reset_password(user: User, new_password: str) -> None:
    change_password(user, new_password)


def send_invitation(user: User, invited_by: User | None) -> None:
    """Mail a new user the link to choose their password; no password is ever mailed."""
    days = current_app.config["INVITATION_MAX_AGE"].days
    link = external_url("auth.accept_invitation", token=make_token(user, "invitation"))
    _mail_to(user, "emails/invitation.txt", "invitation",
             _l("Your account in the interpreter register"),
             link=link, days=days, invited_by=invited_by)
