"""What each interpreter is owed by a service for a month: every settled, payable sheet of
the month priced by the pay scale in force on its day (billing.charges, the rules that
price invoices too). A sheet the pay scale cannot price is listed with the reason, never
dropped and never guessed.

Statements are worked out when they are read, not stored: see docs/statements.md."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from ...bookings.models import Booking, InterpretingRequest
from ...core.i18n import format_day
from ...core.permissions import require
from ...core.time import FIRST_DAY, LAST_DAY
from ...extensions import db
from ...register.models.enums import Modality
from ...sheets.models import CompletionSheet, SheetStatus, SheetVersion
from ..charges import TIMED_MODALITIES, ChargeLine, TariffError, Work, WorkError, charge_lines
from ..models import PriceList, PriceListKind, in_force, price_lists_of
from ..work_days import BOOKING, CURRENT_VERSION, in_month, load_versions, work_day

ZERO = Decimal("0.00")
WORK_KINDS = ("interpreting", "translation", "late_cancellation")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> date | None:
    """"2026-10" -> 1 October 2026; None for anything else."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    year = int(found.group(1))
    if not FIRST_DAY.year <= year <= LAST_DAY.year:  # year 0 is no date at all
        return None
    return date(year, int(found.group(2)), 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@dataclass
class StatementLine:
    """One settled sheet, priced."""

    sheet: CompletionSheet
    version: SheetVersion
    day: date
    pay_scale: PriceList
    charges: list[ChargeLine]

    def _sum(self, kinds) -> Decimal:
        return sum((c.amount for c in self.charges if c.kind in kinds), ZERO)

    @property
    def work(self) -> Decimal:
        return self._sum(WORK_KINDS)

    @property
    def travel(self) -> Decimal:
        return self._sum(("travel",))

    @property
    def expenses(self) -> Decimal:
        return self._sum(("expense",))

    @property
    def total(self) -> Decimal:
        return self._sum({c.kind for c in self.charges})

    @property
    def km(self) -> Decimal:
        """The kilometres paid (a late cancellation's only when the pay scale pays them)."""
        return sum((c.quantity for c in self.charges if c.kind == "travel"), Decimal(0))

    @property
    def is_timed_work(self) -> bool:
        """Hours that were worked: not a translation, nor a late cancellation (whose
        minutes are the policy's, paid as one fixed charge)."""
        return not (self.sheet.request.is_translation or self.sheet.late_cancellation)

    @property
    def minutes(self) -> int:
        return self.version.worked_minutes if self.is_timed_work else 0

    @property
    def waiting_minutes(self) -> int:
        return self.version.waiting_minutes if self.is_timed_work else 0


@dataclass
class Unpriced:
    """A settled sheet of the month the pay scale cannot price, and why."""

    sheet: CompletionSheet
    version: SheetVersion
    day: date
    reason: str


@dataclass
class Statement:
    """What one interpreter is owed by one service for one month."""

    service: object
    person: object
    month: date
    lines: list[StatementLine] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)

    @property
    def key(self) -> str:
        return month_key(self.month)

    @property
    def minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def waiting_minutes(self) -> int:
        return sum(line.waiting_minutes for line in self.lines)

    @property
    def km(self) -> Decimal:
        return sum((line.km for line in self.lines), Decimal(0))

    @property
    def work(self) -> Decimal:
        return sum((line.work for line in self.lines), ZERO)

    @property
    def travel(self) -> Decimal:
        return sum((line.travel for line in self.lines), ZERO)

    @property
    def expenses(self) -> Decimal:
        return sum((line.expenses for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)

    def file_name(self, extension: str) -> str:
        name = unicodedata.normalize("NFKD", self.person.full_name).encode("ascii", "ignore")
        slug = re.sub(r"[^a-z0-9]+", "-", name.decode().lower()).strip("-") or "person"
        return f"statement-{self.key}-{slug}-{self.person.id}.{extension}"


def _reason(error: Exception, pay_scale: PriceList) -> str:
    since = format_day(pay_scale.valid_from)
    if isinstance(error, TariffError) and error.code == "price_missing":
        if error.field in TIMED_MODALITIES:
            return _("The pay scale from %(day)s has no price for this way of working "
                     "(%(modality)s).", day=since, modality=Modality(error.field).label)
        missing = {"per_km": _("per kilometre"), "per_word": _("per word"),
                   "per_page": _("per page"),
                   "late_cancellation_charge": _("for a late cancellation")}
        if error.field in missing:
            return _("The pay scale from %(day)s has no price %(what)s.", day=since,
                     what=missing[error.field])
    if isinstance(error, WorkError):
        if error.code == "size_missing":
            return _("The sheet gives neither the words nor the pages of the translation.")
        return _("The sheet's figures cannot be priced (%(field)s): correct the sheet.",
                 field=error.field)
    return _("The pay scale from %(day)s cannot price it (%(field)s).", day=since,
             field=error.field)


def _sheets(month: date, service_id: int | None, person_id: int | None):
    """The settled, payable sheets whose work falls in the month, with their current
    version, in a fixed number of queries (however many sheets)."""
    def of_month(statement):
        statement = (statement.join(Booking, BOOKING).join(SheetVersion, CURRENT_VERSION)
                     .where(CompletionSheet.status == SheetStatus.SETTLED,
                            CompletionSheet.payable.is_(True), in_month(month)))
        if service_id is not None:
            statement = statement.where(CompletionSheet.service_id == service_id)
        if person_id is not None:
            statement = statement.where(Booking.person_id == person_id)
        return statement

    rows = db.session.execute(
        of_month(select(CompletionSheet, SheetVersion))
        # The people without what they always bring along (regions, ways of working,
        # domains: a query per 500 people), which a statement never shows.
        .options(contains_eager(CompletionSheet.booking).joinedload(Booking.person)
                 .lazyload("*"),
                 joinedload(CompletionSheet.request)
                 .joinedload(InterpretingRequest.organisation),
                 joinedload(CompletionSheet.service))
        .order_by(CompletionSheet.id)).all()
    load_versions([sheet for sheet, _version in rows])
    return rows


def _statements(month: date, service_id: int | None = None,
                person_id: int | None = None) -> list[Statement]:
    rows = _sheets(month, service_id, person_id)
    pay_scales = price_lists_of(PriceListKind.PAY_SCALE,
                                {sheet.service_id for sheet, _version in rows})
    statements: dict[tuple[int, int], Statement] = {}
    for sheet, version in rows:
        person = sheet.booking.person
        statement = statements.setdefault(
            (sheet.service_id, person.id), Statement(sheet.service, person, month))
        day = work_day(sheet, version)
        pay_scale = in_force(pay_scales[sheet.service_id], day)
        if pay_scale is None:
            statement.unpriced.append(Unpriced(sheet, version, day, _(
                "No pay scale was in force on %(day)s.", day=format_day(day))))
            continue
        try:
            charges = charge_lines(Work(**version.work_fields()), pay_scale.as_tariff())
        except (TariffError, WorkError) as error:
            statement.unpriced.append(Unpriced(sheet, version, day,
                                               _reason(error, pay_scale)))
            continue
        statement.lines.append(StatementLine(sheet, version, day, pay_scale, charges))
    for statement in statements.values():
        statement.lines.sort(key=lambda line: (line.day, line.sheet.id))
        statement.unpriced.sort(key=lambda item: (item.day, item.sheet.id))
    return sorted(statements.values(),
                  key=lambda s: (s.service.name, s.person.last_name, s.person.first_name,
                                 s.person.id))


def may_read(acting, service_id: int, person_id: int) -> bool:
    """The interpreter reads their own statements; a service's dispatchers all of its."""
    return acting.is_person(person_id) or acting.dispatches_for(service_id)


def statement(acting, service, person, month: date) -> Statement:
    """One interpreter's statement with one service for a month (empty when nothing of
    theirs was settled)."""
    require(may_read(acting, service.id, person.id), "not their statement")
    found = _statements(month, service.id, person.id)
    return found[0] if found else Statement(service, person, month)


def of_person(acting, person_id: int, month: date) -> list[Statement]:
    """An interpreter's statements of a month, one per service they worked for."""
    require(acting.is_person(person_id), "only their own")
    return _statements(month, person_id=person_id)


def of_service(acting, service_id: int, month: date) -> list[Statement]:
    """Every interpreter's statement of a service for a month (its payroll)."""
    require(acting.dispatches_for(service_id), "only the service's dispatchers")
    return _statements(month, service_id=service_id)
