"""Ratings and complaints reach the register; a complaint can end in a suspension, through
the register's own certificate status, and the bookings follow."""

from datetime import time, timedelta

import pytest
import time_machine

from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.services import booking
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.quality import feedback
from interpreter_register.quality.models import ComplaintOutcome, ComplaintStatus
from interpreter_register.register.models import CertificateStatus
from tests.fixtures.factories import create_request, future_day
from tests.fixtures.reading import mails


@pytest.fixture
def done(app_ctx, world):
    """An assignment of OCMW Gent by Fatima that took place."""
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    with time_machine.travel(brussels_to_utc(day, time(13)), tick=False):
        yield made


def test_a_requester_rates_once_after_the_assignment(app_ctx, world, done):
    rating = feedback.rate(world.requester, done, 4, "5", "", "Very calm.")
    assert (rating.punctuality, rating.conduct, rating.quality) == (4, 5, None)
    with pytest.raises(RuleError, match="already rated"):
        feedback.rate(world.contact_person, done, 3, 3)
    with pytest.raises(Forbidden):
        feedback.rate(world.other_contact_person, done, 3, 3)


@pytest.mark.parametrize("scores", [(0, 3), (6, 3), ("x", 3), (3, None)])
def test_scores_are_one_to_five(app_ctx, world, done, scores):
    with pytest.raises(RuleError):
        feedback.rate(world.requester, done, *scores)


def test_a_future_assignment_is_not_rated_yet(app_ctx, world):
    made = booking.book(world.dispatcher, create_request(world.contact_person),
                        world.fatima.id)
    with pytest.raises(RuleError, match="after it took place"):
        feedback.rate(world.requester, made, 3, 3)


def test_the_interpreter_sees_a_summary_only_from_a_few_ratings_never_who(app_ctx, world,
                                                                        done):
    feedback.rate(world.requester, done, 4, 5)
    summary = feedback.summary_of(world.fatima.id)
    assert summary.count == 1 and not summary.shown
    day = done.request.day
    later = [booking.book(world.dispatcher, create_request(
        world.contact_person, day=day, start=time(hour), end=time(hour + 1)), world.fatima.id)
        for hour in (14, 16)]
    with time_machine.travel(brussels_to_utc(day, time(18)), tick=False):
        for made in later:
            feedback.rate(world.contact_person, made, 2, 3)
    summary = feedback.summary_of(world.fatima.id)
    assert summary.shown and (summary.punctuality, summary.conduct) == (2.7, 3.7)


def test_a_complaint_ending_in_a_suspension_goes_through_the_register(app_ctx, world, done):
    complaint = feedback.file_complaint(world.requester, done, "Arrived an hour late.")
    [to_staff] = mails(kind="complaint")
    assert to_staff.recipient == world.register_staff.email
    assert "late" not in to_staff.subject + to_staff.body
    feedback.review(world.register_staff, complaint)
    assert complaint.status == ComplaintStatus.IN_REVIEW
    effective = future_day() + timedelta(days=1)
    feedback.decide(world.register_staff, complaint, ComplaintOutcome.SUSPENSION,
                    "Suspended until the training.", effective)
    pair = done.qualification
    assert [c.status_on(effective) for c in pair.certificates] == [CertificateStatus.SUSPENDED]
    assert complaint.certificate_change_id is not None
    [decided] = mails(kind="complaint_decided")
    assert decided.recipient == world.interpreter.email
    assert "Jan" not in decided.body and "OCMW" not in decided.body, "never who complained"
    later = create_request(world.contact_person, day=future_day(weeks=3))
    excluded = {c.person_id: [r.code for r in rs] for c, rs in match(later).excluded}
    assert excluded[world.fatima.id] == ["certificate_suspended"]
    with pytest.raises(RuleError, match="already decided"):
        feedback.decide(world.register_staff, complaint, ComplaintOutcome.NO_ACTION, None)


def test_complaints_are_for_the_organisations_own_assignments(app_ctx, world, done):
    with pytest.raises(Forbidden):
        feedback.file_complaint(world.other_contact_person, done, "Not ours")
    with pytest.raises(RuleError, match="Say what happened"):
        feedback.file_complaint(world.requester, done, "  ")
    with pytest.raises(Forbidden):
        feedback.decide(world.requester, feedback.file_complaint(world.requester, done, "x"),
                        ComplaintOutcome.NO_ACTION, None)


def test_a_suspension_needs_a_day_and_a_valid_certificate(app_ctx, world, done):
    complaint = feedback.file_complaint(world.requester, done, "Rude.")
    with pytest.raises(RuleError, match="from which day"):
        feedback.decide(world.register_staff, complaint, ComplaintOutcome.SUSPENSION, None)
    assert complaint.is_open


def test_pages_of_rating_complaint_and_feedback(world, client_for, done):
    requester = client_for(world.requester)
    page = requester.get(f"/requests/{done.request_id}").get_data(as_text=True)
    assert "Opdracht beoordelen" in page and "Klacht indienen" in page
    refused = requester.post(f"/bookings/{done.id}/rating", data={"conduct": "4"})
    assert "Kies van 1 tot 5." in refused.get_data(as_text=True)
    requester.post(f"/bookings/{done.id}/rating", data={"punctuality": "5", "conduct": "4"})
    assert "U beoordeelde deze opdracht" in requester.get(
        f"/bookings/{done.id}/rating").get_data(as_text=True)
    assert client_for(world.other_contact_person).get(
        f"/bookings/{done.id}/rating").status_code == 404
    interpreter = client_for(world.interpreter).get("/portal/feedback")
    assert interpreter.status_code == 200 and "Jan" not in interpreter.get_data(as_text=True)
