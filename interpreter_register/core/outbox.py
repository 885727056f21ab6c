"""Outgoing mail: written to the outbox in the caller's transaction, delivered by a worker.

Services add rows to the outbox in the transaction of the change that caused them, so a
mail exists only when its change committed. Nothing in a web request waits for, or can
fail because of, a mail server: the background worker (``flask --app wsgi worker run``,
``flask --app wsgi outbox run``, and a thread of the scheduler process) delivers.

Each message is claimed, then built and sent on its own: whatever goes wrong with one
(the server refuses, is down or slow, a value that cannot be a header) is recorded on that
message, which is tried again later (exponential backoff) and marked failed after the last
attempt, and never stops the others. Several workers may run: a claim is taken inside a
write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite),
so no two workers take the same message, and no transaction stays open while a mail
server is talked to.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from flask import current_app
from sqlalchemy import Index, String, Text, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import worker
from .database import UTCDateTime, writes_first
from .time import utcnow

log = logging.getLogger(__name__)

PENDING = "sent_at IS NULL AND failed_at IS NULL"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # What the workers look for: the unsent messages, by when they are due.
        Index("ix_outbox_messages_due", "next_attempt_at",
              sqlite_where=text(PENDING), postgresql_where=text(PENDING)),
    )

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
    # When a worker may (next) try it; while a worker holds it, the end of its claim.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Given up after the last attempt (the Jobs page lists it, and can try it again).
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An iTIP invitation (RFC 6047): the method and the iCalendar text, sent as a
    # text/calendar part and as an .ics attachment.
    calendar_method: Mapped[str | None] = mapped_column(String(20))
    calendar: Mapped[str | None] = mapped_column(Text)

    @property
    def is_failed(self) -> bool:
        return self.failed_at is not None


def queue_mail(recipient: str, subject: str, body: str, kind: str,
               calendar: tuple[str, str] | None = None) -> OutboxMessage:
    """Add a mail to the outbox; it leaves only after the current transaction commits.

    ``calendar`` is (method, iCalendar text) for a calendar invitation or cancellation.
    """
    method, ics = calendar or (None, None)
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, kind=kind,
                            calendar_method=method, calendar=ics, next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    return message


# --- delivery ------------------------------------------------------------------------

def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a message is tried again:
    doubling from OUTBOX_RETRY_SECONDS, at most six hours."""
    first = current_app.config["OUTBOX_RETRY_SECONDS"]
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 6 * 3600))


def _any_due() -> bool:
    """Whether any message is due, read without taking SQLite's write lock: an idle worker
    polls often, and every claim takes the lock that the web requests' changes need."""
    db.session.rollback()
    found = db.session.scalar(select(OutboxMessage.id).where(
        text(PENDING), OutboxMessage.next_attempt_at <= utcnow()).limit(1))
    db.session.rollback()
    return found is not None


def _claim(limit: int) -> list[int]:
    """Take up to ``limit`` due messages for this worker and count the attempt; while it
    holds them their next attempt lies past the claim, so no other worker takes them
    (and if this one dies, they are due again when the claim runs out)."""
    db.session.rollback()   # a transaction begun by reading would not take the lock
    with writes_first():
        now = utcnow()
        claim_until = now + timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
        due = db.session.scalars(
            select(OutboxMessage)
            .where(text(PENDING), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)).all()
        for message in due:
            message.attempts += 1
            message.next_attempt_at = claim_until
        ids = [message.id for message in due]
        db.session.commit()
    return ids


def _settle(message_id: int, error: Exception | None) -> None:
    """Record how one attempt went: sent; or the error, and the next try or the end."""
    with writes_first():
        message = db.session.get(OutboxMessage, message_id)
        now = utcnow()
        if error is None:
            message.sent_at, message.last_error = now, None
        else:
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.failed_at = now
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
            log.warning("mail %s (%s) not delivered, attempt %d%s: %s", message.id,
                        message.kind, message.attempts,
                        ", given up" if message.failed_at else "", type(error).__name__)
        db.session.commit()


def deliver_pending(limit: int = 50) -> int:
    """Deliver up to ``limit`` messages that are due, one by one; returns how many went out.

    Each is claimed on its own, so that a claim never outlasts the time its own delivery
    may take (MAIL_TIMEOUT per exchange, far below OUTBOX_CLAIM_SECONDS)."""
    if not _any_due():
        return 0
    sent = 0
    for _ in range(limit):
        claimed = _claim(1)
        if not claimed:
            break
        sent += _deliver(claimed[0])
    return sent


def _deliver(message_id: int) -> int:
    try:
        message = db.session.get(OutboxMessage, message_id)
        built = compose(message)
        # No transaction stays open while a mail server answers.
        db.session.rollback()
        transmit(message_id, built)
    except Exception as error:  # noqa: BLE001 - one message's failure is recorded on it
        db.session.rollback()
        _settle(message_id, error)
        return 0
    _settle(message_id, None)
    return 1


worker.task("outbox")(deliver_pending)


def compose(message: OutboxMessage) -> EmailMessage:
    """The message as it travels. Header values are cleaned here as well: rows written
    before ``send_mail`` cleaned them may still hold a line break."""
    from .mail import header_text

    config = current_app.config
    mail = EmailMessage()
    mail["From"] = formataddr((header_text(config.get("MAIL_SENDER_NAME", "")),
                               header_text(config["MAIL_SENDER"], 254)))
    mail["To"] = header_text(message.recipient, 254)
    mail["Subject"] = header_text(message.subject)
    # When the change was made (not when delivery finally succeeded): clients order the
    # iTIP messages of one event by it.
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = make_msgid(domain=header_text(config["MAIL_SENDER"]).rpartition("@")[2]
                                    or None)
    mail.set_content(message.body)
    if message.calendar:
        mail.add_alternative(message.calendar, subtype="calendar",
                             params={"method": header_text(message.calendar_method, 20)})
        mail.add_attachment(message.calendar.encode(), maintype="application", subtype="ics",
                            filename="invite.ics")
    return mail


def transmit(message_id: int, mail: EmailMessage) -> None:
    """Hand one built mail to the SMTP server, or, without one, to the log."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # Development and tests: the outbox table is the mailbox; the log says it left.
        log.info("mail %s to %s: %s", message_id, mail["To"], mail["Subject"])
        # Development only (make run): the whole mail, so that links in it can be followed.
        if config["MAIL_LOG_BODY"]:
            body = mail.get_body(("plain",))
            log.info("mail %s body:\n%s", message_id, body.get_content() if body else "")
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                      timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mail)


# --- what operators see ----------------------------------------------------------------

def mail_health(now: datetime | None = None) -> dict:
    """How the outbox stands: messages waiting, waiting too long (no worker takes them,
    or the mail server keeps failing), and given up."""
    now = now or utcnow()
    overdue_after = timedelta(seconds=current_app.config["OUTBOX_OVERDUE_SECONDS"])
    pending = OutboxMessage.sent_at.is_(None) & OutboxMessage.failed_at.is_(None)
    waiting, overdue, failed = db.session.execute(select(
        func.count().filter(pending),
        func.count().filter(pending & (OutboxMessage.created_at < now - overdue_after)),
        func.count().filter(OutboxMessage.failed_at.is_not(None)),
    ).select_from(OutboxMessage)).one()
    return {"waiting": waiting, "overdue": overdue, "failed": failed}


def failed_messages(limit: int = 20) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
                              .order_by(OutboxMessage.failed_at.desc()).limit(limit)).all()


def retry_failed() -> int:
    """Give every failed message a fresh set of attempts (once the mail server is fixed)."""
    again = db.session.scalars(select(OutboxMessage)
                               .where(OutboxMessage.failed_at.is_not(None))).all()
    now = utcnow()
    for message in again:
        message.failed_at, message.attempts, message.next_attempt_at = None, 0, now
    db.session.flush()
    return len(again)
