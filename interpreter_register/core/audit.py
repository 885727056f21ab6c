"""The audit trail: who changed what in the register, when, from what to what.

Services write an entry in the same transaction as the change (``created``, ``changed``,
``record``). A guard at commit time refuses a transaction that changed an audited object
without an entry for it, so that no code path (view, job, command line) can forget.
"""

import json
from datetime import date, datetime
from enum import Enum

from sqlalchemy import ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .database import UTCDateTime
from .time import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None when the system did it (an import, a scheduled job).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The person of the register the change concerns, for their history page.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(30))
    changes_json: Mapped[str] = mapped_column("changes", Text, default="{}")

    actor = relationship("User")

    @property
    def changes(self) -> dict:
        return json.loads(self.changes_json or "{}")


class AuditMissing(RuntimeError):
    """A register change was about to be committed without its audit entry."""


def _plain(value):
    """A JSON-friendly form of a snapshot value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | list | tuple):
        return sorted(_plain(v) for v in value)
    return value


def record(actor, subject, action: str, changes: dict | None = None) -> AuditEntry:
    """Write an audit entry for ``subject`` (an object with ``audit_key()``)."""
    entity, entity_id = subject.audit_key()
    entry = AuditEntry(actor_id=getattr(actor, "id", None), person_id=subject.audit_person_id(),
                       entity=entity, entity_id=str(entity_id), action=action,
                       changes_json=json.dumps(changes or {}, ensure_ascii=False, sort_keys=True))
    db.session.add(entry)
    db.session.info.setdefault("audit_entries", set()).add((entity, str(entity_id)))
    return entry


def record_event(actor, entity: str, entity_id: str, action: str, changes: dict) -> AuditEntry:
    """An entry about no single object (a data-retention run, say): counts, not content."""
    entry = AuditEntry(actor_id=getattr(actor, "id", None), entity=entity,
                       entity_id=str(entity_id), action=action,
                       changes_json=json.dumps(changes, ensure_ascii=False, sort_keys=True))
    db.session.add(entry)
    return entry


def created(actor, subject, action: str = "created") -> AuditEntry:
    """Audit a new object (flush it first, so that it has its id)."""
    snapshot = {k: _plain(v) for k, v in subject.audit_snapshot().items()}
    return record(actor, subject, action,
                  {k: [None, v] for k, v in snapshot.items() if v not in (None, [], "")})


def changed(actor, subject, before: dict, action: str = "changed") -> AuditEntry | None:
    """Audit what changed since ``before`` (an earlier ``audit_snapshot()``); None if nothing."""
    old = {k: _plain(v) for k, v in before.items()}
    new = {k: _plain(v) for k, v in subject.audit_snapshot().items()}
    diff = {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}
    return record(actor, subject, action, diff) if diff else None


class Audited:
    """Mixin for models whose changes must be audited."""

    def audit_key(self) -> tuple[str, object]:
        return self.__audit_entity__, self.id

    def audit_person_id(self) -> int | None:
        return None

    def audit_snapshot(self) -> dict:
        return {name: getattr(self, name) for name in self.__audit_fields__}


def _audited_keys(objects) -> set:
    keys = (o.audit_key() for o in objects if isinstance(o, Audited))
    return {(entity, str(entity_id)) for entity, entity_id in keys}


def _columns_changed(obj) -> bool:
    """A change to the object's own data (a link from another object does not count)."""
    state = inspect(obj)
    return any(state.attrs[column.key].history.has_changes()
               for column in state.mapper.column_attrs)


@event.listens_for(Session, "after_flush")
def _remember_audited_changes(session: Session, _context) -> None:
    dirty = [o for o in session.dirty if isinstance(o, Audited) and _columns_changed(o)]
    touched = _audited_keys([*session.new, *dirty, *session.deleted])
    if touched:
        session.info.setdefault("audited_changes", set()).update(touched)


@event.listens_for(Session, "before_commit")
def _refuse_unaudited_changes(session: Session) -> None:
    session.flush()
    missing = session.info.get("audited_changes", set()) - session.info.get("audit_entries", set())
    if missing:
        raise AuditMissing(f"register changes without an audit entry: {sorted(missing)}")


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("audited_changes", None)
    session.info.pop("audit_entries", None)
