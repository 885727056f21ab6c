"""Logins as rows: the session and remember-me cookies carry a login's token, and logging
out deletes it (server side), so a copied session cookie or a replayed remember-me cookie
no longer works. Changing the password or deactivating the account deletes them all."""

import secrets

from flask import current_app
from sqlalchemy import delete, select

from ..core.time import utcnow
from ..extensions import db
from .models import User, UserSession


def start_session(user: User, remember: bool = False) -> str:
    """A new login of ``user``, for as long as a session lasts (or, remembered, as long as
    the remember-me cookie); returns its token, which ``user`` now carries."""
    config = current_app.config
    lifetime = (config["REMEMBER_COOKIE_DURATION"] if remember
                else config["PERMANENT_SESSION_LIFETIME"])
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.expires_at < now))
    db.session.add(UserSession(token=token, user_id=user.id, created_at=now,
                               expires_at=now + lifetime))
    db.session.flush()
    user.login_token = token
    return token


def end_session(token: str | None) -> None:
    """Log out this one login."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token == token))


def user_of_session(token: str) -> User | None:
    """Flask-Login's user loader: the active user of a login that has not ended."""
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token == token, UserSession.expires_at > utcnow(),
               User.active.is_(True)))
    if user is not None:
        user.login_token = token
    return user
