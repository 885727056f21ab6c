"""Two-step sign-in: a time-based one-time code (TOTP, RFC 6238) from an authenticator
app, and one-time recovery codes for when the phone is lost.

Required for administrators, register staff and dispatchers when the setting says so
(the default), optional for everyone else. The secret is made on the enrolment page and
kept only once the user proved, with a code, that their app holds it.
"""

import hashlib
import secrets

import pyotp
import segno
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, select

from ..core import settings
from ..core.time import utcnow
from ..extensions import db
from .models import STAFF_ROLES, RecoveryCode, User

ISSUER = "Interpreter register"
RECOVERY_CODES = 10

settings.group("security", _l("Sign-in security"), lambda user: user.is_admin)
REQUIRED_FOR_STAFF = settings.define(
    "security.two_factor_for_staff", True,
    _l("Administrators, register staff and dispatchers must sign in in two steps"),
    help=_l("With a password and a code from an authenticator app. Others may choose to."))


def is_required_for(user: User) -> bool:
    return user.role in STAFF_ROLES and bool(settings.value(REQUIRED_FOR_STAFF.key))


def must_enrol(user: User) -> bool:
    """Logged in, required to use two steps, and not enrolled yet."""
    return not user.has_two_factor and is_required_for(user)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The enrolment address as a QR code, an SVG drawn here (no outside service)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff",
                                                 omitsize=True, title=None)
    return Markup(svg)  # noqa: S704 - segno's own markup of a string we made


def _step_accepted(secret: str, code: str, after: int | None) -> int | None:
    """The time step ``code`` is valid for (now, or one step either side for clocks that
    drift), if it is later than ``after``; else None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in (current, current - 1, current + 1):
        if (after is None or step > after) and secrets.compare_digest(
                totp.generate_otp(step), code):
            return step
    return None


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Keep ``secret`` for ``user`` when ``code`` proves their app holds it; returns the new
    recovery codes (shown once), or None when the code is wrong."""
    step = _step_accepted(secret, code, None)
    if step is None:
        return None
    return turn_on(user, secret, step)


def turn_on(user: User, secret: str, last_step: int | None = None,
            recovery_codes: list[str] | None = None) -> list[str]:
    """Two steps for ``user`` with ``secret``; returns the recovery codes (new random ones,
    or the given ones: the demo's, printed by ``seed-demo``)."""
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), last_step
    codes = _new_recovery_codes(user, recovery_codes)
    db.session.flush()
    return codes


def verify(user: User, code: str) -> bool:
    """A code from the app (never the same one twice) or an unused recovery code."""
    if not user.has_two_factor:
        return False
    step = _step_accepted(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    return _use_recovery_code(user, code)


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def renew_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    db.session.flush()
    return codes


def turn_off(user: User) -> None:
    """No more second step for ``user`` (their own choice, or an administrator's reset
    after a lost phone); the recovery codes go with it."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def _hash(code: str) -> str:
    # Recovery codes are random (50 bits): a plain digest is as good as a slow hash here.
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _new_recovery_codes(user: User, given: list[str] | None = None) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raws = [_normalised(code) for code in given] if given else [
        "".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    codes = []
    for raw in raws:
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    if len(_normalised(code)) != 10:
        return False
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
        RecoveryCode.used_at.is_(None)))
    if found is None:
        return False
    found.used_at = utcnow()
    db.session.flush()
    return True
