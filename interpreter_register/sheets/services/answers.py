"""The requester's answer: confirm the sheet, or dispute lines of it, each with its reason
(the service then settles)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ...core import settings
from ...core.permissions import require
from ...core.rules import RuleError
from ...core.time import utcnow
from ...extensions import db
from .. import mails
from .. import settings as sheet_settings
from ..models import CompletionSheet, SheetDispute, SheetLine
from .content import lines_of
from .filing import lock


def _answerable(sheet: CompletionSheet) -> None:
    if sheet.is_settled:
        raise RuleError(_l("This sheet is already settled: it can no longer be changed."))
    if sheet.is_disputed:
        raise RuleError(_l("This sheet is disputed: the interpreting service settles it."))
    if not sheet.is_filed:
        raise RuleError(_l("Nothing is filed yet."))


def confirm(acting, sheet: CompletionSheet, now: datetime | None = None) -> None:
    """The requester confirms what the sheet says: it is settled, the booking completed."""
    now = now or utcnow()
    require(sheet.can_be_answered_by(acting), "only the organisation answers")
    lock(sheet)
    _answerable(sheet)
    sheet.confirm(acting, now)
    db.session.flush()
    mails.settled(sheet, told_requester=False)


def dispute(acting, sheet: CompletionSheet, reasons: dict, now: datetime | None = None) -> None:
    """The requester disputes lines of the sheet (line → reason); the service settles.
    Once the deadline passed, silence already counts as confirmed (unless the policy
    wants an explicit answer)."""
    now = now or utcnow()
    require(sheet.can_be_answered_by(acting), "only the organisation answers")
    lock(sheet)
    _answerable(sheet)
    if (sheet.confirm_by is not None and now > sheet.confirm_by
            and not settings.value(sheet_settings.EXPLICIT_ANSWER.key)):
        raise RuleError(_l("The time to answer has passed: the sheet counts as confirmed. "
                           "Ask the interpreting service if it is wrong."))
    allowed = lines_of(sheet)
    disputes = []
    for line, reason in reasons.items():
        line = SheetLine(line)
        if line not in allowed:
            raise RuleError(_l("This sheet has no such line."))
        reason = (reason or "").strip()
        if not reason:
            raise RuleError(_l("Say why you dispute this line: %(line)s.", line=line.label),
                            f"reason_{line.value}")
        disputes.append(SheetDispute(line=line, reason=reason[:500]))
    if not disputes:
        raise RuleError(_l("Tick the lines you dispute, each with its reason."))
    sheet.dispute(acting, disputes, now)
    db.session.flush()
    mails.disputed(sheet)
