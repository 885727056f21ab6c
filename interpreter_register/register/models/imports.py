"""A record of each import of the register from a file: the file while it waits, how far
the background worker got, the outcome and the errors."""

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ...core.database import UTCDateTime
from ...core.time import utcnow
from ...extensions import db


class ImportStage(StrEnum):
    QUEUED = "queued"      # the file waits for a worker
    WRITING = "writing"    # every row checked; written chunk by chunk
    DONE = "done"          # succeeded, or refused with the problems listed


class ImportRun(db.Model):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stage: Mapped[str] = mapped_column(String(10), default=ImportStage.DONE.value)
    # The uploaded file until the import is done (then emptied), read only when needed.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # The language of whoever imported: the problems are written in it.
    locale: Mapped[str | None] = mapped_column(String(2))
    # A worker checking the file holds it until then (one that died lets go by itself).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    rows_done: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(default=False)
    rows: Mapped[int] = mapped_column(default=0)
    people_created: Mapped[int] = mapped_column(default=0)
    people_updated: Mapped[int] = mapped_column(default=0)
    qualifications_added: Mapped[int] = mapped_column(default=0)
    certificates_added: Mapped[int] = mapped_column(default=0)
    # [[row, column, message], ...] in the language of whoever imported.
    errors_json: Mapped[str] = mapped_column("errors", Text, default="[]")

    started_by = relationship("User")

    @property
    def errors(self) -> list:
        return json.loads(self.errors_json or "[]")

    @property
    def is_done(self) -> bool:
        return self.stage == ImportStage.DONE

    @property
    def is_writing(self) -> bool:
        return self.stage == ImportStage.WRITING

    @property
    def progress(self) -> int:
        """How far along, in percent (checking the file counts as the first tenth)."""
        if self.is_done:
            return 100
        if not self.is_writing or not self.rows:
            return 0
        return 10 + int(90 * self.rows_done / self.rows)
