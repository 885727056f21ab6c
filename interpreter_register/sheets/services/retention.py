"""Data retention for the sheets (the retention job calls these): after the setting's months
the words people wrote (remarks, reasons, dispute reasons, settlement notes) and the
receipts (file and row) are erased. The figures (times, kilometres, amounts, who filed
and settled, when) stay, for the reports and for billing. Erasing is the one change a
settled version ever undergoes."""

from datetime import datetime

from sqlalchemy import or_, select

from ...bookings.models import InterpretingRequest
from ...core import uploads
from ...extensions import db
from ..models import CompletionSheet, SheetDispute, SheetExpense, SheetVersion


def _old(before: datetime):
    return (select(CompletionSheet.id)
            .join(InterpretingRequest, CompletionSheet.request_id == InterpretingRequest.id)
            .where(InterpretingRequest.due_at < before))


def sheets_with_words(before: datetime) -> list[CompletionSheet]:
    """Sheets of work older than ``before`` that still hold words people wrote."""
    with_words = or_(SheetVersion.remarks.is_not(None), SheetVersion.reason.is_not(None),
                     SheetVersion.settlement_note.is_not(None),
                     select(SheetDispute.id).where(SheetDispute.version_id == SheetVersion.id,
                                                   SheetDispute.reason.is_not(None)).exists())
    ids = select(SheetVersion.sheet_id).where(SheetVersion.sheet_id.in_(_old(before)),
                                              with_words)
    return db.session.scalars(select(CompletionSheet).where(CompletionSheet.id.in_(ids))
                              .order_by(CompletionSheet.id)).all()


def erase_words(sheet: CompletionSheet) -> None:
    for version in sheet.versions:
        version.remarks = version.reason = version.settlement_note = None
        for dispute in version.disputes:
            dispute.reason = None


def erase_receipts(before: datetime) -> int:
    """Erase the receipts of sheets of work older than ``before``: every line lets go of
    them, then file and row go. Returns how many."""
    lines = db.session.scalars(
        select(SheetExpense).join(SheetVersion, SheetExpense.version_id == SheetVersion.id)
        .where(SheetVersion.sheet_id.in_(_old(before)), SheetExpense.receipt_id.is_not(None))
    ).all()
    receipts = {line.receipt_id: line.receipt for line in lines}
    for line in lines:
        line.receipt = None
    db.session.flush()
    for receipt in receipts.values():
        uploads.erase(receipt)
    db.session.flush()
    return len(receipts)
