"""A record of each import of the register from a file, with its outcome and errors."""

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime
from ...core.time import utcnow
from ...extensions import db


class ImportRun(db.Model):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
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
