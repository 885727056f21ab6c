"""Access control in one vocabulary.

Who may open a view is said with ``roles_required`` and the role groups of
``auth.models``; what a user may do to one object is a ``can_*`` method of its model.
Views, services and templates ask the same methods. A refusal is ``Forbidden``, which
the error handler answers with the translated 403 page, wherever it is raised: a view
that forgets its own check still never lets the action through, nor answers 500.
"""

from functools import wraps

from flask_login import current_user

from ..extensions import login_manager


class Forbidden(Exception):
    """The acting user may not do this; answered with 403."""


def require(allowed: bool, why: str = "not allowed") -> None:
    """Refuse with ``Forbidden`` unless a ``can_*`` check (or a role group) allowed it.

    ``why`` is for the developer reading a traceback, never shown to the user."""
    if not allowed:
        raise Forbidden(why)


def roles_required(*roles_or_groups):
    """Only logged-in users with one of these roles (a role, or a group of them); others
    get the login page or a 403."""
    allowed = frozenset(r for item in roles_or_groups
                        for r in (item if isinstance(item, frozenset | set | tuple) else (item,)))

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            require(current_user.role in allowed, f"{view.__name__} is for {sorted(allowed)}")
            return view(*args, **kwargs)
        wrapped.required_roles = allowed
        return wrapped
    return decorator
