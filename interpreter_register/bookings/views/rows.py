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
