"""Renewal from evidence: the certificates due and overdue, the evidence of a pair, and a
renewal that issues a certificate following the one it renews (audited)."""

from datetime import time, timedelta

import pytest
import time_machine

from interpreter_register.core.audit import AuditEntry
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from interpreter_register.core.time import today_in_brussels
from interpreter_register.extensions import db
from interpreter_register.quality import renewals
from interpreter_register.quality.models import RenewalDecision
from interpreter_register.register.models import Verdict
from interpreter_register.register.services import credentials
from tests.fixtures.factories import create_interpreter, create_person


@pytest.fixture
def ending(app_ctx, world):
    """A certificate of Leila ending in two months; one of Ali ended a month ago."""
    today = today_in_brussels()
    leila = create_interpreter("Leila", "Soon", certified=False)
    soon = credentials.issue_certificate(None, leila.qualifications[0], "SI-SOON",
                                         today - timedelta(days=1700),
                                         today + timedelta(days=60))
    ali = create_interpreter("Ali", "Late", certified=False)
    late = credentials.issue_certificate(None, ali.qualifications[0], "SI-LATE",
                                         today - timedelta(days=1800),
                                         today - timedelta(days=30))
    return soon, late


def test_due_and_overdue_until_decided(app_ctx, world, ending):
    soon, late = ending
    today = today_in_brussels()
    due, overdue = renewals.due(today)
    assert soon in due and late in overdue and world.certificate not in due
    renewal = renewals.open_renewal(world.register_staff, soon, today)
    assert renewals.open_renewal(world.register_staff, soon, today) is renewal
    renewals.renew(world.register_staff, renewal, "SI-SOON-2", soon.valid_until, today=today)
    due, overdue = renewals.due(today)
    assert soon not in due and late in overdue


def test_a_renewal_follows_the_certificate_it_renews_with_its_audit_entry(app_ctx, world,
                                                                          ending):
    soon, _late = ending
    today = today_in_brussels()
    renewal = renewals.open_renewal(world.register_staff, soon, today)
    new = renewals.renew(world.register_staff, renewal, "SI-SOON-2", soon.valid_until,
                         today=today)
    assert new.follows_id == soon.id and new.qualification_id == soon.qualification_id
    assert renewal.decision == RenewalDecision.RENEWED and renewal.new_certificate_id == new.id
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity == "certificate", AuditEntry.entity_id == str(new.id))).one()
    assert entry.action == "issued" and entry.changes["follows_id"] == [None, soon.id]
    with pytest.raises(RuleError, match="already decided"):
        renewals.let_end(world.register_staff, renewal, "x", today)


def test_letting_a_certificate_end_needs_a_reason(app_ctx, world, ending):
    soon, _late = ending
    today = today_in_brussels()
    renewal = renewals.open_renewal(world.register_staff, soon, today)
    with pytest.raises(RuleError, match="why"):
        renewals.let_end(world.register_staff, renewal, " ", today)
    renewals.let_end(world.register_staff, renewal, "Stopped working", today)
    assert renewal.decision == RenewalDecision.LET_END


def test_only_certificates_ending_soon_and_only_staff(app_ctx, world, ending):
    today = today_in_brussels()
    with pytest.raises(RuleError, match="soon enough"):
        renewals.open_renewal(world.register_staff, world.certificate, today)
    with pytest.raises(Forbidden):
        renewals.open_renewal(world.dispatcher, ending[0], today)


def test_the_evidence_of_a_pair(app_ctx, world):
    """Revisions of Fatima's translation pair and her trainings since the certificate."""
    today = today_in_brussels()
    revisor = create_person(first_name="Rita", last_name="Revisor", languages=())
    from interpreter_register.register.models import Direction, QualificationKind
    from tests.fixtures.factories import create_qualification
    pair = create_qualification(revisor, QualificationKind.TRANSLATION, "ar", "nl",
                                Direction.INTO_WORKING)
    credentials.set_specialist_revisor(None, pair, True)
    credentials.record_revision(None, world.revision_track, today - timedelta(days=5),
                                revisor, "Letter", Verdict.POSITIVE)
    renewals.add_training(world.interpreter, world.fatima, "Medical terminology",
                          today - timedelta(days=3), 8, today)
    with pytest.raises(RuleError):
        renewals.add_training(world.interpreter, world.fatima, "Future", today + timedelta(
            days=3), None, today)
    with pytest.raises(Forbidden):
        renewals.add_training(world.other_interpreter, world.fatima, "Not mine", today)
    found = renewals.evidence(world.certificate)
    assert found.verdicts[Verdict.POSITIVE] == 1
    assert [t.title for t in found.trainings] == ["Medical terminology"]


def test_the_hours_of_the_evidence_are_those_the_settled_sheets_say(app_ctx, world):
    """Fatima worked two hours where an hour and a half was booked: the renewal counts the
    settled sheet's two, not the plan."""
    from decimal import Decimal

    from interpreter_register.sheets.services import answers, filing
    from interpreter_register.sheets.services.content import SheetDetails
    from tests.sheets.conftest import ended

    made, after = ended(world)
    with time_machine.travel(after, tick=False):
        sheet = filing.file_sheet(world.interpreter, made, SheetDetails(
            started=time(10), ended=time(12), km=Decimal(0), reason="The hearing ran late"))
        answers.confirm(world.contact_person, sheet)
    certificate = next(c for c in made.qualification.certificates
                       if c.is_valid_on(made.request.day))
    found = renewals.evidence(certificate)
    assert (found.assignments, found.hours) == (1, 2.0)
