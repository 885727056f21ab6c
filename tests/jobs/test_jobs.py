"""Each job called directly under a frozen clock: before, at and after its boundary; twice
in a row (the second run does nothing); across a change of summer time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from interpreter_register.bookings.models import (
    BookingStatus,
    FlagReason,
    RequestStatus,
    UnfilledReason,
)
from interpreter_register.bookings.services import booking as booking_service
from interpreter_register.core import settings
from interpreter_register.core.audit import AuditEntry
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import JOBS, run
from interpreter_register.register.models import CertificateStatus
from interpreter_register.register.services import credentials
from tests.fixtures.factories import (
    create_booking,
    create_certificate,
    create_interpreter,
    create_person,
    create_request,
    future_day,
)
from tests.fixtures.reading import load, mails


def at(moment):
    return time_machine.travel(moment, tick=False)


def booked(world, day, start=time(10), end=time(11)):
    return create_booking(create_request(world.contact_person, day=day, start=start, end=end),
                          world.fatima)


# --- reminders ----------------------------------------------------------------------------

def test_reminder_a_day_before_once_and_again_after_a_move(app_ctx, world):
    day = future_day()
    made = booked(world, day)
    start = brussels_to_utc(day, time(10))
    with at(start - timedelta(hours=24, minutes=1)):
        assert run("reminders").counts == {}
    with at(start - timedelta(hours=24)):
        assert run("reminders").counts == {"reminded": 1}
        assert run("reminders").counts == {}, "the second run does nothing"
    assert sorted(m.recipient for m in mails(kind="reminder")) == sorted(
        [world.interpreter.email, world.contact_person.email])
    assert all("CASE-1" not in m.subject + m.body for m in mails(kind="reminder"))
    made.starts_at, made.ends_at = start + timedelta(hours=2), start + timedelta(hours=3)
    db.session.commit()
    with at(start - timedelta(hours=20)):
        assert run("reminders").counts == {"reminded": 1}, "a moved booking, a new reminder"


def test_no_reminder_for_a_cancelled_booking_or_who_does_not_want_one(app_ctx, world):
    day = future_day()
    cancelled = booked(world, day)
    cancelled.cancel(late=False)
    world.interpreter.mail_reminders = False
    booked(world, day, time(14), time(15))
    db.session.commit()
    with at(brussels_to_utc(day, time(9))):
        assert run("reminders").counts == {"reminded": 1}
    assert [m.recipient for m in mails(kind="reminder")] == [world.contact_person.email]


def test_reminders_count_real_hours_across_the_spring_change(app_ctx, world):
    from interpreter_register.bookings.models import WeeklyAvailability
    sunday = date(future_day().year + 1, 3, 31)
    while sunday.weekday() != 6:
        sunday -= timedelta(days=1)
    made = booked(world, sunday)   # 10:00 summer time, 08:00 UTC
    assert made.starts_at == datetime.combine(sunday, time(8), tzinfo=UTC)
    saturday_local = datetime.combine(sunday - timedelta(days=1), time(9, 0))
    # 24 real hours before is Saturday 09:00 winter time (08:00 UTC).
    with at(brussels_to_utc(saturday_local.date(), time(8, 59))):
        assert run("reminders").counts == {}
    with at(brussels_to_utc(saturday_local.date(), time(9, 0))):
        assert run("reminders").counts == {"reminded": 1}
    assert WeeklyAvailability


# --- offers -------------------------------------------------------------------------------

def test_offers_expire_and_the_request_comes_back_flagged(app_ctx, world):
    item = create_request(world.contact_person)
    offers = booking_service.send_offers(world.dispatcher, item)
    db.session.commit()
    with at(offers[0].expires_at - timedelta(seconds=1)):
        assert run("offers").counts == {"expired": 0}
    with at(offers[0].expires_at):
        assert run("offers").counts == {"expired": 2}
        assert run("offers").counts == {"expired": 0}
    assert item.status == RequestStatus.SUBMITTED and item.flag == FlagReason.NO_ONE_ACCEPTED


# --- escalation ---------------------------------------------------------------------------

def test_unbooked_requests_are_flagged_48_hours_before_and_dispatchers_mailed_once(app_ctx,
                                                                                  world):
    day = future_day()
    item = create_request(world.contact_person, day=day)
    start = brussels_to_utc(day, time(10))
    with at(start - timedelta(hours=48, seconds=1)):
        assert run("escalation").counts == {}
    with at(start - timedelta(hours=48)):
        assert run("escalation").counts == {"flagged": 1}
        assert run("escalation").counts == {}
    assert [m.recipient for m in mails(kind="escalation")] == [world.dispatcher.email]
    assert item.flag == FlagReason.STARTS_SOON


def test_urgent_requests_are_flagged_later_by_their_own_setting(app_ctx, world):
    day = future_day()
    item = create_request(world.contact_person, day=day, urgent=True)
    start = brussels_to_utc(day, time(10))
    with at(start - timedelta(hours=5)):
        assert run("escalation").counts == {}
    with at(start - timedelta(hours=4)):
        assert run("escalation").counts == {"flagged": 1}
    assert item


@pytest.mark.parametrize("case,reason", [("nobody_holds", UnfilledReason.NO_HOLDER),
                                         ("declined", UnfilledReason.NO_ONE_ACCEPTED),
                                         ("nobody_asked", UnfilledReason.NO_ONE_AVAILABLE)])
def test_at_its_start_an_unbooked_request_is_unfilled_with_the_reason(app_ctx, world, case,
                                                                      reason):
    day = future_day()
    item = create_request(world.contact_person, day=day,
                          language="wo" if case == "nobody_holds" else "ar")
    if case == "declined":
        for offer in booking_service.send_offers(world.dispatcher, item):
            booking_service.decline_offer(None, offer)
        db.session.commit()
    start = brussels_to_utc(day, time(10))
    with at(start - timedelta(seconds=1)):
        run("escalation")
        assert item.status != RequestStatus.UNFILLED
    with at(start):
        assert run("escalation").counts.get("unfilled") == 1
        assert run("escalation").counts.get("unfilled") is None
    assert (item.status, item.unfilled_reason) == (RequestStatus.UNFILLED, reason)


# --- certificates -------------------------------------------------------------------------

def test_certificate_warnings_at_90_and_30_days_then_expired_the_day_after(app_ctx, world):
    staff = world.register_staff
    end = future_day(weeks=20)
    person = create_person(first_name="Olga", last_name="Ivanova", languages=("ru",))
    certificate = create_certificate(person.qualifications[0], issued_on=date(2022, 1, 1),
                                     valid_until=end)
    with at(brussels_to_utc(end - timedelta(days=91), time(2))):
        assert run("certificates").counts == {}
    with at(brussels_to_utc(end - timedelta(days=90), time(2))):
        assert run("certificates").counts == {"warned": 1}
        assert run("certificates").counts == {}
    with at(brussels_to_utc(end - timedelta(days=30), time(2))):
        assert run("certificates").counts == {"warned": 1}
        assert run("certificates").counts == {}
    assert [m.recipient for m in mails(kind="certificate_warning")] == [person.email,
                                                                          person.email]
    assert [m.recipient for m in mails(kind="certificate_digest")] == [staff.email, staff.email]
    with at(brussels_to_utc(end, time(23))):
        assert run("certificates").counts == {}, "valid through its last day"
    with at(brussels_to_utc(end + timedelta(days=1), time(2))):
        assert run("certificates").counts == {"marked_expired": 1}
        assert run("certificates").counts == {}
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "certificate", AuditEntry.entity_id == str(certificate.id))
        .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "status_expired" and entry.actor_id is None


def test_suspended_certificates_are_left_alone(app_ctx, world):
    end = future_day(weeks=20)
    person = create_person(languages=("ru",))
    certificate = create_certificate(person.qualifications[0], issued_on=date(2022, 1, 1),
                                     valid_until=end)
    credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                          date(2023, 1, 1), "x")
    db.session.commit()
    with at(brussels_to_utc(end - timedelta(days=30), time(2))):
        assert run("certificates").counts == {}
    with at(brussels_to_utc(end + timedelta(days=1), time(2))):
        assert run("certificates").counts == {}


# --- completion and retention -------------------------------------------------------------

def test_a_booking_whose_end_is_past_waits_for_its_sheet(app_ctx, world):
    """The clock alone completes nothing: the interpreter is asked for the completion
    sheet, once; only a settled sheet completes the booking (tests/sheets)."""
    day = future_day()
    made = booked(world, day, time(10), time(11))
    end = brussels_to_utc(day, time(11))
    with at(end - timedelta(seconds=1)):
        assert run("completion").counts == {}
    with at(end):
        assert run("completion").counts == {"asked": 1}
        assert run("completion").counts == {}
    assert load(made).status == BookingStatus.CONFIRMED
    assert load(made.request).status == RequestStatus.BOOKED


def test_old_case_references_and_notes_are_erased_counting_only(app_ctx, world):
    day = future_day()
    old = create_request(world.contact_person, day=day, case_reference="OLD-1", notes="old note")
    recent = create_request(world.contact_person, day=day + timedelta(days=60),
                            case_reference="NEW-1")
    moment = brussels_to_utc(day, time(10)) + timedelta(days=740)  # 24 months and a bit
    with at(moment):
        assert run("retention").counts == {"erased": 1}
        assert run("retention").counts == {}
    assert (old.case_reference, old.notes, old.language_code) == (None, None, "ar")
    assert recent.case_reference == "NEW-1"
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "retention"))
    assert entry.changes["requests"] == [0, 1] and "OLD-1" not in entry.changes_json


# --- failures -----------------------------------------------------------------------------

def test_one_bad_record_is_recorded_and_the_others_still_get_their_reminder(app_ctx, world,
                                                                            monkeypatch):
    from interpreter_register.jobs import tasks
    day = future_day()
    first, second = booked(world, day, time(9), time(10)), booked(world, day, time(14),
                                                                  time(15))
    real = tasks._remind

    def broken(recipient, booking, for_person):
        if booking.id == first.id:
            raise RuntimeError("the mail template broke")
        real(recipient, booking, for_person)
    monkeypatch.setattr(tasks, "_remind", broken)
    with at(brussels_to_utc(day, time(8))):
        finished = run("reminders")
    assert finished.outcome == "partial"
    assert finished.counts == {"reminded": 1, "failed": 1}
    assert finished.errors == [f"booking {first.id}: RuntimeError"]
    assert second.reminded_for is not None
    assert first.reminded_for is None
    assert load(finished).outcome == "partial"


def test_the_retention_period_is_a_setting(app_ctx, world):
    day = future_day()
    item = create_request(world.contact_person, day=day, case_reference="OLD-2")
    settings.change(None, "jobs.retention_months", 12)
    db.session.commit()
    with at(brussels_to_utc(day, time(10)) + timedelta(days=400)):
        # And the world's two requests two weeks later: they hold an address.
        assert run("retention").counts == {"erased": 3}
    assert item.case_reference is None


def test_delivered_translations_waiting_too_long_are_listed_to_staff(app_ctx, world):
    from interpreter_register.register.models import Direction, Modality, QualificationKind
    from tests.fixtures.factories import create_qualification
    staff = world.register_staff
    translator = create_interpreter("Reza", "Late", certified=False,
                                    modalities={Modality.WRITTEN}, languages=())
    create_qualification(translator, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    item = create_request(world.contact_person, modality=Modality.WRITTEN)
    made = booking_service.book(world.dispatcher, item, translator.id)
    made.delivered_on = future_day()
    db.session.commit()
    with at(brussels_to_utc(made.delivered_on + timedelta(days=13), time(7))):
        assert run("revisions").counts == {}
    with at(brussels_to_utc(made.delivered_on + timedelta(days=14), time(7))):
        assert run("revisions").counts == {"listed": 1}
        assert run("revisions").counts == {}
    with at(brussels_to_utc(made.delivered_on + timedelta(days=28), time(7))):
        assert run("revisions").counts == {"listed": 1}, "again while it still waits"
    assert [m.recipient for m in mails(kind="revision_followup")] == [staff.email, staff.email]



def test_the_workload_job_counts_again_what_time_made_stale(app_ctx, world):
    from interpreter_register.register.models import Person
    kept = select(Person.workload_count).where(Person.id == world.fatima.id)
    before = db.session.scalar(kept)
    booked(world, future_day())
    db.session.commit()
    assert db.session.scalar(kept) == before + 1
    assert run("workload").counts == {}, "nothing is stale yet"
    # Forty days on, the booking confirmed today has left the thirty days' window.
    with at(datetime.now(UTC) + timedelta(days=40)):
        assert run("workload").counts["recounted"] >= 1
        assert run("workload").counts == {}
    assert db.session.scalar(kept) == 0


def test_the_jobs_page_shows_the_last_runs_and_failures(world, client_for, monkeypatch):
    def explode(now, report):
        raise RuntimeError("database gone")
    monkeypatch.setitem(JOBS, "completion", (explode, {"trigger": "interval", "minutes": 15}))
    assert run("completion").outcome == "failed"
    assert run("reminders").outcome == "succeeded"
    page = client_for(world.register_staff).get("/admin/jobs").get_data(as_text=True)
    assert "Mislukt" in page and "RuntimeError" in page and "Geslaagd" in page
    assert "elke 5 minuten" in page and "dagelijks om 01:30" in page
