"""The quality track (steps towards certification) and the revision protocol (reviews of a
translator's work until they are reliable for a pair)."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.audit import Audited
from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from .enums import Labelled


class TrackStep(Labelled, StrEnum):
    INFORMATION_SESSION = "information_session"
    PRESELECTION_TEST = "preselection_test"
    TRAINING_MODULES = "training_modules"
    CERTIFICATION_EXAM = "certification_exam"


TrackStep.LABELS = {"information_session": _l("Information session"),
                    "preselection_test": _l("Preselection test"),
                    "training_modules": _l("Training modules"),
                    "certification_exam": _l("Certification exam")}


class StepResult(Labelled, StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"


StepResult.LABELS = {"passed": _l("Passed"), "failed": _l("Failed"), "absent": _l("Absent")}


class QualityTrackStep(Audited, db.Model):
    """One step a candidate took for a pair, with its result and which attempt it was."""

    __tablename__ = "quality_track_steps"
    __audit_entity__ = "quality_step"
    __audit_fields__ = ("step", "taken_on", "result", "attempt")

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualifications.id"), index=True)
    step: Mapped[TrackStep] = mapped_column(enum_type(TrackStep, 30))
    taken_on: Mapped[date] = mapped_column(Date)
    result: Mapped[StepResult] = mapped_column(enum_type(StepResult, 10))
    # 1 for the first try of this step for this pair, 2 for the second, ...
    attempt: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    qualification = relationship("Qualification", back_populates="steps")

    def audit_person_id(self) -> int:
        return self.qualification.person_id


class Verdict(Labelled, StrEnum):
    POSITIVE = "positive"
    POSITIVE_WITH_REMARKS = "positive_with_remarks"
    NEGATIVE = "negative"


Verdict.LABELS = {"positive": _l("Positive"),
                  "positive_with_remarks": _l("Positive with remarks"),
                  "negative": _l("Negative")}


@dataclass(frozen=True)
class Standing:
    """Where a translator stands in the revision protocol for a pair."""

    reliable: bool
    streak: int       # positive revisions in a row, counted as policy says
    needed: int       # how many make the translator reliable


def revision_standing(verdicts, needed: int, with_remarks: str) -> Standing:
    """Count the verdicts (oldest first) the way the policy says.

    ``with_remarks`` says what a positive revision with remarks does: "counts" (as a
    positive), "neutral" (neither counts nor resets) or "resets" (like a negative).
    Reaching ``needed`` positives in a row makes the translator reliable; a negative (or
    what resets) sets the count back to zero and takes reliability away again.
    """
    streak, reliable = 0, False
    for verdict in verdicts:
        if verdict == Verdict.POSITIVE or (verdict == Verdict.POSITIVE_WITH_REMARKS
                                           and with_remarks == "counts"):
            streak += 1
        elif verdict == Verdict.NEGATIVE or with_remarks == "resets":
            streak, reliable = 0, False
        if streak >= needed:
            reliable = True
    return Standing(reliable=reliable, streak=streak, needed=needed)


class RevisionTrack(Audited, db.Model):
    """A translator under the revision protocol for one translation pair."""

    __tablename__ = "revision_tracks"
    __audit_entity__ = "revision_track"
    __audit_fields__ = ("opened_on",)

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualifications.id"), unique=True)
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    qualification = relationship("Qualification", back_populates="revision_track")
    revisions = relationship("Revision", back_populates="track", lazy="selectin",
                             order_by="(Revision.revised_on, Revision.id)")

    def audit_person_id(self) -> int:
        return self.qualification.person_id

    def standing(self, day: date, policy) -> Standing:
        """The standing from the revisions made on or before ``day``."""
        return revision_standing([r.verdict for r in self.revisions if r.revised_on <= day],
                                 policy.positives_needed, policy.with_remarks)


class Revision(Audited, db.Model):
    """A revisor's review of one translation by the translator."""

    __tablename__ = "revisions"
    __audit_entity__ = "revision"
    __audit_fields__ = ("revised_on", "translation", "verdict", "remarks")

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("revision_tracks.id"), index=True)
    revised_on: Mapped[date] = mapped_column(Date)
    revisor_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # Which translation it concerns: a title or reference, never client data.
    translation: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, 30))
    remarks: Mapped[str | None] = mapped_column(Text)
    # The booked translation it reviews, when it came through the booking system.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    track = relationship("RevisionTrack", back_populates="revisions")
    revisor = relationship("Person")

    def audit_person_id(self) -> int:
        return self.track.qualification.person_id

    def audit_snapshot(self) -> dict:
        return {**super().audit_snapshot(), "revisor": self.revisor.full_name}
