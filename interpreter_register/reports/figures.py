"""The reports' figures, each aggregated in SQL with a fixed number of queries.

Hours interpreted are the actual time of settled completion sheets, and the planned time of
work done whose sheet is not settled (yet), counted apart so that pages show it as such.

Scope: ``service_id`` limits to one interpreting service (a dispatcher's), and
``organisation_id`` to one requesting organisation (a requester's); None means all.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, select

from ..billing.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from ..bookings.models import (
    Booking,
    BookingStatus,
    InterpretingRequest,
    RequestStatus,
    UnfilledReason,
)
from ..core.time import brussels_to_utc, utcnow
from ..organisations.models import Organisation
from ..register.models import (
    Certificate,
    CertificateStatus,
    Language,
    Modality,
    Person,
    Qualification,
    QualityTrackStep,
    RevisionTrack,
    TrackStep,
)
from ..register.policy import RegisterPolicy
from ..register.services.search import certificate_status_is
from ..register.sql import reliable, tier_of_qualification
from ..sheets.models import CompletionSheet, SheetStatus, SheetVersion
from . import source
from .periods import Period
from .sql import bucket, seconds_between

R = InterpretingRequest
FILLED = (RequestStatus.BOOKED.value, RequestStatus.COMPLETED.value)


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _scope(statement, period: Period, service_id=None, organisation_id=None):
    statement = statement.where(R.due_at >= period.starts_at, R.due_at < period.ends_at)
    if service_id is not None:
        statement = statement.where(R.service_id == service_id)
    if organisation_id is not None:
        statement = statement.where(R.organisation_id == organisation_id)
    return statement


def fill_rate(filled: int, unfilled: int) -> float | None:
    """Filled out of the requests that were decided (open and cancelled ones left out);
    None when there is nothing to divide."""
    decided = filled + unfilled
    return filled / decided if decided else None


@dataclass(frozen=True)
class Hours:
    """Hours interpreted in a group: the actual time of settled completion sheets, plus the
    planned time of work done whose sheet is not settled yet (``planned``, shown as such);
    and the kilometres of the settled sheets."""

    total: float = 0.0
    planned: float = 0.0
    km: float = 0.0

    @property
    def actual(self) -> float:
        return round(self.total - self.planned, 2)

    def __add__(self, other: "Hours") -> "Hours":
        return Hours(round(self.total + other.total, 2), round(self.planned + other.planned, 2),
                     round(self.km + other.km, 1))


# --- the shortage report ------------------------------------------------------------------

@dataclass
class ShortageRow:
    language: Language
    working_language: str
    requests: int = 0
    filled: int = 0
    cancelled: int = 0
    unfilled: dict = field(default_factory=dict)   # by UnfilledReason
    supply: dict = field(default_factory=dict)     # by tier (1..4)
    expiring: int = 0

    @property
    def unfilled_total(self) -> int:
        return sum(self.unfilled.values())

    @property
    def fill_rate(self):
        return fill_rate(self.filled, self.unfilled_total)


def shortage(period: Period, policy: RegisterPolicy, today: date) -> list[ShortageRow]:
    """Demand against supply per language and working language, the most unfilled first."""
    demand = source.session().execute(_scope(select(
        R.language_code, R.working_language, func.count(),
        _count_if(R.status.in_(FILLED)), _count_if(R.status == RequestStatus.CANCELLED.value),
        *(_count_if(and_(R.status == RequestStatus.UNFILLED.value, R.unfilled_reason == reason))
          for reason in UnfilledReason))
        .group_by(R.language_code, R.working_language), period)).all()
    rows: dict[tuple, ShortageRow] = {}
    languages = {lang.code: lang for lang in source.session().scalars(select(Language))}
    for code, working, requests, filled, cancelled, *unfilled in demand:
        rows[(code, working)] = ShortageRow(
            languages[code], working, requests, filled, cancelled,
            dict(zip(UnfilledReason, unfilled, strict=True)))
    # Supply: each active person counted once per pair, at their best tier there.
    best = (select(Qualification.language_code, Qualification.working_language,
                   Qualification.person_id,
                   func.min(tier_of_qualification(policy, today)).label("tier"))
            .join(Person, Person.id == Qualification.person_id).where(Person.active.is_(True))
            .group_by(Qualification.language_code, Qualification.working_language,
                      Qualification.person_id).subquery())
    for code, working, tier, count in source.session().execute(
            select(best.c.language_code, best.c.working_language, best.c.tier, func.count())
            .group_by(best.c.language_code, best.c.working_language, best.c.tier)):
        rows.setdefault((code, working), ShortageRow(languages[code], working)).supply[
            tier] = count
    for code, working, count in source.session().execute(
            select(Qualification.language_code, Qualification.working_language, func.count())
            .join(Certificate, Certificate.qualification_id == Qualification.id)
            .where(certificate_status_is(CertificateStatus.VALID, today),
                   Certificate.valid_until <= add_months(today, 6))
            .group_by(Qualification.language_code, Qualification.working_language)):
        rows.setdefault((code, working), ShortageRow(languages[code], working)).expiring = count
    return sorted(rows.values(), key=lambda r: (-r.unfilled_total, -r.requests,
                                                r.language.code, r.working_language))


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


# --- service figures ----------------------------------------------------------------------

@dataclass
class ServiceFigures:
    requests: int
    filled: int
    unfilled: int
    cancelled: int
    cancelled_late: int
    median_hours_to_booking: float | None
    hours_by_language: list     # (Language, Hours)
    hours_by_organisation: list
    hours_by_modality: list
    months: list          # (first day of month, requests, filled)

    @property
    def fill_rate(self):
        return fill_rate(self.filled, self.unfilled)

    @property
    def hours(self) -> Hours:
        """All hours (and kilometres) of the period."""
        return sum((h for _m, h in self.hours_by_modality), Hours())


def _settled_time(group_by, period, service_id, organisation_id) -> dict:
    """group → (hours, km) of the settled sheets' current versions (late cancellations and
    translations are not time interpreted)."""
    S, V = CompletionSheet, SheetVersion
    statement = (select(group_by, func.sum(V.worked_minutes), func.sum(V.km))
                 .join(S, S.request_id == R.id)
                 .join(V, and_(V.sheet_id == S.id, V.number == S.version))
                 .where(S.status == SheetStatus.SETTLED, S.late_cancellation.is_(False),
                        R.modality != Modality.WRITTEN)
                 .group_by(group_by))
    return {key: ((minutes or 0) / 60, float(km or 0)) for key, minutes, km in
            source.session().execute(_scope(statement, period, service_id, organisation_id))}


def _planned_time(group_by, period, service_id, organisation_id, now) -> dict:
    """group → hours booked for work that is done but has no settled sheet: a sheet not
    filed or not settled yet, or a booking completed before sheets existed."""
    settled = select(CompletionSheet.id).where(CompletionSheet.booking_id == Booking.id,
                                               CompletionSheet.status == SheetStatus.SETTLED)
    seconds = func.sum(seconds_between(Booking.ends_at, Booking.starts_at))
    statement = (select(group_by, seconds).join(Booking, Booking.request_id == R.id)
                 .where(Booking.status.in_((BookingStatus.COMPLETED, BookingStatus.CONFIRMED)),
                        Booking.starts_at.is_not(None), Booking.ends_at <= now,
                        ~settled.exists())
                 .group_by(group_by))
    return {key: (total or 0) / 3600 for key, total in source.session().execute(
        _scope(statement, period, service_id, organisation_id))}


def _hours(group_by, period, service_id, organisation_id, now=None) -> list:
    """(group, Hours) pairs, the most hours first."""
    settled = _settled_time(group_by, period, service_id, organisation_id)
    planned = _planned_time(group_by, period, service_id, organisation_id, now or utcnow())
    found = {key: Hours(round(settled.get(key, (0, 0))[0] + planned.get(key, 0), 2),
                        round(planned.get(key, 0), 2), round(settled.get(key, (0, 0))[1], 1))
             for key in settled.keys() | planned.keys()}
    return sorted(found.items(), key=lambda pair: (-pair[1].total, str(pair[0])))


def median_hours_to_booking(period, service_id=None, organisation_id=None) -> float | None:
    """The median wait from asking to being booked, in SQL on either database: count, then
    read the middle one or two."""
    waited = seconds_between(R.booked_at, R.created_at)
    booked = _scope(select(waited).where(R.booked_at.is_not(None)), period, service_id,
                    organisation_id)
    n = source.session().scalar(select(func.count()).select_from(booked.subquery()))
    if not n:
        return None
    middle = source.session().scalars(booked.order_by(waited).offset((n - 1) // 2)
                                .limit(1 if n % 2 else 2)).all()
    return round(sum(middle) / len(middle) / 3600, 2)


def service_figures(period: Period, service_id=None, organisation_id=None) -> ServiceFigures:
    totals = source.session().execute(_scope(select(
        func.count(), _count_if(R.status.in_(FILLED)),
        _count_if(R.status == RequestStatus.UNFILLED.value),
        _count_if(R.status == RequestStatus.CANCELLED.value),
        _count_if(and_(R.status == RequestStatus.CANCELLED.value, R.cancelled_late.is_(True)))),
        period, service_id, organisation_id)).one()
    months = period.months()
    ends = [m_end for m_end in (_next_month(m) for m in months)]
    from datetime import time as clock

    month = bucket(R.due_at, [brussels_to_utc(end, clock(0)) for end in ends])
    per_month = defaultdict(lambda: [0, 0])
    for index, requests, filled in source.session().execute(_scope(
            select(month, func.count(), _count_if(R.status.in_(FILLED))).group_by(month),
            period, service_id, organisation_id)):
        if index < len(months):
            per_month[index] = [requests, filled]
    languages = {lang.code: lang for lang in source.session().scalars(select(Language))}
    organisations = dict(source.session().execute(select(Organisation.id, Organisation.name)).all())
    return ServiceFigures(
        *totals, median_hours_to_booking(period, service_id, organisation_id),
        [(languages[k], h) for k, h in _hours(R.language_code, period, service_id,
                                                organisation_id)],
        [(organisations[k], h) for k, h in _hours(R.organisation_id, period, service_id,
                                                    organisation_id)],
        _hours(R.modality, period, service_id, organisation_id),
        [(m, *per_month[i]) for i, m in enumerate(months)])


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- revenue ------------------------------------------------------------------------------

@dataclass
class Revenue:
    """What was invoiced for the months of the period (excluding VAT; credit notes
    subtracted), per language, organisation and month."""

    by_language: list       # (Language, amount)
    by_organisation: list   # (name, amount)
    by_month: list          # (first day of month, amount)

    @property
    def total(self):
        return sum((amount for _m, amount in self.by_month), Decimal("0.00"))


def revenue(period: Period, service_id=None, organisation_id=None) -> Revenue:
    """Three grouped sums over the issued lines of the months the period touches."""
    signed = case((Invoice.kind == InvoiceKind.CREDIT_NOTE.value, -InvoiceLine.amount),
                  else_=InvoiceLine.amount)

    def grouped(key):
        statement = (select(key, func.sum(signed)).join(Invoice, Invoice.id ==
                                                       InvoiceLine.invoice_id)
                     .where(Invoice.period >= period.first.replace(day=1),
                            Invoice.period <= period.last).group_by(key))
        if service_id is not None:
            statement = statement.where(Invoice.service_id == service_id)
        if organisation_id is not None:
            statement = statement.where(Invoice.organisation_id == organisation_id)
        return [(k, Decimal(v or 0).quantize(Decimal("0.01")))
                for k, v in source.session().execute(statement)]

    languages = {lang.code: lang for lang in source.session().scalars(select(Language))}
    names = dict(source.session().execute(select(Organisation.id, Organisation.name)).all())
    months = dict(grouped(Invoice.period))
    return Revenue(
        sorted(((languages[k], v) for k, v in grouped(InvoiceLine.language_code)
                if k in languages), key=lambda pair: -pair[1]),
        sorted(((names[k], v) for k, v in grouped(Invoice.organisation_id)),
               key=lambda pair: (-pair[1], pair[0])),
        [(m, months.get(m, Decimal("0.00"))) for m in period.months()])


# --- per organisation ---------------------------------------------------------------------

@dataclass
class OrganisationRow:
    name: str
    requests: int
    filled: int
    unfilled: int
    hours: Hours
    cancelled_late: int

    @property
    def fill_rate(self):
        return fill_rate(self.filled, self.unfilled)


def per_organisation(period: Period, service_id=None, organisation_id=None):
    hours = dict(_hours(R.organisation_id, period, service_id, organisation_id))
    rows = source.session().execute(_scope(select(
        Organisation.id, Organisation.name, func.count(), _count_if(R.status.in_(FILLED)),
        _count_if(R.status == RequestStatus.UNFILLED.value),
        _count_if(and_(R.status == RequestStatus.CANCELLED.value, R.cancelled_late.is_(True))))
        .join(Organisation, Organisation.id == R.organisation_id)
        .group_by(Organisation.id, Organisation.name).order_by(func.count().desc(),
                                                               Organisation.name),
        period, service_id, organisation_id)).all()
    return [OrganisationRow(name, requests, filled, unfilled, hours.get(key, Hours()), late)
            for key, name, requests, filled, unfilled, late in rows]


# --- the register overview ----------------------------------------------------------------

STEP_ORDER = [TrackStep.INFORMATION_SESSION, TrackStep.PRESELECTION_TEST,
              TrackStep.TRAINING_MODULES, TrackStep.CERTIFICATION_EXAM]


@dataclass
class RegisterOverview:
    people: int
    languages: int
    certificates: dict       # CertificateStatus → count
    steps: dict              # furthest TrackStep reached → candidates
    revision: dict           # "reliable"/"in_revision" → tracks
    expiries: list           # (first day of month, count) for the next 12 months


def register_overview(policy: RegisterPolicy, today: date) -> RegisterOverview:
    people = source.session().scalar(select(func.count()).select_from(Person)
                               .where(Person.active.is_(True)))
    languages = source.session().scalar(select(func.count(func.distinct(
        Qualification.language_code))))
    certificates = dict(zip(CertificateStatus, source.session().execute(select(
        *(_count_if(certificate_status_is(status, today)) for status in CertificateStatus)
    ).select_from(Certificate)).one(), strict=True))
    order = case(*((QualityTrackStep.step == step.value, i) for i, step in
                   enumerate(STEP_ORDER)))
    furthest = (select(QualityTrackStep.qualification_id, func.max(order).label("reached"))
                .group_by(QualityTrackStep.qualification_id).subquery())
    steps = {STEP_ORDER[reached]: count for reached, count in source.session().execute(
        select(furthest.c.reached, func.count()).group_by(furthest.c.reached))}
    tracks, reliable_tracks = source.session().execute(
        select(func.count(), _count_if(reliable(policy, today))).select_from(RevisionTrack)
        .join(Qualification, Qualification.id == RevisionTrack.qualification_id)).one()
    revision = {"reliable": reliable_tracks, "in_revision": tracks - reliable_tracks}
    first = today.replace(day=1)
    months = [add_months(first, n) for n in range(12)]
    month = bucket(Certificate.valid_until, [add_months(first, n + 1) for n in range(12)])
    per_month = dict(source.session().execute(
        select(month, func.count()).where(certificate_status_is(CertificateStatus.VALID, today),
                                          Certificate.valid_until < add_months(first, 12))
        .group_by(month)).all())
    return RegisterOverview(people, languages, certificates, steps, revision,
                            [(m, per_month.get(i, 0)) for i, m in enumerate(months)])
