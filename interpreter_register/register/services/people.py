"""Keeping people and languages in the register. Every change is audited."""

from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, null, select

from ...core import audit
from ...core.i18n import language_label
from ...core.permissions import require
from ...core.phones import normalise_phone
from ...core.regions import Province
from ...core.rules import RuleError
from ...extensions import db
from .. import signals
from ..languages import REGISTER_LANGUAGE_NAMES
from ..models import Domain, Gender, Language, Modality, Person


def require_staff(acting) -> None:
    """Only register staff and administrators change the register (``None``: the system,
    for imports and scheduled jobs)."""
    if acting is not None:
        require(acting.keeps_register, "only register staff change the register")


# --- people ------------------------------------------------------------------------------

@dataclass
class PersonDetails:
    first_name: str
    last_name: str
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    gender: Gender | None = None
    regions: set[Province] = field(default_factory=set)
    modalities: set[Modality] = field(default_factory=set)
    domains: set[Domain] = field(default_factory=set)
    public_consent: bool = False
    show_email: bool = False
    show_phone: bool = False
    show_municipality: bool = True


def _apply(person: Person, details: PersonDetails) -> None:
    person.first_name = details.first_name.strip()
    person.last_name = details.last_name.strip()
    person.gender = details.gender or None
    person.regions = details.regions
    person.modalities = details.modalities
    person.domains = details.domains
    _apply_contact(person, details)


def _apply_contact(person: Person, details) -> None:
    """Contact data and consent: what staff and the interpreter themselves both keep."""
    person.email = (details.email or "").strip().lower() or None
    person.phone = normalise_phone(details.phone)
    person.postcode = details.postcode or None
    person.municipality = (details.municipality or "").strip() or None
    person.public_consent = details.public_consent
    person.show_email = details.show_email
    person.show_phone = details.show_phone
    person.show_municipality = details.show_municipality


def _check_email_free(email: str | None, person: Person | None) -> None:
    if not email:
        return
    other = db.session.scalar(select(Person).where(func.lower(Person.email) == email.lower()))
    if other is not None and other is not person:
        raise RuleError(_l("Another person in the register has this e-mail address."), "email")


def create_person(acting, details: PersonDetails) -> Person:
    require_staff(acting)
    _check_email_free(details.email, None)
    person = Person()
    _apply(person, details)
    db.session.add(person)
    db.session.flush()
    audit.created(acting, person)
    return person


def update_person(acting, person: Person, details: PersonDetails) -> Person:
    require_staff(acting)
    _check_email_free(details.email, person)
    before = person.audit_snapshot()
    _apply(person, details)
    audit.changed(acting, person, before)
    db.session.flush()
    return person


@dataclass
class ContactDetails:
    """What interpreters keep themselves: how to reach them and what the public may see."""

    email: str | None
    phone: str | None
    postcode: str | None
    municipality: str | None
    public_consent: bool
    show_email: bool
    show_phone: bool
    show_municipality: bool


def update_own_contact(acting, person: Person, details: ContactDetails) -> Person:
    require(acting.is_person(person.id), "interpreters change only their own contact data")
    if not ((details.email or "").strip() or (details.phone or "").strip()):
        # Services and requesters must be able to reach the person about a booking.
        raise RuleError(_l("Keep at least an e-mail address or a telephone number, so that "
                           "the interpreting services can reach you."), "email")
    _check_email_free(details.email, person)
    before = person.audit_snapshot()
    _apply_contact(person, details)
    audit.changed(acting, person, before)
    db.session.flush()
    return person


def set_person_active(acting, person: Person, active: bool) -> None:
    """People are deactivated, never deleted: their history and bookings stay."""
    require_staff(acting)
    before = person.audit_snapshot()
    person.active = active
    audit.changed(acting, person, before, action="activated" if active else "deactivated")
    db.session.flush()
    if not active:
        signals.person_deactivated.send(person)


# --- languages ---------------------------------------------------------------------------

def _cldr_codes() -> set[str]:
    return {code for code in Locale("en").languages if "_" not in code}


def check_language_code(code: str) -> str:
    """The code as the register keeps it; refuses what is not ISO 639 or has a shorter code."""
    code = (code or "").strip().lower()
    if code in REGISTER_LANGUAGE_NAMES:
        return code
    alias = get_global("language_aliases").get(code)
    if alias and "_" not in alias and len(alias) == 2 and alias in _cldr_codes():
        raise RuleError(_l("Use the ISO 639-1 code “%(short)s” for this language.",
                           short=alias), "code")
    if code not in _cldr_codes():
        raise RuleError(_l("“%(code)s” is not an ISO 639 language code the register knows.",
                           code=code), "code")
    return code


def add_language(acting, code: str, names: dict | None = None) -> Language:
    require_staff(acting)
    code = check_language_code(code)
    if db.session.get(Language, code) is not None:
        raise RuleError(_l("This language is already in the register."), "code")
    own = {**REGISTER_LANGUAGE_NAMES.get(code, {}),
           **{k: v for k, v in (names or {}).items() if v}}
    if code not in _cldr_codes() and not all(own.get(k) for k in ("nl", "fr", "de")):
        raise RuleError(_l("The locale data has no name for this language: give its name in "
                           "Dutch, French and German."), "name_nl")
    language = Language(code=code, **{f"name_{k}": own.get(k) for k in ("nl", "fr", "de", "en")})
    db.session.add(language)
    db.session.flush()
    audit.created(acting, language)
    return language


def rename_language(acting, language: Language, names: dict) -> None:
    """Set the register's own names (empty means: use the locale data's name)."""
    require_staff(acting)
    if language.code not in _cldr_codes() and not all(names.get(k) for k in ("nl", "fr", "de")):
        raise RuleError(_l("The locale data has no name for this language: give its name in "
                           "Dutch, French and German."), "name_nl")
    before = language.audit_snapshot()
    for key in ("nl", "fr", "de", "en"):
        setattr(language, f"name_{key}", (names.get(key) or "").strip() or None)
    audit.changed(acting, language, before)
    db.session.flush()


def language_choices(ui_language: str) -> tuple[tuple[str, str], ...]:
    """The register's languages as (code, name) in the reader's language, by name.

    Only codes and the register's own names are read; the naming and sorting are done
    once per set of languages (at ten times the sector's scale they were two thirds of
    the dispatcher's queue page, see docs/scaling.md).
    """
    own = Language.__table__.c.get(f"name_{ui_language}")
    rows = db.session.execute(select(Language.code, own if own is not None else null()))
    return _named_languages(ui_language, tuple(map(tuple, rows)))


@lru_cache(maxsize=8)
def _named_languages(ui_language: str, rows: tuple) -> tuple[tuple[str, str], ...]:
    named = ((code, language_label(code, ui_language, own)) for code, own in rows)
    return tuple(sorted(named, key=lambda pair: pair[1].casefold()))
