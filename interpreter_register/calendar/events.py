"""Bookings as iCalendar (RFC 5545) events, in the reader's language.

One event per booking, identified by the booking's UID for its whole life; SEQUENCE
counts the changes a recipient must see. No client data goes in: no case reference, no
notes, nothing that names the client.
"""

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from ..bookings.models import Booking, BookingStatus
from ..core.i18n import language_label, locale_for
from ..core.time import to_brussels
from ..core.urls import external_url
from .vtimezone import TZID, brussels_vtimezone

PRODID = "-//Interpreter register//Bookings//EN"

# Whose calendar an event is for decides the link back and how much it names.
AUDIENCES = ("person", "requester", "service")


def _summary(booking: Booking, ui: str) -> str:
    request = booking.request
    language = request.language.name(ui)
    working = language_label(request.working_language, ui)
    if request.is_translation:
        pair = (f"{working} → {language}" if request.direction.value == "from_working"
                else f"{language} → {working}")
        return _("Translation %(pair)s", pair=pair)
    return _("Interpreting %(pair)s — %(how)s", pair=f"{language} ↔ {working}",
             how=str(request.modality.label).lower())


def _location(booking: Booking) -> str:
    request = booking.request
    if request.modality.value == "on_site":
        return f"{request.address}, {request.postcode} {request.municipality}"
    if request.modality.value == "video":
        return request.video_link or _("By video")
    if request.modality.value == "phone":
        return _("By telephone")
    return ""


def _link(booking: Booking, audience: str) -> str:
    if audience == "person":
        return external_url("portal.booking", booking_id=booking.id)
    if audience == "requester":
        return external_url("requests.show", request_id=booking.request_id)
    return external_url("dispatch.show", request_id=booking.request_id)


def _description(booking: Booking, audience: str, ui: str) -> str:
    request = booking.request
    lines = [_summary(booking, ui)]
    if audience != "person":
        lines.append(_("Interpreter: %(name)s (%(tier)s)", name=booking.person.full_name,
                       tier=booking.tier_enum.label))
    if audience != "requester":
        lines.append(_("For: %(organisation)s", organisation=request.organisation.name))
    if request.service is not None:
        lines.append(_("Interpreting service: %(service)s", service=request.service.name))
    lines.append(_("Request %(number)s", number=request.number))
    lines.append(_link(booking, audience))
    return "\n".join(lines)


def booking_event(booking: Booking, audience: str, ui: str) -> Event:
    """The event of one booking, as the person, the requester or the service sees it."""
    request = booking.request
    event = Event()
    with force_locale(locale_for(ui)):
        event.add("UID", booking.uid)
        stamp = booking.updated_at or booking.confirmed_at
        event.add("DTSTAMP", stamp)
        event.add("CREATED", booking.confirmed_at)
        event.add("LAST-MODIFIED", stamp)
        event.add("SEQUENCE", booking.sequence)
        if booking.starts_at is not None:
            event.add("DTSTART", to_brussels(booking.starts_at), parameters={"TZID": TZID})
            event.add("DTEND", to_brussels(booking.ends_at), parameters={"TZID": TZID})
        else:
            # A translation: a whole-day event on its deadline.
            event.add("DTSTART", booking.deadline_on)
            event.add("DTEND", booking.deadline_on + timedelta(days=1))
            event.add("TRANSP", "TRANSPARENT")
        event.add("SUMMARY", _summary(booking, ui))
        event.add("DESCRIPTION", _description(booking, audience, ui))
        location = _location(booking)
        if location:
            event.add("LOCATION", location)
        cancelled = booking.status == BookingStatus.CANCELLED
        event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("URL", _link(booking, audience))
        service = request.service
        if service is not None:
            organizer = vCalAddress(f"mailto:{service.email or 'noreply@invalid'}")
            organizer.params["CN"] = vText(service.name)
            event.add("ORGANIZER", organizer)
        email = (booking.person.account.email if booking.person.account
                 else booking.person.email)
        if email:
            attendee = vCalAddress(f"mailto:{email}")
            attendee.params["CN"] = vText(booking.person.full_name)
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            attendee.params["PARTSTAT"] = vText("DECLINED" if cancelled else "ACCEPTED")
            event.add("ATTENDEE", attendee)
    return event


def calendar_document(events, method: str | None = None, name: str | None = None,
                      refresh_minutes: int | None = None) -> Calendar:
    """A VCALENDAR with the Brussels VTIMEZONE; METHOD only for iTIP mail, never in a
    stored or published calendar."""
    document = Calendar()
    document.add("PRODID", PRODID)
    document.add("VERSION", "2.0")
    document.add("CALSCALE", "GREGORIAN")
    if method:
        document.add("METHOD", method)
    if name:
        document.add("X-WR-CALNAME", name)
        document.add("NAME", name)
    if refresh_minutes:
        document.add("REFRESH-INTERVAL", timedelta(minutes=refresh_minutes),
                     parameters={"VALUE": "DURATION"})
        document.add("X-PUBLISHED-TTL", vDuration(timedelta(minutes=refresh_minutes)))
    document.add_component(brussels_vtimezone())
    for event in events:
        document.add_component(event)
    return document


def booking_ics(booking: Booking, audience: str, ui: str, method: str | None = None) -> str:
    return calendar_document([booking_event(booking, audience, ui)],
                             method=method).to_ical().decode()
