"""What an organisation's requests cost, per month: per requester and in total, from the
invoices as issued (credit notes subtracted). A contact person reads the whole
organisation; a plain requester only the lines of their own requests."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ...auth.models import User
from ...core.time import today_in_brussels
from ...extensions import db
from .models import Invoice, InvoiceLine


@dataclass
class CostOverview:
    whole_organisation: bool
    per_requester: list = field(default_factory=list)   # [(User, net)]
    total: Decimal = Decimal("0.00")
    invoices: list = field(default_factory=list)


def recent_months(count: int = 13) -> list[date]:
    first = today_in_brussels().replace(day=1)
    return [first - relativedelta(months=n) for n in range(1, count + 1)]


def overview(user, period: date) -> CostOverview:
    whole = user.can_manage_colleagues()
    statement = (select(InvoiceLine, Invoice.kind).join(Invoice)
                 .where(Invoice.organisation_id == user.organisation_id,
                        Invoice.period == period))
    if not whole:
        statement = statement.where(InvoiceLine.requester_id == user.id)
    sums: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line, kind in db.session.execute(statement):
        sums[line.requester_id] += -line.amount if kind == "credit_note" else line.amount
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(sums)))}
    result = CostOverview(whole, sorted(((people[i], amount) for i, amount in sums.items()),
                                        key=lambda pair: pair[0].name.lower()))
    result.total = sum(sums.values(), Decimal("0.00"))
    if whole:
        result.invoices = db.session.scalars(select(Invoice).where(
            Invoice.organisation_id == user.organisation_id, Invoice.period == period)
            .order_by(Invoice.year, Invoice.sequence)).all()
    return result
