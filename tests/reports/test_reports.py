"""Reports on a known data set: exact figures, empty periods, who sees what, exports, and a
query count that does not grow with the data (100 against 5,000 requests)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, insert

from interpreter_register.bookings.models import (
    InterpretingRequest,
    RequestStatus,
    UnfilledReason,
)
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    CertificateStatus,
    Direction,
    QualificationKind,
    StepResult,
    TrackStep,
    Verdict,
)
from interpreter_register.register.policy import RegisterPolicy
from interpreter_register.register.services import credentials, people
from interpreter_register.reports import figures
from interpreter_register.reports.periods import Period, period_from
from tests.fixtures.factories import (
    create_certificate,
    create_organisation,
    create_person,
    create_qualification,
    create_service,
    open_track,
)

from .conftest import MARCH, add_request

POLICY = RegisterPolicy()


def test_shortage_figures(app_ctx, march):
    rows = {r.language.code: r for r in figures.shortage(MARCH, POLICY, date(2026, 3, 15))}
    arabic, wolof = rows["ar"], rows["wo"]
    assert (arabic.requests, arabic.filled, arabic.cancelled) == (4, 2, 1)
    assert arabic.unfilled == {UnfilledReason.NO_HOLDER: 0,
                               UnfilledReason.NO_ONE_AVAILABLE: 1,
                               UnfilledReason.NO_ONE_ACCEPTED: 0}
    assert arabic.fill_rate == pytest.approx(2 / 3)
    assert (wolof.requests, wolof.unfilled_total, wolof.fill_rate) == (1, 1, 0.0)
    assert wolof.unfilled[UnfilledReason.NO_HOLDER] == 1
    # Sorted by unfilled demand: Arabic and Wolof have one each; more requests first.
    assert [r.language.code for r in figures.shortage(MARCH, POLICY, date(2026, 3, 15))][:2] == [
        "ar", "wo"]


def test_shortage_supply_per_tier_and_expiring_certificates(app_ctx, march):
    day = date(2026, 3, 15)
    certified = create_person(languages=("ar",))
    create_certificate(certified.qualifications[0], issued_on=date(2022, 1, 1),
                       valid_until=date(2026, 8, 1))
    learner = create_person(languages=("ar",))
    credentials.record_step(None, learner.qualifications[0], TrackStep.PRESELECTION_TEST,
                            date(2026, 1, 5), StepResult.PASSED)
    create_person(languages=("ar",))
    db.session.commit()
    arabic = next(r for r in figures.shortage(MARCH, POLICY, day) if r.language.code == "ar"
                  and r.working_language == "nl")
    # world: Fatima and Omar (certified); plus these three: certified, in track, registered.
    assert arabic.supply == {1: 3, 3: 1, 4: 1}
    assert arabic.expiring == 1


def test_register_overview(app_ctx):
    """A register of its own: five active people and one inactive, four languages."""
    today = date(2026, 6, 15)
    soon = create_person(languages=("ar",))
    create_certificate(soon.qualifications[0], issued_on=date(2021, 8, 1),
                       valid_until=date(2026, 8, 1))                      # ends in August
    later = create_person(languages=("ar",))
    create_certificate(later.qualifications[0], valid_until=date(2027, 5, 31))  # May 2027
    suspended = create_person(languages=("prs",))
    certificate = create_certificate(suspended.qualifications[0])
    credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                          date(2026, 2, 1), "Complaint under review")
    people.set_person_active(None, create_person(languages=("ps",)), False)
    candidate = suspended.qualifications[0]
    for step in (TrackStep.INFORMATION_SESSION, TrackStep.PRESELECTION_TEST):
        credentials.record_step(None, candidate, step, date(2025, 3, 1), StepResult.PASSED)
    learner = create_person(languages=("ti",))
    credentials.record_step(None, learner.qualifications[0], TrackStep.INFORMATION_SESSION,
                            date(2026, 1, 5), StepResult.ABSENT)
    revisor = later
    revisor_pair = create_qualification(revisor, QualificationKind.TRANSLATION, "ar", "nl",
                                        Direction.INTO_WORKING)
    create_certificate(revisor_pair)
    reliable_pair = create_qualification(soon, QualificationKind.TRANSLATION, "ar", "nl",
                                         Direction.INTO_WORKING)
    track = open_track(reliable_pair, date(2025, 6, 1))
    for month in range(1, 6):
        credentials.record_revision(None, track, date(2026, month, 1), revisor, "Letter",
                                    Verdict.POSITIVE)
    open_track(create_qualification(learner, QualificationKind.TRANSLATION, "ti", "nl",
                                    Direction.INTO_WORKING), date(2026, 2, 1))
    db.session.commit()

    overview = figures.register_overview(POLICY, today)
    assert (overview.people, overview.languages) == (4, 4)
    assert overview.certificates == {CertificateStatus.VALID: 3, CertificateStatus.SUSPENDED: 1,
                                     CertificateStatus.REVOKED: 0, CertificateStatus.EXPIRED: 0}
    assert overview.steps == {TrackStep.PRESELECTION_TEST: 1, TrackStep.INFORMATION_SESSION: 1}
    assert overview.revision == {"reliable": 1, "in_revision": 1}
    assert [m for m, _c in overview.expiries] == [date(2026, 6, 1), *(
        date(2026 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(7, 18))]
    assert [(m, c) for m, c in overview.expiries if c] == [(date(2026, 8, 1), 1),
                                                           (date(2027, 5, 1), 1)]


def test_service_figures_with_the_median_time_to_booking(app_ctx, march):
    result = figures.service_figures(MARCH, service_id=march.service.id)
    assert (result.requests, result.filled, result.unfilled, result.cancelled,
            result.cancelled_late) == (5, 2, 2, 1, 1)
    assert result.fill_rate == 0.5
    assert result.median_hours_to_booking == 3.0, "the mean of 2 h and 4 h"
    # The completed booking has no sheet (it was completed before sheets): planned time.
    assert [(lang.code, hours) for lang, hours in result.hours_by_language] == [
        ("ar", figures.Hours(1.5, 1.5, 0.0))]
    assert result.hours_by_organisation == [("OCMW Gent", figures.Hours(1.5, 1.5, 0.0))]
    assert result.months == [(date(2026, 3, 1), 5, 2)]


def test_the_median_of_an_odd_number_is_the_middle_one(app_ctx, march):
    add_request(march, status=RequestStatus.BOOKED,
                booked_at=datetime(2026, 3, 7, 18, tzinfo=UTC))           # 9 h
    db.session.commit()
    assert figures.median_hours_to_booking(MARCH, march.service.id) == 4.0


def test_months_are_counted_in_brussels_time(app_ctx, world):
    # 31 March 2026 23:30 in Brussels is 21:30 UTC: still March.
    add_request(world, due=datetime(2026, 3, 31, 21, 30, tzinfo=UTC))
    # 1 April 00:30 in Brussels is 31 March 22:30 UTC: April.
    add_request(world, due=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    db.session.commit()
    spring = Period("custom", date(2026, 3, 1), date(2026, 4, 30))
    assert [(m, r) for m, r, _f in figures.service_figures(spring).months] == [
        (date(2026, 3, 1), 1), (date(2026, 4, 1), 1)]


def test_per_organisation(app_ctx, march):
    [row] = figures.per_organisation(MARCH)
    assert (row.name, row.requests, row.filled, row.unfilled, row.hours.total,
            row.cancelled_late) == ("OCMW Gent", 5, 2, 2, 1.5, 1)


def test_hours_come_from_settled_sheets_and_planned_time_is_shown_apart(app_ctx, march):
    """A settled sheet counts its actual time and kilometres; work whose sheet is filed but
    not settled counts its booked time, as planned; so does the completed booking that
    never had a sheet."""
    from datetime import time
    from decimal import Decimal

    from interpreter_register.bookings.models import Booking
    from interpreter_register.sheets.services import answers, filing
    from interpreter_register.sheets.services.content import SheetDetails

    def booked(day):
        item = add_request(march, status=RequestStatus.BOOKED,
                           due=datetime(2026, 3, day, 9, tzinfo=UTC))
        made = Booking(request=item, person=march.fatima, starts_at=item.starts_at,
                       ends_at=item.ends_at, tier=1)
        db.session.add(made)
        db.session.flush()
        return made
    settled = filing.file_sheet(march.interpreter, booked(12), SheetDetails(
        started=time(10), ended=time(12, 15), km=Decimal("24.5"),
        reason="The doctor ran late"), now=datetime(2026, 3, 12, 12, tzinfo=UTC))
    answers.confirm(march.contact_person, settled, now=datetime(2026, 3, 13, tzinfo=UTC))
    filing.file_sheet(march.interpreter, booked(13), SheetDetails(
        started=time(10), ended=time(11, 30)), now=datetime(2026, 3, 13, 12, tzinfo=UTC))
    db.session.commit()
    [(_lang, hours)] = figures.service_figures(MARCH, march.service.id).hours_by_language
    assert hours == figures.Hours(total=1.5 + 2.25 + 1.5, planned=3.0, km=24.5)
    assert hours.actual == 2.25
    [row] = figures.per_organisation(MARCH)
    assert row.hours == hours


def test_an_empty_period_divides_by_nothing(app_ctx, world):
    empty = Period("month", date(2025, 1, 1), date(2025, 1, 31))
    result = figures.service_figures(empty)
    assert (result.requests, result.fill_rate, result.median_hours_to_booking) == (0, None, None)
    assert figures.per_organisation(empty) == []


def test_empty_period_pages_say_no_data(march, client_for):
    staff = client_for(march.register_staff)
    for url in ("/reports/service?period=month&month=2025-01",
                "/reports/organisations?period=month&month=2025-01"):
        assert "Geen gegevens voor deze periode." in staff.get(url).get_data(as_text=True)


# --- periods ------------------------------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    ({"period": "month", "month": "2026-02"}, ("month", date(2026, 2, 1), date(2026, 2, 28))),
    ({"period": "quarter", "quarter": "2026-Q4"},
     ("quarter", date(2026, 10, 1), date(2026, 12, 31))),
    ({"period": "year", "year": "2027"}, ("year", date(2027, 1, 1), date(2027, 12, 31))),
    ({"period": "custom", "from": "2026-03-05", "to": "2026-03-09"},
     ("custom", date(2026, 3, 5), date(2026, 3, 9))),
])
def test_periods_from_the_url(app_ctx, args, expected):
    period = period_from(args)
    assert (period.kind, period.first, period.last) == expected
    assert period_from(period.arguments()) == period, "bookmarkable both ways"


@pytest.mark.parametrize("args", [{"period": "quarter", "quarter": "2026-Q9"},
                                  {"period": "custom", "from": "2026-03-09", "to": "2026-03-05"},
                                  {"period": "year", "year": "abc"}, {"period": "month",
                                                                      "month": "x"}])
def test_unreadable_periods_give_this_month(app_ctx, args):
    period = period_from(args)
    assert (period.kind, period.unreadable) == ("month", True)
    assert period_from({}).unreadable is False, "no period asked: this month, silently"


def test_the_page_says_when_it_could_not_read_the_period(march, client_for):
    page = client_for(march.dispatcher).get(
        "/reports/service?period=custom&from=2026-03-09&to=2026-03-05").get_data(as_text=True)
    assert "De periode kon niet gelezen worden" in page
    assert "De periode kon niet gelezen worden" not in client_for(march.dispatcher).get(
        "/reports/service?period=custom&from=2026-03-05&to=2026-03-09").get_data(as_text=True)


# --- who sees what ------------------------------------------------------------------------

@pytest.fixture
def antwerp(march):
    """Another service, another organisation, and a request of theirs in March."""
    service = create_service(name="Elders", ranges=((2000, 2999),))
    organisation = create_organisation(name="OCMW Antwerpen", postcode="2000")
    add_request(march, organisation_id=organisation.id, service_id=service.id)
    db.session.commit()
    return service


def test_dispatchers_see_their_service_and_requesters_their_organisation(march, antwerp,
                                                                          client_for):
    staff = client_for(march.register_staff).get(
        "/reports/organisations?period=month&month=2026-03").get_data(as_text=True)
    assert "OCMW Gent" in staff and "OCMW Antwerpen" in staff
    dispatcher = client_for(march.dispatcher).get(
        "/reports/organisations?period=month&month=2026-03").get_data(as_text=True)
    assert "OCMW Gent" in dispatcher and "OCMW Antwerpen" not in dispatcher
    requester = client_for(march.requester).get(
        "/reports/organisations?period=month&month=2026-03").get_data(as_text=True)
    assert "OCMW Gent" in requester and "OCMW Antwerpen" not in requester
    assert client_for(march.dispatcher).get("/reports/shortage").status_code == 403
    assert client_for(march.requester).get("/reports/service").status_code == 403
    assert client_for(march.interpreter).get("/reports").status_code == 403


def test_exports_follow_the_pages_rules(march, antwerp, client_for):
    march_args = "?period=month&month=2026-03"
    dispatcher = client_for(march.dispatcher)
    assert dispatcher.get("/reports/shortage.csv" + march_args).status_code == 403
    assert dispatcher.get("/reports/register.xlsx").status_code == 403
    organisations = dispatcher.get("/reports/organisations.csv" + march_args).data
    assert b"OCMW Gent" in organisations and b"OCMW Antwerpen" not in organisations
    requester = client_for(march.requester)
    assert requester.get("/reports/service.csv" + march_args).status_code == 403
    own = requester.get("/reports/organisations.csv" + march_args).data
    assert b"OCMW Gent" in own and b"OCMW Antwerpen" not in own
    assert client_for(march.interpreter).get("/reports/organisations.csv").status_code == 403
    assert dispatcher.get("/reports/nothing.csv").status_code == 404


def test_staff_can_narrow_the_figures_to_one_service(march, antwerp, client_for):
    page = client_for(march.register_staff).get(
        f"/reports/organisations?period=month&month=2026-03&service={antwerp.id}"
    ).get_data(as_text=True)
    assert "OCMW Antwerpen" in page and "OCMW Gent" not in page


def test_reports_show_no_case_references(march, client_for):
    add_request(march, case_reference="GNT-SECRET-9")
    db.session.commit()
    staff = client_for(march.register_staff)
    for url in ("/reports/shortage", "/reports/service", "/reports/organisations",
                "/reports/register", "/reports/organisations.csv", "/reports/service.csv"):
        assert b"GNT-SECRET-9" not in staff.get(url + "?period=month&month=2026-03").data


# --- exports ------------------------------------------------------------------------------

def test_exports_have_headers_in_the_readers_language(march, client_for):
    staff = client_for(march.register_staff)
    staff.post("/language", data={"language": "fr"})
    response = staff.get("/reports/shortage.csv?period=month&month=2026-03")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Langue", "Langue de travail", "Demandes", "Réservée"]
    assert rows[1][:4] == ["Arabe", "Néerlandais", "4", "2"]
    staff.post("/language", data={"language": "de"})
    sheet = load_workbook(io.BytesIO(staff.get(
        "/reports/organisations.xlsx?period=month&month=2026-03").data)).active
    assert [c.value for c in sheet[1]][:2] == ["Organisation", "Anfragen"]
    assert [c.value for c in sheet[2]][:3] == ["OCMW Gent", 5, 2]
    assert staff.get("/reports/shortage.pdf").status_code == 404


def test_spreadsheets_get_numbers_and_csv_the_readers_decimal_comma(march, client_for):
    staff = client_for(march.register_staff)
    staff.post("/language", data={"language": "nl"})
    sheet = load_workbook(io.BytesIO(staff.get(
        "/reports/organisations.xlsx?period=month&month=2026-03").data)).active
    fill_rate, hours = sheet["E2"], sheet["F2"]
    assert (fill_rate.value, fill_rate.number_format) == (pytest.approx(0.5), "0%")
    assert hours.value == 1.5
    rows = list(csv.reader(io.StringIO(staff.get(
        "/reports/organisations.csv?period=month&month=2026-03").data.decode("utf-8-sig")),
        delimiter=";"))
    assert rows[1] == ["OCMW Gent", "5", "2", "2", "50%", "1,5", "1,5", "0", "1"]


def test_a_name_that_looks_like_a_formula_stays_text(march, client_for):
    organisation = create_organisation(name="=HYPERLINK(\"http://evil.example\")")
    add_request(march, organisation_id=organisation.id)
    db.session.commit()
    staff = client_for(march.register_staff)
    rows = list(csv.reader(io.StringIO(staff.get(
        "/reports/organisations.csv?period=month&month=2026-03").data.decode("utf-8-sig")),
        delimiter=";"))
    assert {row[0] for row in rows[1:]} == {"OCMW Gent", "'=HYPERLINK(\"http://evil.example\")"}
    sheet = load_workbook(io.BytesIO(staff.get(
        "/reports/organisations.xlsx?period=month&month=2026-03").data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert any(c.value.startswith("=HYPERLINK") and c.data_type == "s" for c in cells)


# --- query counts -------------------------------------------------------------------------

def _bulk(world, count: int) -> None:
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    statuses = [RequestStatus.COMPLETED, RequestStatus.UNFILLED, RequestStatus.CANCELLED,
                RequestStatus.BOOKED]
    db.session.execute(insert(InterpretingRequest), [dict(
        organisation_id=world.organisation.id, requester_id=world.contact_person.id,
        service_id=world.service.id, language_code="ar", working_language="nl",
        direction="both", modality="on_site", domain="medical", status=statuses[n % 4].value,
        unfilled_reason="no_one_available" if n % 4 == 1 else None,
        starts_at=start + timedelta(minutes=n * 7), ends_at=start + timedelta(minutes=n * 7 + 60),
        due_at=start + timedelta(minutes=n * 7), created_at=start - timedelta(days=2),
        booked_at=start - timedelta(days=1) if n % 4 in (0, 3) else None,
        prefer_same_interpreter=False, urgent=False, uses_waves=False, wave=0)
        for n in range(count)])
    db.session.commit()


@pytest.mark.parametrize("url", ["/reports/shortage", "/reports/service",
                                 "/reports/organisations", "/reports/register"])
def test_report_pages_take_as_many_queries_for_5000_requests_as_for_100(world, client_for,
                                                                        url):
    staff = client_for(world.register_staff)

    def statements(total):
        have = db.session.query(InterpretingRequest).count()
        _bulk(world, total - have)
        engine = db.engine
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = staff.get(url + "?period=month&month=2026-03")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(seen)

    assert statements(100) == statements(5000)


# --- on a replica -------------------------------------------------------------------------

def test_the_figures_come_from_the_replica_and_say_how_old_they_are(app, march, client_for,
                                                                    monkeypatch):
    staff = client_for(march.register_staff)
    url = "/reports/service?period=month&month=2026-03"
    page = staff.get(url).get_data(as_text=True)
    assert "Geen gegevens voor deze periode." not in page
    assert "Live cijfers" in page
    # A replica that has not received this test's changes yet (they are never committed):
    # the same database, read on a connection of its own.
    monkeypatch.setitem(app.config, "REPORTS_DATABASE_URL",
                        app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        page = staff.get(url).get_data(as_text=True)
        assert "Geen gegevens voor deze periode." in page
        assert "volledig tot" in page
    finally:
        app.extensions.pop("reports_engine").dispose()
