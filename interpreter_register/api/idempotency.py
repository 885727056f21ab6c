"""``Idempotency-Key`` on POST: a retried call gets the first answer, the work done once."""

import hashlib
from datetime import timedelta

from flask import current_app, json, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..core.time import utcnow
from ..extensions import db
from . import problems
from .models import IdempotentResponse

HEADER = "Idempotency-Key"
MAX_KEY = 100
# How long an answer is kept: a system retries within minutes; after a day the key may
# name a new call. A key's old answers go when it stores a new one (no job needed).
KEPT_FOR = timedelta(hours=24)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def replay(api_key):
    """The stored answer to this call, a problem if the key was used for another call, or
    None when the call is new (or carries no key)."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key or len(key) > MAX_KEY:
        return problems.problem(422, errors=[(HEADER, _l("At most 100 characters."))])
    stored = db.session.scalar(select(IdempotentResponse).where(
        IdempotentResponse.api_key_id == api_key.id, IdempotentResponse.key == key,
        IdempotentResponse.created_at >= utcnow() - KEPT_FOR))
    if stored is None:
        return None
    if stored.fingerprint != _fingerprint():
        return problems.problem(422, detail=_l(
            "This Idempotency-Key was already used for another request."),
            errors=[(HEADER, _l("Use a new key for a new request."))])
    response = current_app.response_class(stored.body, status=stored.status,
                                          mimetype="application/json")
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(api_key, status: int, body: dict, location: str | None) -> str:
    """Keep the answer with the work, in the same transaction; returns the body as JSON."""
    text = json.dumps(body)
    key = request.headers.get(HEADER)
    if key:
        db.session.execute(delete(IdempotentResponse).where(
            IdempotentResponse.api_key_id == api_key.id,
            (IdempotentResponse.created_at < utcnow() - KEPT_FOR)
            | (IdempotentResponse.key == key)))
        db.session.add(IdempotentResponse(api_key_id=api_key.id, key=key,
                                          fingerprint=_fingerprint(), status=status,
                                          body=text, location=location))
    return text
