"""Retention erases what people wrote about requests and assignments (messages, rating
comments, decided complaints' texts) after the same months as case references; the fact
that they wrote, and the figures, stay."""

from datetime import time, timedelta

import time_machine
from sqlalchemy import select

from interpreter_register.bookings.services import booking
from interpreter_register.collaboration import services as messages
from interpreter_register.core.audit import AuditEntry
from interpreter_register.core.time import brussels_to_utc
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import run
from interpreter_register.quality import feedback
from interpreter_register.quality.models import ComplaintOutcome
from tests.fixtures.factories import create_request, future_day


def test_old_texts_are_erased_counting_only(app_ctx, world):
    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    old = messages.post(world.contact_person, request, "The client fears dogs")
    with time_machine.travel(brussels_to_utc(day, time(13)), tick=False):
        rating = feedback.rate(world.contact_person, made, 4, 4, comment="Calm with the client")
        complaint = feedback.file_complaint(world.contact_person, made, "Late again")
        feedback.decide(world.register_staff, complaint, ComplaintOutcome.NO_ACTION, None)
    with time_machine.travel(brussels_to_utc(day, time(14)) + timedelta(days=700), tick=False):
        recent = messages.post(world.contact_person, request, "A question about the invoice")
        db.session.commit()
    with time_machine.travel(brussels_to_utc(day, time(15)) + timedelta(days=740), tick=False):
        counts = run("retention").counts
    assert counts == {"erased": 1, "messages_erased": 1, "comments_erased": 1,
                      "complaints_erased": 1}
    db.session.expire_all()
    assert (old.body, old.erased_at is not None) == (None, True)
    assert recent.body == "A question about the invoice"
    assert (rating.comment, rating.punctuality) == (None, 4)
    assert (complaint.text, complaint.outcome) == (None, ComplaintOutcome.NO_ACTION)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "retention"))
    assert entry.changes["messages"] == [0, 1] and "dogs" not in entry.changes_json
