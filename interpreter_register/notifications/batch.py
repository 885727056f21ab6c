"""What a change to several dates of a series collects while it runs, to tell each party
once (``bookings.signals.series_change``): the mails its dates would have sent one by one."""

from contextvars import ContextVar
from dataclasses import dataclass, field

from ..bookings import signals


@dataclass
class Batch:
    series: object
    action: str
    entries: list = field(default_factory=list)     # (party, kind, request, context)
    offers: list = field(default_factory=list)      # offers sent
    withdrawn: list = field(default_factory=list)   # offers taken back
    requests: list = field(default_factory=list)    # every date the change touched


# A stack: the change collecting now is the last one.
_batches: ContextVar[tuple] = ContextVar("series_batches", default=())


def collecting() -> Batch | None:
    """The series change under way, or None: mails then go out one by one."""
    stack = _batches.get()
    return stack[-1] if stack else None


def touched(request) -> None:
    batch = collecting()
    if batch is not None and request not in batch.requests:
        batch.requests.append(request)


@signals.series_change_started.connect
def _started(series, action=None, **_):
    _batches.set((*_batches.get(), Batch(series, action)))


def finish(series, completed: bool) -> Batch | None:
    """The batch of the change that ended; None when it was refused (nothing to tell:
    what it changed is rolled back)."""
    stack = _batches.get()
    if not stack:
        return None
    batch = stack[-1]
    _batches.set(stack[:-1])
    return batch if completed else None
