"""A change to several dates of a series, told once to each party.

While the change runs, the mails its dates would send one by one are collected
(``notifications.batch``). When it ends, each mailbox gets one mail with the words: the
dates and what happened to each, for them. Calendars take one iTIP message per mail (one
event per occurrence, docs/calendar.md "Series"; a mail carries a single calendar message,
as mail clients expect), so that mail brings the first date's event, and each other date
whose event the party lacks follows in a short mail of its own. The offers sent go as one
mail per person, with one link to answer them all; offers taken back, one mail per person.
"""

from flask_babel import lazy_gettext as _l

from ..bookings import signals
from ..bookings.links import booking_link, series_offer_link
from ..bookings.wording import request_summary
from ..calendar.itip import calendar_part, pending
from ..core.i18n import current_language, format_day
from ..core.mail import send_mail
from .batch import finish
from .bookings import _catch_up, _wants

SUBJECTS = {
    "booked": _l("Booked: series %(number)s, %(what)s"),
    "answered": _l("Booked: series %(number)s, %(what)s"),
    "changed": _l("Changed: series %(number)s, %(what)s"),
    "cancelled": _l("Cancelled: series %(number)s, %(what)s"),
}
OFFER_SUBJECT = _l("Offer: series %(number)s, %(what)s")
WITHDRAWN_SUBJECT = _l("No longer available: series %(number)s, %(what)s")
CALENDAR_SUBJECT = _l("Calendar: %(what)s on %(day)s")


def _subject(template, series, request):
    return lambda: str(template) % {"number": series.number,
                                    "what": request_summary(request, current_language()),
                                    "day": format_day(request.day)}


@signals.series_change_ended.connect
def series_change_ended(series, completed=True, **_):
    batch = finish(series, completed)
    if batch is None:
        return
    _tell_each_mailbox(batch)
    _offers(batch, batch.offers, "series_offer", OFFER_SUBJECT)
    _offers(batch, batch.withdrawn, "series_offer_withdrawn", WITHDRAWN_SUBJECT)
    for request in batch.requests:
        _catch_up(request)


def _tell_each_mailbox(batch) -> None:
    mailboxes: dict[str, list] = {}
    for party, kind, request, context in batch.entries:
        if party is None or not party.recipient.address or not _wants(party.account, kind):
            continue
        mailboxes.setdefault(party.recipient.address, []).append(
            (party, kind, request, context))
    for entries in mailboxes.values():
        parties = []
        for party, *_rest in entries:
            if party not in parties:
                parties.append(party)
        lacking = [party for party in parties if pending(party) is not None]
        first, first_request = entries[0][0], entries[0][2]
        send_mail(first.recipient, "series", _subject(
            SUBJECTS.get(batch.action, SUBJECTS["changed"]), batch.series, first_request),
            "emails/series.txt", language=first_request.working_language,
            calendar=calendar_part(lacking[0]) if lacking else None,
            series=batch.series, action=batch.action, entries=entries, party=first,
            for_person=first.audience == "person", has_account=first.account is not None,
            request=first_request, more_calendars=len(lacking) > 1)
        for party in lacking[1:]:
            _calendar_only(batch.series, party)


def _calendar_only(series, party) -> None:
    """One date's calendar message, in a mail of its own."""
    person = party.audience == "person"
    request = party.subject.request if person else party.subject
    send_mail(party.recipient, "series_calendar", _subject(CALENDAR_SUBJECT, series, request),
              "emails/series_calendar.txt", language=request.working_language,
              calendar=calendar_part(party), series=series, request=request,
              booking=party.subject if person else request.live_booking, for_person=person,
              party=party, has_account=party.account is not None,
              link=booking_link(party.subject) if person and party.account is None else None)


def _offers(batch, offers, kind: str, subject) -> None:
    """One mail per person for the offers of the change (sent, or taken back)."""
    by_person: dict[int, list] = {}
    for offer in offers:
        by_person.setdefault(offer.person_id, []).append(offer)
    for person_offers in by_person.values():
        person = person_offers[0].person
        account = person.active_account
        if not _wants(account, "offer"):
            continue
        ordered = sorted(person_offers, key=lambda o: o.request.due_at)
        first = ordered[0].request
        send_mail(person.mail_recipient, kind, _subject(subject, batch.series, first),
                  f"emails/{kind}.txt", language=first.working_language,
                  series=batch.series, offers=ordered, person=person, request=first,
                  link=series_offer_link(person.id, batch.series.id)
                  if kind == "series_offer" else None,
                  has_account=account is not None)
