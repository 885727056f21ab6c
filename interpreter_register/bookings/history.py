"""A request's history in words of the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .models import RequestEvent

# What a change names, in words (the fields' names only: never what they say).
FIELD_WORDS = {
    "language_code": _l("the language"), "working_language": _l("the working language"),
    "modality": _l("the way of working"), "direction": _l("the direction"),
    "domain": _l("the domain"), "starts_at": _l("the time"), "ends_at": _l("the time"),
    "deadline_on": _l("the deadline"), "words": _l("the size"), "address": _l("the place"),
    "postcode": _l("the place"), "municipality": _l("the place"),
    "phone_number": _l("the number to call"), "video_link": _l("the video link"),
    "case_reference": _l("the case reference"), "notes": _l("the notes"),
    "preferred_gender": _l("the preferences"), "prefer_same_interpreter": _l("the preferences"),
    "urgent": _l("the urgency"),
}


def fields_in_words(fields) -> str:
    words = []
    for name in fields:
        word = str(FIELD_WORDS.get(name, name))
        if word not in words:
            words.append(word)
    return ", ".join(words)


# Every action a request's history records, with its words; ``d`` is the event's
# details, ``p`` the person it names (a test holds the code's actions to this table).
TEXTS = {
    "submitted": lambda d, p: _("Request sent"),
    "offered": lambda d, p: ngettext("Offered to %(num)d person (wave %(wave)d)",
                                     "Offered to %(num)d people (wave %(wave)d)",
                                     d.get("people", 0), wave=d.get("wave", 1)),
    "booked": lambda d, p: _("%(person)s booked", person=p),
    "accepted": lambda d, p: _("%(person)s accepted the offer", person=p),
    "declined": lambda d, p: _("%(person)s declined the offer", person=p),
    "no_one_accepted": lambda d, p: _("No one accepted: back in the queue"),
    "waves_exhausted": lambda d, p: _("Every wave of offers was sent; no one accepted"),
    "cancelled": lambda d, p: _("Cancelled (late)") if d.get("late") else _("Cancelled"),
    "rescheduled": lambda d, p: _("Moved to another time or place"),
    "asked_again": lambda d, p: _("%(person)s asked again for the new time", person=p),
    "released": lambda d, p: _("%(person)s could not keep the new time", person=p),
    "unassigned": lambda d, p: _("%(person)s replaced", person=p),
    "withdrawn": lambda d, p: _("%(person)s withdrew: back in the queue", person=p),
    "offer_withdrawn": lambda d, p: _("The offer to %(person)s was withdrawn", person=p),
    "delivered": lambda d, p: _("The translation was delivered"),
    "escalated": lambda d, p: _("Starts soon and not booked: the dispatchers were warned"),
    "completed": lambda d, p: _("Completed"),
    # The completion sheet (sheets): the request's history keeps every step.
    "sheet_asked": lambda d, p: _("The work is done: the interpreter is asked for the "
                                  "completion sheet"),
    "sheet_filed": lambda d, p: (
        _("The service filed the completion sheet (version %(version)d)",
          version=d.get("version", 1)) if d.get("by") == "service"
        else _("The completion sheet was filed (version %(version)d)",
               version=d.get("version", 1))),
    "sheet_confirmed": lambda d, p: _("The organisation confirmed the completion sheet"),
    "sheet_deemed_confirmed": lambda d, p: _("No answer by the deadline: the completion "
                                             "sheet counts as confirmed"),
    "sheet_disputed": lambda d, p: _("The completion sheet was disputed"),
    "sheet_settled": lambda d, p: _("The service settled the completion sheet (version "
                                    "%(version)d)", version=d.get("version", 1)),
    "sheet_corrected": lambda d, p: _("The service corrected the settled completion sheet "
                                      "(version %(version)d)", version=d.get("version", 1)),
    "sheet_late_cancellation": lambda d, p: _("A completion sheet for the late cancellation "
                                              "was made under the service's policy"),
    "unfilled": lambda d, p: _("Unfilled"),
    "edited": lambda d, p: _("Changed by the requester: %(fields)s",
                             fields=fields_in_words(d.get("fields", ()))),
    "series_rest": lambda d, p: _("Its series went to %(person)s, who cannot take this date",
                                  person=p),
}


def event_text(event: RequestEvent) -> str:
    details = event.details
    return TEXTS[event.action](details, details.get("person", ""))
