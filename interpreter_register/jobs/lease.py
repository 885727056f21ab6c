"""Exactly one scheduler: a lease in the database that one scheduler process holds.

On PostgreSQL the lease is a session-level advisory lock on a connection the scheduler
keeps open: the server lets go of it the moment that process ends, however it ends. On
SQLite it is a row with a heartbeat: the holder renews it every third of its lifetime,
and a process that died without a word loses it when it runs out. On both, the row names
the holder, so that a second scheduler can say who it waits for.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, writes_first
from ..core.time import utcnow
from ..extensions import db

log = logging.getLogger(__name__)

# The advisory lock's key on PostgreSQL (any number the application uses for nothing else).
ADVISORY_KEY = 0x1E6_5C4E


class SchedulerLease(db.Model):
    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


class Lease:
    """The scheduler's lease, for one process: ``acquire`` (again and again while another
    holds it), ``renew`` while holding it, ``release`` when stopping."""

    def __init__(self, app: Flask, name: str = "scheduler", seconds: int | None = None):
        self.app, self.name = app, name
        self.seconds = seconds or app.config["SCHEDULER_LEASE_SECONDS"]
        self.holder = this_process()
        self._lock_connection = None
        with app.app_context():
            self._postgresql = db.engine.dialect.name == "postgresql"

    @property
    def renew_every(self) -> float:
        return self.seconds / 3

    def acquire(self) -> bool:
        """Take the lease if nobody holds it (or its holder stopped renewing it)."""
        with self.app.app_context():
            if self._postgresql and not self._take_advisory_lock():
                return False
            return self._write_row(take_over=True, force=self._postgresql)

    def renew(self) -> bool:
        """Keep the lease; False when it was lost (then this process must stop scheduling)."""
        with self.app.app_context():
            if self._postgresql:
                try:
                    self._lock_connection.exec_driver_sql("SELECT 1")
                except Exception:  # noqa: BLE001 - a dropped connection means a lost lock
                    log.exception("the scheduler's database connection was lost")
                    return False
            return self._write_row(take_over=False, force=self._postgresql)

    def release(self) -> None:
        with self.app.app_context():
            try:
                with writes_first():
                    row = db.session.get(SchedulerLease, self.name)
                    if row is not None and row.holder == self.holder:
                        db.session.delete(row)
                    db.session.commit()
            finally:
                db.session.remove()
                if self._lock_connection is not None:
                    self._lock_connection.close()   # ends the advisory lock with it
                    self._lock_connection = None

    def current_holder(self) -> str | None:
        """Who holds the lease now, as its row says (None when nobody seems to)."""
        with self.app.app_context():
            try:
                row = db.session.get(SchedulerLease, self.name)
                return row.holder if row is not None and row.expires_at > utcnow() else None
            finally:
                db.session.remove()

    # --- the two mechanisms -------------------------------------------------------------

    def _take_advisory_lock(self) -> bool:
        if self._lock_connection is None:
            self._lock_connection = db.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT")
        taken = self._lock_connection.exec_driver_sql(
            f"SELECT pg_try_advisory_lock({ADVISORY_KEY})").scalar()
        return bool(taken)

    def _write_row(self, take_over: bool, force: bool) -> bool:
        """The lease row: written when this process holds it, or (``take_over``) when it
        ran out; ``force`` when the advisory lock already decided."""
        try:
            with writes_first():
                db.session.rollback()
                now = utcnow()
                row = db.session.get(SchedulerLease, self.name)
                mine = row is not None and row.holder == self.holder
                free = row is None or row.expires_at <= now
                if not (force or mine or (take_over and free)):
                    db.session.rollback()
                    return False
                if row is None:
                    row = SchedulerLease(name=self.name)
                    db.session.add(row)
                if not mine:
                    row.holder, row.acquired_at = self.holder, now
                row.heartbeat_at, row.expires_at = now, now + timedelta(seconds=self.seconds)
                db.session.commit()
                return True
        finally:
            db.session.remove()
