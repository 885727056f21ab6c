"""Requests: a social worker asks, the request goes to the right service, may be cancelled."""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from ...core.permissions import require
from ...core.phones import normalise_phone
from ...core.regions import is_postcode
from ...core.rules import RuleError
from ...core.time import brussels_to_utc, utcnow
from ...extensions import db
from ...organisations.services import services_serving
from ...register.models import Direction, Domain, Gender, Language, Modality
from ...register.services.people import add_language, check_language_code
from .. import signals
from ..cancellation import is_late
from ..models import InterpretingRequest


@dataclass
class RequestDetails:
    language_code: str
    working_language: str
    modality: Modality
    domain: Domain
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    deadline_on: date | None = None
    words: int | None = None
    direction: Direction = Direction.BOTH
    address: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    phone_number: str | None = None
    video_link: str | None = None
    case_reference: str | None = None
    notes: str | None = None
    preferred_gender: Gender | None = None
    prefer_same_interpreter: bool = False
    urgent: bool = False


def check_details(details: RequestDetails, now: datetime) -> None:
    """What a request must say, by its way of working; refuses with everything missing."""
    error = RuleError.all_of(request_problems(details, now))
    if error:
        raise error


def request_problems(details: RequestDetails, now: datetime):
    """Each (message, field) a request's details fail, in the form's order."""
    if details.modality == Modality.WRITTEN:
        if details.deadline_on is None:
            yield _l("Give the deadline of the translation."), "deadline_on"
        elif details.deadline_on < now.date():
            yield _l("The deadline is in the past."), "deadline_on"
        if not details.words or details.words < 1:
            yield _l("Give the size of the document in words."), "words"
        if details.direction not in (Direction.INTO_WORKING, Direction.FROM_WORKING):
            yield _l("Say which way the translation goes."), "direction"
        return
    if details.starts_at is None or details.ends_at is None:
        yield _l("Give the day, the start and the end."), "starts"
    elif details.ends_at <= details.starts_at:
        yield _l("The end must come after the start."), "ends"
    elif details.starts_at < now:
        yield _l("This moment is in the past."), "day"
    if details.modality == Modality.ON_SITE:
        if not (details.address and details.municipality):
            yield _l("Give the address where the conversation takes place."), "address"
        if not is_postcode(details.postcode or ""):
            yield _l("A Belgian postcode has four digits, from 1000 to 9999."), "postcode"
    if details.modality == Modality.PHONE and not details.phone_number:
        yield _l("Give the number the interpreter calls."), "phone_number"
    if details.modality == Modality.VIDEO and not (details.video_link or "").startswith(
            ("https://", "http://")):
        yield _l("Give the link of the video call (starting with https://)."), "video_link"


def normalise_case_reference(text: str | None) -> str | None:
    """Case references are codes (GNT-2026-0412), kept in capitals with single spaces, so
    that a search finds one however it is typed."""
    return " ".join((text or "").split()).upper() or None


def _language(code: str) -> str:
    """Any ISO 639 language may be asked for; one new to the register is added, since a
    request for it is the evidence that it is needed."""
    code = check_language_code(code)
    if db.session.get(Language, code) is None:
        add_language(None, code)
    return code


def _apply(request: InterpretingRequest, details: RequestDetails) -> None:
    translation = details.modality == Modality.WRITTEN
    on_site = details.modality == Modality.ON_SITE
    request.language_code = _language(details.language_code)
    request.working_language = details.working_language
    request.modality = details.modality
    request.direction = details.direction if translation else Direction.BOTH
    request.domain = details.domain
    request.starts_at = None if translation else details.starts_at
    request.ends_at = None if translation else details.ends_at
    request.deadline_on = details.deadline_on if translation else None
    request.due_at = (brussels_to_utc(details.deadline_on, time(0)) if translation
                      else details.starts_at)
    request.words = details.words if translation else None
    request.address = details.address.strip() if on_site else None
    request.postcode = details.postcode if on_site else None
    request.municipality = details.municipality.strip() if on_site else None
    request.phone_number = (normalise_phone(details.phone_number)
                            if details.modality == Modality.PHONE else None)
    request.video_link = details.video_link if details.modality == Modality.VIDEO else None
    request.case_reference = normalise_case_reference(details.case_reference)
    request.notes = (details.notes or "").strip() or None
    request.preferred_gender = details.preferred_gender
    request.prefer_same_interpreter = details.prefer_same_interpreter
    request.urgent = details.urgent


def route(request: InterpretingRequest) -> None:
    """To the service of the place (on site), else of the organisation; the most local."""
    postcode = request.postcode if request.modality == Modality.ON_SITE else None
    services = services_serving(postcode or request.organisation.postcode)
    request.route_to(services[0] if services else None)


def create_request(acting, details: RequestDetails, now: datetime | None = None):
    """A requester asks for an interpreter or a translation for their organisation."""
    require(acting.is_requester, "only requesters ask")
    check_details(details, now or utcnow())
    return new_request(acting, details)


def new_request(acting, details: RequestDetails, **series) -> InterpretingRequest:
    """The request made from checked details, routed and recorded (``series``: the series
    and the occurrence it is)."""
    request = InterpretingRequest(organisation=acting.organisation, requester=acting,
                                  **series)
    _apply(request, details)
    route(request)
    db.session.add(request)
    db.session.flush()
    request.record(acting, "submitted")
    signals.request_created.send(request)
    return request


def details_of(request: InterpretingRequest) -> RequestDetails:
    """What a request asks, as a form or a copy of it starts from."""
    return RequestDetails(
        language_code=request.language_code, working_language=request.working_language,
        modality=request.modality, domain=request.domain, starts_at=request.starts_at,
        ends_at=request.ends_at, deadline_on=request.deadline_on, words=request.words,
        direction=request.direction, address=request.address, postcode=request.postcode,
        municipality=request.municipality, phone_number=request.phone_number,
        video_link=request.video_link, case_reference=request.case_reference,
        notes=request.notes, preferred_gender=request.preferred_gender,
        prefer_same_interpreter=request.prefer_same_interpreter, urgent=request.urgent)


def cancellation_is_late(request: InterpretingRequest, now: datetime) -> bool:
    """Late by the policy of the request's service, when someone is booked for it."""
    booking = request.live_booking
    if booking is None or request.service is None:
        return False
    service = request.service
    # A translation counts from the start of its deadline day.
    starts = booking.starts_at or brussels_to_utc(booking.deadline_on, time(0))
    return is_late(now, starts, service.cancellation_rule, service.cancellation_hours)


def cancel_request(acting, request: InterpretingRequest, reason: str,
                   now: datetime | None = None) -> bool:
    """Cancel a request (and its booking); returns whether the cancellation was late."""
    now = now or utcnow()
    require(request.can_be_cancelled_by(acting), "not allowed to cancel this request")
    if not request.is_open or request.work_is_over(now):
        raise RuleError(_l("This request can no longer be cancelled."))
    if not (reason or "").strip():
        raise RuleError(_l("Say why the request is cancelled."), "reason")
    late = cancellation_is_late(request, now)
    booking = request.live_booking
    request.cancel(acting, reason.strip()[:300], late, now)
    db.session.flush()
    signals.request_cancelled.send(request, booking=booking, by=acting)
    return late

