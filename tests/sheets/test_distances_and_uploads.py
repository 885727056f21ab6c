"""The kilometre estimate between postcodes, the upload store (content, size, random names,
erasing), and retention of the sheets' words and receipts."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from interpreter_register.core import uploads
from interpreter_register.core.rules import RuleError
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import run
from interpreter_register.sheets.distances import AREAS, road_km, suggested_km
from interpreter_register.sheets.models import SheetExpense
from interpreter_register.sheets.services import answers, filing
from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
from tests.fixtures.reading import load

from .conftest import JPEG, PDF, PNG, receipt

# --- kilometres ------------------------------------------------------------------------------


@pytest.mark.parametrize(("origin", "destination", "low", "high"), [
    ("9000", "1000", 55, 65),     # Gent – Brussel: 56 km by road
    ("2000", "1000", 40, 52),     # Antwerpen – Brussel: 45 km
    ("4000", "1000", 90, 108),    # Liège – Bruxelles: 97 km
    ("8000", "9000", 44, 56),     # Brugge – Gent: 50 km
    ("4700", "4000", 35, 45),     # Eupen – Liège: 40 km
    ("9300", "9000", 26, 35),     # Aalst – Gent: 30 km
])
def test_the_road_estimate_lands_near_the_known_distances(origin, destination, low, high):
    assert low <= road_km(origin, destination) <= high
    assert road_km(origin, destination) == road_km(destination, origin)


def test_a_suggestion_is_there_and_back_and_unknown_places_have_none():
    assert suggested_km("9000", "1000") == 2 * road_km("9000", "1000")
    assert suggested_km("9000", "9050") == 20, "a short trip inside one area, not zero"
    for unknown in (None, "", "900", "AB12", "2700"):
        assert suggested_km(unknown, "9000") is None
    assert len(AREAS) == 80 and all(10 <= area <= 99 for area in AREAS)
    assert all(49.4 < lat < 51.6 and 2.5 < lon < 6.5 for _name, lat, lon in AREAS.values()), \
        "every point lies in Belgium"


# --- the upload store ----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [(PNG, "png"), (JPEG, "jpeg"), (PDF, "pdf"),
                                            (b"GIF89a", None), (b"<svg/>", None),
                                            (b"PK\x03\x04", None), (b"", None)])
def test_files_are_known_by_their_first_bytes(data, kind):
    assert uploads.kind_of(data) == kind


def test_a_file_is_read_at_most_one_byte_past_the_limit(app_ctx):
    class Counting:
        asked = None

        def read(self, size):
            Counting.asked = size
            return PNG + b"\x00" * size
    with pytest.raises(RuleError, match="larger than 0.1 MB"):
        uploads.read_checked(Counting(), 100 * 1024, "receipt")
    assert Counting.asked == 100 * 1024 + 1
    assert uploads.read_checked(receipt(PDF), 1024) == (PDF, "pdf")
    with pytest.raises(RuleError, match="empty"):
        uploads.read_checked(receipt(b""), 1024)


def test_stored_files_get_random_names_outside_static_and_are_erased(app_ctx, world,
                                                                   upload_folder):
    upload = uploads.store(world.interpreter, "sheets", PNG, "png", "../../etc/passwd.png")
    path = uploads.path_of(upload)
    assert path.parent == upload_folder and path.read_bytes() == PNG
    assert "passwd" not in path.name and upload.download_name == "passwd.png"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    uploads.erase(upload)
    db.session.flush()
    assert not path.exists()


def test_files_whose_row_never_came_are_swept_after_a_day(app_ctx, world, upload_folder):
    from interpreter_register.core.time import utcnow
    kept = uploads.store(world.interpreter, "sheets", PNG, "png")
    orphan = upload_folder / "orphan-from-a-rolled-back-request.png"
    orphan.write_bytes(PNG)
    assert uploads.sweep_orphans(utcnow()) == 0, "not a day old yet"
    assert uploads.sweep_orphans(utcnow() + timedelta(days=2)) == 1
    assert not orphan.exists() and uploads.path_of(kept).exists()


# --- retention -----------------------------------------------------------------------------

def test_retention_erases_remarks_reasons_and_receipts_and_keeps_the_figures(app_ctx, world,
                                                                            work):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(
        started=time(10), ended=time(12, 30), km=Decimal(20), remarks="Hard conversation",
        reason="The doctor was late", expenses=[
            ExpenseInput("parking", Decimal("6.40"), receipt())]), now=after)
    answers.dispute(world.contact_person, sheet, {"km": "Too far"}, now=after)
    filing.settle(world.dispatcher, sheet, "As filed", now=after)
    db.session.commit()
    [expense] = sheet.current.expenses
    stored = uploads.path_of(expense.receipt)
    assert stored.exists()
    from tests.jobs.test_jobs import at
    with at(after + relativedelta(months=23)):
        assert "sheets_erased" not in run("retention").counts
    with at(after + relativedelta(months=25)):
        counts = run("retention").counts
        assert (counts["sheets_erased"], counts["receipts_erased"]) == (1, 1)
        assert "sheets_erased" not in run("retention").counts, "the second run does nothing"
    version = load(sheet).current
    assert (version.remarks, version.reason, version.settlement_note) == (None, None, None)
    assert [d.reason for d in version.disputes] == [None]
    assert (version.worked_minutes, version.km) == (150, Decimal("20.0"))
    expense = load(SheetExpense, expense.id)
    assert expense.amount == Decimal("6.40") and expense.receipt_id is None
    assert not stored.exists()
    assert db.session.query(uploads.Upload).count() == 0
