"""A qualification's tier by date range: a matching fact kept by the register (facts.py)."""

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ...core.database import enum_type
from ...extensions import db
from .enums import Direction, QualificationKind

# The ranges of a qualification cover every day, from the first to the last a date can be.
FIRST_DAY, LAST_DAY = date.min, date.max


class QualificationTier(db.Model):
    """Over ``starts_on`` … ``ends_on`` (both included) the qualification has ``tier``; when
    no certificate of it is valid then, ``note`` says why the latest one does not count
    ("expired", "suspended" or "revoked", since ``note_since``).

    Worked out from certificates, their decisions, the revision protocol and the quality
    track, never typed in; the pair and the person are repeated from the qualification, so
    that the holders of a pair on a day, with their tier, are one range of one index.
    """

    __tablename__ = "qualification_tiers"
    __table_args__ = (
        # Matching's one read per pair: everything it takes from here is in the index.
        Index("ix_qualification_tiers_pair", "language_code", "working_language", "kind",
              "ends_on", "starts_on", "direction", "person_id", "qualification_id", "tier",
              "note", "note_since"),
    )

    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualifications.id"),
                                                  primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    ends_on: Mapped[date] = mapped_column(Date)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[QualificationKind] = mapped_column(enum_type(QualificationKind, 20))
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"))
    working_language: Mapped[str] = mapped_column(String(2))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction, 20))
    tier: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(10))
    note_since: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return (f"<QualificationTier {self.qualification_id} {self.starts_on}…{self.ends_on} "
                f"tier {self.tier}>")
