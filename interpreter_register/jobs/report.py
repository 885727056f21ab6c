"""What one run of a job did: counts, and the records that failed (ids, not content)."""

import logging
from collections import Counter

from ..extensions import db

log = logging.getLogger(__name__)


class Report:
    def __init__(self, job_id: str):
        self.job_id = job_id
        self.counts: Counter = Counter()
        self.errors: list[str] = []

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def each(self, kind: str, records, handle, done: str) -> None:
        """Handle each record in its own savepoint: one bad record is logged and recorded,
        and the others go on (one bad row never stops reminders for everyone)."""
        for record in records:
            try:
                with db.session.begin_nested():
                    handled = handle(record)
            except Exception as error:  # noqa: BLE001 - any failure of one record
                identity = f"{kind} {getattr(record, 'id', '?')}"
                log.warning("job %s: %s failed: %s", self.job_id, identity,
                            type(error).__name__)
                self.errors.append(f"{identity}: {type(error).__name__}")
                self.count("failed")
            else:
                if handled is not False:
                    self.count(done)
