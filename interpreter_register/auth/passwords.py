"""What makes a new password unacceptable: too short, common, or made of the user's own
name or address.

The common passwords are the 30,000 most frequent ones of leaked password lists, as the
zxcvbn package (the password-strength estimator of Dropbox, maintained on PyPI) ships
them. A password also counts as common when it is one of them with digits or signs added
before or after (``password12``, ``!qwerty1``), or when it is one of them typed twice.
"""

import re
from functools import cache

from flask import current_app
from flask_babel import gettext as _

_EDGES = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    candidate = password.strip().lower()
    common = common_passwords()
    if candidate in common:
        return True
    core = _EDGES.sub("", candidate)
    if core != candidate and (core in common or not core):
        return True
    half = len(candidate) // 2
    return len(candidate) % 2 == 0 and candidate[:half] == candidate[half:] and (
        candidate[:half] in common)


def _personal_parts(name: str, email: str) -> set[str]:
    """The user's name parts and address parts of four letters or more, lowercased."""
    local, _at, domain = email.lower().partition("@")
    words = re.split(r"[^\w]+|_", f"{name} {local} {domain.split('.')[0]}".lower())
    return {word for word in words if len(word) >= 4} | {email.lower(), local}


def password_problem(name: str, email: str, password: str) -> str | None:
    """Why a new password is not acceptable, translated; None when it is fine."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Use at least %(n)d characters.", n=minimum)
    lowered = password.lower()
    if lowered.strip() in {email.lower(), email.lower().split("@")[0]}:
        return _("Do not use your e-mail address as your password.")
    if any(part and part in lowered for part in _personal_parts(name, email)):
        return _("Do not use your name or your e-mail address in your password.")
    if is_common(password):
        return _("This password is among the most common ones, which are tried first. "
                 "Choose another, for example a few unrelated words.")
    return None
