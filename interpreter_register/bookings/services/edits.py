"""A requester changes a request they sent, with the same checks as a new one.

Before anyone is booked every field may change; open offers about what changed are taken
back and the request goes back to its dispatchers, flagged. Once someone is booked, a new
time or place goes the way of any move (the person keeps it if they can), what the person
was chosen for (language, way of working, domain) cannot change, and the rest (the number
to call, the video link, the notes, the case reference, the preferences) changes and the
booked person is told to look again. Every change is in the request's history (the names
of the fields, never what they say) and reaches whoever it concerns.
"""

from datetime import datetime
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from ...organisations.services import services_serving
from ...register.models import Modality
from .. import signals
from ..models import InterpretingRequest
from .changes import move
from .requests import RequestDetails, _apply, check_details

# Every field a request's details set, as ``requests._apply`` sets them.
FIELDS = ("language_code", "working_language", "modality", "direction", "domain",
          "starts_at", "ends_at", "deadline_on", "words", "address", "postcode",
          "municipality", "phone_number", "video_link", "case_reference", "notes",
          "preferred_gender", "prefer_same_interpreter", "urgent")
# What matching chose the booked person for: it cannot change once someone is booked.
CHOSEN_FOR = ("language_code", "working_language", "modality", "direction", "domain",
              "deadline_on", "words")
# When and where: a booked request moves as a dispatcher's move does.
WHEN_AND_WHERE = ("starts_at", "ends_at", "address", "postcode", "municipality")
# What open offers told the people asked: offers are taken back when it changes.
OFFERED_ABOUT = (*CHOSEN_FOR, *WHEN_AND_WHERE, "phone_number", "video_link")
# What the booked person reads on their booking page: they are asked to look again.
FOR_THE_INTERPRETER = ("phone_number", "video_link", "notes", "case_reference")
# The form field a refusal about a field belongs next to.
FORM_FIELD = {"language_code": "language", "starts_at": "starts", "ends_at": "ends",
              "deadline_on": "deadline_on"}


def changed_fields(request: InterpretingRequest, details: RequestDetails) -> list[str]:
    """The names of the fields ``details`` would change, compared as they are stored."""
    wanted = SimpleNamespace()
    _apply(wanted, details)
    return [name for name in FIELDS if getattr(wanted, name) != getattr(request, name)]


def _calendar_shows(request: InterpretingRequest, fields) -> bool:
    """Whether the request's events show a changed field: the time and place, and the
    video link (the place of a video call)."""
    return any(f in WHEN_AND_WHERE for f in fields) or (
        "video_link" in fields and request.modality == Modality.VIDEO)


def check_changeable(acting, request: InterpretingRequest, now: datetime) -> None:
    require(request.can_be_changed_by(acting), "only the organisation's requesters change it")
    if request.is_open and request.has_begun(now):
        raise RuleError(_l("This request has begun or is over: it can no longer be changed."))
    if not request.is_changeable(now):
        raise RuleError(_l("This request is closed: it can no longer be changed."))


def edit_request(acting, request: InterpretingRequest, details: RequestDetails,
                 now: datetime | None = None) -> list[str]:
    """The requester changes what they asked; returns the names of what changed."""
    now = now or utcnow()
    check_changeable(acting, request, now)
    check_details(details, now)
    fields = changed_fields(request, details)
    if not fields:
        return []
    if request.live_booking is not None:
        _edit_booked(acting, request, details, fields, now)
    else:
        _edit_unbooked(acting, request, details, fields, now)
    return fields


def _serving(details: RequestDetails, request: InterpretingRequest):
    postcode = details.postcode if details.modality == Modality.ON_SITE else None
    found = services_serving(postcode or request.organisation.postcode)
    return found[0] if found else None


def _edit_unbooked(acting, request, details, fields, now) -> None:
    _apply(request, details)
    service = _serving(details, request)
    if service is not request.service:
        request.route_to(service, now)
    withdrawn = request.change(acting, fields, now,
                               offers_void=any(f in OFFERED_ABOUT for f in fields),
                               calendar=_calendar_shows(request, fields))
    db.session.flush()
    signals.request_edited.send(request, fields=fields, withdrawn=withdrawn,
                                for_interpreter=False)


def _edit_booked(acting, request, details, fields, now) -> None:
    refused = [f for f in fields if f in CHOSEN_FOR]
    if refused:
        raise RuleError(_l("An interpreter is booked for this language and way of working: "
                           "to change them, cancel this request and ask again."),
                        FORM_FIELD.get(refused[0], refused[0]))
    if _serving(details, request) is not request.service:
        raise RuleError(_l("Another interpreting service serves this place: cancel this "
                           "request and ask again."), "postcode")
    rest = [f for f in fields if f not in WHEN_AND_WHERE]
    if len(rest) < len(fields):
        # The move's own checks and mails; the person keeps it if they still can.
        move(acting, request, details.starts_at, details.ends_at, details.address,
             details.postcode, details.municipality, now)
    if not rest:
        return
    # The details besides the time and place, the time and place as they now are.
    _apply(request, RequestDetails(**{
        **details.__dict__, "starts_at": request.starts_at, "ends_at": request.ends_at,
        "address": request.address, "postcode": request.postcode,
        "municipality": request.municipality}))
    calendar = _calendar_shows(request, rest)
    booking = request.live_booking
    if calendar and booking is not None:
        booking.move(booking.starts_at, booking.ends_at, booking.place)
    request.change(acting, rest, now, calendar=calendar)
    db.session.flush()
    signals.request_edited.send(request, fields=rest, withdrawn=[],
                                for_interpreter=booking is not None and any(
                                    f in FOR_THE_INTERPRETER for f in rest))
