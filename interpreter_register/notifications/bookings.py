"""Mails about offers and bookings, each in its recipient's language: the receivers of the
bookings area's signals.

Every change tells each party what it means for them, in words (who cancelled; a
replacement is sought; you are booked), and carries the calendar message that brings
their calendar up to date (``calendar.itip``). After the words, ``_catch_up`` sends any
calendar change a party still lacks, so that every party's mail tells the same story as
their feed, whatever the sequence of changes.

Subjects and bodies say what, when and where in general terms (language pair, day,
municipality); never the case reference or the notes. People without an account get the
signed link to their booking, never an invitation to log in.
"""

from flask_babel import lazy_gettext as _l

from ..auth.models import recipient_of_user
from ..bookings import signals
from ..bookings.links import booking_link, offer_link
from ..bookings.wording import request_summary
from ..calendar.itip import (
    Party,
    calendar_part,
    interpreter_of,
    parties_of,
    pending,
    requester_of,
)
from ..core.i18n import current_language, format_day
from ..core.mail import send_mail
from .batch import collecting, touched

SUBJECTS = {
    "offer": _l("Offer: %(what)s on %(day)s"),
    "offer_withdrawn": _l("No longer available: %(what)s on %(day)s"),
    "booked": _l("Booked: %(what)s on %(day)s"),
    "cancelled": _l("Cancelled: %(what)s on %(day)s"),
    "rescheduled": _l("Changed: %(what)s on %(day)s"),
    "released": _l("Changed: %(what)s on %(day)s"),
    "withdrawn": _l("Withdrawn: %(what)s on %(day)s"),
    "rebook": _l("Withdrawn, rebook: %(what)s on %(day)s"),
    "unfilled": _l("No interpreter found: %(what)s on %(day)s"),
    "updated": _l("Changed: %(what)s on %(day)s"),
    "details_changed": _l("Changed: %(what)s on %(day)s"),
}
# Which of a user's mail preferences a kind of mail obeys (offers; everything else about
# bookings). A dispatcher's mail about their work always goes.
PREFERENCE = {"offer": "mail_offers", "offer_withdrawn": "mail_offers"}


def _subject(kind: str, request):
    """The subject, made in the recipient's language when the mail is rendered."""
    return lambda: str(SUBJECTS[kind]) % {"what": request_summary(request, current_language()),
                                          "day": format_day(request.day)}


def _wants(account, kind: str) -> bool:
    if account is None:
        return True
    return bool(getattr(account, PREFERENCE.get(kind, "mail_bookings"), True))


def _tell(party: Party | None, kind: str, request, **context) -> None:
    """One mail to a party: the words of ``kind``, with the calendar message their calendar
    lacks (if any). A person without an account gets their booking's own link. During a
    change to a series the words are collected, to be told once (``notifications.series``)."""
    batch = collecting()
    if batch is not None:
        batch.entries.append((party, kind, request, context))
        touched(request)
        return
    if party is None or not _wants(party.account, kind):
        return
    booking = party.subject if party.audience == "person" else request.live_booking
    if party.audience == "person" and party.account is None:
        context.setdefault("link", booking_link(party.subject))
    send_mail(party.recipient, kind, _subject(kind, request), f"emails/{kind}.txt",
              language=request.working_language, calendar=calendar_part(party),
              request=request, booking=booking, for_person=party.audience == "person",
              has_account=party.account is not None, **context)


def _catch_up(request) -> None:
    """Whoever's calendar still lacks a change of this request gets it now (at the end of
    a change to a series: then it is done once, for every date it touched)."""
    if collecting() is not None:
        touched(request)
        return
    for party in parties_of(request):
        if pending(party) is not None:
            _tell(party, "updated", request)


def _to_dispatchers(kind: str, request, **context) -> None:
    if request.service is None:
        return
    for dispatcher in request.service.dispatchers:
        if dispatcher.active:
            send_mail(recipient_of_user(dispatcher), kind, _subject(kind, request),
                      f"emails/{kind}.txt", request=request, **context)


@signals.offer_sent.connect
def offer_sent(offer, **_):
    batch = collecting()
    if batch is not None:
        batch.offers.append(offer)
        touched(offer.request)
        return
    person = offer.person
    if _wants(person.active_account, "offer"):
        send_mail(person.mail_recipient, "offer", _subject("offer", offer.request),
                  "emails/offer.txt", language=offer.request.working_language,
                  request=offer.request, offer=offer, link=offer_link(offer),
                  has_account=person.active_account is not None)


@signals.offer_withdrawn.connect
def offer_withdrawn(offer, **_):
    """The offer is no longer available (the reason stays with the service)."""
    batch = collecting()
    if batch is not None:
        batch.withdrawn.append(offer)
        return
    person = offer.person
    if _wants(person.active_account, "offer_withdrawn"):
        send_mail(person.mail_recipient, "offer_withdrawn",
                  _subject("offer_withdrawn", offer.request), "emails/offer_withdrawn.txt",
                  language=offer.request.working_language, request=offer.request,
                  offer=offer)


@signals.booking_confirmed.connect
def booking_confirmed(booking, **_):
    request = booking.request
    _tell(interpreter_of(booking), "booked", request)
    _tell(requester_of(request), "booked", request)
    _catch_up(request)


@signals.booking_reassigned.connect
def booking_reassigned(booking, previous=None, **_):
    """Someone else has it now: the first person's booking ends, the new one is booked,
    and the requester sees one event that names the new interpreter."""
    request = booking.request
    if previous is not None:
        _tell(interpreter_of(previous), "cancelled", request, by="service")
    _tell(interpreter_of(booking), "booked", request)
    _tell(requester_of(request), "booked", request, replaced=True)
    _catch_up(request)


@signals.booking_moved.connect
def booking_moved(booking, **_):
    request = booking.request
    _tell(interpreter_of(booking), "rescheduled", request)
    _tell(requester_of(request), "rescheduled", request)
    _catch_up(request)


@signals.request_moved.connect
def request_moved(request, **_):
    """Nobody is booked for it (yet, or any more): the requester learns the new time, and
    their calendar follows if it shows the request."""
    _tell(requester_of(request), "rescheduled", request)
    _catch_up(request)


@signals.booking_released.connect
def booking_released(booking, **_):
    """The person no longer has it: moved to a time they cannot keep, or they withdrew.
    They get the cancellation; the requester learns that a replacement is sought (not who
    or why); on a withdrawal the dispatchers are asked to rebook."""
    request = booking.request
    withdrawn = booking.ended_reason == "withdrawn"
    _tell(interpreter_of(booking), "withdrawn" if withdrawn else "released", request)
    _tell(requester_of(request), "released", request)
    if withdrawn:
        _to_dispatchers("rebook", request, booking=booking)
    _catch_up(request)


@signals.request_cancelled.connect
def request_cancelled(request, booking=None, by=None, **_):
    """Everyone whose calendar shows it gets the cancellation, the requester too when
    they cancelled themselves; the words say who cancelled."""
    requester = request.requester
    who = ("you" if by is not None and by.id == requester.id
           else "colleague" if by is not None and by.is_requester else "service")
    if booking is not None:
        _tell(interpreter_of(booking), "cancelled", request, by="service")
    if booking is not None or who != "you":
        _tell(requester_of(request), "cancelled", request, by=who,
              colleague=by.name if who == "colleague" else None)
    _catch_up(request)


@signals.request_edited.connect
def request_edited(request, withdrawn=(), for_interpreter=False, **_):
    """The requester changed it: the people whose offers were taken back learn that the
    offer is no longer available; the booked person is asked to look at the details
    again (never told what they say); every calendar follows."""
    for offer in withdrawn:
        offer_withdrawn(offer)
    booking = request.live_booking
    if for_interpreter and booking is not None:
        _tell(interpreter_of(booking), "details_changed", request)
    _catch_up(request)


@signals.request_unfilled.connect
def request_unfilled(request, **_):
    """Its time came and nobody could be booked: the requester must know."""
    _tell(requester_of(request), "unfilled", request)
    _catch_up(request)


@signals.request_escalated.connect
def request_escalated(request, **_):
    """Its dispatchers are told that it starts soon and nobody is booked."""
    if request.service is None:
        return
    for dispatcher in request.service.dispatchers:
        if dispatcher.active:
            send_mail(recipient_of_user(dispatcher), "escalation",
                      _l("Not booked yet, starts soon: request %(number)s",
                         number=request.number), "emails/escalation.txt", request=request)
