"""The register's rules in SQL, for pages and matching that filter or count many people at
once: a qualification's tier on a day, and whether a translator is reliable. Each follows
its Python rule on the models; the tests hold the two to each other."""

from datetime import date

from sqlalchemy import and_, case, exists, func, literal, not_, select, tuple_

from .models import (
    Certificate,
    CertificateStatus,
    Qualification,
    QualificationKind,
    QualityTrackStep,
    Revision,
    RevisionTrack,
    Verdict,
)
from .policy import RegisterPolicy
from .services.search import certificate_status_is


def reliable(policy: RegisterPolicy, day: date):
    """SQL for "this translation qualification is reliable on ``day``": at least N counting
    revisions after the last one that resets the count (as ``revision_standing`` counts)."""
    counting = [Verdict.POSITIVE.value]
    resetting = [Verdict.NEGATIVE.value]
    if policy.with_remarks == "counts":
        counting.append(Verdict.POSITIVE_WITH_REMARKS.value)
    elif policy.with_remarks == "resets":
        resetting.append(Verdict.POSITIVE_WITH_REMARKS.value)
    later = Revision.__table__.alias("later")
    streak = (
        select(func.count(Revision.id))
        .join(RevisionTrack, Revision.track_id == RevisionTrack.id)
        .where(RevisionTrack.qualification_id == Qualification.id,
               Revision.verdict.in_(counting), Revision.revised_on <= day,
               not_(exists(select(later.c.id).where(
                   later.c.track_id == Revision.track_id, later.c.verdict.in_(resetting),
                   later.c.revised_on <= day,
                   tuple_(later.c.revised_on, later.c.id)
                   > tuple_(Revision.revised_on, Revision.id)))))
        .scalar_subquery())
    return and_(Qualification.kind == QualificationKind.TRANSLATION,
                streak >= policy.positives_needed)


def tier_of_qualification(policy: RegisterPolicy, day: date):
    """SQL for a qualification's tier on a day (1 certified … 4 registered), the rule of
    ``Qualification.tier_on``."""
    certified = exists(select(Certificate.id).where(
        Certificate.qualification_id == Qualification.id,
        certificate_status_is(CertificateStatus.VALID, day)))
    in_track = exists(select(QualityTrackStep.id).where(
        QualityTrackStep.qualification_id == Qualification.id,
        QualityTrackStep.taken_on <= day))
    return case((certified, literal(1)), (reliable(policy, day), literal(2)),
                (in_track, literal(3)), else_=literal(4))
