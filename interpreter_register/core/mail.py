"""The one way to compose a mail: a template and a subject rendered in the recipient's
language, cleaned for the headers, and queued in the outbox of the current transaction.

Every area writes its mails through ``send_mail``; none renders or queues one by hand.
"""

import re
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from .i18n import DEFAULT_LANGUAGE, locale_for
from .outbox import OutboxMessage, queue_mail

# CR, LF and every other control character: none may reach a mail header, where a line
# break would end the header (or start a forged one) and make delivery fail.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str, limit: int = 200) -> str:
    """A value fit for a mail header: control characters become one space, at most
    ``limit`` characters."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:limit]


@dataclass(frozen=True)
class Recipient:
    """Where a mail goes and the language its reader chose (None when they chose none)."""

    address: str | None
    language: str | None = None


def send_mail(to: Recipient, kind: str, subject, template: str, *, language: str | None = None,
              calendar: tuple[str, str] | None = None, **context) -> OutboxMessage | None:
    """Render ``template`` and ``subject`` in the recipient's language (else ``language``,
    else Dutch) and queue the mail; nothing when there is no address.

    ``subject`` is a lazy string or a function returning the subject: either is turned into
    text inside the recipient's language, so dates and names in it are theirs too.
    ``calendar`` is (iTIP method, the iCalendar text or a function of the language giving
    it) for an invitation or cancellation; the template gets ``ui``, the language it is
    rendered in.
    """
    if not to.address:
        return None
    ui = to.language or language or DEFAULT_LANGUAGE
    with force_locale(locale_for(ui)):
        title = subject() if callable(subject) else str(subject)
        body = render_template(template, ui=ui, **context)
        ics = calendar[1](ui) if calendar and callable(calendar[1]) else (
            calendar[1] if calendar else None)
    return queue_mail(header_text(to.address, 254), header_text(title), body, kind=kind,
                      calendar=(calendar[0], ics) if calendar else None)
