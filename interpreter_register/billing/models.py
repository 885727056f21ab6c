"""Price lists: a service's tariff (what organisations pay) and pay scale (what interpreters
are paid), each valid from a date.

A change is a new price list from a later date, never an edit of one that priced an issued
document: invoices and statements keep their own lines, and the price list that priced them
stays readable as it was.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db
from ..register.models.enums import Labelled
from .charges import RATE_UNITS, TIMED_MODALITIES, Rate, Tariff

# Unit prices per minute or per word need more than cents (0.0850 a word); line amounts are
# rounded to the cent by billing.charges, once per line.
PRICE = Numeric(10, 4)


class PriceListKind(Labelled, StrEnum):
    TARIFF = "tariff"        # what the service charges the organisations that request
    PAY_SCALE = "pay_scale"  # what the service pays the interpreters who work for it


PriceListKind.LABELS = {"tariff": _l("Tariff"), "pay_scale": _l("Pay scale")}


def keeps_prices_of(user, service_id: int | None) -> bool:
    """Who reads and keeps a service's tariffs and pay scales: its dispatchers (the staff of
    the service) and administrators; nobody else sees them."""
    return user.is_admin or user.dispatches_for(service_id)


class PriceList(db.Model):
    """The prices of one service, of one kind, from `valid_from` until the next one."""

    __tablename__ = "price_lists"
    __table_args__ = (
        UniqueConstraint("service_id", "kind", "valid_from", name="uq_price_list_from"),
        # A rate and an exemption cannot both hold; a pay scale may state neither.
        CheckConstraint("vat_rate IS NULL OR vat_exemption_reason IS NULL",
                        name="vat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("interpreting_services.id"), index=True)
    kind: Mapped[PriceListKind] = mapped_column(enum_type(PriceListKind, 20))
    valid_from: Mapped[date]
    per_word: Mapped[Decimal | None] = mapped_column(PRICE)
    per_page: Mapped[Decimal | None] = mapped_column(PRICE)
    translation_minimum: Mapped[Decimal] = mapped_column(PRICE, default=Decimal(0))
    per_km: Mapped[Decimal | None] = mapped_column(PRICE)
    late_cancellation_charge: Mapped[Decimal | None] = mapped_column(PRICE)
    late_cancellation_travel: Mapped[bool] = mapped_column(default=False)
    waiting_time_billed: Mapped[bool] = mapped_column(default=False)
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service = relationship("InterpretingService")
    rates: Mapped[list["PriceListRate"]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan",
        order_by="PriceListRate.modality")

    def can_be_kept_by(self, user) -> bool:
        return keeps_prices_of(user, self.service_id)

    def has_started(self, today: date) -> bool:
        """In force already (or past): it may have priced an invoice or a statement, so it
        is never changed again; a change is a new price list from a later date."""
        return self.valid_from <= today

    @property
    def is_tariff(self) -> bool:
        return self.kind == PriceListKind.TARIFF

    def rate(self, modality: str) -> "PriceListRate | None":
        return next((r for r in self.rates if r.modality == modality), None)

    def as_tariff(self) -> Tariff:
        """The plain value billing.charges prices a sheet with."""
        rates = {r.modality: r.as_rate() for r in self.rates}
        return Tariff(
            on_site=rates.get("on_site"), phone=rates.get("phone"), video=rates.get("video"),
            per_word=self.per_word, per_page=self.per_page,
            translation_minimum=self.translation_minimum or Decimal(0),
            per_km=self.per_km, late_cancellation_charge=self.late_cancellation_charge,
            late_cancellation_travel=self.late_cancellation_travel,
            vat_rate=self.vat_rate, vat_exemption_reason=self.vat_exemption_reason,
            waiting_time_billed=self.waiting_time_billed)

    def __repr__(self) -> str:
        return f"<PriceList {self.service_id} {self.kind} from {self.valid_from}>"


class PriceListRate(db.Model):
    """The price of timed interpreting in one modality (billing.charges.Rate, stored)."""

    __tablename__ = "price_list_rates"
    __table_args__ = (
        UniqueConstraint("price_list_id", "modality", name="uq_price_list_rate"),
        CheckConstraint("modality IN ('" + "', '".join(TIMED_MODALITIES) + "')",
                        name="modality"),
        CheckConstraint("unit IN ('" + "', '".join(RATE_UNITS) + "')",
                        name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(ForeignKey("price_lists.id"), index=True)
    modality: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(PRICE)
    minimum_minutes: Mapped[int] = mapped_column(default=0)
    minimum_charge: Mapped[Decimal] = mapped_column(PRICE, default=Decimal(0))
    unit_minutes: Mapped[int | None]

    price_list: Mapped[PriceList] = relationship(back_populates="rates")

    def as_rate(self) -> Rate:
        return Rate(unit=self.unit, unit_price=self.unit_price,
                    minimum_minutes=self.minimum_minutes,
                    minimum_charge=self.minimum_charge or Decimal(0),
                    unit_minutes=self.unit_minutes)


def price_list_on(service_id: int, kind: PriceListKind, day: date) -> PriceList | None:
    """The price list of this kind in force at the service on `day` (None: none yet)."""
    return db.session.scalar(
        select(PriceList)
        .where(PriceList.service_id == service_id, PriceList.kind == kind,
               PriceList.valid_from <= day)
        .order_by(PriceList.valid_from.desc()).limit(1))


def price_lists_of(kind: PriceListKind, service_ids) -> dict[int, list[PriceList]]:
    """Every price list of this kind of these services with its rates, newest first, in two
    queries: a month's run or statements then pick per day with `in_force`, whatever the
    number of days (a month may straddle a change)."""
    found: dict[int, list[PriceList]] = {service_id: [] for service_id in service_ids}
    for price_list in db.session.scalars(
            select(PriceList).where(PriceList.service_id.in_(found), PriceList.kind == kind)
            .options(selectinload(PriceList.rates))
            .order_by(PriceList.valid_from.desc())):
        found[price_list.service_id].append(price_list)
    return found


def in_force(price_lists: list[PriceList], day: date) -> PriceList | None:
    """Of one service's price lists, newest first, the one in force on `day`."""
    return next((p for p in price_lists if p.valid_from <= day), None)
