"""SQL pieces the reports share: durations, buckets of time, a qualification's tier."""

from datetime import date

from sqlalchemy import Float, and_, case, exists, func, literal, not_, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..register.models import (
    Certificate,
    CertificateStatus,
    Qualification,
    QualificationKind,
    QualityTrackStep,
    Revision,
    RevisionTrack,
    Verdict,
)
from ..register.policy import RegisterPolicy
from ..register.services.search import certificate_status_is


class seconds_between(FunctionElement):  # noqa: N801 - used like a SQL function
    """The seconds from ``earlier`` to ``later``, on either database."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)}))")


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 86400.0)")


def bucket(column, boundaries):
    """The index of the bucket a value falls in, given each bucket's (exclusive) end."""
    return case(*((column < end, index) for index, end in enumerate(boundaries)),
                else_=len(boundaries))


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
