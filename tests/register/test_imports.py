"""Register imports run in the background: the page queues the file and follows its
progress; a worker checks every row, then writes chunk by chunk, so that a large file is
imported whole, with nothing lost and nothing twice, even when a worker stops half-way.

``IMPORT_TEST_ROWS=50000`` runs the large import with 50,000 rows (minutes)."""

import io
import os
import threading
import time as clock

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.imports import register_csv
from interpreter_register import create_app
from interpreter_register.core import worker
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    Certificate,
    ImportRun,
    ImportStage,
    Person,
    Qualification,
)
from interpreter_register.register.services import imports, transfer
from tests.conftest import app_config
from tests.fixtures.database import scratch_database
from tests.fixtures.reading import load

from .test_transfer import HEADER, csv_file, row

ROWS = int(os.environ.get("IMPORT_TEST_ROWS", "240"))


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Person, Qualification, Certificate))


def test_the_page_queues_the_file_and_follows_its_progress(world, client_for, app,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 25)
    client = client_for(world.register_staff)
    sent = client.post("/register/import", data={
        "file": (io.BytesIO(register_csv(60, prefix="page")), "big.csv")},
        content_type="multipart/form-data")
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert '<progress class="w-100" id="import-progress-bar"' in page
    assert "/static/import-progress.js" in page and "persoon toegevoegd" not in page
    progress_url = sent.headers["Location"] + "/progress"
    assert client.get(progress_url).json == {"stage": "queued", "rows": 0, "rows_done": 0,
                                             "progress": 0, "done": False}
    assert imports.advance() == 1                      # the whole file checked
    assert client.get(progress_url).json == {"stage": "writing", "rows": 60, "rows_done": 0,
                                             "progress": 10, "done": False}
    assert imports.advance() == 1                      # the first chunk written
    assert client.get(progress_url).json["rows_done"] == 25
    while imports.advance():
        pass
    assert client.get(progress_url).json == {"stage": "done", "rows": 60, "rows_done": 60,
                                             "progress": 100, "done": True}
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "60 rijen geïmporteerd" in page and "30 personen toegevoegd" in page
    assert load(ImportRun, filename="big.csv").data is None, "the file is kept no longer"


def test_the_progress_script_obeys_the_content_security_policy(world, client_for):
    client = client_for(world.register_staff)
    sent = client.post("/register/import", data={
        "file": (io.BytesIO(register_csv(4, prefix="csp")), "small.csv")},
        content_type="multipart/form-data")
    page = client.get(sent.headers["Location"])
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in page.get_data(as_text=True), "no inline script"
    script = client.get("/static/import-progress.js")
    assert script.status_code == 200 and b"progressUrl" in script.data


def test_a_large_file_is_written_in_chunks_and_an_interrupted_chunk_again(app_ctx, app,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", max(ROWS // 6, 20))
    before = counts()
    run = imports.queue_import(None, register_csv(ROWS, prefix="large"), "large.csv", "en")
    db.session.commit()
    assert imports.advance() == 1 and load(run).stage == ImportStage.WRITING
    assert imports.advance() == 1
    done = load(run).rows_done
    assert 0 < done < ROWS

    # The worker dies in the middle of the next chunk: its transaction is gone with it.
    write = transfer._write
    written = []

    def die_half_way(acting, parsed, import_run, seen):
        if len(written) == app.config["IMPORT_CHUNK_ROWS"] // 2:
            raise KeyboardInterrupt("the worker was stopped")
        written.append(parsed.number)
        return write(acting, parsed, import_run, seen)
    monkeypatch.setattr(transfer, "_write", die_half_way)
    with pytest.raises(KeyboardInterrupt):
        imports.advance()
    db.session.rollback()
    monkeypatch.setattr(transfer, "_write", write)
    assert load(run).rows_done == done, "the interrupted chunk did not count"

    while imports.advance():
        pass
    run = load(run)
    assert (run.stage, run.succeeded, run.rows, run.rows_done) == ("done", True, ROWS, ROWS)
    added = tuple(after - was for after, was in zip(counts(), before, strict=True))
    assert added == (ROWS // 2, ROWS, ROWS), "every row once: nothing lost, nothing twice"
    assert (run.people_created, run.qualifications_added, run.certificates_added) == added


def test_a_file_with_a_wrong_row_changes_nothing_and_says_where(app_ctx):
    before = counts()
    data = register_csv(30, prefix="wrong") + csv_file(
        row(language="zz"), bom=False).split(b"\r\n", 1)[1]
    run = imports.import_now(None, data, "wrong.csv")
    assert not run.succeeded and run.rows_done == 0
    assert [(r, c) for r, c, _m in run.errors] == [(32, "language")]
    assert counts() == before


@pytest.mark.parametrize("value,column,message", [
    ("x" * 200_000, "last_name", "cannot be read"),
    ('"Mansour\r\nBcc: x"', "last_name", "line break or another control character"),
    ("Mansour\x00", "last_name", "line break or another control character"),
    ("M" * 81, "last_name", "At most 80 characters"),
    ("SI-" + "9" * 40, "certificate_number", "At most 40 characters"),
    ("9999-12-31", "issued_on", "from 1900-01-01 to 2199-12-31"),
    ("0001-01-01", "issued_on", "from 1900-01-01 to 2199-12-31"),
])
def test_hostile_fields_are_problems_not_errors(app_ctx, value, column, message):
    values = {"certificate_number": "SI-1", "issued_on": "2024-01-01", column: value}
    run = imports.import_now(None, csv_file(row(**values)), "hostile.csv")
    assert not run.succeeded
    assert any(message in text for _row, _column, text in run.errors), run.errors


def test_an_export_with_a_formula_guard_imports_back_the_same(app_ctx):
    first = imports.import_now(None, csv_file(row(last_name="=HYPERLINK(\"x\")",
                                                  municipality="-Gent")), "in.csv")
    assert first.succeeded, first.errors
    exported = transfer.export_csv()
    assert b"'=HYPERLINK" in exported and b";'-Gent;" in exported
    again = imports.import_now(None, exported, "again.csv")
    assert again.succeeded and (again.people_created, again.people_updated) == (0, 0)


# --- two workers on one import ------------------------------------------------------------

def test_two_workers_write_one_import_once(database_kind, tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url, WORKER_POLL_SECONDS=0.05, IMPORT_CHUNK_ROWS=20,
                                    IMPORT_PAUSE_SECONDS=0))
        with app.app_context():
            upgrade()
            run = imports.queue_import(None, register_csv(160, prefix="two"), "two.csv", "en")
            db.session.commit()
            run_id = run.id
            db.session.remove()
        stops = [threading.Event(), threading.Event()]
        threads = [worker.start_thread(app, stop, ["imports"]) for stop in stops]
        try:
            deadline = clock.monotonic() + 300
            while clock.monotonic() < deadline:
                with app.app_context():
                    stage = db.session.get(ImportRun, run_id).stage
                    db.session.remove()
                if stage == ImportStage.DONE:
                    break
                clock.sleep(0.05)
        finally:
            for stop in stops:
                stop.set()
            for thread in threads:
                thread.join(120)
        with app.app_context():
            finished = db.session.get(ImportRun, run_id)
            assert (finished.succeeded, finished.rows_done) == (True, 160), finished.errors
            assert counts() == (80, 160, 160)
            db.session.remove()
            db.engine.dispose()


def test_header_of_the_generated_file_is_the_import_format():
    assert register_csv(1).decode("utf-8-sig").splitlines()[0] == HEADER
