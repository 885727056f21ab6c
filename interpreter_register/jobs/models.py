"""What the scheduled jobs keep: their runs, the warnings already sent, and APScheduler's
own job store (declared here so that a migration creates it, as any other table)."""

import json
from datetime import datetime

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime
from ..core.time import utcnow
from ..extensions import db

# APScheduler 3's SQLAlchemyJobStore table, column for column; it finds it already there.
scheduler_jobs = Table(
    "scheduler_jobs", db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


class JobRun(db.Model):
    """One run of a job: when, how it went, what it did (counts, never client data)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "running", "succeeded", "partial" (some records failed) or "failed"
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    counts_json: Mapped[str] = mapped_column("counts", Text, default="{}")
    errors_json: Mapped[str] = mapped_column("errors", Text, default="[]")

    @property
    def counts(self) -> dict:
        return json.loads(self.counts_json or "{}")

    @property
    def errors(self) -> list:
        return json.loads(self.errors_json or "[]")


class CertificateWarning(db.Model):
    """A warning sent before a certificate runs out: at most one per certificate and lead."""

    __tablename__ = "certificate_warnings"
    __table_args__ = (UniqueConstraint("certificate_id", "days_before",
                                       name="uq_certificate_warnings_lead"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
