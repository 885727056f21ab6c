"""A request's message thread and the documents that go with it."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db
from ..register.models.enums import Labelled


def thread_party(request, user) -> str | None:
    """How a user takes part in a request's thread: as its "organisation" (requesters of the
    requesting organisation), its "service" (the dispatchers), or as the "interpreter" while
    booked for it; None for anyone else."""
    if user.requests_for(request.organisation_id):
        return "organisation"
    if user.dispatches_for(request.service_id):
        return "service"
    booking = request.live_booking
    if booking is not None and user.is_person(booking.person_id):
        return "interpreter"
    return None


class Message(db.Model):
    """One message about a request. Its text may speak of the client: it never goes into a
    mail (the mail says who wrote and links here) and retention erases it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_request_at", "request_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    # A user, or (author_id None) the booked person through their booking's link.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    party: Mapped[str] = mapped_column(String(20))     # organisation, service, interpreter
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request = relationship("InterpretingRequest")
    author = relationship("User")
    author_person = relationship("Person")

    def erase(self, now: datetime) -> None:
        """Retention: the text goes; that someone wrote, and when, stays."""
        self.body, self.erased_at = None, now

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.name
        return self.author_person.full_name if self.author_person else ""


class DocumentPurpose(Labelled, StrEnum):
    """Why a document goes with a request."""

    SOURCE = "source"            # the text to translate, from the requester
    TRANSLATION = "translation"  # the translator's delivery
    BRIEFING = "briefing"        # background for an interpreting assignment


DocumentPurpose.LABELS = {"source": _l("Document to translate"),
                          "translation": _l("Translation"),
                          "briefing": _l("Briefing document")}


class RequestDocument(db.Model):
    """A file that goes with a request. Its content may speak of the client: it is stored
    outside the web root (core/uploads.py), given only to the request's parties, never
    attached to a mail, and erased by retention (the row stays, saying it was there)."""

    __tablename__ = "request_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    purpose: Mapped[DocumentPurpose] = mapped_column(enum_type(DocumentPurpose, 20))
    # Who added it: a user, or (author_id None) the booked person through their link.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    party: Mapped[str] = mapped_column(String(20))     # organisation, service, interpreter
    name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request = relationship("InterpretingRequest")
    upload = relationship("Upload")
    author = relationship("User")
    author_person = relationship("Person")

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.name
        return self.author_person.full_name if self.author_person else ""

    @property
    def is_erased(self) -> bool:
        return self.upload_id is None
