"""Outgoing mail: written to the outbox in the caller's transaction, delivered after commit.

A mail is only ever delivered when the transaction that queued it committed: services
add rows to the outbox; ``deliver_pending`` runs after the commit (at the end of the web
request, or explicitly in the CLI) and sends through SMTP when MAIL_SERVER is set, or
only logs (development and tests), marking each message sent.
"""

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app
from sqlalchemy import String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .database import UTCDateTime
from .time import utcnow

log = logging.getLogger(__name__)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the mail is about (e.g. "password_reset"); lets tests and operators find it.
    kind: Mapped[str] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # An iTIP invitation (RFC 6047): the method and the iCalendar text, sent as a
    # text/calendar part and as an .ics attachment.
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    calendar: Mapped[str | None] = mapped_column(Text)


def queue_mail(recipient: str, subject: str, body: str, kind: str,
               calendar: tuple[str, str] | None = None) -> OutboxMessage:
    """Add a mail to the outbox; it leaves only after the current transaction commits.

    ``calendar`` is (method, iCalendar text) for a calendar invitation or cancellation.
    """
    method, ics = calendar or (None, None)
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind,
                            calendar_method=method, calendar=ics)
    db.session.add(message)
    db.session.flush()
    db.session.info["outbox_queued"] = True
    return message


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    if session.info.pop("outbox_queued", False):
        session.info["outbox_committed"] = True


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("outbox_queued", None)


def deliver_after_request(response):
    """After-request hook: deliver what this request's commit queued."""
    if db.session.info.pop("outbox_committed", False):
        deliver_pending()
    return response


def deliver_pending(limit: int = 100) -> int:
    """Send the outbox's unsent messages; returns how many went out."""
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < 5)
        .order_by(OutboxMessage.id)
        .limit(limit)
        # Two workers delivering at once must not send a message twice.
        .with_for_update(skip_locked=True)
    ).all()
    sent = 0
    for message in pending:
        message.attempts += 1
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = str(error)[:500]
            log.warning("mail %s to %s not delivered: %s", message.id, message.recipient, error)
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.commit()
    db.session.info.pop("outbox_committed", None)
    return sent


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # Development and tests: the outbox table is the mailbox; the log says it left.
        log.info("mail %s (%s) to %s: %s", message.id, message.kind, message.recipient,
                 message.subject)
        # Development only (make run): the whole mail, so that links in it can be followed.
        if config["MAIL_LOG_BODY"]:
            log.info("mail %s body:\n%s", message.id, message.body)
        return
    mail = EmailMessage()
    mail["From"] = formataddr((config.get("MAIL_SENDER_NAME", ""), config["MAIL_SENDER"]))
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    # When the change was made (not when delivery finally succeeded): clients order the
    # iTIP messages of one event by it.
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2])
    mail.set_content(message.body)
    if message.calendar:
        mail.add_alternative(message.calendar, subtype="calendar",
                             params={"method": message.calendar_method})
        mail.add_attachment(message.calendar.encode(), maintype="application", subtype="ics",
                            filename="invite.ics")
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mail)

