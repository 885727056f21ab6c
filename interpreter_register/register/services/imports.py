"""Register imports in the background: the page queues the file, a worker checks it and
writes it chunk by chunk, the page follows its progress.

A file of 50,000 rows takes minutes; no web request may wait for it (gunicorn would end
it half-way). The upload is kept on its run until the import is done. A worker first
checks every row (nothing is written when one is wrong, as before); then it writes the
rows in chunks, each chunk and the count of rows done in one transaction, so that an
import whose worker stopped goes on from the last chunk, with nothing lost and nothing
written twice. Like the scheduled jobs, these steps are the edge: they commit.
"""

import json
import logging
import secrets
import time
from collections import OrderedDict
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import or_, select

from ...auth.models import User
from ...core import worker
from ...core.database import writes_first
from ...core.i18n import current_language, locale_for
from ...core.permissions import Forbidden
from ...core.time import utcnow
from ...extensions import db
from ..models import ImportRun, ImportStage
from . import transfer
from .people import require_staff

log = logging.getLogger(__name__)

# The rows of the files this process is writing, parsed once (not once per chunk).
_PARSED: OrderedDict = OrderedDict()


def queue_import(acting, data: bytes, filename: str, language: str | None) -> ImportRun:
    """Keep the file for the background worker; the page follows its progress."""
    require_staff(acting)
    run = ImportRun(filename=filename[:200], started_by_id=getattr(acting, "id", None),
                    stage=ImportStage.QUEUED.value, data=data, locale=language)
    db.session.add(run)
    db.session.flush()
    return run


def import_now(acting, data: bytes, filename: str, language: str | None = None) -> ImportRun:
    """Queue a file and do every step at once (the command line): the run, once done."""
    run = queue_import(acting, data, filename, language or current_language())
    db.session.commit()
    while advance(run.id):
        pass
    db.session.expire_all()
    return db.session.get(ImportRun, run.id)


@worker.task("imports")
def advance(run_id: int | None = None) -> int:
    """One step of one import (of ``run_id``, or of any that waits): check a queued file,
    or write the next chunk of a checked one. Returns 1 when it did one, else 0."""
    if run_id is None and not _any_waiting():
        return 0
    if _write_chunk(run_id):
        return 1
    claimed = _claim_queued(run_id)
    if claimed is None:
        return 0
    _check(*claimed)
    return 1


# --- checking ------------------------------------------------------------------------

def _first_free(stage: ImportStage, run_id: int | None, *conditions) -> ImportRun | None:
    """The first run at ``stage`` (``run_id``'s, if given) no other worker holds, locked
    for this transaction (``FOR UPDATE SKIP LOCKED``; on SQLite, the write lock)."""
    statement = (select(ImportRun).where(ImportRun.stage == stage.value, *conditions)
                 .order_by(ImportRun.id).limit(1).with_for_update(skip_locked=True))
    if run_id is not None:
        statement = statement.where(ImportRun.id == run_id)
    return db.session.scalar(statement)


def _any_waiting() -> bool:
    """Whether any import waits to be checked or written, read without SQLite's write lock
    (an idle worker polls often; see ``core.outbox._any_due``)."""
    db.session.rollback()
    found = db.session.scalar(select(ImportRun.id).where(ImportRun.stage.in_(
        (ImportStage.QUEUED.value, ImportStage.WRITING.value))).limit(1))
    db.session.rollback()
    return found is not None


def _claim_queued(run_id: int | None) -> tuple[int, str] | None:
    """A queued file nobody is checking (or whose checker went silent), for this worker."""
    db.session.rollback()
    with writes_first():
        now = utcnow()
        run = _first_free(ImportStage.QUEUED, run_id, or_(ImportRun.claimed_until.is_(None),
                                                          ImportRun.claimed_until < now))
        if run is None:
            db.session.rollback()
            return None
        token = secrets.token_hex(8)
        run.claimed_by = token
        run.claimed_until = now + timedelta(seconds=current_app.config["IMPORT_CLAIM_SECONDS"])
        db.session.commit()
        return run.id, token


def _check(run_id: int, token: str) -> None:
    """Check every row, outside any write lock (it takes a while); then record the outcome,
    if this worker still holds the file."""
    run = db.session.get(ImportRun, run_id)
    data, language = run.data, run.locale
    checked = ImportRun(filename=run.filename)
    with force_locale(locale_for(language)):
        rows = transfer.check_upload(checked, data or b"")
    db.session.rollback()
    with writes_first():
        run = db.session.get(ImportRun, run_id)
        if run is None or run.claimed_by != token or run.stage != ImportStage.QUEUED:
            db.session.rollback()
            return
        run.rows = checked.rows or 0
        run.claimed_by = run.claimed_until = None
        if rows is None:
            _finish(run, succeeded=False, errors=checked.errors_json)
        else:
            run.stage, run.rows_done = ImportStage.WRITING.value, 0
            _remember(run, rows)
            if not rows:
                _finish(run, succeeded=True)
        db.session.commit()


# --- writing ------------------------------------------------------------------------

def _write_chunk(run_id: int | None) -> bool:
    """Write the next chunk of a checked import, and count it, in one transaction (the
    run's row locked meanwhile, so no other worker writes the same chunk)."""
    db.session.rollback()
    with writes_first():
        run = _first_free(ImportStage.WRITING, run_id)
        if run is None:
            db.session.rollback()
            return False
        rows = _rows_of(run)
        size = current_app.config["IMPORT_CHUNK_ROWS"]
        chunk = rows[run.rows_done:run.rows_done + size]
        acting = db.session.get(User, run.started_by_id) if run.started_by_id else None
        try:
            with force_locale(locale_for(run.locale)):
                transfer.write_rows(acting, run, chunk)
        except transfer.RowRefused as refused:
            _stop(run, [[refused.row, refused.column, refused.message]])
        except Forbidden:
            _stop(run, [[chunk[0][0] if chunk else 0, "", "Forbidden"]])
        except Exception as error:  # noqa: BLE001 - recorded on the run, never retried for ever
            log.exception("import %s stopped at its chunk from row %s", run.id,
                          chunk[0][0] if chunk else "-")
            _stop(run, [[chunk[0][0] if chunk else 0, "", type(error).__name__]])
        else:
            run.rows_done += len(chunk)
            if run.rows_done >= len(rows):
                _finish(run, succeeded=True)
        db.session.commit()
    if db.engine.dialect.name == "sqlite":
        # Let the writers waiting for SQLite's lock (the pages) have it between chunks.
        time.sleep(current_app.config["IMPORT_PAUSE_SECONDS"])
    return True


def _stop(run: ImportRun, errors: list) -> None:
    """A row refused while writing: the chunk is undone, the rows before it stay."""
    run_id = run.id
    db.session.rollback()
    run = db.session.get(ImportRun, run_id, with_for_update=True)
    _finish(run, succeeded=False, errors=json.dumps(errors, ensure_ascii=False))


def _finish(run: ImportRun, succeeded: bool, errors: str | None = None) -> None:
    run.stage, run.succeeded, run.finished_at = ImportStage.DONE.value, succeeded, utcnow()
    if errors is not None:
        run.errors_json = errors
    run.data = None   # the file is kept only as long as the import needs it
    _PARSED.pop(_key(run), None)


def _key(run: ImportRun) -> tuple:
    return run.id, run.started_at.isoformat(), run.filename


def _remember(run: ImportRun, rows) -> None:
    _PARSED[_key(run)] = rows
    while len(_PARSED) > 2:
        _PARSED.popitem(last=False)


def _rows_of(run: ImportRun) -> list:
    rows = _PARSED.get(_key(run))
    if rows is None:
        rows = transfer.read_rows(run.data or b"")
        _remember(run, rows)
    return rows

