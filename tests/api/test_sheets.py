"""/api/v1/sheets: an organisation's system reads the sheets waiting for its answer, and
confirms them or disputes lines, as a requester does on the sheet's page."""

from datetime import time
from decimal import Decimal

from interpreter_register.api.models import Scope
from interpreter_register.bookings.models import Booking, BookingStatus, RequestStatus
from interpreter_register.extensions import db
from interpreter_register.sheets.models import SheetStatus
from interpreter_register.sheets.services import filing
from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
from tests.fixtures.factories import create_past_request
from tests.fixtures.reading import load, mails
from tests.sheets.conftest import receipt


def _filed(world, organisation_user=None):
    item = create_past_request(organisation_user or world.contact_person, world.service,
                               status=RequestStatus.BOOKED)
    booking = Booking(request=item, person=world.fatima, starts_at=item.starts_at,
                      ends_at=item.ends_at, tier=1)
    db.session.add(booking)
    db.session.flush()
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(
        started=time(10), ended=time(11, 30), remarks="The client cried",
        expenses=[ExpenseInput("parking", Decimal("5.50"), receipt())]))
    db.session.commit()
    return sheet


def test_the_sheets_to_confirm_show_their_lines_not_the_remarks(world, make_key, call):
    sheet = _filed(world)
    _, key = make_key(Scope.READ)
    listed = call(key, "GET", "/api/v1/sheets")
    assert listed.status_code == 200, listed.json
    [item] = listed.json["items"]
    assert item["id"] == sheet.id and item["status"] == "filed"
    assert item["interpreter"] == "Fatima Haddad"
    assert item["lines"] == ["times", "waiting", "no_show", "km", "expenses"]
    assert item["current"]["worked_minutes"] == 90
    assert item["current"]["expenses"] == [{"kind": "parking", "amount": "5.50"}]
    assert item["current"]["started_at"].endswith("Z")
    assert "cried" not in listed.get_data(as_text=True)
    assert call(key, "GET", f"/api/v1/sheets/{sheet.id}").json == item


def test_a_system_confirms_a_sheet_and_the_booking_is_completed(world, make_key, call):
    sheet = _filed(world)
    _, reader = make_key(Scope.READ)
    assert call(reader, "POST", f"/api/v1/sheets/{sheet.id}/confirm").status_code == 403
    _, key = make_key()
    confirmed = call(key, "POST", f"/api/v1/sheets/{sheet.id}/confirm")
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "settled"
    assert load(sheet.booking).status == BookingStatus.COMPLETED
    assert call(key, "GET", "/api/v1/sheets").json["items"] == []
    again = call(key, "POST", f"/api/v1/sheets/{sheet.id}/confirm", language="fr")
    assert again.status_code == 422 and "clôturée" in again.json["errors"][0]["message"]


def test_a_system_disputes_lines_and_the_service_is_told(world, make_key, call):
    sheet = _filed(world)
    _, key = make_key()
    path = f"/api/v1/sheets/{sheet.id}/dispute"
    empty = call(key, "POST", path, {"lines": [{"line": "km", "reason": " "}]})
    assert empty.status_code == 422 and empty.json["errors"][0]["field"] == "lines.km"
    translation_line = call(key, "POST", path, {"lines": [{"line": "size", "reason": "x"}]})
    assert translation_line.status_code == 422
    disputed = call(key, "POST", path, {"lines": [
        {"line": "times", "reason": "She left at 11:00"}]})
    assert disputed.status_code == 200, disputed.json
    assert disputed.json["status"] == "disputed"
    assert disputed.json["current"]["disputes"] == [{"line": "times",
                                                     "reason": "She left at 11:00"}]
    assert load(sheet).status == SheetStatus.DISPUTED
    assert mails(kind="sheet_disputed")


def test_another_organisations_key_never_sees_the_sheet(world, make_key, call):
    sheet = _filed(world)
    _, other = make_key(organisation=world.other_organisation)
    assert call(other, "GET", "/api/v1/sheets").json["items"] == []
    assert call(other, "GET", f"/api/v1/sheets/{sheet.id}").status_code == 404
    assert call(other, "POST", f"/api/v1/sheets/{sheet.id}/confirm").status_code == 404
    assert load(sheet).status == SheetStatus.FILED
