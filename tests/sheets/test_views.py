"""The sheets' pages through the test client: filing with a receipt, the receipt served only
to the parties, the link for people without an account, a dispute in French, and the PDF
in German read back as text."""

import io
from datetime import time
from decimal import Decimal

import time_machine
from pypdf import PdfReader

from interpreter_register.core.uploads import Upload
from interpreter_register.extensions import db
from interpreter_register.sheets.models import CompletionSheet, SheetStatus
from interpreter_register.sheets.services import answers, filing
from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
from tests.fixtures.factories import create_certificate, create_person, make_available
from tests.fixtures.reading import load

from .conftest import PNG, ended, receipt


def at(moment):
    return time_machine.travel(moment, tick=False)


def form(**extra) -> dict:
    return {"started": "10:00", "ended": "11:30", "waiting_minutes": "0", "km": "20,5",
            "remarks": "The parking was full", "reason": "", **extra}


def test_the_interpreter_files_with_a_receipt_only_the_parties_may_download(
        app_ctx, world, work, client_for):
    booking, after = work
    with at(after):
        # Logged in at that moment: a session lasts hours, not the weeks travelled.
        interpreter = client_for(world.interpreter)
        page = interpreter.get(f"/sheets/bookings/{booking.id}/file").get_data(as_text=True)
        assert 'value="10:00"' in page and 'value="20,0"' in page, "planned, and the estimate"
        assert "schatting op basis van de postcodes" in page
        response = interpreter.post(f"/sheets/bookings/{booking.id}/file", data={
            **form(), "expenses-0-kind": "parking", "expenses-0-amount": "6,40",
            "expenses-0-receipt": (io.BytesIO(PNG), "bonnetje.png")},
            content_type="multipart/form-data")
    assert response.status_code == 302
    sheet = load(CompletionSheet, booking_id=booking.id)
    [expense] = sheet.current.expenses
    assert sheet.status == SheetStatus.FILED and sheet.current.km == Decimal("20.5")
    assert expense.amount == Decimal("6.40") and expense.receipt.kind == "png"
    url = f"/sheets/{sheet.id}/receipts/{expense.id}"
    for user in (world.interpreter, world.requester, world.dispatcher):
        got = client_for(user).get(url)
        assert got.status_code == 200 and got.data == PNG, user.name
        assert got.headers["Content-Type"] == "image/png"
        assert "attachment" in got.headers["Content-Disposition"]
        assert "private" in got.headers["Cache-Control"]
    for user, status in ((world.other_contact_person, 404), (world.other_interpreter, 404),
                         (world.admin, 403), (world.other_dispatcher, 404)):
        assert client_for(user).get(url).status_code == status, user.name
    stored = load(Upload, expense.receipt_id).stored_name
    assert client_for(world.admin).get(f"/static/{stored}").status_code == 404
    assert "bonnetje" not in stored, "stored under a random name"
    # The remarks are the service's: the requester never reads them.
    assert "The parking was full" in client_for(world.dispatcher).get(
        f"/sheets/{sheet.id}").get_data(as_text=True)
    assert "The parking was full" not in client_for(world.requester).get(
        f"/sheets/{sheet.id}").get_data(as_text=True)


def test_a_file_that_is_not_a_receipt_is_refused_on_the_form(app_ctx, world, work,
                                                              client_for):
    booking, after = work
    with at(after):
        page = client_for(world.interpreter).post(
            f"/sheets/bookings/{booking.id}/file", data={
                **form(), "expenses-0-kind": "parking", "expenses-0-amount": "3",
                "expenses-0-receipt": (io.BytesIO(b"MZ\x90\x00 not a photo"), "virus.jpg")},
            content_type="multipart/form-data").get_data(as_text=True)
    assert "Stuur een foto (JPEG of PNG) of een PDF." in page
    assert load(CompletionSheet, booking_id=booking.id) is None, "nothing stored half"
    assert db.session.query(Upload).count() == 0


def test_without_an_account_the_booking_link_leads_to_the_sheet(app_ctx, world, client):
    from interpreter_register.bookings.links import booking_token

    nadia = create_person(first_name="Nadia", last_name="Bouzid", email="nadia@example.org")
    create_certificate(nadia.qualifications[0])
    make_available(nadia)
    booking, after = ended(world, person=nadia)
    token = booking_token(booking)
    before = client.get(f"/b/{token}/sheet").get_data(as_text=True)
    assert "zodra het werk gedaan is" in before
    with at(after):
        page = client.get(f"/b/{token}").get_data(as_text=True)
        assert f"/b/{token}/sheet" in page and "Prestatiefiche invullen" in page
        response = client.post(f"/b/{token}/sheet", data=form(waiting_minutes="-10"))
        assert "Dit kan niet negatief zijn." in response.get_data(as_text=True)
        response = client.post(f"/b/{token}/sheet", data=form())
        assert response.status_code == 302
        shown = client.get(f"/b/{token}/sheet").get_data(as_text=True)
    sheet = load(CompletionSheet, booking_id=booking.id)
    assert sheet.is_filed and sheet.current.filed_by_id is None
    assert sheet.current.filed_as.value == "interpreter"
    assert "Wacht op bevestiging" in shown
    assert client.get(f"/b/{token[:-2]}xx/sheet").status_code == 404


def test_the_requester_disputes_line_by_line_in_french(app_ctx, world, work, client_for):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(
        started=time(10), ended=time(11, 30), km=Decimal(20)), now=after)
    db.session.commit()
    requester = client_for(world.contact_person)
    requester.post("/language", data={"language": "fr"})
    page = requester.post(f"/sheets/{sheet.id}/dispute",
                          data={"line_km": "y", "reason_km": ""}).get_data(as_text=True)
    assert "Dites pourquoi vous contestez cette ligne : Kilomètres." in page
    response = requester.post(f"/sheets/{sheet.id}/dispute", data={
        "line_km": "y", "reason_km": "L’interprète habite à côté"})
    assert response.status_code == 302
    sheet = load(sheet)
    assert sheet.status == SheetStatus.DISPUTED
    assert [(d.line.value, d.reason) for d in sheet.current.disputes] == [
        ("km", "L’interprète habite à côté")]
    shown = requester.get(f"/sheets/{sheet.id}").get_data(as_text=True)
    assert "Contestée" in shown and "L’interprète habite à côté" in shown


def test_the_settled_sheet_as_a_pdf_in_german_says_who_filed_and_who_confirmed(
        app_ctx, world, work, client_for):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(
        started=time(10, 5), ended=time(11, 40), km=Decimal(20), expenses=[
            ExpenseInput("parking", Decimal("6.40"), receipt())]), now=after)
    assert client_for(world.dispatcher).get(f"/sheets/{sheet.id}/pdf").status_code == 404
    answers.confirm(world.contact_person, sheet, now=after)
    db.session.commit()
    world.interpreter.locale = "de"
    db.session.commit()
    response = client_for(world.interpreter).get(f"/sheets/{sheet.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "Leistungsnachweis" in text
    assert "Eingereicht von Fatima Haddad (der Dolmetscher)" in text
    assert "Bestätigt von Lotte De Smet" in text
    assert "10:05–11:40 (95 Minuten)" in text and "6,40 €" in text
    assert "CASE-1" not in text and "Secret note" not in text
    # When it was filed and confirmed, in German's one date format (core/i18n.py).
    from babel.dates import format_skeleton

    from interpreter_register.core.time import to_brussels
    assert format_skeleton("yMMMd", to_brussels(after), locale="de") + ", 12:30" in text
