"""The documents that go with a request: what to translate, the translation, a briefing.

Who may do what follows the request's parties (``models.thread_party``):

- the requesting organisation and the interpreting service add the documents to translate
  (a translation request) or briefing documents (an interpreting request), until the
  request is cancelled or its time has passed;
- the booked translator adds the translation; the requester is told it has arrived;
- every party downloads every document, the booked person only while booked;
- whoever added a document, or the service, removes it (its file is erased at once).

Mails say what arrived and link to the request; a document is never attached to a mail.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import settings, uploads
from ..core.permissions import require
from ..core.rules import RuleError
from ..core.time import utcnow
from ..extensions import db
from .models import DocumentPurpose, RequestDocument, thread_party
from .services import party_of, tell_parties
from .settings import DOCUMENT_MAX_MB

UPLOAD_AREA = "documents"
MAX_DOCUMENTS = 20


def documents_of(request) -> list[RequestDocument]:
    return db.session.scalars(
        select(RequestDocument).where(RequestDocument.request_id == request.id)
        .order_by(RequestDocument.created_at, RequestDocument.id)).all()


def purposes_for(request, party: str | None) -> list[DocumentPurpose]:
    """What a party may add to the request now (empty once it is over or cancelled)."""
    if party is None or request.is_cancelled or not request.is_open:
        return []
    if party == "interpreter":
        return [DocumentPurpose.TRANSLATION] if request.is_translation else []
    if request.is_translation:
        return [DocumentPurpose.SOURCE] + (
            [DocumentPurpose.TRANSLATION] if party == "service" else [])
    return [DocumentPurpose.BRIEFING]


def may_remove(document: RequestDocument, acting, person=None) -> bool:
    """The service, or whoever added it (the same user, or the booked person by link)."""
    if document.is_erased:
        return False
    if acting is not None:
        party = thread_party(document.request, acting)
        return party == "service" or (party is not None and document.author_id == acting.id)
    booking = document.request.live_booking
    return (person is not None and booking is not None and booking.person_id == person.id
            and document.author_person_id == person.id)


def add(acting, request, file, purpose: str, person=None) -> RequestDocument:
    """``acting`` (or the booked ``person`` through their link) adds a document, checked by
    content and size; the other parties are told."""
    party = party_of(request, acting, person)
    allowed = purposes_for(request, party)
    chosen = next((p for p in allowed if p.value == purpose), None)
    if chosen is None:
        raise RuleError(_l("Choose what the document is.") if allowed else
                        _l("Documents can no longer be added to this request."), "purpose")
    if file is None or not getattr(file, "filename", None):
        raise RuleError(_l("Choose a file to send."), "document")
    held = db.session.scalar(select(func.count()).select_from(RequestDocument)
                             .where(RequestDocument.request_id == request.id))
    if held >= MAX_DOCUMENTS:
        raise RuleError(_l("A request holds at most %(n)d documents.", n=MAX_DOCUMENTS),
                        "document")
    limit = settings.value(DOCUMENT_MAX_MB.key) * 1024 * 1024
    data, kind = uploads.read_checked(file, limit, "document", kinds=uploads.DOCUMENTS)
    upload = uploads.store(acting, UPLOAD_AREA, data, kind, file.filename)
    document = RequestDocument(
        request=request, upload=upload, purpose=chosen, party=party,
        author_id=getattr(acting, "id", None),
        author_person_id=None if acting is not None else person.id,
        name=upload.download_name)
    db.session.add(document)
    db.session.flush()
    _tell_the_others(document)
    return document


def _tell_the_others(document: RequestDocument) -> None:
    """A translation is news for the requester; any document is for the other parties.
    The subject names the request's number only."""
    request = document.request
    if document.purpose == DocumentPurpose.TRANSLATION:
        subject = _l("The translation for request %(number)s has arrived",
                     number=request.number)
    else:
        subject = _l("A document was added to request %(number)s", number=request.number)
    tell_parties(request, skip=document.party, kind="document", subject=subject,
                 template="emails/document.txt", author=document.author_name,
                 purpose=document.purpose)


def remove(acting, document: RequestDocument, person=None) -> None:
    require(may_remove(document, acting, person), "may not remove this document")
    erase(document, utcnow())


def readable_by(document: RequestDocument, acting, person=None) -> bool:
    """Whether this user (or the booked person on their link) may download it now."""
    if document.is_erased:
        return False
    if acting is not None and getattr(acting, "is_authenticated", False):
        return thread_party(document.request, acting) is not None
    booking = document.request.live_booking
    return person is not None and booking is not None and booking.person_id == person.id


def erase(document: RequestDocument, now: datetime) -> None:
    """The file and its name (a name may speak of the client) go, the file at once, not at
    commit: a rolled-back erasure leaves a row without its file, which reads as erased.
    The row stays, saying a document of that kind was there and when."""
    upload = document.upload
    document.upload, document.upload_id, document.erased_at = None, None, now
    document.name = None
    db.session.flush()
    uploads.erase(upload)


def added_before(before: datetime) -> list[RequestDocument]:
    """Retention: the documents whose files are kept since before ``before``."""
    return db.session.scalars(select(RequestDocument).where(
        RequestDocument.created_at < before, RequestDocument.upload_id.is_not(None))).all()


def documents_for(request, user=None, person=None) -> dict | None:
    """What a page shows of a request's documents to a user (or to the booked person on
    their link): the documents, what they may add, which they may remove; None when they
    are no party."""
    if user is not None and getattr(user, "is_authenticated", False):
        party, acting = thread_party(request, user), user
    else:
        booking = request.live_booking
        ok = person is not None and booking is not None and booking.person_id == person.id
        party, acting = ("interpreter" if ok else None), None
    if party is None:
        return None
    documents = documents_of(request)
    return {"documents": documents, "purposes": purposes_for(request, party),
            "removable": {d.id for d in documents if may_remove(d, acting, person)},
            "max_mb": settings.value(DOCUMENT_MAX_MB.key)}
