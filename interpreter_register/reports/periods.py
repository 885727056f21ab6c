"""The period a report covers: a month, a quarter, a year or any days, in Brussels time,
read from and written to the URL so that a report can be bookmarked."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from ..core.i18n import format_day, format_month
from ..core.time import brussels_to_utc, is_accepted_day, today_in_brussels

KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    kind: str
    first: date          # first day, included
    last: date           # last day, included
    # The URL asked for a period that could not be read; the page says so.
    unreadable: bool = field(default=False, compare=False)

    @property
    def starts_at(self) -> datetime:
        return brussels_to_utc(self.first, time(0))

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive end)."""
        return brussels_to_utc(self.last + timedelta(days=1), time(0))

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        found, day = [], self.first.replace(day=1)
        while day <= self.last:
            found.append(day)
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return found

    def label(self) -> str:
        if self.kind == "month":
            return format_month(self.first)
        if self.kind == "quarter":
            return _("Quarter %(n)d of %(year)d", n=(self.first.month - 1) // 3 + 1,
                     year=self.first.year)
        if self.kind == "year":
            return str(self.first.year)
        return f"{format_day(self.first)} – {format_day(self.last)}"

    def arguments(self) -> dict:
        """The URL arguments that give this period back."""
        if self.kind == "month":
            return {"period": "month", "month": f"{self.first:%Y-%m}"}
        if self.kind == "quarter":
            return {"period": "quarter",
                    "quarter": f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"}
        if self.kind == "year":
            return {"period": "year", "year": str(self.first.year)}
        return {"period": "custom", "from": self.first.isoformat(), "to": self.last.isoformat()}


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def period_from(args) -> Period:
    """The period the URL asks for; anything unreadable, or outside the dates the product
    accepts, gives this month."""
    try:
        period = _period_from(args)
    except (ValueError, KeyError, TypeError, OverflowError):
        period = None
    if period is None or not (is_accepted_day(period.first) and is_accepted_day(period.last)):
        first = today_in_brussels().replace(day=1)
        return Period("month", first, _month_end(first), unreadable=True)
    return period


def _period_from(args) -> Period:
    today = today_in_brussels()
    kind = args.get("period", "month")
    if kind == "quarter":
        year, quarter = args.get("quarter", "").split("-Q")
        first = date(int(year), 3 * (int(quarter) - 1) + 1, 1)
        return Period("quarter", first, _month_end(first.replace(month=first.month + 2)))
    if kind == "year":
        year = int(args.get("year", today.year))
        return Period("year", date(year, 1, 1), date(year, 12, 31))
    if kind == "custom":
        first, last = date.fromisoformat(args["from"]), date.fromisoformat(args["to"])
        if last < first or (last - first).days > 3660:
            raise ValueError("a period runs forwards, at most ten years")
        return Period("custom", first, last)
    year, month = args.get("month", f"{today:%Y-%m}").split("-")
    first = date(int(year), int(month), 1)
    return Period("month", first, _month_end(first))
