"""Posting to a request's thread and telling the other parties."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import recipient_of_user
from ..bookings.links import booking_link
from ..core.mail import send_mail
from ..core.permissions import require
from ..core.rules import RuleError
from ..core.urls import external_url
from ..extensions import db
from .models import Message, thread_party

MAX_LENGTH = 4000


def thread_of(request) -> list[Message]:
    return db.session.scalars(select(Message).where(Message.request_id == request.id)
                              .order_by(Message.created_at, Message.id)).all()


def post(acting, request, body: str, person=None) -> Message:
    """``acting`` writes to the thread (or, with ``acting`` None, the booked ``person``
    through their booking's link, which the view checked)."""
    party = party_of(request, acting, person)
    text = (body or "").strip()
    if not text:
        raise RuleError(_l("Write a message first."), "body")
    if len(text) > MAX_LENGTH:
        raise RuleError(_l("A message has at most %(n)d characters.", n=MAX_LENGTH), "body")
    message = Message(request=request, author_id=getattr(acting, "id", None),
                      author_person_id=None if acting is not None else person.id,
                      party=party, body=text)
    db.session.add(message)
    db.session.flush()
    _tell_the_others(message)
    return message


def _tell_the_others(message: Message) -> None:
    """Each other party gets a mail in their language: who wrote, and the link; never the
    text (it may speak of the client)."""
    request = message.request
    tell_parties(request, skip=message.party, kind="message",
                 subject=_l("New message about request %(number)s", number=request.number),
                 template="emails/message.txt", author=message.author_name)


def tell_parties(request, *, skip: str | None, kind: str, subject, template: str,
                 **context) -> None:
    """Mail every party of a request but ``skip`` (the one who acted), each in their
    language with the link to their own page of the request: the requester, the service's
    dispatchers, the booked person (by their booking's link when they have no account)."""
    if skip != "organisation" and request.requester.active:
        send_mail(recipient_of_user(request.requester), kind, subject, template,
                  language=request.working_language, request=request,
                  link=external_url("requests.show", request_id=request.id), **context)
    if skip != "service" and request.service is not None:
        for dispatcher in request.service.dispatchers:
            if dispatcher.active:
                send_mail(recipient_of_user(dispatcher), kind, subject, template,
                          request=request,
                          link=external_url("dispatch.show", request_id=request.id),
                          **context)
    booking = request.live_booking
    if skip != "interpreter" and booking is not None:
        person = booking.person
        link = (external_url("portal.booking", booking_id=booking.id)
                if person.active_account else booking_link(booking))
        send_mail(person.mail_recipient, kind, subject, template,
                  language=request.working_language, request=request, link=link, **context)


def party_of(request, acting, person=None) -> str:
    """The party ``acting`` takes part as (or the booked ``person`` through their link,
    which the view checked); Forbidden for anyone else."""
    if acting is not None:
        party = thread_party(request, acting)
        require(party is not None, "not a party of this request")
        return party
    booking = request.live_booking
    require(person is not None and booking is not None and booking.person_id == person.id,
            "only the booked person acts by link")
    return "interpreter"


def thread_for(request, user=None, person=None) -> dict | None:
    """What a page shows of a request's thread to a user (or to the booked person on their
    link): the messages and whether they may write; None when they are no party."""
    if user is not None and getattr(user, "is_authenticated", False):
        if thread_party(request, user) is None:
            return None
    else:
        booking = request.live_booking
        if person is None or booking is None or booking.person_id != person.id:
            return None
    return {"messages": thread_of(request)}
