"""The register: people, the languages they work in, and their qualifications."""

from datetime import datetime
from enum import StrEnum

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, enum_type
from ..core.time import utcnow
from ..extensions import db


class Language(db.Model):
    """A language by its ISO 639 code (639-1 where one exists, else 639-3).

    Names come from the CLDR data Babel carries; the register keeps its own names for
    the languages CLDR does not name (Dari, Kurmanji, Flemish Sign Language, ...).
    """

    __tablename__ = "languages"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_nl: Mapped[str | None] = mapped_column(String(80))
    name_fr: Mapped[str | None] = mapped_column(String(80))
    name_de: Mapped[str | None] = mapped_column(String(80))
    name_en: Mapped[str | None] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Language {self.code}>"

    def name(self, ui_language: str) -> str:
        """The language's name in a UI language, capitalised as in a list or a heading."""
        own = getattr(self, f"name_{ui_language}", None)
        name = own or Locale.parse(ui_language).languages.get(self.code) or self.code
        return name[:1].upper() + name[1:]


class QualificationKind(StrEnum):
    INTERPRETING = "interpreting"
    TRANSLATION = "translation"

    @property
    def label(self):
        return {QualificationKind.INTERPRETING: _l("Interpreting"),
                QualificationKind.TRANSLATION: _l("Translation")}[self]


class Person(db.Model):
    """A social interpreter or translator in the register."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    postcode: Mapped[str | None] = mapped_column(String(4))
    municipality: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    qualifications = relationship("Qualification", back_populates="person",
                                  cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Person {self.id}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Qualification(db.Model):
    """A person's language pair for one kind of work: a language and a working language."""

    __tablename__ = "qualifications"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "language_code", "working_language",
                         name="uq_qualifications_pair"),
        CheckConstraint("working_language IN ('nl', 'fr', 'de')", name="working_language"),
        CheckConstraint("language_code <> working_language", name="two_languages"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[QualificationKind] = mapped_column(enum_type(QualificationKind, 20))
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"), index=True)
    working_language: Mapped[str] = mapped_column(String(2))

    person = relationship("Person", back_populates="qualifications")
    language = relationship("Language")
