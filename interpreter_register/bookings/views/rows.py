"""The dispatcher's queue as the page prints it: one plain row of strings per request.

Rendering fifty rows through macros, lazy labels and Babel per cell was three quarters of
the page (docs/scaling.md). Here each label is translated once per page, a day or a time
is formatted once however many rows share it, a summary is worded once per pair and way
of working (``wording.PageWording``), and the template only prints what it is given.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _

from ...core.i18n import format_day
from ..models import InterpretingRequest
from ..wording import page_wording

# The badge of each status, as the request pages show it too (``status_badge``).
STATUS_BADGES = {"submitted": "text-bg-secondary", "offered": "text-bg-info",
                 "booked": "text-bg-success", "cancelled": "text-bg-dark",
                 "unfilled": "text-bg-danger", "completed": "text-bg-light border"}


@dataclass(frozen=True, slots=True)
class QueueRow:
    link: str
    when: str
    number: str
    what: str
    how: str
    place: str | None          # on site: the municipality
    organisation: str
    status: str
    badge: str
    urgent: bool
    starts_soon: bool
    flag: str | None
    pressing: bool
    series_link: str | None = None     # a date of a series: its panel, and which date
    series_label: str | None = None


def queue_rows(items: list[InterpretingRequest], soon: datetime) -> list[QueueRow]:
    """The page's rows; ``soon``: a request due before it starts soon."""
    wording = page_wording()
    label = wording.words
    # One link built, the others made from it (building each costs as much as a row).
    link = url_for("dispatch.show", request_id=1).removesuffix("1")
    series_link = url_for("dispatch.series_panel", series_id=1).removesuffix("1")
    series_label = _("Series, date %(n)d")
    rows = []
    for item in items:
        due_soon = item.due_at <= soon
        pressing = item.is_awaiting_booking and (item.urgent or due_soon
                                                 or item.flag is not None)
        rows.append(QueueRow(
            link=f"{link}{item.id}", when=wording.when(item), number=item.number,
            what=wording.what(item), how=label(item.modality),
            place=item.municipality if item.modality.value == "on_site" else None,
            organisation=item.organisation.name, status=label(item.status),
            badge=STATUS_BADGES[item.status.value], urgent=item.urgent,
            starts_soon=pressing and due_soon,
            flag=label(item.flag) if item.flag is not None else None, pressing=pressing,
            series_link=f"{series_link}{item.series_id}" if item.series_id else None,
            series_label=series_label % {"n": item.occurrence} if item.series_id
            else None))
    return rows


@dataclass(frozen=True, slots=True)
class AttentionRow:
    """One item of the attention list (bookings/services/attention.py) as printed."""

    what_happened: str
    since: str | None
    when: str
    what: str
    organisation: str
    number: str
    link: str
    action: str


def _what_happened(item, label) -> str:
    """The item's headline: who or what is at risk, in the reader's language."""
    details = dict(item.details)
    name = item.booking.person.full_name if item.booking is not None else None
    if item.what == "person_inactive":
        return _("%(name)s is no longer active in the register", name=name)
    if item.what == "certificate_suspended":
        return _("The certificate of %(name)s for this pair is suspended since %(date)s",
                 name=name, date=format_day(details["since"]))
    if item.what == "certificate_revoked":
        return _("The certificate of %(name)s for this pair is revoked since %(date)s",
                 name=name, date=format_day(details["since"]))
    if item.what == "tier_lost":
        return _("%(name)s no longer holds the tier booked (%(booked)s, now %(now)s)",
                 name=name, booked=label(details["booked"]), now=label(details["now"]))
    return label(item.request.flag)


def attention_rows(items) -> list[AttentionRow]:
    """The attention list's items, worded once per page like the queue's rows."""
    wording = page_wording()
    label = wording.words
    link = url_for("dispatch.show", request_id=1).removesuffix("1")
    actions = {"book": _("Book someone"), "reassign": _("Reassign")}
    return [AttentionRow(
        what_happened=_what_happened(item, label),
        since=wording.formats.moment(item.since) if item.since else None,
        when=wording.when(item.request), what=wording.what(item.request),
        organisation=item.request.organisation.name, number=item.request.number,
        link=f"{link}{item.request.id}", action=actions[item.action])
        for item in items]
