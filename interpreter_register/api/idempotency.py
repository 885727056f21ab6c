"""``Idempotency-Key`` on POST: a retried call gets the first answer, the work done once.

One piece for ``/api/v1`` (errors as problem documents: ``replay``) and for FHIR (errors as
OperationOutcomes: ``fhir.py`` calls ``stored_answer`` and words ``Refused`` itself). The
answers are kept per API key, so one organisation's key never meets another's."""

import hashlib
from datetime import timedelta

from flask import abort, current_app, json, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

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


class Refused(Exception):
    """The key is malformed, or was already used for another call: 422."""

    def __init__(self, detail, message):
        super().__init__(message)
        self.detail = detail
        self.message = message


def stored_answer(api_key, mimetype: str = "application/json"):
    """The stored answer to this call (as ``mimetype``), or None when the call is new (or
    carries no key); raises ``Refused`` if the key is malformed or named another call."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key or len(key) > MAX_KEY:
        raise Refused(None, _l("At most 100 characters."))
    stored = db.session.scalar(select(IdempotentResponse).where(
        IdempotentResponse.api_key_id == api_key.id, IdempotentResponse.key == key,
        IdempotentResponse.created_at >= utcnow() - KEPT_FOR))
    if stored is None:
        return None
    if stored.fingerprint != _fingerprint():
        raise Refused(_l("This Idempotency-Key was already used for another request."),
                      _l("Use a new key for a new request."))
    response = current_app.response_class(stored.body, status=stored.status,
                                          mimetype=mimetype)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def replay(api_key):
    """``stored_answer`` for ``/api/v1``: a refusal as a problem document."""
    try:
        return stored_answer(api_key)
    except Refused as refused:
        return problems.problem(422, detail=refused.detail,
                                errors=[(HEADER, refused.message)])


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


def created(api_key, body: dict, location: str, mimetype: str = "application/json"):
    """The 201 answer to a POST, kept with the work for its Idempotency-Key and committed
    with it (409 when the same key was sent twice at once: one wins)."""
    text = remember(api_key, 201, body, location)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409)
    response = current_app.response_class(text, status=201, mimetype=mimetype)
    response.headers["Location"] = location
    return response
