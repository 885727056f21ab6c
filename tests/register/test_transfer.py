"""Import from CSV (all or nothing, every error with its row), export to CSV and XLSX."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from interpreter_register.core.audit import AuditEntry
from interpreter_register.extensions import db
from interpreter_register.register import facts
from interpreter_register.register.models import (
    Certificate,
    ImportRun,
    Person,
    Qualification,
    Tier,
)
from interpreter_register.register.policy import current_policy
from interpreter_register.register.services.imports import import_now
from interpreter_register.register.services.transfer import COLUMNS, export_csv, export_xlsx

HEADER = ";".join(COLUMNS)


def csv_file(*rows: str, bom=True) -> bytes:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def row(**values) -> str:
    base = {"first_name": "Leila", "last_name": "Mansour", "email": "leila@example.org",
            "phone": "0470 11 22 33", "postcode": "9000", "municipality": "Gent",
            "regions": "east_flanders|west_flanders", "modalities": "on_site|phone",
            "domains": "medical", "public_consent": "ja", "kind": "interpreting",
            "language": "ar", "working_language": "nl"}
    base.update(values)
    return ";".join(base.get(c, "") for c in COLUMNS)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_belgian_excel_file_is_imported(app_ctx):
    data = csv_file(
        row(certificate_number="SI-AR-1", issued_on="12/03/2024"),
        row(kind="translation", direction="into_working", certificate_number="ST-AR-1",
            issued_on="2024-03-12", valid_until="2029-03-11"),
        row(first_name="Tesfay", last_name="Haile", email="", language="ti",
            working_language="fr", public_consent="no"))
    run = import_now(None, data, "register.csv")
    assert run.succeeded, run.errors
    assert (run.rows, run.people_created, run.qualifications_added, run.certificates_added) == (
        3, 2, 3, 2)
    leila = db.session.scalar(select(Person).where(Person.email == "leila@example.org"))
    assert leila.phone == "+32470112233"
    assert leila.public_consent is True
    assert {p.value for p in leila.regions} == {"east_flanders", "west_flanders"}
    certificate = db.session.scalar(select(Certificate).where(Certificate.number == "SI-AR-1"))
    assert certificate.issued_on == date(2024, 3, 12)
    assert certificate.valid_until == date(2029, 3, 12), "the policy's five years"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.person_id == leila.id)) == 5
    # The tiers matching reads are worked out once, after the last row, and are right.
    assert facts.differences() == []
    assert Tier(certificate.qualification.tier_on(date(2025, 1, 1), current_policy())) == (
        Tier.CERTIFIED)


def test_every_error_is_reported_with_its_row_and_nothing_is_written(app_ctx):
    data = csv_file(
        row(),
        row(email="not-an-address", phone="12"),
        row(first_name="", language="xx"),
        row(email="b@example.org", language="ara"),
        row(email="c@example.org", working_language="nl", language="nl"),
        row(email="d@example.org", certificate_number="SI-1", issued_on="2024-05-01",
            valid_until="2024-04-01"),
        row(email="e@example.org", certificate_number="SI-2", issued_on="yesterday"),
        row(email="f@example.org", certificate_number="SI-3", issued_on="2024-01-01"),
        row(email="g@example.org", certificate_number="SI-3", issued_on="2024-01-01"),
        row(email="h@example.org", kind="translation"),
        row(email="i@example.org", modalities="teleport", public_consent="maybe"))
    run = import_now(None, data, "bad.csv")
    assert not run.succeeded
    found = {(r, c) for r, c, _ in run.errors}
    assert found == {(3, "email"), (3, "phone"), (4, "first_name"), (4, "language"),
                     (5, "language"), (6, "language"), (7, "valid_until"), (8, "issued_on"),
                     (10, "certificate_number"), (11, "direction"), (12, "modalities"),
                     (12, "public_consent")}
    messages = {(r, c): m for r, c, m in run.errors}
    assert "“ar”" in messages[(5, "language")]
    assert "row 9" in messages[(10, "certificate_number")]
    assert count(Person) == 0 and count(Qualification) == 0
    assert db.session.get(ImportRun, run.id).errors == run.errors


def test_the_same_person_must_have_the_same_details_on_each_row(app_ctx):
    run = import_now(None, csv_file(row(), row(kind="translation",
                                                    direction="from_working",
                                                    municipality="Brugge")), "x.csv")
    assert [(r, c) for r, c, _ in run.errors] == [(3, "email")]


def test_unreadable_files_say_why(app_ctx):
    assert "UTF-8" in import_now(None, "é;x".encode("latin-1"), "x.csv").errors[0][2]
    assert "Unknown: colour" in import_now(
        None, b"first_name;last_name;colour\nA;B;red\n", "x.csv").errors[0][2]
    assert not import_now(None, b"", "x.csv").succeeded


def test_commas_and_no_byte_order_mark_are_fine(app_ctx):
    data = (",".join(COLUMNS) + "\n" + row().replace(";", ",").replace(
        "east_flanders|west_flanders", "east_flanders").replace("on_site|phone", "phone")
        + "\n").encode()
    assert import_now(None, data, "x.csv").succeeded


def test_a_certificate_number_of_someone_else_is_refused(app_ctx):
    import_now(None, csv_file(row(certificate_number="SI-9", issued_on="2024-01-01")),
                    "a.csv")
    run = import_now(None, csv_file(row(email="x@example.org",
                                             certificate_number="si-9",
                                             issued_on="2024-01-01")), "b.csv")
    assert [(r, c) for r, c, _ in run.errors] == [(2, "certificate_number")]


def test_export_then_import_gives_the_same_register(app, database_kind, tmp_path):
    first = import_now(None, csv_file(
        row(certificate_number="SI-AR-1", issued_on="2024-03-12", show_email="yes",
            gender="female"),
        row(kind="translation", direction="from_working", language="ar", show_email="yes",
            gender="female"),
        row(first_name="No", last_name="Pairs", email="np@example.org", kind="",
            language="", working_language="")), "in.csv")
    assert first.succeeded, first.errors
    exported = export_csv()
    assert exported.startswith("\ufeff".encode())
    assert exported.decode("utf-8-sig").splitlines()[0] == HEADER
    again = import_now(None, exported, "again.csv")
    assert again.succeeded, again.errors
    assert (again.people_created, again.people_updated, again.qualifications_added,
            again.certificates_added) == (0, 0, 0, 0), "importing twice changes nothing"
    assert export_csv() == exported


def test_xlsx_export_has_the_same_rows(app_ctx):
    import_now(None, csv_file(row(certificate_number="SI-AR-1", issued_on="2024-03-12")),
                    "in.csv")
    sheet = load_workbook(io.BytesIO(export_xlsx())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert rows[1][COLUMNS.index("certificate_number")] == "SI-AR-1"
    assert rows[1][COLUMNS.index("email")] == "leila@example.org"


def test_command_line_import(app, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file(row()))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file(row(language="zz")))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["register", "import", str(bad)])
    assert result.exit_code != 0 and "row 2, language" in result.output
    result = runner.invoke(args=["register", "import", str(good)])
    assert result.exit_code == 0 and "1 people added" in result.output
    out = tmp_path / "out.xlsx"
    assert runner.invoke(args=["register", "export", str(out)]).exit_code == 0
    assert load_workbook(out).active.max_row == 2


def test_exports_never_carry_a_formula_and_survive_control_characters(app_ctx):
    """An interpreter's own record may hold "=HYPERLINK(...)"; a municipality a control
    character: the CSV guards the cell, the XLSX stores text, and neither fails."""
    from interpreter_register.register.services import people

    person = people.create_person(None, people.PersonDetails(
        first_name="=HYPERLINK(\"http://evil.example/\",\"klik\")", last_name="@SUM(A1)",
        municipality="Gent\x07\x1b", postcode="9000", phone="+32 470 12 34 56"))
    db.session.commit()
    text = export_csv().decode("utf-8-sig")
    [record] = [r for r in csv.DictReader(io.StringIO(text), delimiter=";")
                if "HYPERLINK" in r["first_name"]]
    assert record["first_name"] == "'=HYPERLINK(\"http://evil.example/\",\"klik\")"
    assert record["last_name"] == "'@SUM(A1)" and record["phone"] == "'+32470123456"
    assert "\x07" not in text and "\x1b" not in text
    sheet = load_workbook(io.BytesIO(export_xlsx())).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row}
    assert cells['=HYPERLINK("http://evil.example/","klik")'] == "s", "text, not a formula"
    assert "Gent" in cells and person.municipality == "Gent\x07\x1b"
