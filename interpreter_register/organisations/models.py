"""Requesting organisations and the interpreting services that serve their regions."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, enum_type
from ..core.regions import format_postcode_ranges, provinces_covered
from ..core.time import utcnow
from ..extensions import db


class OrganisationType(StrEnum):
    HOSPITAL = "hospital"
    PUBLIC_WELFARE_CENTRE = "public_welfare_centre"
    GENERAL_WELFARE_CENTRE = "general_welfare_centre"
    SCHOOL = "school"
    CHILD_AND_FAMILY = "child_and_family"
    RECEPTION_CENTRE = "reception_centre"
    LOCAL_GOVERNMENT = "local_government"
    OTHER = "other"

    @property
    def label(self):
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.HOSPITAL: _l("Hospital"),
    # Each language has its own name for it: OCMW, CPAS, ÖSHZ.
    OrganisationType.PUBLIC_WELFARE_CENTRE: _l("Public social welfare centre"),
    OrganisationType.GENERAL_WELFARE_CENTRE: _l("General welfare centre (CAW)"),
    OrganisationType.SCHOOL: _l("School"),
    OrganisationType.CHILD_AND_FAMILY: _l("Child and family service"),
    OrganisationType.RECEPTION_CENTRE: _l("Reception centre for asylum seekers"),
    OrganisationType.LOCAL_GOVERNMENT: _l("Local government"),
    OrganisationType.OTHER: _l("Other organisation"),
}

WORKING_LANGUAGES = ("nl", "fr", "de")


class ReferenceRule(StrEnum):
    """Whether an organisation needs its own purchase-order or reference number on each
    invoice, and where the requester gives it."""

    NONE = "none"        # no reference required
    MONTH = "month"      # one reference per month, given by a contact person

    @property
    def label(self):
        return {ReferenceRule.NONE: _l("No reference required"),
                ReferenceRule.MONTH: _l("A reference per month, given by a contact person")
                }[self]


class CancellationRule(StrEnum):
    """When a cancellation stops being free, as the services' rules say it."""

    PREVIOUS_WORKING_DAY = "previous_working_day"   # before 10:00 on the working day before
    WORKING_HOURS = "working_hours"                 # N hours, weekends and holidays not counted

    @property
    def label(self):
        return {CancellationRule.PREVIOUS_WORKING_DAY:
                _l("Free until 10:00 on the previous working day"),
                CancellationRule.WORKING_HOURS:
                _l("Free until a number of hours before, weekends and public holidays not "
                   "counted")}[self]


class Organisation(db.Model):
    """A requesting organisation: its social workers ask for interpreters and translations."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("working_language IN ('nl', 'fr', 'de')", name="working_language"),
        CheckConstraint("invoice_language IS NULL OR invoice_language IN ('nl', 'fr', 'de')",
                        name="invoice_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType))
    postcode: Mapped[str] = mapped_column(String(4))
    municipality: Mapped[str] = mapped_column(String(100))
    # The language its social workers usually hold conversations in; requests default to it.
    working_language: Mapped[str] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Calendar feeds show its name: a rename must change their version too.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Billing data (issue 17), kept by administrators and the organisation's contact
    # persons (billing/invoicing): where invoices go and how they must read.
    billing_street: Mapped[str | None] = mapped_column(String(200))
    billing_postcode: Mapped[str | None] = mapped_column(String(10))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    # The ten digits of the KBO/BCE number, checked mod 97 before they are stored.
    enterprise_number: Mapped[str | None] = mapped_column(String(10))
    # "scheme:identifier"; None: 0208 and the enterprise number (the Belgian default).
    peppol_id: Mapped[str | None] = mapped_column(String(100))
    reference_rule: Mapped[ReferenceRule] = mapped_column(
        enum_type(ReferenceRule, 10), default=ReferenceRule.NONE)
    # None: the working language.
    invoice_language: Mapped[str | None] = mapped_column(String(2))

    members = relationship("User", back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"

    @property
    def invoice_locale(self) -> str:
        """The language its invoices are written in."""
        return self.invoice_language or self.working_language

    @property
    def peppol_endpoint(self) -> tuple[str, str] | None:
        """Its Peppol participant (scheme, identifier), when it has one."""
        if self.peppol_id:
            scheme, _, identifier = self.peppol_id.partition(":")
            return scheme, identifier
        return ("0208", self.enterprise_number) if self.enterprise_number else None

    @property
    def has_billing_data(self) -> bool:
        """Enough to issue an invoice that Peppol accepts: an address and an identifier."""
        return bool(self.billing_street and self.billing_postcode and self.billing_city
                    and self.peppol_endpoint)


class InterpretingService(db.Model):
    """A regional interpreting and translation service; its dispatchers book interpreters."""

    __tablename__ = "interpreting_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Calendar feeds show its name: a rename must change their version too.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The service's cancellation policy (its agreements with organisations).
    cancellation_rule: Mapped[CancellationRule] = mapped_column(
        enum_type(CancellationRule, 30), default=CancellationRule.PREVIOUS_WORKING_DAY)
    cancellation_hours: Mapped[int] = mapped_column(default=48)
    late_cancellation_billable: Mapped[bool] = mapped_column(default=True)
    late_cancellation_paid: Mapped[bool] = mapped_column(default=True)
    # The time a late cancellation counts for on its completion sheet (the minimum the
    # service bills and pays for it).
    late_cancellation_minutes: Mapped[int] = mapped_column(default=60)
    # The seller on its invoices (issue 17): address, KBO/BCE number (its VAT number is BE
    # and these digits), the account organisations pay into, and the days they have.
    billing_street: Mapped[str | None] = mapped_column(String(200))
    billing_postcode: Mapped[str | None] = mapped_column(String(10))
    billing_city: Mapped[str | None] = mapped_column(String(100))
    enterprise_number: Mapped[str | None] = mapped_column(String(10))
    iban: Mapped[str | None] = mapped_column(String(34))
    payment_days: Mapped[int] = mapped_column(default=30)

    areas = relationship("ServiceArea", back_populates="service", cascade="all, delete-orphan",
                         order_by="ServiceArea.first_postcode")
    dispatchers = relationship("User", back_populates="service")

    def __repr__(self) -> str:
        return f"<InterpretingService {self.id} {self.name!r}>"

    @property
    def postcode_ranges(self) -> list[tuple[int, int]]:
        return [(area.first_postcode, area.last_postcode) for area in self.areas]

    @property
    def postcode_ranges_text(self) -> str:
        return format_postcode_ranges(self.postcode_ranges)

    @property
    def provinces(self):
        return provinces_covered(self.postcode_ranges)

    def serves(self, postcode: str | int) -> bool:
        number = int(postcode)
        return any(first <= number <= last for first, last in self.postcode_ranges)


class ServiceArea(db.Model):
    """A range of postcodes an interpreting service serves (a province is one or two ranges)."""

    __tablename__ = "service_areas"
    __table_args__ = (
        CheckConstraint("first_postcode BETWEEN 1000 AND 9999", name="first_postcode"),
        CheckConstraint("last_postcode BETWEEN first_postcode AND 9999", name="last_postcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("interpreting_services.id"), index=True)
    first_postcode: Mapped[int]
    last_postcode: Mapped[int]

    service = relationship("InterpretingService", back_populates="areas")
