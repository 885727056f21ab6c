"""Invoices and credit notes as issued: immutable once written.

An invoice keeps its own lines, amounts, parties and language; nothing it shows is read
again from the sheets, the tariff or the organisation. A correction is a credit note that
refers to it (and, when needed, a new invoice for the sheets it credited).

Which settled sheet is billed where is the ledger ``BilledSheet``: one open row per sheet
(a partial unique index), closed by the credit note that reverses it. The ledger is not
part of the invoice, so closing a row changes no issued document.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from ...register.models.enums import Labelled

MONEY = Numeric(12, 2)


class InvoiceKind(Labelled, StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


InvoiceKind.LABELS = {"invoice": _l("Invoice"), "credit_note": _l("Credit note")}


class InvoiceStatus(Labelled, StrEnum):
    ISSUED = "issued"   # numbered and final; downloadable
    SENT = "sent"       # delivered to the organisation's Peppol access point


InvoiceStatus.LABELS = {"issued": _l("Issued"), "sent": _l("Sent by Peppol")}


class ImmutableInvoice(Exception):
    """An issued invoice or one of its lines was about to change."""


class InvoiceCounter(db.Model):
    """The last number a service issued in a year: locked while an invoice takes the next
    one, so numbers run without gap or duplicate however many runs go at once."""

    __tablename__ = "invoice_counters"

    service_id: Mapped[int] = mapped_column(ForeignKey("interpreting_services.id"),
                                            primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("service_id", "year", "sequence", name="uq_invoice_sequence"),
        UniqueConstraint("service_id", "number", name="uq_invoice_number"),
        CheckConstraint("language IN ('nl', 'fr', 'de')", name="language"),
        CheckConstraint("(kind = 'credit_note') = (corrects_id IS NOT NULL)",
                        name="credit_note_corrects"),
        Index("ix_invoices_service_period", "service_id", "period"),
        Index("ix_invoices_organisation_period", "organisation_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("interpreting_services.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[InvoiceKind] = mapped_column(enum_type(InvoiceKind, 20))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(20))
    issue_date: Mapped[date]
    period: Mapped[date]        # the first day of the month billed
    due_date: Mapped[date]
    payment_reference: Mapped[str] = mapped_column(String(21))
    language: Mapped[str] = mapped_column(String(2))
    order_reference: Mapped[str | None] = mapped_column(String(60))
    net: Mapped[Decimal] = mapped_column(MONEY)
    vat: Mapped[Decimal] = mapped_column(MONEY)
    total: Mapped[Decimal] = mapped_column(MONEY)
    # [[category, rate, taxable, vat], ...] as text: the VAT breakdown as issued.
    vat_breakdown: Mapped[list] = mapped_column(JSON)
    vat_exemption_reason: Mapped[str | None] = mapped_column(String(200))
    # The seller and the buyer as they were on the issue date (name, address, numbers).
    seller: Mapped[dict] = mapped_column(JSON)
    buyer: Mapped[dict] = mapped_column(JSON)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    reason: Mapped[str | None] = mapped_column(String(500))   # why a credit note
    # Sending: the only columns that change after issue.
    status: Mapped[InvoiceStatus] = mapped_column(enum_type(InvoiceStatus, 10),
                                                  default=InvoiceStatus.ISSUED)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_result: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    service = relationship("InterpretingService")
    organisation = relationship("Organisation")
    corrects = relationship("Invoice", remote_side=[id], foreign_keys=[corrects_id],
                            back_populates="credit_notes")
    credit_notes = relationship("Invoice", foreign_keys=[corrects_id],
                                back_populates="corrects", order_by="Invoice.id")
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position",
        cascade="all, delete-orphan")

    # What may change once issued: its sending.
    MUTABLE = frozenset({"status", "sent_at", "send_result"})

    def __repr__(self) -> str:
        return f"<Invoice {self.number} {self.kind}>"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE

    @property
    def is_sent(self) -> bool:
        return self.status == InvoiceStatus.SENT

    @property
    def sheet_ids(self) -> list[int]:
        return sorted({line.sheet_id for line in self.lines})

    def can_be_seen_by(self, user) -> bool:
        """The service's dispatchers and the organisation's contact persons (a plain
        requester reads the costs of their own requests only: see costs)."""
        return user.dispatches_for(self.service_id) or (
            user.requests_for(self.organisation_id) and user.is_contact_person)

    def can_be_credited_by(self, user) -> bool:
        return user.dispatches_for(self.service_id) and not self.is_credit_note

    def mark_sent(self, now: datetime, result: str) -> None:
        self.status, self.sent_at, self.send_result = InvoiceStatus.SENT, now, result[:200]

    def vat_rows(self) -> list[tuple[str, Decimal, Decimal, Decimal]]:
        return [(c, Decimal(r), Decimal(t), Decimal(v)) for c, r, t, v in self.vat_breakdown]


class InvoiceLine(db.Model):
    """One line of an issued invoice: the words come from ``kind`` and ``params`` in the
    invoice's language; the figures are as issued (a credit note's are positive too: the
    document says it credits)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "position", name="uq_invoice_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int]
    sheet_id: Mapped[int] = mapped_column(ForeignKey("completion_sheets.id"), index=True)
    sheet_version: Mapped[int]
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    service_date: Mapped[date]
    language_code: Mapped[str] = mapped_column(String(10))
    modality: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    vat_category: Mapped[str] = mapped_column(String(2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    sheet = relationship("CompletionSheet")
    request = relationship("InterpretingRequest")
    requester = relationship("User")


class BilledSheet(db.Model):
    """Sheet X is billed by invoice Y (until credit note Z reverses it): a sheet is open on
    one invoice at most, which the database holds even against two runs at once."""

    __tablename__ = "billed_sheets"
    __table_args__ = (
        Index("uq_billed_sheet_open", "sheet_id", unique=True,
              sqlite_where=text("credit_note_id IS NULL"),
              postgresql_where=text("credit_note_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("completion_sheets.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))

    invoice = relationship("Invoice", foreign_keys=[invoice_id])


class MonthReference(db.Model):
    """The purchase-order or reference number an organisation gives for one month."""

    __tablename__ = "billing_month_references"
    __table_args__ = (UniqueConstraint("organisation_id", "period", name="uq_month_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    period: Mapped[date]
    reference: Mapped[str] = mapped_column(String(60))
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_issued(session, _context, _instances) -> None:
    """Issued invoices are immutable: a changed or deleted invoice or line is refused here,
    whichever code tried (only the sending columns may change)."""
    for item in session.dirty:
        if isinstance(item, Invoice):
            state = db.inspect(item)
            columns = set(state.mapper.column_attrs.keys())
            changed = {a.key for a in state.attrs
                       if a.key in columns and a.history.has_changes()}
            if changed - Invoice.MUTABLE:
                raise ImmutableInvoice(f"invoice {item.number}: {sorted(changed)}")
        elif isinstance(item, InvoiceLine) and session.is_modified(item):
            raise ImmutableInvoice(f"invoice line {item.id}")
    for item in session.new:
        # A line added to an invoice already issued (in the database).
        if isinstance(item, InvoiceLine) and item.invoice is not None and (
                db.inspect(item.invoice).persistent):
            raise ImmutableInvoice(f"a line added to invoice {item.invoice.number}")
    for item in session.deleted:
        if isinstance(item, Invoice | InvoiceLine):
            raise ImmutableInvoice(f"{type(item).__name__} {item.id} deleted")
