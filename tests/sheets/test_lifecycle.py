"""A sheet's life: asked for at the end of the work (nothing changes status then), filed,
confirmed or disputed and settled, corrected; each step in the request's history, the
right people mailed, and the booking completed only by a settled sheet, with no calendar
change."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
import time_machine

from interpreter_register.bookings.history import event_text
from interpreter_register.bookings.models import BookingStatus, RequestStatus
from interpreter_register.bookings.services.attention import attention_list
from interpreter_register.bookings.services.queue import QueueFilter, queue
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import run
from interpreter_register.register.models import Modality
from interpreter_register.sheets.models import SettledHow, SheetStatus
from interpreter_register.sheets.services import answers, filing, lists
from interpreter_register.sheets.services.content import ExpenseInput, SheetDetails
from tests.fixtures.factories import create_person, future_day
from tests.fixtures.reading import load, mails

from .conftest import ended, receipt


def at(moment):
    return time_machine.travel(moment, tick=False)


def as_planned(**extra) -> SheetDetails:
    return SheetDetails(**{"started": time(10), "ended": time(11, 30), "km": Decimal(20),
                           **extra})


def test_at_the_end_nothing_changes_status_and_the_interpreter_is_asked(app_ctx, world, work):
    booking, after = work
    with at(booking.ends_at - timedelta(seconds=1)):
        assert run("completion").counts.get("asked") is None
    with at(booking.ends_at):
        assert run("completion").counts["asked"] == 1
        assert run("completion").counts.get("asked") is None, "the second run does nothing"
    booking = load(booking)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.request.status == RequestStatus.BOOKED
    [asked] = mails(kind="sheet_requested")
    assert asked.recipient == world.interpreter.email
    assert f"/sheets/bookings/{booking.id}/file" in asked.body
    assert "CASE-1" not in asked.subject + asked.body
    assert asked.calendar is None


def test_a_person_without_an_account_gets_the_link_to_the_sheet(app_ctx, world):
    nadia = create_person(first_name="Nadia", last_name="Bouzid", email="nadia@example.org")
    from tests.fixtures.factories import create_certificate, make_available
    create_certificate(nadia.qualifications[0])
    make_available(nadia)
    booking, after = ended(world, person=nadia)
    with at(after):
        run("completion")
    [asked] = mails(kind="sheet_requested")
    assert asked.recipient == "nadia@example.org" and "/b/" in asked.body
    assert "/sheet" in asked.body


def test_ended_work_leaves_the_queue_and_the_attention_list(app_ctx, world, work):
    booking, after = work
    with at(booking.starts_at - timedelta(minutes=5)):
        before = {r.id for r in queue(world.service.id, QueueFilter()).page.items}
    assert booking.request_id in before
    with at(after):
        found = queue(world.service.id, QueueFilter())
        assert booking.request_id not in {r.id for r in found.page.items}
        assert found.page.total == len(before) - 1
        booked = queue(world.service.id, QueueFilter(status="booked"))
        assert booking.request_id in {r.id for r in booked.page.items}, "still booked"
        assert all(item.request.id != booking.request_id
                   for item in attention_list(world.service.id, after))
        missing = lists.of_service(world.service.id, after).missing
    assert [b.id for b in missing] == [booking.id]


def test_confirming_completes_the_booking_and_changes_no_calendar(app_ctx, world, work):
    booking, after = work
    request = booking.request
    sequences = (booking.sequence, request.calendar_sequence)
    calendars = len([m for m in mails() if m.calendar])
    sheet = filing.file_sheet(world.interpreter, booking, as_planned(), now=after)
    [asked] = mails(kind="sheet_to_confirm")
    assert asked.recipient == world.contact_person.email
    assert f"/sheets/{sheet.id}" in asked.body and "geldt de fiche als bevestigd" in asked.body
    answers.confirm(world.requester, sheet, now=after)
    assert sheet.is_settled and sheet.current.settled_how == SettledHow.CONFIRMED
    assert sheet.current.answered_by_id == world.requester.id
    assert booking.status == BookingStatus.COMPLETED
    assert request.status == RequestStatus.COMPLETED
    assert (booking.sequence, request.calendar_sequence) == sequences
    assert len([m for m in mails() if m.calendar]) == calendars, "no calendar message"
    [settled] = mails(kind="sheet_settled")
    assert settled.recipient == world.interpreter.email
    actions = [e.action for e in request.events]
    assert actions[-3:] == ["sheet_filed", "sheet_confirmed", "completed"]


def test_a_dispute_goes_to_the_dispatchers_who_settle_it(app_ctx, world, work):
    booking, after = work
    sheet = filing.file_sheet(world.interpreter, booking, as_planned(
        expenses=[ExpenseInput("parking", Decimal("6.40"), receipt())]), now=after)
    with pytest.raises(Exception, match="Say why"):
        answers.dispute(world.contact_person, sheet, {"km": "  "}, now=after)
    answers.dispute(world.contact_person, sheet, {"km": "Fatima lives 2 km away",
                                                  "expenses": "Our car park is free"},
                    now=after)
    assert sheet.status == SheetStatus.DISPUTED
    assert {d.line.value for d in sheet.open_disputes()} == {"km", "expenses"}
    [told] = mails(kind="sheet_disputed")
    assert told.recipient == world.dispatcher.email
    assert "2 km away" not in told.body + told.subject, "reasons stay on the page"
    assert booking.status == BookingStatus.CONFIRMED, "not completed while disputed"
    with pytest.raises(Exception, match="how the dispute is settled"):
        filing.settle(world.dispatcher, sheet, "", now=after)
    filing.correct(world.dispatcher, sheet, as_planned(km=Decimal(4), reason="Agreed by phone",
                                                       expenses=[]), now=after)
    assert [v.number for v in sheet.versions] == [1, 2]
    first, second = sheet.versions
    assert first.answer_value == "disputed" and not first.is_settled
    assert second.is_settled and second.settled_how == SettledHow.SERVICE
    assert second.km == 4 and second.expenses == [] and first.expenses_total == Decimal("6.40")
    assert booking.status == BookingStatus.COMPLETED
    texts = [event_text(e) for e in booking.request.events]
    assert "The completion sheet was disputed" in " ".join(texts)


def test_a_dispatcher_files_for_the_interpreter_with_a_reason(app_ctx, world, work):
    booking, after = work
    with pytest.raises(Exception, match="Say why the service"):
        filing.file_sheet(world.dispatcher, booking, as_planned(), now=after)
    sheet = filing.file_sheet(world.dispatcher, booking,
                              as_planned(reason="Fatima phoned it in"), now=after)
    assert sheet.current.filed_as.value == "service"
    assert sheet.current.filed_by_id == world.dispatcher.id
    assert sheet.is_filed, "the organisation still confirms it"


def test_reminders_follow_the_cadence_in_working_days_and_stop(app_ctx, world):
    day = future_day(weekday=0)     # a Monday: the reminders fall on working days
    booking, after = ended(world, day=day)
    with at(after):
        run("completion")
    assert len(mails(kind="sheet_requested")) == 1
    for days, expected in ((1, 0), (2, 1), (3, 1), (4, 2), (8, 3), (10, 3)):
        with at(after + timedelta(days=days)):
            run("completion")
            run("completion")
        assert len(mails(kind="sheet_requested_again")) == expected, days


def test_a_phone_sheet_lists_no_travel_lines_to_dispute(app_ctx, world):
    from interpreter_register.sheets.services.content import lines_of
    booking, after = ended(world, modality=Modality.PHONE)
    sheet = filing.file_sheet(world.interpreter, booking, SheetDetails(minutes=60), now=after)
    assert [line.value for line in lines_of(sheet)] == ["times", "waiting", "no_show"]
    with pytest.raises(Exception, match="no such line"):
        answers.dispute(world.contact_person, sheet, {"km": "?"}, now=after)


def test_every_sheet_action_reads_as_words(app_ctx, world, work):
    booking, after = work
    with at(after):
        run("completion")
        db.session.expire_all()
        sheet = filing.find_sheet(booking)
        filing.file_sheet(world.interpreter, booking, as_planned())
        answers.dispute(world.contact_person, sheet, {"times": "It ended at 11:00"})
        filing.settle(world.dispatcher, sheet, "The interpreter's times stand")
        filing.correct(world.dispatcher, sheet, as_planned(ended=time(11), reason="Checked"))
    texts = [event_text(e) for e in booking.request.events][-6:]
    assert texts == ["The work is done: the interpreter is asked for the completion sheet",
                     "The completion sheet was filed (version 1)",
                     "The completion sheet was disputed",
                     "The service settled the completion sheet (version 1)",
                     "Completed",
                     "The service corrected the settled completion sheet (version 2)"]
