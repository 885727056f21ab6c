"""The sheet's rules at their boundaries, through the services (no HTTP): the deadline over a
weekend and a public holiday, a moved booking, waiting time, a no-show, a late
cancellation's minimum, and every kind of bad input refused with nothing stored half."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from interpreter_register.bookings.models import BookingStatus, RequestStatus
from interpreter_register.bookings.services import changes, requests
from interpreter_register.core import settings
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.core.uploads import Upload
from interpreter_register.extensions import db
from interpreter_register.organisations.models import CancellationRule
from interpreter_register.register.models import Modality
from interpreter_register.sheets.models import (
    CompletionSheet,
    ExpenseKind,
    SettledHow,
    SheetStatus,
    SheetVersion,
)
from interpreter_register.sheets.services import answers, filing
from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
from tests.fixtures.factories import create_booking, create_request, future_day

from .conftest import PDF, PNG, ended, receipt


def on_site(**changes_) -> SheetDetails:
    """What happened at a booking of 10:00–11:30: as planned, unless said otherwise."""
    return SheetDetails(**{"started": time(10), "ended": time(11, 30), "km": Decimal(20),
                           **changes_})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the deadline ------------------------------------------------------------------------

def test_the_deadline_skips_the_weekend_and_easter_monday(app_ctx, world):
    """Filed on Friday 26 March 2027: five working days, with Easter Monday (29 March) not
    counted, end on Monday 5 April at midnight; silence counts only after that."""
    from interpreter_register.jobs.runner import run

    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=UTC), tick=False):
        booking, _after = ended(world, day=date(2027, 3, 26))
    filed_at = brussels_to_utc(date(2027, 3, 26), time(15))
    sheet = filing.file_sheet(world.interpreter, booking, on_site(), now=filed_at)
    assert sheet.confirm_by == brussels_to_utc(date(2027, 4, 5), time.max)
    db.session.commit()
    with time_machine.travel(brussels_to_utc(date(2027, 4, 5), time(23, 30)), tick=False):
        assert run("completion").counts.get("deemed_confirmed") is None
    with time_machine.travel(brussels_to_utc(date(2027, 4, 6), time(0, 15)), tick=False):
        assert run("completion").counts["deemed_confirmed"] == 1
    sheet = db.session.get(CompletionSheet, sheet.id)
    db.session.refresh(sheet)
    assert sheet.is_settled and sheet.current.settled_how == SettledHow.DEEMED
    assert sheet.booking.status == BookingStatus.COMPLETED


def test_with_an_explicit_answer_required_silence_settles_nothing(app_ctx, world, work):
    from interpreter_register.sheets.services import followup

    booking, after = work
    settings.change(world.admin, "sheets.explicit_answer_required", True)
    sheet = filing.file_sheet(world.interpreter, booking, on_site(), now=after)
    assert followup.past_deadline(sheet.confirm_by + timedelta(days=30)) == []
    answers.dispute(world.contact_person, sheet, {"km": "We are in the same street"},
                    now=sheet.confirm_by + timedelta(days=3))
    assert sheet.is_disputed


# --- what a sheet says -------------------------------------------------------------------

def test_a_moved_booking_is_measured_against_its_new_time(app_ctx, world):
    """Moved from 10:00–11:30 to 10:00–12:30: a sheet of two and a half hours is on time;
    the same sheet on the unmoved booking runs an hour over and needs a reason."""
    day = future_day()
    moved, _ = ended(world, day=day)
    changes.reschedule(world.dispatcher, moved.request, brussels_to_utc(day, time(10)),
                       brussels_to_utc(day, time(12, 30)), "Onderstraat 12", "9000", "Gent")
    assert moved.is_confirmed and moved.booked_minutes == 150
    after = brussels_to_utc(day, time(13, 30))
    sheet = filing.file_sheet(world.interpreter, moved, on_site(ended=time(12, 30)), now=after)
    assert sheet.current.worked_minutes == sheet.current.booked_minutes == 150

    unmoved, _ = ended(world, day=day, start=time(14), end=time(15, 30))
    with pytest.raises(RuleError) as refused:
        filing.file_sheet(world.interpreter, unmoved,
                          on_site(started=time(14), ended=time(16, 30)), now=after + timedelta(
                              hours=4))
    assert refused.value.field == "reason" and "60" in str(refused.value.message)


def test_the_margin_is_a_setting_and_a_reason_lets_a_long_sheet_through(app_ctx, world, work):
    booking, after = work
    with pytest.raises(RuleError):      # 11:30 → 12:01: 31 minutes over a margin of 30
        filing.file_sheet(world.interpreter, booking, on_site(ended=time(12, 1)), now=after)
    settings.change(world.admin, "sheets.margin_minutes", 31)
    sheet = filing.file_sheet(world.interpreter, booking, on_site(ended=time(12, 1)),
                              now=after)
    assert sheet.current.worked_minutes == 121 and sheet.current.reason is None


def test_waiting_time_counts_apart_and_towards_the_margin(app_ctx, world, work):
    booking, after = work
    for minutes, message in ((-5, "negative"), (481, "eight hours")):
        with pytest.raises(RuleError) as refused:
            filing.file_sheet(world.interpreter, booking, on_site(waiting_minutes=minutes),
                              now=after)
        assert refused.value.field == "waiting_minutes" and message in str(
            refused.value.message)
    with pytest.raises(RuleError) as refused:      # 90 worked + 31 waited: over by 31
        filing.file_sheet(world.interpreter, booking, on_site(waiting_minutes=31), now=after)
    assert refused.value.field == "reason"
    sheet = filing.file_sheet(world.interpreter, booking,
                              on_site(waiting_minutes=45, reason="The client came late"),
                              now=after)
    assert (sheet.current.worked_minutes, sheet.current.waiting_minutes) == (90, 45)
    assert sheet.current.work_fields()["waiting_minutes"] == 45


def test_a_no_show_counts_the_booked_time_without_actual_times(app_ctx, world, work):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking,
                              SheetDetails(no_show=True, waiting_minutes=20, km=Decimal(20)),
                              now=after)
    version = sheet.current
    assert version.no_show and version.worked_minutes == 90 and version.started_at is None
    assert version.work_fields() | {"expenses": ()} == {
        "modality": "on_site", "worked_minutes": 90, "waiting_minutes": 20,
        "km": Decimal("20.0"), "expenses": (), "words": None, "pages": None, "no_show": True,
        "late_cancellation": False}


def test_by_telephone_the_sheet_gives_minutes_and_no_travel(app_ctx, world):
    booking, after = ended(world, modality=Modality.PHONE)
    with pytest.raises(RuleError) as refused:
        filing.file_sheet(world.interpreter, booking, SheetDetails(), now=after)
    assert refused.value.field == "minutes"
    with pytest.raises(RuleError) as refused:
        filing.file_sheet(world.interpreter, booking, SheetDetails(minutes=80, km=Decimal(5)),
                          now=after)
    assert refused.value.field == "km"
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(minutes=80), now=after)
    assert sheet.current.worked_minutes == 80 and sheet.current.km == 0


def test_a_translation_gives_its_size_and_delivery_date(app_ctx, world):
    booking, after = ended(world, modality=Modality.WRITTEN)
    with pytest.raises(RuleError) as refused:
        filing.file_sheet(world.interpreter, booking,
                          SheetDetails(delivered_on=booking.deadline_on), now=after)
    assert refused.value.field == "words"
    with pytest.raises(RuleError) as refused:
        filing.file_sheet(world.interpreter, booking,
                          SheetDetails(words=480, delivered_on=after.date() + timedelta(2)),
                          now=after)
    assert refused.value.field == "delivered_on"
    sheet = filing.file_sheet(world.interpreter, booking,
                              SheetDetails(words=480, delivered_on=booking.deadline_on),
                              now=after)
    assert sheet.current.work_fields()["words"] == 480
    assert booking.delivered_on == booking.deadline_on, "filing marks it delivered"


# --- a late cancellation -------------------------------------------------------------------

def _cancel_late(world, **policy):
    for key, value in {"cancellation_rule": CancellationRule.WORKING_HOURS,
                       "cancellation_hours": 336, **policy}.items():
        setattr(world.service, key, value)
    db.session.commit()
    item = create_request(world.contact_person, day=future_day(weeks=1))
    made = create_booking(item, world.fatima)
    assert requests.cancel_request(world.contact_person, item, "Moved by the hospital")
    return made


def test_a_late_cancellation_makes_a_settled_sheet_with_the_policys_minimum(app_ctx, world):
    made = _cancel_late(world, late_cancellation_minutes=90, late_cancellation_paid=False)
    sheet = filing.find_sheet(made)
    version = sheet.settled_version
    assert sheet.late_cancellation and sheet.billable and not sheet.payable
    assert version.worked_minutes == 90 and version.settled_how == SettledHow.POLICY
    assert version.work_fields()["late_cancellation"] is True
    assert made.status == BookingStatus.CANCELLED, "never completed: it was cancelled"
    assert made.request.status == RequestStatus.CANCELLED
    assert [e.action for e in made.request.events][-1] == "sheet_late_cancellation"


def test_a_late_cancellation_nobody_bills_or_pays_makes_no_sheet(app_ctx, world):
    made = _cancel_late(world, late_cancellation_billable=False, late_cancellation_paid=False)
    assert filing.find_sheet(made) is None


def test_a_cancellation_in_time_makes_no_sheet(app_ctx, world):
    item = create_request(world.contact_person, day=future_day(weeks=3))
    made = create_booking(item, world.fatima)
    assert not requests.cancel_request(world.contact_person, item, "Not needed")
    assert filing.find_sheet(made) is None


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize(("details", "field", "words"), [
    (on_site(started=time(11), ended=time(10)), "ended", "after the start"),
    (on_site(started=time(11), ended=time(11)), "ended", "after the start"),
    (on_site(km=Decimal(10_000)), "km", "1.000 km"),
    (on_site(km=Decimal(-1)), "km", "negative"),
    (on_site(started=None), "started", "actual start"),
    (on_site(expenses=[ExpenseInput(ExpenseKind.PARKING, Decimal("4.50"))]), "expenses",
     "receipt"),
    (on_site(expenses=[ExpenseInput(ExpenseKind.PARKING, Decimal(0), receipt())]), "expenses",
     "more than zero"),
    (on_site(expenses=[ExpenseInput(ExpenseKind.PARKING, Decimal(4), receipt(b"GIF89a..."))]),
     "expenses", "JPEG or PNG"),
    (on_site(expenses=[ExpenseInput(ExpenseKind.PARKING, Decimal(4),
                                    receipt(PNG + b"\x00" * (5 * 1024 * 1024)))]),
     "expenses", "larger than 5 MB"),
])
def test_bad_input_is_refused_and_nothing_is_stored(app_ctx, world, work, details, field,
                                                    words, upload_folder):
    booking, after = work
    with pytest.raises(RuleError) as refused:
        # A good receipt first: it must not be stored when a later line is refused.
        details.expenses = [ExpenseInput(ExpenseKind.PUBLIC_TRANSPORT, Decimal("3.20"),
                                         receipt(PDF, "bus.pdf")), *details.expenses]
        filing.file_sheet(world.interpreter, booking, details, now=after)
    assert refused.value.field == field and words in str(refused.value.message)
    db.session.rollback()
    assert count(SheetVersion) == 0 and count(Upload) == 0
    assert not upload_folder.exists() or not any(upload_folder.iterdir())


def test_a_second_sheet_for_the_same_booking_is_refused(app_ctx, world, work):
    booking, after = work
    filing.file_sheet(world.interpreter, booking, on_site(), now=after)
    with pytest.raises(RuleError, match="already filed"):
        filing.file_sheet(world.interpreter, booking, on_site(km=Decimal(12)), now=after)
    with pytest.raises(RuleError, match="already filed"):
        filing.file_sheet(None, booking, on_site(), now=after)
    assert count(SheetVersion) == 1


def test_nobody_files_for_someone_elses_booking(app_ctx, world, work):
    booking, after = work
    for outsider in (world.other_interpreter, world.other_dispatcher, world.contact_person):
        with pytest.raises(Forbidden):
            filing.file_sheet(outsider, booking, on_site(), now=after)
    assert count(SheetVersion) == 0


def test_nothing_is_filed_before_the_work_is_done(app_ctx, world, work):
    booking, after = work
    with pytest.raises(RuleError, match="once the work is done"):
        filing.file_sheet(world.interpreter, booking, on_site(), now=booking.ends_at -
                          timedelta(minutes=1))


def test_after_settlement_nothing_changes_but_a_correction(app_ctx, world, work):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking, on_site(), now=after)
    answers.confirm(world.contact_person, sheet, now=after)
    for attempt in (lambda: answers.confirm(world.requester, sheet, now=after),
                    lambda: answers.dispute(world.contact_person, sheet, {"km": "No"},
                                            now=after),
                    lambda: filing.settle(world.dispatcher, sheet, "ok", now=after),
                    lambda: filing.file_sheet(world.interpreter, booking, on_site(),
                                              now=after)):
        with pytest.raises(RuleError):
            attempt()
    assert [v.number for v in sheet.versions] == [1]
    with pytest.raises(RuleError) as refused:
        filing.correct(world.dispatcher, sheet, on_site(km=Decimal(24)), now=after)
    assert refused.value.field == "reason"
    filing.correct(world.dispatcher, sheet, on_site(km=Decimal(24), reason="Detour: works"),
                   now=after)
    assert [(v.number, v.km) for v in sheet.versions] == [(1, Decimal("20.0")),
                                                          (2, Decimal("24.0"))]
    assert sheet.settled_version.number == 2 and sheet.versions[0].is_settled
    assert sheet.status == SheetStatus.SETTLED
