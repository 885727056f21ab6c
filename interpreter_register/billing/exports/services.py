"""Month exports in the background: a dispatcher asks, the worker builds the zip and keeps
it in the upload store, the month's page shows how far it got, a mail says it is ready.

Fourteen statement PDFs took 39 seconds on a loaded machine: inside a web request a large
service met the server's timeout. The worker here is the one the register imports use
(``core.worker``, claimed in the database, several workers side by side); building runs
outside any write lock, and its outcome is recorded under it, as the imports do. A build
that raises (WeasyPrint, a disk) marks the export failed with its reason; the worker goes
on with the next one.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ...auth.models import User, recipient_of_user
from ...core import uploads, worker
from ...core.database import writes_first
from ...core.i18n import format_month, locale_for
from ...core.mail import send_mail
from ...core.permissions import Forbidden, require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...core.urls import external_url
from ...extensions import db
from ..invoicing import documents as invoice_documents
from ..invoicing import run as invoicing
from ..statements import documents as statement_documents
from ..statements import services as statements
from .models import PENDING, ExportKind, ExportStage, MonthExport

log = logging.getLogger(__name__)

AREA = "exports"             # the upload store's area of these files
MAX_ATTEMPTS = 3             # workers that died building one, before it is failed
SHOWN = 5                    # the exports of a month listed on its page


class NothingToExport(Exception):
    """The month has no statement or invoice (any more)."""


# --- what each kind holds ------------------------------------------------------------

def _statements_zip(acting, service_id: int, month: date, language: str) -> tuple[bytes, int]:
    found = statements.of_service(acting, service_id, month)
    if not found:
        raise NothingToExport
    return statement_documents.month_zip(
        found, language, f"statements-{month:%Y-%m}.csv"), len(found)


def _invoices_zip(acting, service_id: int, month: date, language: str) -> tuple[bytes, int]:
    require(acting.dispatches_for(service_id), "only the service's dispatchers")
    found = invoicing.issued_invoices(service_id, month)
    if not found:
        raise NothingToExport
    return invoice_documents.month_zip(found, month), len(found)


BUILDERS: dict[ExportKind, Callable] = {ExportKind.STATEMENTS: _statements_zip,
                                        ExportKind.INVOICES: _invoices_zip}
# Whether the month has anything to export, asked before queuing (cheap: no PDF made).
_HAS_CONTENT = {
    ExportKind.STATEMENTS: lambda acting, service_id, month: bool(
        statements.of_service(acting, service_id, month)),
    ExportKind.INVOICES: lambda acting, service_id, month: bool(
        invoicing.issued_invoices(service_id, month)),
}
# The page each kind is asked from and shown on (the mail links to it).
PAGES = {ExportKind.STATEMENTS: "statements.index", ExportKind.INVOICES: "invoicing.index"}


# --- asking --------------------------------------------------------------------------

def ask(acting, service_id: int, kind: ExportKind, month: date,
        language: str | None) -> MonthExport:
    """Queue the month's export for the worker; refused while one of the same month and
    kind is queued or being built, or when the month has nothing to export."""
    require(acting.dispatches_for(service_id), "only the service's dispatchers")
    if _pending(service_id, kind, month) is not None:
        raise RuleError(_l("An export of this month is already on its way: it is listed "
                           "below, and you get a mail when it is ready."))
    if not _HAS_CONTENT[kind](acting, service_id, month):
        raise RuleError(_l("There is nothing to export for this month."))
    export = MonthExport(service_id=service_id, kind=kind, month=month,
                         stage=ExportStage.QUEUED, requested_by_id=acting.id, locale=language)
    try:
        with db.session.begin_nested():
            db.session.add(export)
    except IntegrityError:
        # Another click of the same month got there first (PostgreSQL; SQLite's write
        # lock already put them one after the other).
        raise RuleError(_l("An export of this month is already on its way: it is listed "
                           "below, and you get a mail when it is ready.")) from None
    return export


def _pending(service_id: int, kind: ExportKind, month: date) -> MonthExport | None:
    return db.session.scalar(select(MonthExport).where(
        MonthExport.service_id == service_id, MonthExport.kind == kind,
        MonthExport.month == month, MonthExport.stage.in_(PENDING)).limit(1))


def of_month(acting, service_id: int, kind: ExportKind, month: date) -> list[MonthExport]:
    """The latest exports of a month, newest first, for its page."""
    require(acting.dispatches_for(service_id), "only the service's dispatchers")
    return db.session.scalars(select(MonthExport).where(
        MonthExport.service_id == service_id, MonthExport.kind == kind,
        MonthExport.month == month).order_by(MonthExport.id.desc()).limit(SHOWN)).all()


def page_of(export: MonthExport, external: bool = False) -> str:
    """The month's page where the export is listed."""
    values = {"month": f"{export.month:%Y-%m}"}
    if external:
        return external_url(PAGES[export.kind], **values)
    from flask import url_for
    return url_for(PAGES[export.kind], **values)


# --- the worker ----------------------------------------------------------------------

@worker.task("exports")
def advance(export_id: int | None = None) -> int:
    """Build one export (``export_id``'s, or the first that waits). 1 when it did one."""
    if export_id is None and not _any_waiting():
        return 0
    claimed = _claim(export_id)
    if claimed is None:
        return 0
    if claimed is not True:
        _build(*claimed)
    return 1


def _waiting(now: datetime):
    """Queued, or being built by a worker that went silent."""
    return or_(MonthExport.stage == ExportStage.QUEUED,
               (MonthExport.stage == ExportStage.BUILDING)
               & (MonthExport.claimed_until < now))


def _any_waiting() -> bool:
    """Read without SQLite's write lock: an idle worker polls often."""
    db.session.rollback()
    found = db.session.scalar(select(MonthExport.id).where(_waiting(utcnow())).limit(1))
    db.session.rollback()
    return found is not None


def _claim(export_id: int | None):
    """(id, token) of an export this worker now holds; True when it failed one that
    workers kept dying on; None when nothing waits."""
    db.session.rollback()
    with writes_first():
        now = utcnow()
        statement = (select(MonthExport).where(_waiting(now)).order_by(MonthExport.id)
                     .limit(1).with_for_update(skip_locked=True))
        if export_id is not None:
            statement = statement.where(MonthExport.id == export_id)
        export = db.session.scalar(statement)
        if export is None:
            db.session.rollback()
            return None
        if export.attempts >= MAX_ATTEMPTS:
            export.fail("interrupted", str(export.attempts), now)
            _tell(export)
            db.session.commit()
            return True
        token = secrets.token_hex(8)
        export.start(token, now + timedelta(
            seconds=current_app.config["EXPORT_CLAIM_SECONDS"]))
        db.session.commit()
        return export.id, token


def _build(export_id: int, token: str) -> None:
    """Make the zip outside any write lock (it takes a while), then store it and record
    the outcome, if this worker still holds the export."""
    outcome = _make(db.session.get(MonthExport, export_id))
    db.session.rollback()
    with writes_first():
        export = db.session.get(MonthExport, export_id)
        if (export is None or export.claimed_by != token
                or export.stage != ExportStage.BUILDING):
            db.session.rollback()
            return
        _record(export, *outcome)
        db.session.commit()


def _make(export: MonthExport) -> tuple[tuple | None, bytes | None, int]:
    """(failure, data, entries): the zip and how many documents it holds, or why not."""
    acting = export.requested_by
    try:
        if acting is None or not acting.active:
            raise Forbidden("the dispatcher who asked is gone")
        with force_locale(locale_for(export.locale)):
            data, entries = BUILDERS[export.kind](acting, export.service_id, export.month,
                                                  export.locale or "nl")
    except NothingToExport:
        return ("empty", None), None, 0
    except Forbidden:
        return ("forbidden", None), None, 0
    except Exception as error:  # noqa: BLE001 - recorded on the export; the worker goes on
        log.exception("export %s could not be built", export.id)
        return ("documents", type(error).__name__), None, 0
    return None, data, entries


def _record(export: MonthExport, failure: tuple | None, data: bytes | None,
            entries: int) -> None:
    """Store the zip and mark the export ready (the older ready ones of its month are
    replaced, their files erased), or mark it failed; mail whoever asked."""
    now = utcnow()
    if failure is None:
        try:
            upload = uploads.store(export.requested_by, AREA, data, "zip", export.file_name)
        except OSError as error:
            log.exception("export %s could not be stored", export.id)
            failure = ("storage", type(error).__name__)
    if failure is not None:
        export.fail(*failure, now)
    else:
        for older in _ready(export.service_id, export.kind, export.month):
            uploads.erase(older.let_go_of_file(ExportStage.REPLACED, now))
        export.finish(upload, entries, now)
    _tell(export)


def _ready(service_id: int, kind: ExportKind, month: date) -> list[MonthExport]:
    return db.session.scalars(select(MonthExport).where(
        MonthExport.service_id == service_id, MonthExport.kind == kind,
        MonthExport.month == month, MonthExport.stage == ExportStage.READY)).all()


def _tell(export: MonthExport) -> None:
    """Mail whoever asked, in their language: ready (or failed), and the month's page.
    The subject names the kind and the month, never anything about a client."""
    user: User | None = export.requested_by
    if user is None or not user.active:
        return
    send_mail(recipient_of_user(user), f"export_{export.stage.value}",
              lambda: str(_l("Your export is ready: %(what)s, %(month)s")
                          if export.is_ready else
                          _l("Your export could not be made: %(what)s, %(month)s")) % {
                  "what": export.kind.label, "month": format_month(export.month)},
              "emails/export.txt", export=export, link=page_of(export, external=True))


def build_here(export: MonthExport) -> MonthExport:
    """Build a queued export in the current transaction, without the worker (the demo,
    whose world is not committed yet)."""
    export.start(secrets.token_hex(8), utcnow())
    db.session.flush()
    _record(export, *_make(export))
    db.session.flush()
    return export


# --- downloading and retention ---------------------------------------------------------

def download(acting, export: MonthExport):
    """The zip, for one of the service's dispatchers."""
    require(export.can_be_downloaded_by(acting), "only the service's dispatchers")
    return uploads.send(export.upload)


def ready_before(moment: datetime) -> list[MonthExport]:
    """Ready exports made before ``moment``: retention erases their files."""
    return db.session.scalars(select(MonthExport).where(
        MonthExport.stage == ExportStage.READY, MonthExport.finished_at < moment)
        .order_by(MonthExport.id)).all()


def erase(export: MonthExport, now: datetime) -> None:
    """Erase the file; the row stays listed, saying when it was erased."""
    upload = export.let_go_of_file(ExportStage.ERASED, now)
    if upload is not None:
        uploads.erase(upload)
