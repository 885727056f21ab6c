"""A request's history in words of the reader's language."""

from flask_babel import gettext as _
from flask_babel import ngettext

from .models import RequestEvent


def event_text(event: RequestEvent) -> str:
    details = event.details
    person = details.get("person", "")
    texts = {
        "submitted": lambda: _("Request sent"),
        "offered": lambda: ngettext("Offered to %(num)d person (wave %(wave)d)",
                                    "Offered to %(num)d people (wave %(wave)d)",
                                    details.get("people", 0), wave=details.get("wave", 1)),
        "booked": lambda: _("%(person)s booked", person=person),
        "accepted": lambda: _("%(person)s accepted the offer", person=person),
        "declined": lambda: _("%(person)s declined the offer", person=person),
        "no_one_accepted": lambda: _("No one accepted: back in the queue"),
        "waves_exhausted": lambda: _("Every wave of offers was sent; no one accepted"),
        "cancelled": lambda: (_("Cancelled (late)") if details.get("late")
                              else _("Cancelled")),
        "rescheduled": lambda: _("Moved to another time or place"),
        "asked_again": lambda: _("%(person)s asked again for the new time", person=person),
        "released": lambda: _("%(person)s could not keep the new time", person=person),
        "unassigned": lambda: _("%(person)s replaced", person=person),
        "completed": lambda: _("Completed"),
        "unfilled": lambda: _("Unfilled"),
    }
    return texts[event.action]() if event.action in texts else event.action
