"""Requests and bookings as iCalendar (RFC 5545) events, in the reader's language.

Two kinds of event (docs/calendar.md): the interpreter sees one event per booking (the
booking's UID; it ends when they no longer have it); the requester, the organisation and
the service see one event per request (the request's calendar UID), from its first
booking to its end, naming whoever is booked now, TENTATIVE while a replacement is
sought. SEQUENCE counts the changes a recipient must see. No client data goes in: no
case reference, no notes, nothing that names the client.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from ..bookings.links import booking_link
from ..bookings.models import Booking, BookingStatus
from ..bookings.wording import summary
from ..core.i18n import locale_for
from ..core.time import to_brussels
from ..core.urls import url_builder
from ..register.models import Tier
from .vtimezone import TZID, brussels_vtimezone

PRODID = "-//Interpreter register//Bookings//EN"

# Whose calendar an event is for decides the kind of event, the link back and how much it
# names: "person" sees bookings, "requester" and "service" see requests.
AUDIENCES = ("person", "requester", "service")


@dataclass(frozen=True, slots=True)
class EventFacts:
    """Everything an event shows, and nothing else: an event is made from these facts
    alone, so two equal sets of facts give byte-equal events, and the facts can key a
    cache of serialised events without missing a change."""

    uid: str
    stamp: datetime
    created: datetime
    sequence: int
    starts_at: datetime | None
    ends_at: datetime | None
    deadline_on: date | None
    status: str                 # CONFIRMED, TENTATIVE (a replacement sought), CANCELLED
    tier: int | None
    booking_id: int | None      # the interpreter's event; None for a request's
    request_id: int
    request_number: str
    language_name: str          # in the reader's language
    working_language: str
    modality: Enum
    direction: Enum | None
    is_translation: bool
    place: tuple                # address, postcode, municipality, video link
    organisation_id: int
    organisation_name: str
    service: tuple | None       # id, name, e-mail
    person_name: str | None     # who is booked; None while a replacement is sought
    person_email: str | None
    requester: tuple            # name, e-mail
    series: tuple | None        # the series' number, this occurrence, how many it has
    link: str | None            # the person's own way in, when they have no account


def _location(facts: EventFacts) -> str:
    address, postcode, municipality, video_link = facts.place
    if facts.modality.value == "on_site":
        return f"{address}, {postcode} {municipality}"
    if facts.modality.value == "video":
        return video_link or _("By video")
    if facts.modality.value == "phone":
        return _("By telephone")
    return ""


def _address(email: str, name: str, **parameters) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in parameters.items():
        address.params[key] = vText(value)
    return address


class SerialisedEvents:
    """Serialised events of the latest bookings, per process, least recently used out.

    A feed of a thousand bookings is served again whenever one of them changes; only the
    changed events are made and serialised anew. Bounded: ~1 KB an event."""

    def __init__(self, size: int = 20_000):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


SERIALISED = SerialisedEvents()


class EventMaker:
    """Makes the events of one calendar, for one audience, in the language it is already
    forced to. What its events share (the pair's wording, the organisation and service
    lines, the organizer, the link builder) is worked out once."""

    def __init__(self, audience: str, ui: str):
        self.audience, self.ui = audience, ui
        self.link_to = url_builder()
        self._shared = {}

    def _once(self, key, make):
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    def _shared_facts(self, request) -> dict:
        service = request.service
        return dict(
            request_id=request.id, request_number=request.number,
            language_name=self._once(("language", request.language_code),
                                     lambda: request.language.name(self.ui)),
            working_language=request.working_language, modality=request.modality,
            direction=request.direction, is_translation=request.is_translation,
            place=(request.address, request.postcode, request.municipality,
                   request.video_link),
            organisation_id=request.organisation_id,
            organisation_name=request.organisation.name,
            service=(service.id, service.name, service.email) if service else None,
            requester=(request.requester.name, request.requester.email),
            series=(request.series.number, request.occurrence, request.series.size)
            if request.series_id is not None else None)

    def facts(self, subject) -> EventFacts:
        """The facts of a booking (the interpreter's event) or of a request (everyone
        else's), as this maker's audience sees it."""
        if self.audience == "person":
            return self.booking_facts(subject)
        return self.request_facts(subject)

    def booking_facts(self, booking: Booking) -> EventFacts:
        request, person = booking.request, booking.person
        return EventFacts(
            uid=booking.uid, stamp=booking.updated_at or booking.confirmed_at,
            created=booking.confirmed_at, sequence=booking.sequence,
            starts_at=booking.starts_at, ends_at=booking.ends_at,
            deadline_on=booking.deadline_on,
            status="CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED",
            tier=booking.tier, booking_id=booking.id,
            person_name=person.full_name, person_email=person.mail_recipient.address,
            link=None if person.active_account else booking_link(booking),
            **self._shared_facts(request))

    def request_facts(self, request) -> EventFacts:
        booking = request.live_booking
        person = booking.person if booking is not None else None
        first = request.bookings[0]
        return EventFacts(
            uid=request.calendar_uid, stamp=request.updated_at,
            created=first.confirmed_at, sequence=request.calendar_sequence,
            starts_at=request.starts_at, ends_at=request.ends_at,
            deadline_on=request.deadline_on, status=request.calendar_status,
            tier=booking.tier if booking else None, booking_id=None,
            person_name=person.full_name if person else None,
            person_email=person.mail_recipient.address if person else None, link=None,
            **self._shared_facts(request))

    def link(self, facts: EventFacts) -> str:
        if facts.link:
            return facts.link
        if self.audience == "person":
            return self.link_to("portal.booking", booking_id=facts.booking_id)
        endpoint = "requests.show" if self.audience == "requester" else "dispatch.show"
        return self.link_to(endpoint, request_id=facts.request_id)

    def summary(self, facts: EventFacts) -> str:
        key = (facts.language_name, facts.working_language, facts.modality, facts.direction)
        return self._once(("summary", *key), lambda: summary(*key, self.ui))

    def description(self, facts: EventFacts, summary: str, link: str) -> str:
        lines = [summary]
        if self.audience != "person":
            lines.append(_("Interpreter: %(name)s (%(tier)s)", name=facts.person_name,
                           tier=Tier(facts.tier).label) if facts.person_name else
                         _("The interpreting service is looking for an interpreter."))
        if self.audience != "requester":
            lines.append(self._once(("for", facts.organisation_name), lambda: _(
                "For: %(organisation)s", organisation=facts.organisation_name)))
        if facts.service is not None:
            lines.append(self._once(("service", facts.service), lambda: _(
                "Interpreting service: %(service)s", service=facts.service[1])))
        lines.append(_("Request %(number)s", number=facts.request_number))
        if facts.series is not None:
            number, occurrence, size = facts.series
            lines.append(_("Series %(number)s, %(n)d of %(total)d", number=number,
                           n=occurrence, total=size))
        lines.append(link)
        return "\n".join(lines)

    def event(self, facts: EventFacts) -> Event:
        """The event of one booking, as the person, the requester or the service sees it."""
        event = Event()
        event.add("UID", facts.uid)
        event.add("DTSTAMP", facts.stamp)
        event.add("CREATED", facts.created)
        event.add("LAST-MODIFIED", facts.stamp)
        event.add("SEQUENCE", facts.sequence)
        if facts.starts_at is not None:
            event.add("DTSTART", to_brussels(facts.starts_at), parameters={"TZID": TZID})
            event.add("DTEND", to_brussels(facts.ends_at), parameters={"TZID": TZID})
        else:
            # A translation: a whole-day event on its deadline.
            event.add("DTSTART", facts.deadline_on)
            event.add("DTEND", facts.deadline_on + timedelta(days=1))
            event.add("TRANSP", "TRANSPARENT")
        summary, link = self.summary(facts), self.link(facts)
        event.add("SUMMARY", summary)
        event.add("DESCRIPTION", self.description(facts, summary, link))
        location = _location(facts)
        if location:
            event.add("LOCATION", location)
        event.add("STATUS", facts.status)
        event.add("URL", link)
        # iTIP addressing (RFC 5546): the service organises; the interpreter and the
        # requester attend.
        if facts.service is not None:
            _id, name, email = facts.service
            event.add("ORGANIZER", self._once(("organizer", facts.service), lambda: _address(
                email or "noreply@invalid", name)))
        cancelled = facts.status == "CANCELLED"
        if facts.person_email:
            event.add("ATTENDEE", _address(
                facts.person_email, facts.person_name, ROLE="REQ-PARTICIPANT",
                PARTSTAT="DECLINED" if cancelled else "ACCEPTED"))
        requester_name, requester_email = facts.requester
        event.add("ATTENDEE", _address(requester_email, requester_name, ROLE="REQ-PARTICIPANT",
                                       PARTSTAT="DECLINED" if cancelled else "ACCEPTED"))
        return event

    def serialised(self, subject) -> bytes:
        facts = self.facts(subject)
        key = (self.audience, self.ui, current_app.config["BASE_URL"], facts)
        found = SERIALISED.get(key)
        if found is None:
            found = self.event(facts).to_ical()
            SERIALISED.put(key, found)
        return found


def events_of(subjects, audience: str, ui: str) -> list[Event]:
    """The events of bookings (audience "person") or requests (the others), as the
    audience sees them, in the UI language ``ui``."""
    with force_locale(locale_for(ui)):
        maker = EventMaker(audience, ui)
        return [maker.event(maker.facts(subject)) for subject in subjects]


def event_of(subject, audience: str, ui: str) -> Event:
    return events_of([subject], audience, ui)[0]


def feed_ics(subjects, audience: str, ui: str, refresh_minutes: int) -> bytes:
    """A subscription feed in the subscriber's language: the calendar icalendar makes,
    with each event serialised by icalendar too, or taken from the serialised events of
    an earlier feed when its facts have not changed."""
    with force_locale(locale_for(ui)):
        maker = EventMaker(audience, ui)
        events = b"".join(maker.serialised(subject) for subject in subjects)
        document = calendar_document([], name=_("Bookings"),
                                     refresh_minutes=refresh_minutes).to_ical()
    # Components follow the calendar's properties and the VTIMEZONE, so the events go
    # just before the calendar ends, where icalendar itself would put them.
    body, end = document.rsplit(b"END:VCALENDAR", 1)
    return body + events + b"END:VCALENDAR" + end


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


def event_ics(subject, audience: str, ui: str, method: str | None = None) -> str:
    """One event as a calendar document: a download, or with ``method`` an iTIP message."""
    return calendar_document([event_of(subject, audience, ui)],
                             method=method).to_ical().decode()
