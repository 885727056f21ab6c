"""iTIP by mail (RFC 5546, RFC 6047): what each party's calendar lacks, and the message that
brings it up to date.

The parties of a request are its requester (who sees the request's event) and every
person booked for it (each sees their own booking's event). For each party and event the
ledger (``CalendarDelivery``) keeps what their mailbox was last sent. A change sends a
party exactly one message per event whose state moved on: REQUEST for a live event
newer than theirs, CANCEL for an event that ended while they hold it live, nothing when
their calendar is already current. So, whatever happened in between, replaying a party's
mails gives the live events of their feed (docs/calendar.md).
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..auth.models import recipient_of_user
from ..extensions import db
from .events import event_ics
from .models import CalendarDelivery


@dataclass(frozen=True)
class Party:
    """One mailbox and the event it sees: a booking (audience "person") or a request
    (audience "requester")."""

    recipient: object          # core.mail.Recipient
    account: object | None     # the User, whose mail preferences count; None: no account
    audience: str
    subject: object            # the Booking or the InterpretingRequest

    @property
    def wants_booking_mail(self) -> bool:
        return self.account is None or bool(self.account.mail_bookings)

    @property
    def event_state(self) -> tuple[str, int, bool]:
        """(UID, SEQUENCE, cancelled) of the event as it stands now."""
        if self.audience == "person":
            booking = self.subject
            return booking.uid, booking.sequence, booking.is_cancelled
        request = self.subject
        return request.calendar_uid, request.calendar_sequence, \
            request.calendar_status == "CANCELLED"


def interpreter_of(booking) -> Party:
    person = booking.person
    return Party(person.mail_recipient, person.active_account, "person", booking)


def requester_of(request) -> Party | None:
    """The requester while their account is active (a deactivated one gets no mail)."""
    user = request.requester
    if not user.active:
        return None
    return Party(recipient_of_user(user), user, "requester", request)


def parties_of(request) -> list[Party]:
    """Everyone whose calendar shows something of this request."""
    found = [interpreter_of(booking) for booking in request.bookings]
    requester = requester_of(request)
    if requester is not None and request.has_calendar_event:
        found.append(requester)
    return found


def _delivered(address: str, uid: str) -> CalendarDelivery | None:
    return db.session.scalar(select(CalendarDelivery).where(
        CalendarDelivery.address == address, CalendarDelivery.uid == uid))


def pending(party: Party) -> str | None:
    """The iTIP method that brings the party's calendar up to date, or None."""
    address = party.recipient.address
    if not address or not party.wants_booking_mail:
        return None
    if party.audience == "requester" and not party.subject.has_calendar_event:
        return None  # calendars show a request from its first booking on
    uid, sequence, cancelled = party.event_state
    sent = _delivered(address, uid)
    if sent is not None and (sent.sequence, sent.cancelled) == (sequence, cancelled):
        return None
    if cancelled:
        # Nothing to take out of a calendar that never held it, or holds it cancelled.
        return "CANCEL" if sent is not None and not sent.cancelled else None
    return "REQUEST"


def calendar_part(party: Party) -> tuple[str, object] | None:
    """The (method, text by language) to attach to the party's mail now, recorded as
    sent; None when their calendar is current."""
    method = pending(party)
    if method is None:
        return None
    uid, sequence, cancelled = party.event_state
    sent = _delivered(party.recipient.address, uid)
    if sent is None:
        sent = CalendarDelivery(address=party.recipient.address, uid=uid)
        db.session.add(sent)
    sent.sequence, sent.cancelled = sequence, cancelled
    subject, audience = party.subject, party.audience
    return method, lambda ui: event_ics(subject, audience, ui, method=method)
