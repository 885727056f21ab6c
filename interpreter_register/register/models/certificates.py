"""Certificates, and the history of their status, so that validity can be asked for any date."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.audit import Audited
from ...core.database import UTCDateTime, enum_type
from ...core.time import utcnow
from ...extensions import db
from .enums import Labelled, QualificationKind


class CertificateStatus(Labelled, StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


CertificateStatus.LABELS = {"valid": _l("Valid"), "suspended": _l("Suspended"),
                            "revoked": _l("Revoked"), "expired": _l("Expired")}


# The rules take anything shaped like a certificate (``issued_on``, ``valid_until`` and its
# ``status_changes`` oldest first, each with ``effective_on`` and ``status``): the models
# below, and the plain records from which the register's facts are rebuilt (facts.py).

def current_change(certificate, day: date):
    """The latest decision that took effect on or before ``day`` (None: no decision)."""
    decided = [c for c in certificate.status_changes if c.effective_on <= day]
    return decided[-1] if decided else None


def status_on(certificate, day: date) -> CertificateStatus:
    """The status in force on a day: a suspension or revocation from its date on; expired
    after ``valid_until``."""
    decided = current_change(certificate, day)
    latest = decided.status if decided is not None else CertificateStatus.VALID
    if latest in (CertificateStatus.REVOKED, CertificateStatus.SUSPENDED):
        return latest
    if day > certificate.valid_until or latest == CertificateStatus.EXPIRED:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def is_valid_on(certificate, day: date) -> bool:
    return certificate.issued_on <= day and status_on(certificate, day) == CertificateStatus.VALID


class Certificate(Audited, db.Model):
    """A certificate of a qualification: social interpreter or social translator, one pair.

    Whether it is valid is always asked for a date: issued on or before it, valid until it
    (the last day included), and neither suspended nor revoked with effect on that day.
    """

    __tablename__ = "certificates"
    __audit_entity__ = "certificate"
    __audit_fields__ = ("number", "issued_on", "valid_until", "follows_id")
    __table_args__ = (
        CheckConstraint("valid_until >= issued_on", name="valid_after_issue"),
        # Numbers are unique whatever their case: found through this on every issue.
        Index("ix_certificates_number_lower", func.lower(text("number"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualifications.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    # The re-certification date; the certificate is valid through this day.
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A renewal's certificate names the one it follows (re-certification from evidence).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    qualification = relationship("Qualification", back_populates="certificates")
    follows = relationship("Certificate", remote_side=[id])
    status_changes = relationship(
        "CertificateStatusChange", back_populates="certificate", lazy="selectin",
        order_by="(CertificateStatusChange.effective_on, CertificateStatusChange.id)")

    def __repr__(self) -> str:
        return f"<Certificate {self.number}>"

    def audit_person_id(self) -> int:
        return self.qualification.person_id

    @property
    def kind_label(self):
        if self.qualification.kind == QualificationKind.TRANSLATION:
            return _l("Social translator")
        return _l("Social interpreter")

    def status_on(self, day: date) -> CertificateStatus:
        return status_on(self, day)

    def is_valid_on(self, day: date) -> bool:
        return is_valid_on(self, day)

    def current_change(self, day: date):
        return current_change(self, day)


class CertificateStatusChange(Audited, db.Model):
    """A decision on a certificate (suspend, revoke, reinstate, mark expired) from a date on."""

    __tablename__ = "certificate_status_changes"
    # "The latest change on or before a date" is read for every certificate matching sees;
    # with the status in the index it is answered from the index alone (PostgreSQL read
    # the whole small table for each certificate otherwise).
    __table_args__ = (Index("ix_certificate_status_changes_latest",
                            "certificate_id", "effective_on", "id", "status"),)
    __audit_entity__ = "certificate"
    __audit_fields__ = ("status", "effective_on", "reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    status: Mapped[CertificateStatus] = mapped_column(enum_type(CertificateStatus, 20))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    certificate = relationship("Certificate", back_populates="status_changes")
    changed_by = relationship("User")

    def audit_key(self):
        return "certificate", self.certificate_id

    @property
    def reinstates(self) -> bool:
        """The decision made the certificate valid again (after a suspension)."""
        return self.status == CertificateStatus.VALID

    def audit_person_id(self) -> int:
        return self.certificate.qualification.person_id
