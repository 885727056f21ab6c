"""A month's zip made by the background worker: a dispatcher asks on the month's page, the
worker builds it (one PDF per interpreter, or per invoice), the page follows it, the
dispatcher downloads it; a second ask while one is on its way is refused, a later one
replaces the older file; a failure says why; retention erases the file and says so."""

import io
import zipfile
from datetime import date, time, timedelta

import pytest

from interpreter_register.billing.exports import services as exports
from interpreter_register.billing.exports.models import ExportStage, MonthExport
from interpreter_register.core import uploads, worker
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.jobs import runner
from interpreter_register.register.models import Modality
from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
from tests.billing.test_statements import pay_scale, settled
from tests.fixtures.reading import load, mails


@pytest.fixture
def march(world, monkeypatch):
    """Two interpreters paid for March 2026 by TVGent; PDFs printed fast (printing itself
    is tested once below and in tests/sheets)."""
    pay_scale(world.service, date(2026, 1, 1), "38.00")
    settled(world, date(2026, 3, 3), km="20", expenses=[("parking", "5.00")])
    settled(world, date(2026, 3, 4), person=world.omar, minutes=60)
    world.dispatcher.locale = "en"
    db.session.commit()
    return world


@pytest.fixture
def fast_pdfs(monkeypatch):
    monkeypatch.setattr("interpreter_register.sheets.pdf.render_pdf",
                        lambda html: b"%PDF-1.7 test")


def _ask(browser, world, month="2026-03"):
    return browser.post(f"/statements/{world.service.id}/{month}/export", data={},
                        follow_redirects=True).get_data(as_text=True)


def _exports(world):
    """The service's exports as the database holds them now. The read ends with a commit:
    the worker's first rollback must not undo what a page wrote meanwhile (in the tests,
    pages and worker share one connection, each in savepoints)."""
    db.session.expire_all()
    found = db.session.scalars(db.select(MonthExport).where(
        MonthExport.service_id == world.service.id).order_by(MonthExport.id)).all()
    db.session.commit()
    return found


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_worker_builds_the_statements_zip_and_mails_whoever_asked(march, client_for):
    world = march
    dispatcher = client_for(world.dispatcher)
    page = _ask(dispatcher, world)
    # Nothing is made inside the request: the page says it is queued.
    assert "The export is queued" in page and 'class="export export-queued' in page
    assert uploads.folder().exists() is False or not any(uploads.folder().iterdir())

    assert exports.advance() == 1
    assert exports.advance() == 0          # nothing else waits
    page = dispatcher.get("/statements?month=2026-03").get_data(as_text=True)
    assert 'class="export export-ready' in page and "Download statements-2026-03.zip" in page
    assert "2 documents" in page and " MB" in page

    export = _exports(world)[0]
    archive = _zip(dispatcher.get(f"/exports/{export.id}/download"))
    names = archive.namelist()
    assert names == [f"statement-2026-03-fatima-haddad-{world.fatima.id}.pdf",
                     f"statement-2026-03-omar-mansour-{world.omar.id}.pdf",
                     "statements-2026-03.csv"]
    # The CSV's headings in the language of whoever asked (English here).
    assert archive.read(names[2]).decode("utf-8-sig").startswith("Interpreter / translator")
    # The file lies in the upload store, outside the web root.
    assert uploads.path_of(export.upload).parent == uploads.folder()

    mail, = mails(kind="export_ready")
    assert mail.recipient == world.dispatcher.email
    assert mail.subject == "Your export is ready: Statements (PDF, zip), March 2026"
    assert "/statements?month=2026-03" in mail.body and "(2 documents)" in mail.body


def test_the_pdfs_really_are_printed(march, client_for):
    _ask(client_for(march.dispatcher), march)
    assert exports.advance() == 1
    export = _exports(march)[0]
    archive = _zip(client_for(march.dispatcher).get(f"/exports/{export.id}/download"))
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF-")


def test_a_second_ask_while_one_is_on_its_way_is_refused(march, client_for, fast_pdfs):
    world = march
    dispatcher = client_for(world.dispatcher)
    _ask(dispatcher, world)
    page = _ask(dispatcher, world)
    assert "An export of this month is already on its way" in page
    assert len(_exports(world)) == 1
    # The button waits too while it is on its way.
    assert "disabled>Ask for the zip of the month" in page

    assert exports.advance() == 1
    first = _exports(world)[0]
    first_file = uploads.path_of(first.upload)
    db.session.commit()
    # Asked again once ready: a fresh one (sheets may have changed); the older file goes.
    page = _ask(dispatcher, world)
    assert "The export is queued" in page
    assert exports.advance() == 1
    older, newer = _exports(world)
    assert (older.stage, newer.stage) == (ExportStage.REPLACED, ExportStage.READY)
    assert not first_file.exists() and older.upload_id is None
    page = dispatcher.get("/statements?month=2026-03").get_data(as_text=True)
    assert page.count("Download statements-2026-03.zip") == 1
    assert "when a newer one was ready" in page
    # The old link says what became of it, on the month's page.
    page = dispatcher.get(f"/exports/{older.id}/download", follow_redirects=True)
    assert "erased on" in page.get_data(as_text=True)


def test_a_month_without_statements_has_nothing_to_export(world, client_for):
    page = _ask(client_for(world.dispatcher), world, "2025-01")
    assert _exports(world) == []
    assert "Ask for the zip of the month" not in page


def test_only_the_service_s_dispatchers_download(march, client_for, fast_pdfs):
    world = march
    _ask(client_for(world.dispatcher), world)
    exports.advance()
    export = _exports(world)[0]
    url = f"/exports/{export.id}/download"
    assert client_for(world.other_dispatcher).get(url).status_code == 404
    assert client_for(world.other_dispatcher).post(
        f"/statements/{world.service.id}/2026-03/export").status_code == 404
    for role in ("interpreter", "register_staff", "admin", "contact_person"):
        assert client_for(getattr(world, role)).get(url).status_code == 403
    assert len(_exports(world)) == 1


def test_a_failure_shows_its_reason_and_the_worker_goes_on(march, client_for, monkeypatch):
    world = march

    def broken(html):
        raise RuntimeError("WeasyPrint ran out of fonts")
    monkeypatch.setattr("interpreter_register.sheets.pdf.render_pdf", broken)
    dispatcher = client_for(world.dispatcher)
    _ask(dispatcher, world)
    # Its invoices are asked too, after it: the failure above must not stop them.
    ready_to_bill(world)
    tariff(world.service, date(2026, 1, 1))
    settled_sheet(world, date(2026, 3, 5), minutes=60, start=time(14))
    from interpreter_register.billing.invoicing import run
    run.bill_month(world.dispatcher, world.service, date(2026, 3, 1), today=date(2026, 4, 1))
    db.session.commit()
    monkeypatch.setattr("interpreter_register.billing.invoicing.documents.invoice_pdf",
                        lambda invoice: b"%PDF-1.7 invoice")
    dispatcher.post("/invoices/export?month=2026-03", data={})

    assert worker.run_round(["exports"]) == 1
    assert worker.run_round(["exports"]) == 1
    failed, built = _exports(world)
    assert failed.stage == ExportStage.FAILED and built.stage == ExportStage.READY
    page = dispatcher.get("/statements?month=2026-03").get_data(as_text=True)
    assert "A document of the month could not be made (RuntimeError)" in page
    assert mails(kind="export_failed")[0].subject.startswith("Your export could not be made")
    # In French for a French reader.
    world.dispatcher.locale = "fr"
    db.session.commit()
    page = client_for(world.dispatcher).get("/statements?month=2026-03").get_data(
        as_text=True)
    assert "Échec" in page and "n’a pas pu être fait" in page
    # After the failure, asking again is allowed.
    assert "L’export est en attente" in _ask(dispatcher, world)


def test_the_invoices_zip_holds_each_invoice_and_the_journal(world, client_for, monkeypatch):
    from interpreter_register.billing.invoicing import run
    ready_to_bill(world)
    tariff(world.service, date(2026, 1, 1))
    settled_sheet(world, date(2026, 3, 3), minutes=80, km=12)
    settled_sheet(world, date(2026, 3, 4), minutes=20, requester=world.requester,
                  modality=Modality.PHONE)
    invoice, = run.bill_month(world.dispatcher, world.service, date(2026, 3, 1),
                              today=date(2026, 4, 1)).invoices
    # A credit note of the month is a document of its own in the zip.
    note = run.credit(world.dispatcher, invoice, "Wrong duration",
                      sheet_ids=[invoice.sheet_ids[0]], today=date(2026, 4, 9))
    invoices = [invoice, note]
    world.dispatcher.locale = "en"
    db.session.commit()
    monkeypatch.setattr("interpreter_register.billing.invoicing.documents.invoice_pdf",
                        lambda invoice: b"%PDF-1.7 " + invoice.number.encode())
    dispatcher = client_for(world.dispatcher)
    page = dispatcher.post("/invoices/export?month=2026-03", data={},
                           follow_redirects=True).get_data(as_text=True)
    assert 'class="export export-queued' in page
    assert exports.advance() == 1
    page = dispatcher.get("/invoices?month=2026-03").get_data(as_text=True)
    assert "Download invoices-2026-03.zip" in page
    archive = _zip(dispatcher.get(f"/exports/{_exports(world)[0].id}/download"))
    assert len(invoices) == 2
    expected = ["journal-2026-03.csv"]
    for document, kind in zip(invoices, ("invoice", "credit-note"), strict=True):
        name = f"{kind}-{document.number.replace('/', '-')}"
        expected += [f"{name}.pdf", f"{name}.xml"]
        assert archive.read(f"{name}.pdf") == b"%PDF-1.7 " + document.number.encode()
    assert sorted(archive.namelist()) == sorted(expected)


def test_retention_erases_the_file_and_the_page_says_so(march, client_for, fast_pdfs):
    world = march
    dispatcher = client_for(world.dispatcher)
    _ask(dispatcher, world)
    exports.advance()
    export = _exports(world)[0]
    path = uploads.path_of(export.upload)
    assert path.exists()
    runner.run("retention", utcnow() + timedelta(days=13))
    assert load(export).stage == ExportStage.READY and path.exists()   # kept 14 days
    runner.run("retention", utcnow() + timedelta(days=15))
    export = load(export)
    assert export.stage == ExportStage.ERASED and export.upload_id is None
    assert not path.exists()
    page = dispatcher.get("/statements?month=2026-03").get_data(as_text=True)
    assert "Its file was erased on" in page and "Download statements" not in page
    assert dispatcher.get(f"/exports/{export.id}/download").status_code == 302


def test_a_worker_that_died_leaves_it_to_the_next_then_it_fails(march, client_for, app_ctx,
                                                                 fast_pdfs, monkeypatch):
    world = march
    _ask(client_for(world.dispatcher), world)
    export = _exports(world)[0]
    for _attempt in range(exports.MAX_ATTEMPTS):
        # Taken, and the worker dies: its claim runs out.
        assert exports._claim(None) not in (None, True)
        export = load(export)
        assert export.stage == ExportStage.BUILDING
        assert exports.advance() == 0      # still held by the silent one
        export.claimed_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert exports.advance() == 1
    export = load(export)
    assert export.stage == ExportStage.FAILED and export.failure == "interrupted"
    assert "stopped 3 times" in export.failure_message


def test_two_asks_racing_still_make_one_export(march, app_ctx, monkeypatch):
    """Two clicks that both found nothing on its way (PostgreSQL lets them read at once):
    the database's unique index refuses the second, said as the same message."""
    from interpreter_register.billing.exports.models import ExportKind
    from interpreter_register.core.rules import RuleError
    world = march
    exports.ask(world.dispatcher, world.service.id, ExportKind.STATEMENTS, date(2026, 3, 1),
                "en")
    monkeypatch.setattr(exports, "_pending", lambda *args: None)
    with pytest.raises(RuleError, match="already on its way"):
        exports.ask(world.dispatcher, world.service.id, ExportKind.STATEMENTS,
                    date(2026, 3, 1), "en")
    # The first one is untouched by the refusal of the second.
    assert [e.stage for e in _exports(world)] == [ExportStage.QUEUED]


def test_a_french_dispatcher_gets_the_mail_and_the_csv_in_french(march, client_for,
                                                                  fast_pdfs):
    world = march
    world.dispatcher.locale = "fr"
    db.session.commit()
    _ask(client_for(world.dispatcher), world)
    assert exports.advance() == 1
    mail, = mails(kind="export_ready")
    assert mail.subject == "Votre export est prêt : Décomptes (PDF, zip), mars 2026"
    assert "Le zip que vous avez demandé est prêt" in mail.body
    export = _exports(world)[0]
    archive = _zip(client_for(world.dispatcher).get(f"/exports/{export.id}/download"))
    assert archive.read("statements-2026-03.csv").decode("utf-8-sig").startswith(
        "Interprète / traducteur")
