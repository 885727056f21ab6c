"""Qualifications, certificates, the quality track and the revision protocol."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...core import audit
from ...core.i18n import format_day
from ...core.rules import RuleError
from ...extensions import db
from .. import facts, signals
from ..models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    Direction,
    Language,
    Person,
    Qualification,
    QualificationKind,
    QualityTrackStep,
    Revision,
    RevisionTrack,
    StepResult,
    TrackStep,
    Verdict,
)
from ..policy import add_years, current_policy
from .people import require_staff

# --- qualifications ----------------------------------------------------------------------


def add_qualification(acting, person: Person, kind: QualificationKind, language_code: str,
                      working_language: str, direction: Direction | None = None,
                      specialist_revisor: bool = False) -> Qualification:
    """Give a person a language pair for interpreting or (one way) for translation."""
    require_staff(acting)
    if language_code == working_language:
        raise RuleError(_l("A language pair needs two different languages."), "language")
    if db.session.get(Language, language_code) is None:
        raise RuleError(_l("Add this language to the register first."), "language")
    if kind == QualificationKind.INTERPRETING:
        direction = Direction.BOTH
    elif direction not in (Direction.INTO_WORKING, Direction.FROM_WORKING):
        raise RuleError(_l("Say which way the translation goes."), "direction")
    pair = (kind, language_code, working_language, direction)
    if any((q.kind, q.language_code, q.working_language, q.direction) == pair
           for q in person.qualifications):
        raise RuleError(_l("This person already holds this language pair."), "language")
    qualification = Qualification(person=person, kind=kind, language_code=language_code,
                                  working_language=working_language, direction=direction,
                                  specialist_revisor=specialist_revisor)
    db.session.add(qualification)
    db.session.flush()
    audit.created(acting, qualification)
    facts.refresh([qualification.id])
    return qualification


def set_specialist_revisor(acting, qualification: Qualification, flag: bool) -> None:
    require_staff(acting)
    if qualification.kind != QualificationKind.TRANSLATION:
        raise RuleError(_l("Only translators revise translations."), "specialist_revisor")
    before = qualification.audit_snapshot()
    qualification.specialist_revisor = flag
    audit.changed(acting, qualification, before)
    db.session.flush()


# --- certificates ------------------------------------------------------------------------

def default_valid_until(issued_on: date) -> date:
    return add_years(issued_on, current_policy().certificate_years)


def _check_certificate(number: str, issued_on: date, valid_until: date, current=None) -> None:
    taken = db.session.scalar(select(Certificate).where(
        func.lower(Certificate.number) == number.strip().lower()))
    if taken is not None and taken is not current:
        raise RuleError(_l("Certificate number %(number)s is already in use.",
                           number=number.strip()), "number")
    if valid_until < issued_on:
        raise RuleError(_l("A certificate cannot be valid until a day before it was issued."),
                        "valid_until")


def issue_certificate(acting, qualification: Qualification, number: str, issued_on: date,
                      valid_until: date | None = None,
                      follows: Certificate | None = None) -> Certificate:
    """A certificate for a pair; ``follows``: the one it renews."""
    require_staff(acting)
    valid_until = valid_until or default_valid_until(issued_on)
    _check_certificate(number, issued_on, valid_until)
    certificate = Certificate(qualification=qualification, number=number.strip(),
                              issued_on=issued_on, valid_until=valid_until,
                              follows_id=follows.id if follows is not None else None)
    db.session.add(certificate)
    db.session.flush()
    audit.created(acting, certificate, action="issued")
    facts.refresh([qualification.id])
    return certificate


def update_certificate(acting, certificate: Certificate, number: str, issued_on: date,
                       valid_until: date) -> None:
    """Correct a certificate or move its re-certification date."""
    require_staff(acting)
    _check_certificate(number, issued_on, valid_until, current=certificate)
    before = certificate.audit_snapshot()
    certificate.number, certificate.issued_on = number.strip(), issued_on
    certificate.valid_until = valid_until
    audit.changed(acting, certificate, before)
    db.session.flush()
    facts.refresh([certificate.qualification_id])


# Which decisions make sense from the status a certificate has on the day they take effect.
STATUS_CHANGES = {
    CertificateStatus.VALID: {CertificateStatus.SUSPENDED, CertificateStatus.REVOKED},
    CertificateStatus.SUSPENDED: {CertificateStatus.VALID, CertificateStatus.REVOKED},
    CertificateStatus.EXPIRED: {CertificateStatus.REVOKED},
    CertificateStatus.REVOKED: set(),
}


def change_certificate_status(acting, certificate: Certificate, status: CertificateStatus,
                              effective_on: date, reason: str) -> CertificateStatusChange:
    """Suspend, revoke or reinstate a certificate from a date on, with the reason."""
    require_staff(acting)
    if not (reason or "").strip():
        raise RuleError(_l("Say why the status changes."), "reason")
    if effective_on < certificate.issued_on:
        raise RuleError(_l("A change cannot take effect before the certificate was issued."),
                        "effective_on")
    if any(c.effective_on > effective_on for c in certificate.status_changes):
        raise RuleError(_l("A later change is already recorded; record changes in order."),
                        "effective_on")
    current = certificate.status_on(effective_on)
    if status not in STATUS_CHANGES[current]:
        raise RuleError(_l("A certificate that is %(current)s on that day cannot become "
                           "%(new)s.", current=current.label, new=status.label), "status")
    change = _record_status(acting, certificate, status, effective_on, reason.strip())
    signals.certificate_status_changed.send(change)
    return change


def _record_status(acting, certificate, status, effective_on, reason) -> CertificateStatusChange:
    change = CertificateStatusChange(certificate=certificate, status=status,
                                     effective_on=effective_on, reason=reason,
                                     changed_by_id=getattr(acting, "id", None))
    db.session.add(change)
    db.session.flush()
    audit.created(acting, change, action=f"status_{status.value}")
    facts.refresh([certificate.qualification_id])
    return change


def mark_expired(certificate: Certificate, day: date) -> CertificateStatusChange | None:
    """Record that a certificate ran out (the scheduled job does this the day after);
    suspended and revoked certificates are left as they are."""
    if day <= certificate.valid_until:
        return None
    if certificate.status_on(certificate.valid_until) != CertificateStatus.VALID:
        return None
    if any(c.status == CertificateStatus.EXPIRED for c in certificate.status_changes):
        return None
    return _record_status(None, certificate, CertificateStatus.EXPIRED,
                          date.fromordinal(certificate.valid_until.toordinal() + 1),
                          "valid_until passed")


# --- the quality track -------------------------------------------------------------------

def record_step(acting, qualification: Qualification, step: TrackStep, taken_on: date,
                result: StepResult, certificate_number: str | None = None,
                valid_until: date | None = None) -> QualityTrackStep:
    """Record a step of a candidate; a passed exam may issue the certificate at once."""
    require_staff(acting)
    passed_exam = step == TrackStep.CERTIFICATION_EXAM and result == StepResult.PASSED
    if certificate_number and not passed_exam:
        raise RuleError(_l("A certificate is issued only after a passed certification exam."),
                        "certificate_number")
    attempt = 1 + sum(1 for s in qualification.steps if s.step == step)
    record = QualityTrackStep(qualification=qualification, step=step, taken_on=taken_on,
                              result=result, attempt=attempt,
                              recorded_by_id=getattr(acting, "id", None))
    db.session.add(record)
    db.session.flush()
    audit.created(acting, record)
    facts.refresh([qualification.id])
    if certificate_number:
        issue_certificate(acting, qualification, certificate_number, taken_on, valid_until)
    return record


# --- the revision protocol ---------------------------------------------------------------

def open_revision_track(acting, qualification: Qualification, opened_on: date) -> RevisionTrack:
    require_staff(acting)
    if qualification.kind != QualificationKind.TRANSLATION:
        raise RuleError(_l("The revision protocol is for translators."))
    if qualification.revision_track is not None:
        raise RuleError(_l("This pair is already under the revision protocol."))
    track = RevisionTrack(qualification=qualification, opened_on=opened_on,
                          opened_by_id=getattr(acting, "id", None))
    db.session.add(track)
    db.session.flush()
    audit.created(acting, track, action="opened")
    return track


def revisor_problem(qualification: Qualification, revisor: Person, day: date):
    """Why ``revisor`` may not revise this translator's work in this pair, or None.

    A revisor holds a valid certificate for the same pair on the day, or is a specialist
    revisor for it; nobody revises their own work.
    """
    if revisor.id == qualification.person_id:
        return _l("Nobody revises their own translations.")
    for own in revisor.qualifications:
        if own.same_pair(qualification) and (own.specialist_revisor or own.certified_on(day)):
            return None
    return _l("%(name)s holds no valid certificate for this pair on that day and is not a "
              "specialist revisor for it.", name=revisor.full_name)


def same_pair_people(qualification: Qualification) -> list[Person]:
    """Active people, other than its holder, who hold the same pair: possible revisors."""
    return db.session.scalars(
        select(Person).join(Qualification).where(
            Person.active.is_(True),
            Qualification.kind == qualification.kind,
            Qualification.language_code == qualification.language_code,
            Qualification.working_language == qualification.working_language,
            Qualification.direction == qualification.direction,
            Person.id != qualification.person_id)
        .order_by(Person.last_name, Person.first_name).distinct()
    ).all()


def eligible_revisors(qualification: Qualification, day: date) -> list[Person]:
    """The people who may revise in this pair on a day, by name."""
    return [p for p in same_pair_people(qualification)
            if revisor_problem(qualification, p, day) is None]


def record_revision(acting, track: RevisionTrack, revised_on: date, revisor: Person,
                    translation: str, verdict: Verdict, remarks: str | None = None,
                    booking_id: int | None = None) -> Revision:
    require_staff(acting)
    problem = revisor_problem(track.qualification, revisor, revised_on)
    if problem:
        raise RuleError(problem, "revisor")
    if revised_on < track.opened_on:
        raise RuleError(_l("The revision protocol for this pair started on %(day)s.",
                           day=format_day(track.opened_on)), "revised_on")
    revision = Revision(track=track, revised_on=revised_on, revisor=revisor,
                        translation=translation.strip(), verdict=verdict,
                        remarks=(remarks or "").strip() or None, booking_id=booking_id,
                        recorded_by_id=getattr(acting, "id", None))
    db.session.add(revision)
    db.session.flush()
    audit.created(acting, revision)
    facts.refresh([track.qualification_id])
    return revision
