"""Sending the queued deliveries: the background worker's ``webhooks`` task, beside the
mail (``core.worker``), with the same shape as the outbox: each delivery is claimed in a
write transaction, sent with no transaction open, and settled; a failure is retried with
backoff and given up after the last attempt, and never stops the others.

Signed the Standard Webhooks way (standardwebhooks.com): ``webhook-id``,
``webhook-timestamp`` (seconds) and ``webhook-signature`` = ``v1,`` + base64 of
HMAC-SHA256 over ``id.timestamp.body`` with the secret's bytes (the base64 after
``whsec_``). Each attempt is logged: when, the status code or the error, how long; never
a body.
"""

import base64
import hashlib
import hmac
import http.client
import logging
import secrets
import socket
import ssl
import time as clock
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from ..core import worker
from ..core.database import writes_first
from ..core.rules import RuleError
from ..core.time import utcnow
from ..extensions import db
from .addresses import Destination, destination
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

SECRET_MARK = "whsec_"  # noqa: S105 - the Standard Webhooks mark, not a secret


def new_secret() -> str:
    return SECRET_MARK + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,<base64>`` signature of a message."""
    key = base64.b64decode(secret.removeprefix(SECRET_MARK))
    content = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def headers(subscription: WebhookSubscription, message_id: str, body: str,
            now: datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": "interpreter-register-webhooks",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, message_id, timestamp, body)
                                      for secret in subscription.secrets(now)),
    }


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failure: doubling from WEBHOOKS_RETRY_SECONDS, at most
    six hours."""
    first = current_app.config["WEBHOOKS_RETRY_SECONDS"]
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 6 * 3600))


def _open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """The connection to one checked address (tests watch where it goes)."""
    return socket.create_connection((address, port), timeout)


def _tls_context() -> ssl.SSLContext:
    """The system's certificate authorities, and the host name checked (as urllib did)."""
    return ssl.create_default_context()


def _connection(to: Destination, address: str, timeout: float) -> http.client.HTTPConnection:
    """A connection to ``address`` that speaks to the URL's host: its ``Host`` header, and
    for https the TLS server name and certificate check, are the URL's name, while the
    socket goes to the address that was checked, never to a new answer of the DNS."""
    if to.scheme == "https":
        connection = http.client.HTTPSConnection(to.host, to.port, timeout=timeout,
                                                 context=_tls_context())
    else:
        connection = http.client.HTTPConnection(to.host, to.port, timeout=timeout)
    connection._create_connection = (   # noqa: SLF001 - http.client's one hook for this
        lambda _where, timeout, _source=None: _open_socket(address, to.port, timeout))
    return connection


def post(url: str, body: str, sent_headers: dict[str, str]) -> int:
    """POST the body; the receiver's status code (an error for no answer at all). A
    redirect is an answer, not a new address to call (it could lead inside)."""
    to = destination(url)    # the host may point elsewhere since the URL was saved
    timeout = current_app.config["WEBHOOKS_TIMEOUT"]
    refused: OSError | None = None
    for address in to.addresses:
        connection = _connection(to, address, timeout)
        try:
            try:
                connection.connect()
            except OSError as error:    # the next checked address, if the host has one
                refused = error
                continue
            connection.request("POST", to.target, body=body.encode(), headers=sent_headers)
            answer = connection.getresponse()
            return answer.status
        finally:
            connection.close()
    raise refused or OSError("no address to connect to")


# --- the worker's task ----------------------------------------------------------------

def _due():
    return (select(WebhookDelivery.id).join(WebhookDelivery.subscription)
            .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
                   WebhookDelivery.next_attempt_at <= utcnow(),
                   WebhookSubscription.disabled_at.is_(None)))


def _any_due() -> bool:
    """Read without SQLite's write lock, which an idle worker must not keep taking."""
    db.session.rollback()
    found = db.session.scalar(_due().limit(1))
    db.session.rollback()
    return found is not None


def _claim() -> int | None:
    """Take one due delivery and count the attempt; while it is held its next attempt
    lies past the claim, so no other worker takes it."""
    db.session.rollback()
    with writes_first():
        now = utcnow()
        delivery = db.session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id.in_(_due()))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1)
            .with_for_update(skip_locked=True))
        if delivery is None:
            db.session.rollback()
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(
            seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])
        db.session.commit()
        return delivery.id


def _settle(delivery_id: int, status: int | None, error: str | None, started: float) -> bool:
    """Log the attempt, and mark the delivery delivered, due again, or given up."""
    with writes_first():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        now = utcnow()
        succeeded = error is None and status is not None and 200 <= status < 300
        db.session.add(WebhookAttempt(delivery=delivery, at=now, status_code=status,
                                      error=error[:300] if error else None,
                                      milliseconds=int((clock.monotonic() - started) * 1000),
                                      is_resend=delivery.resent_at is not None,
                                      resent_by_id=delivery.resent_by_id))
        if succeeded:
            # Sent: the body is no longer needed.
            delivery.delivered_at, delivery.payload = now, None
        elif delivery.attempts >= current_app.config["WEBHOOKS_MAX_ATTEMPTS"]:
            delivery.failed_at = now
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        if not succeeded:
            log.warning("webhook %s (%s) not delivered, attempt %d%s: %s", delivery.id,
                        delivery.event_type, delivery.attempts,
                        ", given up" if delivery.failed_at else "", error or f"HTTP {status}")
        db.session.commit()
        return succeeded


def _deliver(delivery_id: int) -> bool:
    started = clock.monotonic()
    status = error = None
    try:
        delivery = db.session.get(WebhookDelivery, delivery_id)
        url, body = delivery.subscription.url, delivery.payload or ""
        sent_headers = headers(delivery.subscription, delivery.message_id, body, utcnow())
        db.session.rollback()    # no transaction stays open while a receiver answers
        status = post(url, body, sent_headers)
    except RuleError as refused:
        db.session.rollback()
        error = str(refused.message)
    except Exception as failure:  # noqa: BLE001 - one delivery's failure is logged on it
        db.session.rollback()
        error = f"{type(failure).__name__}: {failure}"
    return _settle(delivery_id, status, error, started)


def _prune() -> None:
    """Forget what was settled more than WEBHOOKS_KEEP_DAYS ago (the log is for seeing how
    delivery goes now, not an archive)."""
    before = utcnow() - timedelta(days=current_app.config["WEBHOOKS_KEEP_DAYS"])
    with writes_first():
        db.session.execute(delete(WebhookDelivery).where(
            or_(WebhookDelivery.delivered_at < before, WebhookDelivery.failed_at < before)))
        db.session.commit()


def deliver_pending(limit: int = 20) -> int:
    """Send up to ``limit`` due deliveries, one by one; how many were delivered. After
    sending any (never while idle: that would take SQLite's write lock at every poll), the
    old ones are pruned."""
    if not _any_due():
        return 0
    delivered = tried = 0
    for _ in range(limit):
        claimed = _claim()
        if claimed is None:
            break
        tried += 1
        delivered += _deliver(claimed)
    if tried:
        _prune()
    return delivered


worker.task("webhooks")(deliver_pending)
