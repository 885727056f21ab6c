"""Where the report figures are read: a replica of the database when ``REPORTS_DATABASE_URL``
is set (a PostgreSQL streaming replica: long aggregate queries never hold up bookings on
the primary), the application's own database otherwise.

The report pages read the figures through ``session()``, a read-only session of the
request on the replica, and say how old the figures are with ``as_of()``.
"""

from datetime import datetime

from flask import current_app, g
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from ..core.time import utcnow
from ..extensions import db


def engine():
    """The replica's engine, made once per application; None without a replica."""
    url = current_app.config.get("REPORTS_DATABASE_URL")
    if not url:
        return None
    made = current_app.extensions.get("reports_engine")
    if made is None or made.url.render_as_string(hide_password=False) != url:
        made = current_app.extensions["reports_engine"] = create_engine(
            url, pool_pre_ping=True, hide_parameters=True)
    return made


def session():
    """The session the report figures are read with (the replica's for this request)."""
    replica = engine()
    if replica is None:
        return db.session
    found = g.get("_reports_session")
    if found is None:
        found = g._reports_session = Session(bind=replica, autoflush=False)
    return found


def close(_error=None) -> None:
    """End the request's replica session (a teardown)."""
    found = g.pop("_reports_session", None)
    if found is not None:
        found.close()


def as_of() -> datetime | None:
    """Until when the figures are complete: None when they are read from the application's
    own database (live); on a replica, when the last change it received was made (a
    replica that is no standby, or a SQLite copy, counts as up to date now)."""
    if engine() is None:
        return None
    read = session()
    if read.get_bind().dialect.name == "postgresql":
        standby, replayed, now = read.execute(text(
            "SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp(), now()")).one()
        return (replayed or now) if standby else now
    return utcnow()
