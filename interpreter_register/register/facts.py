"""Matching facts kept with the register (docs/scaling.md).

Matching reads, for every holder of a pair, the tier on the day of the request and why no
certificate counts then. Worked out per holder from certificates, their decisions, the
revision protocol and the quality track, that was a handful of lookups a holder; here it
is kept instead, as each qualification's tier by date range (``QualificationTier``), in
the transaction of every change:

- the register's services call ``refresh`` after a change of a qualification's
  certificates, their decisions, its quality track or revisions;
- a change of the revision policy refreshes every pair under the revision protocol;
- the migration that made the facts, and the benchmark after its bulk inserts, call
  ``rebuild``.

A person's ways of working, regions and domains are kept as words in their own row by
the model (``Person.modalities`` and the others). ``flask register verify-facts`` works
everything out again from the register and lists what differs (``differences``).

The rules are the models' own (``tier_on``, ``status_on``), applied to plain records read
with a few statements; the records have the models' attribute names.
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, insert, select, update

from ..core import settings
from ..extensions import db
from .models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    Person,
    PersonDomain,
    PersonModality,
    PersonRegion,
    Qualification,
    QualificationTier,
    QualityTrackStep,
    Revision,
    RevisionTrack,
)
from .models.certificates import current_change, is_valid_on, status_on
from .models.people import set_words, tier_on
from .models.tiers import FIRST_DAY, LAST_DAY
from .policy import POSITIVES_NEEDED, WITH_REMARKS, RegisterPolicy, current_policy

# --- the register as the rules read it ----------------------------------------------------


@dataclass(frozen=True)
class Decision:
    effective_on: date
    status: CertificateStatus


@dataclass
class CertificateRecord:
    id: int
    issued_on: date
    valid_until: date
    status_changes: list = field(default_factory=list)   # Decision, oldest first


@dataclass(frozen=True)
class StepRecord:
    taken_on: date


@dataclass(frozen=True)
class RevisionRecord:
    revised_on: date
    verdict: object


@dataclass
class TrackRecord:
    revisions: list = field(default_factory=list)        # RevisionRecord, oldest first


@dataclass
class QualificationRecord:
    id: int
    person_id: int
    kind: object
    language_code: str
    working_language: str
    direction: object
    certificates: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    revision_track: TrackRecord | None = None


@dataclass(frozen=True)
class TierRange:
    starts_on: date
    ends_on: date
    tier: int
    note: str | None
    note_since: date | None


def certificate_note(qualification, day: date) -> tuple[str, date] | None:
    """Why no certificate of the pair counts on ``day``: the one that ends last decides —
    expired (since its end), suspended or revoked (since the decision); one not yet issued
    says nothing. None while a certificate is valid, or without any."""
    if any(is_valid_on(c, day) for c in qualification.certificates):
        return None
    latest = max(qualification.certificates, key=lambda c: (c.valid_until, c.id), default=None)
    if latest is None:
        return None
    status = status_on(latest, day)
    if status == CertificateStatus.EXPIRED:
        return status.value, latest.valid_until
    if status in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return status.value, current_change(latest, day).effective_on
    return None


def turning_days(qualification) -> list[date]:
    """The days on which the tier or the note can change: between two of them, nothing the
    rules read changes."""
    days = {FIRST_DAY}
    for certificate in qualification.certificates:
        days.add(certificate.issued_on)
        if certificate.valid_until < LAST_DAY:
            days.add(certificate.valid_until + timedelta(days=1))
        days.update(d.effective_on for d in certificate.status_changes)
    days.update(step.taken_on for step in qualification.steps)
    if qualification.revision_track is not None:
        days.update(r.revised_on for r in qualification.revision_track.revisions)
    return sorted(days)


def tier_ranges(qualification, policy: RegisterPolicy) -> list[TierRange]:
    """The qualification's tier and note over every day, as ranges of days alike."""
    ranges: list[TierRange] = []
    for day in turning_days(qualification):
        note, since = certificate_note(qualification, day) or (None, None)
        tier = int(tier_on(qualification, day, policy))
        if ranges and (ranges[-1].tier, ranges[-1].note, ranges[-1].note_since) == (
                tier, note, since):
            continue
        if ranges:
            last = ranges[-1]
            ranges[-1] = TierRange(last.starts_on, day - timedelta(days=1), last.tier,
                                   last.note, last.note_since)
        ranges.append(TierRange(day, LAST_DAY, tier, note, since))
    return ranges


# --- reading the register -----------------------------------------------------------------

def read_records(executor, qualification_ids=None) -> dict[int, QualificationRecord]:
    """The qualifications (all, or those of ``qualification_ids``) with what their tier
    depends on, in six statements (``executor``: a session or a connection)."""
    def only(column):
        return [] if qualification_ids is None else [column.in_(list(qualification_ids))]

    records = {row.id: QualificationRecord(*row) for row in executor.execute(
        select(Qualification.id, Qualification.person_id, Qualification.kind,
               Qualification.language_code, Qualification.working_language,
               Qualification.direction).where(*only(Qualification.id)))}
    certificates = {}
    for certificate_id, qualification_id, issued_on, valid_until in executor.execute(
            select(Certificate.id, Certificate.qualification_id, Certificate.issued_on,
                   Certificate.valid_until).where(*only(Certificate.qualification_id))
            .order_by(Certificate.id)):
        certificates[certificate_id] = CertificateRecord(certificate_id, issued_on, valid_until)
        records[qualification_id].certificates.append(certificates[certificate_id])
    for certificate_id, effective_on, status in executor.execute(
            select(CertificateStatusChange.certificate_id, CertificateStatusChange.effective_on,
                   CertificateStatusChange.status)
            .join(Certificate, Certificate.id == CertificateStatusChange.certificate_id)
            .where(*only(Certificate.qualification_id))
            .order_by(CertificateStatusChange.effective_on, CertificateStatusChange.id)):
        certificates[certificate_id].status_changes.append(Decision(effective_on, status))
    for qualification_id, taken_on in executor.execute(
            select(QualityTrackStep.qualification_id, QualityTrackStep.taken_on)
            .where(*only(QualityTrackStep.qualification_id))):
        records[qualification_id].steps.append(StepRecord(taken_on))
    tracks = {}
    for track_id, qualification_id in executor.execute(
            select(RevisionTrack.id, RevisionTrack.qualification_id)
            .where(*only(RevisionTrack.qualification_id))):
        tracks[track_id] = records[qualification_id].revision_track = TrackRecord()
    for track_id, revised_on, verdict in executor.execute(
            select(Revision.track_id, Revision.revised_on, Revision.verdict)
            .join(RevisionTrack, RevisionTrack.id == Revision.track_id)
            .where(*only(RevisionTrack.qualification_id))
            .order_by(Revision.revised_on, Revision.id)):
        tracks[track_id].revisions.append(RevisionRecord(revised_on, verdict))
    return records


def _tier_rows(record: QualificationRecord, policy: RegisterPolicy) -> list[dict]:
    pair = {"qualification_id": record.id, "person_id": record.person_id, "kind": record.kind,
            "language_code": record.language_code,
            "working_language": record.working_language, "direction": record.direction}
    return [{**pair, "starts_on": r.starts_on, "ends_on": r.ends_on, "tier": r.tier,
             "note": r.note, "note_since": r.note_since} for r in tier_ranges(record, policy)]


# --- keeping them -------------------------------------------------------------------------

# Inside ``batched()``: the qualifications to refresh once, at its end.
_PENDING: ContextVar[set | None] = ContextVar("facts_pending", default=None)


@contextmanager
def batched():
    """Refresh once, when the block ends without an error, what the changes inside it ask
    to refresh (an import of hundreds of rows); nothing inside may read the tiers."""
    if _PENDING.get() is not None:
        yield
        return
    pending: set = set()
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    refresh(pending)


def refresh(qualification_ids, executor=None) -> None:
    """Work out the tier ranges of these qualifications again, in the current transaction:
    called by every service that changes what a tier depends on, after its flush."""
    pending = _PENDING.get()
    if pending is not None and executor is None:
        pending.update(qualification_ids)
        return
    executor = executor or db.session
    ids = sorted(set(qualification_ids))
    if not ids:
        return
    _write(executor, read_records(executor, ids), current_policy(executor), ids)


def _write(executor, records: dict, policy: RegisterPolicy, ids=None) -> None:
    table = QualificationTier.__table__
    if ids is None:
        executor.execute(delete(table))
    else:
        executor.execute(delete(table).where(table.c.qualification_id.in_(ids)))
    rows = [row for record in records.values() for row in _tier_rows(record, policy)]
    if rows:
        executor.execute(insert(table), rows)


def refresh_revision_pairs(executor=None) -> None:
    """Every pair under the revision protocol: what makes a translator reliable changed."""
    executor = executor or db.session
    refresh(executor.execute(select(RevisionTrack.qualification_id)).scalars().all(), executor)


@settings.setting_changed.connect
def _policy_changed(key, **_extra) -> None:
    if key in (POSITIVES_NEEDED.key, WITH_REMARKS.key):
        refresh_revision_pairs()


def person_sets(executor, person_ids=None) -> dict[int, dict]:
    """Each person's ways of working, regions and domains as their row keeps them, worked
    out from the rows of the three sets."""
    found = defaultdict(lambda: {"modality_set": set(), "region_set": set(),
                                 "domain_set": set()})
    for column, model, value in (("modality_set", PersonModality, PersonModality.modality),
                                 ("region_set", PersonRegion, PersonRegion.province),
                                 ("domain_set", PersonDomain, PersonDomain.domain)):
        statement = select(model.person_id, value)
        if person_ids is not None:
            statement = statement.where(model.person_id.in_(list(person_ids)))
        for person_id, member in executor.execute(statement):
            found[person_id][column].add(member)
    people = select(Person.id)
    if person_ids is not None:
        people = people.where(Person.id.in_(list(person_ids)))
    return {person_id: {k: set_words(v) for k, v in found[person_id].items()}
            for person_id in executor.execute(people).scalars()}


def rebuild(executor) -> None:
    """Every fact worked out again from the register (after rows were written around the
    services: the migration that made them, the benchmark's bulk inserts)."""
    _write(executor, read_records(executor), current_policy(executor))
    sets = person_sets(executor)
    if sets:
        table = Person.__table__
        executor.execute(update(table).where(table.c.id == bindparam("person")).values(
            modality_set=bindparam("modalities"), region_set=bindparam("regions"),
            domain_set=bindparam("domains")),
            [{"person": person_id, "modalities": words["modality_set"],
              "regions": words["region_set"], "domains": words["domain_set"]}
             for person_id, words in sets.items()])


# --- checking them ------------------------------------------------------------------------

def differences(executor=None) -> list[str]:
    """What the kept facts say that the register, worked out again, does not."""
    executor = executor or db.session
    policy = current_policy(executor)
    table = QualificationTier.__table__
    kept = defaultdict(list)
    for row in executor.execute(select(table).order_by(table.c.qualification_id,
                                                       table.c.starts_on)).mappings():
        kept[row["qualification_id"]].append(dict(row))
    problems = []
    for qualification_id, record in sorted(read_records(executor).items()):
        expected = _tier_rows(record, policy)
        found = kept.pop(qualification_id, [])
        if found != expected:
            problems.append(
                f"qualification {qualification_id} (person {record.person_id}, "
                f"{record.kind} {record.language_code}-{record.working_language}): tiers kept "
                f"{_describe(found)}, the register says {_describe(expected)}")
    problems += [f"qualification {qualification_id}: tiers kept for a qualification the "
                 f"register does not hold" for qualification_id in sorted(kept)]
    kept_sets = {person_id: {"modality_set": m, "region_set": r, "domain_set": d}
                 for person_id, m, r, d in executor.execute(
                     select(Person.id, Person.modality_set, Person.region_set,
                            Person.domain_set))}
    for person_id, expected in sorted(person_sets(executor).items()):
        for column, words in expected.items():
            kept_words = kept_sets[person_id][column]
            if kept_words != words:
                problems.append(f"person {person_id}: {column} kept “{kept_words}”, the "
                                f"register says “{words}”")
    return problems


def _describe(rows: list[dict]) -> str:
    return "; ".join(f"{r['starts_on']}…{r['ends_on']} tier {r['tier']}"
                     + (f" ({r['note']} since {r['note_since']})" if r["note"] else "")
                     for r in rows) or "none"
