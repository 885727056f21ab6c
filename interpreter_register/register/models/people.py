"""People in the register, the languages they work in, and their qualifications."""

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.audit import Audited
from ...core.database import UTCDateTime, enum_type
from ...core.i18n import language_label
from ...core.mail import Recipient
from ...core.regions import Province
from ...core.time import utcnow
from ...extensions import db
from .certificates import is_valid_on
from .enums import Direction, Domain, Gender, Modality, QualificationKind, Tier
from .tracks import revision_standing


class Language(Audited, db.Model):
    """A language by its ISO 639 code (639-1 where one exists, else 639-3).

    Names come from the CLDR data Babel carries; the register keeps its own names for
    the languages CLDR does not name (Dari, Kurmanji, Flemish Sign Language, ...).
    """

    __tablename__ = "languages"
    __audit_entity__ = "language"
    __audit_fields__ = ("name_nl", "name_fr", "name_de", "name_en")

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_nl: Mapped[str | None] = mapped_column(String(80))
    name_fr: Mapped[str | None] = mapped_column(String(80))
    name_de: Mapped[str | None] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(80))
    # Calendar feeds name the language: a rename must change their version too.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Language {self.code}>"

    def audit_key(self):
        return "language", self.code

    def name(self, ui_language: str) -> str:
        """The language's name in a UI language, capitalised as in a list or a heading."""
        return language_label(self.code, ui_language, getattr(self, f"name_{ui_language}", None))


class Person(Audited, db.Model):
    """A social interpreter or translator in the register."""

    __tablename__ = "people"
    __audit_entity__ = "person"
    __audit_fields__ = ("first_name", "last_name", "email", "phone", "postcode", "municipality",
                        "gender", "active", "public_consent", "show_email", "show_phone",
                        "show_municipality", "regions", "modalities", "domains")
    __table_args__ = (
        # People are found by address whatever its case (an import, the uniqueness check).
        Index("ix_people_email_lower", func.lower(text("email"))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # Stored in E.164 (+32470123456); shown in the international format.
    phone: Mapped[str | None] = mapped_column(String(40))
    postcode: Mapped[str | None] = mapped_column(String(4))
    municipality: Mapped[str | None] = mapped_column(String(100))
    # Optional; used only when a requester asks for an interpreter of a given gender.
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, 10))
    active: Mapped[bool] = mapped_column(default=True)
    # Consent to appear in the public register, and which contact data it may show.
    public_consent: Mapped[bool] = mapped_column(default=False)
    show_email: Mapped[bool] = mapped_column(Boolean, default=False)
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    show_municipality: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Matching facts (docs/scaling.md), kept with the rows they sum up, so that matching
    # reads them with the person and looks nothing up per holder. The three sets as their
    # values in order, separated by spaces ("on_site phone"), set with the sets below.
    modality_set: Mapped[str] = mapped_column(String(60), default="", server_default="")
    region_set: Mapped[str] = mapped_column(String(250), default="", server_default="")
    domain_set: Mapped[str] = mapped_column(String(250), default="", server_default="")
    # Live bookings confirmed from ``workload_from`` on, and the earliest of them: the count
    # is the workload of any window starting between the two (bookings/workload.py keeps
    # them; matching counts afresh for a window outside).
    workload_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # A new person has no bookings: no workload in any window ("from the beginning").
    workload_from: Mapped[datetime | None] = mapped_column(
        UTCDateTime, default=lambda: datetime(2000, 1, 1, tzinfo=UTC))
    workload_first: Mapped[datetime | None] = mapped_column(UTCDateTime)

    qualifications = relationship("Qualification", back_populates="person",
                                  order_by="Qualification.id")
    region_rows = relationship("PersonRegion", cascade="all, delete-orphan", lazy="selectin")
    modality_rows = relationship("PersonModality", cascade="all, delete-orphan",
                                 lazy="selectin")
    domain_rows = relationship("PersonDomain", cascade="all, delete-orphan", lazy="selectin")
    account = relationship("User", back_populates="person", uselist=False)

    def __repr__(self) -> str:
        return f"<Person {self.id}>"

    def audit_person_id(self) -> int:
        return self.id

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    name = full_name

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    # The three sets, each kept in a small table of its own.
    @property
    def regions(self) -> set[Province]:
        return {row.province for row in self.region_rows}

    @regions.setter
    def regions(self, provinces) -> None:
        _replace(self.region_rows, PersonRegion, "province", set(provinces))
        self.region_set = set_words(provinces)

    @property
    def modalities(self) -> set[Modality]:
        return {row.modality for row in self.modality_rows}

    @modalities.setter
    def modalities(self, modalities) -> None:
        _replace(self.modality_rows, PersonModality, "modality", set(modalities))
        self.modality_set = set_words(modalities)

    @property
    def domains(self) -> set[Domain]:
        return {row.domain for row in self.domain_rows}

    @domains.setter
    def domains(self, domains) -> None:
        _replace(self.domain_rows, PersonDomain, "domain", set(domains))
        self.domain_set = set_words(domains)

    def serves(self, province: Province) -> bool:
        return province in self.regions

    def can_be_seen_by(self, user) -> bool:
        """Staff and dispatchers read the register; an interpreter reads their own record."""
        return user.reads_register or user.is_person(self.id)

    def can_be_kept_by(self, user) -> bool:
        """Availability, leave and contact data: the person themselves, or register staff."""
        return user.keeps_register or user.is_person(self.id)

    @property
    def mail_recipient(self):
        """Where to write to the person and in which language: their account's address and
        language while they have an active one, else the register's address (language
        unknown: the mail then speaks the request's working language)."""
        account = self.account
        if account is not None and account.active:
            return Recipient(account.email, account.locale)
        return Recipient(self.email, None)

    @property
    def active_account(self):
        account = self.account
        return account if account is not None and account.active else None


def set_words(values) -> str:
    """A set of enum values as a person's row keeps it for matching: "on_site phone"."""
    return " ".join(sorted({str(value) for value in values}))


def _replace(rows: list, model, attribute: str, wanted: set) -> None:
    """Make a one-column child collection hold exactly ``wanted`` (keeping unchanged rows)."""
    for row in list(rows):
        if getattr(row, attribute) not in wanted:
            rows.remove(row)
    present = {getattr(row, attribute) for row in rows}
    rows.extend(model(**{attribute: value}) for value in sorted(wanted - present))


class _PersonSet(Audited):
    """A row of one of a person's sets: its changes are audited as changes of the person."""

    def audit_key(self):
        return "person", self.person_id

    def audit_person_id(self):
        return self.person_id


class PersonRegion(_PersonSet, db.Model):
    __tablename__ = "person_regions"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    province: Mapped[Province] = mapped_column(enum_type(Province, 20), primary_key=True)


class PersonModality(_PersonSet, db.Model):
    __tablename__ = "person_modalities"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    modality: Mapped[Modality] = mapped_column(enum_type(Modality, 20), primary_key=True)


class PersonDomain(_PersonSet, db.Model):
    __tablename__ = "person_domains"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    domain: Mapped[Domain] = mapped_column(enum_type(Domain, 30), primary_key=True)


class Qualification(Audited, db.Model):
    """A person's language pair for one kind of work.

    Interpreting pairs a language with a working language (Dutch, French or German) both
    ways; a translation qualification goes one way. Its tier on a date is computed from
    certificates, the revision protocol and the quality track, never typed in.
    """

    __tablename__ = "qualifications"
    __audit_entity__ = "qualification"
    __audit_fields__ = ("kind", "language_code", "working_language", "direction",
                        "specialist_revisor")
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "language_code", "working_language", "direction",
                         name="uq_qualifications_pair"),
        CheckConstraint("working_language IN ('nl', 'fr', 'de')", name="working_language"),
        CheckConstraint("language_code <> working_language", name="two_languages"),
        CheckConstraint("(kind = 'interpreting') = (direction = 'both')", name="direction"),
        Index("ix_qualifications_pair", "language_code", "working_language", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[QualificationKind] = mapped_column(enum_type(QualificationKind, 20))
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"))
    working_language: Mapped[str] = mapped_column(String(2))
    direction: Mapped[Direction] = mapped_column(enum_type(Direction, 20),
                                                 default=Direction.BOTH)
    # A translation specialist who may revise others' translations in this pair.
    specialist_revisor: Mapped[bool] = mapped_column(default=False)

    person = relationship("Person", back_populates="qualifications")
    language = relationship("Language", lazy="joined")
    certificates = relationship("Certificate", back_populates="qualification",
                                order_by="Certificate.issued_on")
    steps = relationship("QualityTrackStep", back_populates="qualification",
                         order_by="(QualityTrackStep.taken_on, QualityTrackStep.id)")
    revision_track = relationship("RevisionTrack", back_populates="qualification",
                                  uselist=False)

    def __repr__(self) -> str:
        return f"<Qualification {self.id} {self.kind} {self.language_code}-{self.working_language}>"

    def audit_person_id(self) -> int:
        return self.person_id

    def pair_label(self, ui_language: str) -> str:
        """"Arabic ↔ Dutch" (interpreting), "Arabic → Dutch" or "Dutch → Arabic" (translation),
        named in the reader's language."""
        language = self.language.name(ui_language)
        working = language_label(self.working_language, ui_language)
        if self.direction == Direction.FROM_WORKING:
            return f"{working} → {language}"
        arrow = "→" if self.direction == Direction.INTO_WORKING else "↔"
        return f"{language} {arrow} {working}"

    def same_pair(self, other: "Qualification") -> bool:
        return (self.kind, self.language_code, self.working_language, self.direction) == (
            other.kind, other.language_code, other.working_language, other.direction)

    def certified_on(self, day: date) -> bool:
        return any(c.is_valid_on(day) for c in self.certificates)

    def valid_certificates(self, day: date) -> list:
        return [c for c in self.certificates if c.is_valid_on(day)]

    def tier_on(self, day: date, policy) -> Tier:
        """The best tier the person holds for this pair on ``day``."""
        return tier_on(self, day, policy)


def tier_on(qualification, day: date, policy) -> Tier:
    """The rule of ``Qualification.tier_on`` for anything shaped like a qualification (its
    ``kind``, ``certificates``, ``steps`` and ``revision_track``): the models, and the plain
    records from which the register's facts are rebuilt (facts.py)."""
    if any(is_valid_on(c, day) for c in qualification.certificates):
        return Tier.CERTIFIED
    track = qualification.revision_track
    if qualification.kind == QualificationKind.TRANSLATION and track is not None:
        verdicts = [r.verdict for r in track.revisions if r.revised_on <= day]
        if revision_standing(verdicts, policy.positives_needed, policy.with_remarks).reliable:
            return Tier.RELIABLE
    if any(step.taken_on <= day for step in qualification.steps):
        return Tier.IN_TRACK
    return Tier.REGISTERED
