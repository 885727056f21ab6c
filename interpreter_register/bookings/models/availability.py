"""When interpreters work: weekly availability and leave; and whom an organisation bars."""

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime
from ...core.time import utcnow
from ...extensions import db


class WeeklyAvailability(db.Model):
    """A time range on a day of the week (Brussels wall time) when a person can work."""

    __tablename__ = "weekly_availability"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("ends > starts", name="ends_after_start"),
        # Matching asks "does a range on that weekday cover the slot" for each candidate.
        Index("ix_weekly_availability_slot", "person_id", "weekday", "starts", "ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    weekday: Mapped[int]  # 0 is Monday, as Python counts
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)

    person = relationship("Person")

    def covers(self, weekday: int, start: time, end: time) -> bool:
        return self.weekday == weekday and self.starts <= start and end <= self.ends


class Leave(db.Model):
    """Time off: whole days (first and last included) or part of a day (an afternoon),
    with an optional note for the person. ``starts_at`` and ``ends_at`` are the same span
    in UTC, for matching and for the bookings it touches."""

    __tablename__ = "leave"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="last_after_first"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_leave_person_span", "person_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    # Brussels wall-clock times when only part of a day is off (None: the whole day).
    from_time: Mapped[time | None] = mapped_column(Time)
    until_time: Mapped[time | None] = mapped_column(Time)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(200))

    person = relationship("Person")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def whole_days(self) -> bool:
        return self.from_time is None and self.until_time is None


class OrganisationBar(db.Model):
    """An organisation does not want a person again (after a conflict, say)."""

    __tablename__ = "organisation_bars"
    __table_args__ = (UniqueConstraint("organisation_id", "person_id",
                                       name="uq_organisation_bars_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person")
    organisation = relationship("Organisation")

    def can_be_lifted_by(self, user) -> bool:
        """The contact person of the organisation that barred."""
        return user.can_manage_colleagues() and user.organisation_id == self.organisation_id
