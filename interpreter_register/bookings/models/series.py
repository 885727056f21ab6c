"""A series: one request repeating (weekly, every two weeks, monthly).

Each occurrence is an ordinary request of its own, linked to the series with its number
(docs/calendar.md, "Series"): matching, offers, bookings, sheets and invoices all work per
occurrence, and each occurrence can be moved, cancelled or booked to someone else on its
own. The series keeps the rule it was made from, to say it in words.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from ..recurrence import Frequency, Recurrence


class RequestSeries(db.Model):
    """The rule a requester asked for, and the requests made from it (its occurrences)."""

    __tablename__ = "request_series"
    __table_args__ = (
        CheckConstraint("(until_day IS NULL) <> (times IS NULL)", name="one_end"),
        CheckConstraint("size >= 1", name="has_occurrences"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    frequency: Mapped[Frequency] = mapped_column(enum_type(Frequency, 30))
    first_day: Mapped[date] = mapped_column(Date)
    # The rule's end: a last day, or a number of times.
    until: Mapped[date | None] = mapped_column("until_day", Date)
    count: Mapped[int | None] = mapped_column("times")
    # Monthly by weekday: the first (1) to fifth (5), or the last (-1) weekday of the month.
    nth: Mapped[int | None]
    # How many requests were made (holidays the requester skipped are not among them).
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    requester = relationship("User")
    requests = relationship("InterpretingRequest", back_populates="series",
                            order_by="InterpretingRequest.occurrence")

    def __repr__(self) -> str:
        return f"<RequestSeries {self.id} {self.frequency} ×{self.size}>"

    @property
    def number(self) -> str:
        """A reference to speak about the series by (no client data in it)."""
        return f"{self.created_at.year}-{self.id:05d}"

    @property
    def rule(self) -> Recurrence:
        return Recurrence(self.first_day, self.frequency, until=self.until, count=self.count,
                          nth=self.nth)

    # --- who may do what --------------------------------------------------------------

    def can_be_seen_by(self, user) -> bool:
        """Its organisation's requesters; the dispatchers of a service one of its
        occurrences went to."""
        return (user.requests_for(self.organisation_id) or self.can_be_handled_by(user)
                or user.is_admin)

    def can_be_handled_by(self, user) -> bool:
        return any(user.dispatches_for(request.service_id) for request in self.requests)

    def can_be_changed_by(self, user) -> bool:
        """Its organisation's requesters change or cancel its occurrences."""
        return user.requests_for(self.organisation_id)
