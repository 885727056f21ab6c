"""API keys: one per system of an organisation (or of a service), shown once, kept hashed."""

import hashlib
import hmac
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db

# A key reads "irk_" + its public prefix + "_" + its secret; the prefix finds the row.
KEY_MARK = "irk"


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"      # reads as well

    @property
    def label(self):
        return SCOPE_LABELS[self]


SCOPE_LABELS = {Scope.READ: _l("Read only"), Scope.WRITE: _l("Read and write")}


def hash_secret(key: str) -> str:
    """The stored form of a key. Keys are 32 random bytes, so one SHA-256 suffices (a slow
    password hash protects guessable secrets; nobody guesses 256 random bits)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(db.Model):
    """A key an organisation's (or a service's) own system calls ``/api/v1`` with.

    It acts as ``user``: the requester (or dispatcher) whose rights it has, so that every
    service the API calls checks the same permissions as for the person. A key of a user
    who is deactivated stops working with them.
    """

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("(organisation_id IS NULL) <> (service_id IS NULL)",
                        name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[Scope] = mapped_column(enum_type(Scope, 10))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"),
                                                        index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("interpreting_services.id"),
                                                   index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation")
    service = relationship("InterpretingService")
    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.prefix}>"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now: datetime) -> bool:
        """Not revoked, not expired, its organisation (or service) active, and its user
        active and still of that organisation (or service): a key never follows a person
        who moved elsewhere."""
        owner = self.organisation or self.service
        still_theirs = (self.user.requests_for(self.organisation_id)
                        if self.organisation_id is not None
                        else self.user.dispatches_for(self.service_id))
        return (not self.is_revoked and now < self.expires_at and self.user.active
                and owner.active and still_theirs)

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(key))

    def revoke(self, by, now: datetime) -> None:
        self.revoked_at = now
        self.revoked_by_id = by.id

    def can_be_managed_by(self, user) -> bool:
        """Administrators, the contact persons of the key's organisation, and the
        dispatchers of the key's service."""
        if user.is_admin:
            return True
        if self.service_id is not None:
            return user.active and user.dispatches_for(self.service_id)
        return user.can_manage_colleagues() and user.organisation_id == self.organisation_id


class IdempotentResponse(db.Model):
    """The answer to a POST sent with an ``Idempotency-Key``: the same key and body again
    get the same answer, without doing the work twice (a system that lost the answer to a
    timeout retries safely). Another body under the same key is refused."""

    __tablename__ = "api_idempotent_responses"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the method, the path and the body as sent.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
