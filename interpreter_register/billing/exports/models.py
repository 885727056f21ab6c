"""One export of a month: asked by a dispatcher, built by the worker, downloaded, then
replaced by a newer one or erased by retention.

Its stage moves only through the methods below, each checked against ``TRANSITIONS``."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from ...register.models.enums import Labelled


class ExportKind(Labelled, StrEnum):
    STATEMENTS = "statements"   # every interpreter's statement PDF and the month's CSV
    INVOICES = "invoices"       # every invoice's PDF and UBL, and the month's journal


ExportKind.LABELS = {ExportKind.STATEMENTS: _l("Statements (PDF, zip)"),
                     ExportKind.INVOICES: _l("Invoices (PDF, XML and journal, zip)")}


class ExportStage(Labelled, StrEnum):
    QUEUED = "queued"        # waits for the worker
    BUILDING = "building"    # a worker makes it now
    READY = "ready"          # the file may be downloaded
    FAILED = "failed"        # nothing was made; ``failure`` says why
    REPLACED = "replaced"    # a newer export of the month is ready; this file is erased
    ERASED = "erased"        # retention erased the file


ExportStage.LABELS = {ExportStage.QUEUED: _p("export", "Queued"),
                      ExportStage.BUILDING: _p("export", "Being built"),
                      ExportStage.READY: _p("export", "Ready"),
                      ExportStage.FAILED: _p("export", "Failed"),
                      ExportStage.REPLACED: _p("export", "Replaced by a newer one"),
                      ExportStage.ERASED: _p("export", "Erased")}

# Which stage may follow which (a worker that died leaves BUILDING; the next one takes it).
TRANSITIONS = {
    ExportStage.QUEUED: {ExportStage.BUILDING, ExportStage.FAILED},
    ExportStage.BUILDING: {ExportStage.BUILDING, ExportStage.READY, ExportStage.FAILED},
    ExportStage.READY: {ExportStage.REPLACED, ExportStage.ERASED},
    ExportStage.FAILED: set(),
    ExportStage.REPLACED: set(),
    ExportStage.ERASED: set(),
}
PENDING = (ExportStage.QUEUED, ExportStage.BUILDING)

# Why an export failed, said to the dispatcher in their language when the page is shown.
FAILURES = {
    "documents": _l("A document of the month could not be made (%(detail)s). Ask again; if "
                    "it fails again, tell the administrator."),
    "empty": _l("There was nothing to export for this month any more."),
    "forbidden": _l("The person who asked may no longer export this service's documents."),
    "storage": _l("The file could not be stored (%(detail)s). Tell the administrator."),
    "interrupted": _l("The worker building it stopped %(detail)s times; ask again."),
}


class ExportRefused(Exception):
    """A stage change the transition table does not allow."""


class MonthExport(db.Model):
    __tablename__ = "month_exports"
    __table_args__ = (
        # One export of a month and kind waits or is built at a time, whatever the race.
        Index("uq_month_exports_pending", "service_id", "kind", "month", unique=True,
              sqlite_where=db.text("stage IN ('queued', 'building')"),
              postgresql_where=db.text("stage IN ('queued', 'building')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("interpreting_services.id"),
                                            index=True)
    kind: Mapped[ExportKind] = mapped_column(enum_type(ExportKind, 20))
    month: Mapped[date] = mapped_column(Date)
    stage: Mapped[ExportStage] = mapped_column(enum_type(ExportStage, 10),
                                               default=ExportStage.QUEUED)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language of whoever asked: the CSV's headings and the fallback of the PDFs.
    locale: Mapped[str | None] = mapped_column(String(2))
    # A worker building it holds it until then (one that died lets go by itself).
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    size: Mapped[int | None]
    # How many documents it holds (statements, or invoices and credit notes).
    entries: Mapped[int | None]
    failure: Mapped[str | None] = mapped_column(String(20))
    failure_detail: Mapped[str | None] = mapped_column(String(120))
    # When the file went (replaced by a newer export, or erased by retention).
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    service = relationship("InterpretingService")
    requested_by = relationship("User")
    upload = relationship("Upload")

    def __repr__(self) -> str:
        return f"<MonthExport {self.id} {self.kind} {self.month:%Y-%m} {self.stage}>"

    # --- what pages ask --------------------------------------------------------------

    @property
    def file_name(self) -> str:
        return f"{self.kind.value}-{self.month:%Y-%m}.zip"

    @property
    def is_pending(self) -> bool:
        return self.stage in PENDING

    @property
    def is_ready(self) -> bool:
        return self.stage == ExportStage.READY

    @property
    def is_failed(self) -> bool:
        return self.stage == ExportStage.FAILED

    @property
    def is_gone(self) -> bool:
        """Made once, its file since replaced or erased."""
        return self.stage in (ExportStage.REPLACED, ExportStage.ERASED)

    @property
    def failure_message(self) -> str:
        text = FAILURES.get(self.failure or "documents", FAILURES["documents"])
        return str(text) % {"detail": self.failure_detail or "?"}

    def can_be_downloaded_by(self, user) -> bool:
        """The service's dispatchers (the same people who may ask for it)."""
        return user.dispatches_for(self.service_id)

    # --- stage changes ---------------------------------------------------------------

    def _move(self, stage: ExportStage) -> None:
        if stage not in TRANSITIONS[self.stage]:
            raise ExportRefused(f"{self.stage} -> {stage}")
        self.stage = stage

    def start(self, token: str, until: datetime) -> None:
        """A worker takes it (again, if the one before went silent)."""
        self._move(ExportStage.BUILDING)
        self.claimed_by, self.claimed_until = token, until
        self.attempts = (self.attempts or 0) + 1

    def finish(self, upload, entries: int, now: datetime) -> None:
        self._move(ExportStage.READY)
        self.upload, self.size, self.entries = upload, upload.size, entries
        self.finished_at, self.claimed_by, self.claimed_until = now, None, None

    def fail(self, failure: str, detail: str | None, now: datetime) -> None:
        self._move(ExportStage.FAILED)
        self.failure, self.failure_detail = failure, (detail or "")[:120] or None
        self.finished_at, self.claimed_by, self.claimed_until = now, None, None

    def let_go_of_file(self, stage: ExportStage, now: datetime):
        """Replaced or erased: the row stays listed, its file goes (the caller erases the
        returned upload)."""
        self._move(stage)
        upload, self.upload, self.ended_at = self.upload, None, now
        return upload
