"""Access control in one place: who may open a view. Object-level rules are ``can_*`` methods."""

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


def roles_required(*roles):
    """Only logged-in users with one of these roles; others get the login page or a 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_roles = frozenset(roles)
        return wrapped
    return decorator


def check(allowed: bool) -> None:
    """Refuse with 403 unless an object-level ``can_*`` check allowed it."""
    if not allowed:
        abort(403)
