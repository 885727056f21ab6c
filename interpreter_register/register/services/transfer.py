"""Import the register from CSV, export it to CSV and XLSX.

The column set (one row per qualification, or per certificate; a person's details are
repeated on each of their rows and they are recognised by e-mail address, or by name
when there is none):

first_name, last_name, email, phone, postcode, municipality, gender (female|male|x),
regions (province codes, separated by |), modalities (on_site|phone|video|written),
domains, public_consent, show_email, show_phone, show_municipality (yes/no),
kind (interpreting|translation), language (ISO 639), working_language (nl|fr|de),
direction (both|into_working|from_working), certificate_number, issued_on, valid_until
(2026-03-12 or 12/03/2026).

Every row is checked before anything is written; a file with an error changes nothing.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core.database import column_length
from ...core.phones import normalise_phone
from ...core.regions import Province, is_postcode
from ...core.rules import RuleError
from ...core.spreadsheets import csv_bytes, unguarded, xlsx_bytes
from ...core.time import FIRST_DAY, LAST_DAY, is_accepted_day
from ...extensions import db
from .. import facts
from ..models import (
    Certificate,
    Direction,
    Domain,
    Gender,
    ImportRun,
    Language,
    Modality,
    Person,
    Qualification,
    QualificationKind,
)
from . import credentials, people

COLUMNS = ("first_name", "last_name", "email", "phone", "postcode", "municipality", "gender",
           "regions", "modalities", "domains", "public_consent", "show_email", "show_phone",
           "show_municipality", "kind", "language", "working_language", "direction",
           "certificate_number", "issued_on", "valid_until")
REQUIRED_COLUMNS = ("first_name", "last_name")
# The columns stored as they are: no longer than their column in the register holds.
STORED_AS_IS = {"first_name": Person.first_name, "last_name": Person.last_name,
                "email": Person.email, "phone": Person.phone, "postcode": Person.postcode,
                "municipality": Person.municipality, "certificate_number": Certificate.number}
# No control characters in a field (a line break inside quotes, a NUL byte).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
YES = {"yes", "y", "true", "1", "ja", "j", "oui", "o", "x"}
NO = {"no", "n", "false", "0", "nee", "non", "nein", ""}


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int
    key: str
    person: people.PersonDetails
    qualification: tuple | None = None          # (kind, language, working language, direction)
    certificate: tuple | None = None            # (number, issued on, valid until or None)


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, no header)."""


# --- reading -----------------------------------------------------------------------------

def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(row number, values by column) for each non-empty data row; row 1 is the header.

    UTF-8 with or without a byte order mark; separated by ; (as Belgian Excel writes),
    or , or tabs.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(_("The file is not in UTF-8. Save it as “CSV UTF-8”.")) from error
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    first_line = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _rows(reader)
    except csv.Error as error:
        # A field longer than any the register holds (csv refuses them over 128 KiB).
        raise FileProblem(_("Row %(row)d cannot be read: %(why)s.", row=reader.line_num,
                            why=str(error))) from error


def _rows(reader) -> list[tuple[int, dict]]:
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing:
        raise FileProblem(_("The first row must name the columns. Unknown: %(unknown)s. "
                            "Missing: %(missing)s.", unknown=", ".join(unknown) or "—",
                            missing=", ".join(missing) or "—"))
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(header) - len(values))
        rows.append((number, {h: unguarded(v.strip())
                              for h, v in zip(header, padded, strict=False) if h}))
    return rows


def _parse_date(text: str) -> date:
    """A date in one of the usual ways of writing it, within the accepted range."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        if is_accepted_day(day):
            return day
    raise ValueError(text)


def _date_message() -> str:
    return _("Write a date like 2026-03-12 or 12/03/2026, from %(first)s to %(last)s.",
             first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())


def _parse_set(text: str, enum, column: str, problems: list, number: int) -> set:
    values = set()
    for part in filter(None, (p.strip().lower() for p in re.split(r"[|,]", text or ""))):
        try:
            values.add(enum(part))
        except ValueError:
            problems.append(Problem(number, column, _(
                "“%(value)s” is not one of: %(allowed)s.", value=part,
                allowed=", ".join(e.value for e in enum))))
    return values


def _parse_bool(text: str, column: str, default: bool, problems, number) -> bool:
    value = (text or "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return default if value == "" else False
    problems.append(Problem(number, column, _("Write yes or no.")))
    return default


def parse_row(number: int, raw: dict, problems: list) -> Row | None:
    """Check one row; add what is wrong to ``problems``; return it parsed when all is well."""
    before = len(problems)

    def problem(column, message):
        problems.append(Problem(number, column, str(message)))

    for column in REQUIRED_COLUMNS:
        if not raw.get(column):
            problem(column, _("This column cannot be empty."))
    unfit = len(problems)
    for column, value in raw.items():
        if _CONTROL.search(value):
            problem(column, _("This field holds a line break or another control character."))
        limit = column_length(STORED_AS_IS[column]) if column in STORED_AS_IS else 500
        if len(value) > limit:
            problem(column, _("At most %(n)d characters.", n=limit))
    if len(problems) > unfit:
        return None
    email = raw.get("email") or None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problem("email", _("This is not a valid e-mail address."))
    try:
        normalise_phone(raw.get("phone"))
    except RuleError as error:
        problem("phone", error.message)
    if raw.get("postcode") and not is_postcode(raw["postcode"]):
        problem("postcode", _("A Belgian postcode has four digits, from 1000 to 9999."))
    gender = None
    if raw.get("gender"):
        try:
            gender = Gender(raw["gender"].lower())
        except ValueError:
            problem("gender", _("Write female, male or x, or leave it empty."))
    details = people.PersonDetails(
        first_name=raw.get("first_name", ""), last_name=raw.get("last_name", ""), email=email,
        phone=raw.get("phone"), postcode=raw.get("postcode") or None,
        municipality=raw.get("municipality"), gender=gender,
        regions=_parse_set(raw.get("regions"), Province, "regions", problems, number),
        modalities=_parse_set(raw.get("modalities"), Modality, "modalities", problems, number),
        domains=_parse_set(raw.get("domains"), Domain, "domains", problems, number),
        public_consent=_parse_bool(raw.get("public_consent"), "public_consent", False,
                                   problems, number),
        show_email=_parse_bool(raw.get("show_email"), "show_email", False, problems, number),
        show_phone=_parse_bool(raw.get("show_phone"), "show_phone", False, problems, number),
        show_municipality=_parse_bool(raw.get("show_municipality"), "show_municipality", True,
                                      problems, number))
    qualification = _parse_qualification(raw, problem)
    certificate = _parse_certificate(raw, qualification, problem)
    if len(problems) > before:
        return None
    key = email or f"{details.first_name.strip().lower()} {details.last_name.strip().lower()}"
    return Row(number, key, details, qualification, certificate)


def _parse_qualification(raw: dict, problem) -> tuple | None:
    given = [raw.get(c) for c in ("kind", "language", "working_language", "direction")]
    if not any(given):
        return None
    try:
        kind = QualificationKind((raw.get("kind") or "").lower())
    except ValueError:
        problem("kind", _("Write interpreting or translation."))
        return None
    try:
        language = people.check_language_code(raw.get("language", ""))
    except RuleError as error:
        problem("language", error.message)
        return None
    working = (raw.get("working_language") or "").lower()
    if working not in ("nl", "fr", "de"):
        problem("working_language", _("Write nl, fr or de."))
        return None
    if working == language:
        problem("language", _("A language pair needs two different languages."))
        return None
    direction_text = (raw.get("direction") or "").lower()
    if kind == QualificationKind.INTERPRETING:
        direction = Direction.BOTH
    elif direction_text in (Direction.INTO_WORKING, Direction.FROM_WORKING):
        direction = Direction(direction_text)
    else:
        problem("direction", _("For a translation, write into_working or from_working."))
        return None
    return kind, language, working, direction


def _parse_certificate(raw: dict, qualification, problem) -> tuple | None:
    number = raw.get("certificate_number")
    if not number:
        if raw.get("issued_on") or raw.get("valid_until"):
            problem("certificate_number", _("A certificate needs its number."))
        return None
    if qualification is None:
        problem("certificate_number", _("A certificate belongs to a language pair: fill in "
                                        "kind, language and working language."))
        return None
    try:
        issued_on = _parse_date(raw.get("issued_on", ""))
    except ValueError:
        problem("issued_on", _date_message())
        return None
    valid_until = None
    if raw.get("valid_until"):
        try:
            valid_until = _parse_date(raw["valid_until"])
        except ValueError:
            problem("valid_until", _date_message())
            return None
        if valid_until < issued_on:
            problem("valid_until", _("A certificate cannot be valid until a day before it "
                                     "was issued."))
            return None
    return number, issued_on, valid_until


def check_file(rows: list[tuple[int, dict]]) -> tuple[list[Row], list[Problem]]:
    """Every row on its own, then the rows together and against the register."""
    problems: list[Problem] = []
    parsed = [r for r in (parse_row(n, raw, problems) for n, raw in rows) if r is not None]
    first_of: dict[str, Row] = {}
    numbers: dict[str, Row] = {}
    for row in parsed:
        first = first_of.setdefault(row.key, row)
        if first.person != row.person:
            problems.append(Problem(row.number, "email", _(
                "The details of this person differ from row %(row)d.", row=first.number)))
        if row.certificate:
            number = row.certificate[0].lower()
            if number in numbers:
                problems.append(Problem(row.number, "certificate_number", _(
                    "This certificate number is also on row %(row)d.",
                    row=numbers[number].number)))
            numbers[number] = row
    problems.extend(_clashes_with_register(numbers))
    return parsed, sorted(problems, key=lambda p: (p.row, COLUMNS.index(p.column)
                                                   if p.column in COLUMNS else 0))


def _clashes_with_register(numbers: dict[str, Row]) -> list[Problem]:
    """Certificate numbers the register already gives to another person or pair."""
    if not numbers:
        return []
    existing = db.session.execute(
        select(func.lower(Certificate.number), Qualification, Person.email)
        .join(Certificate.qualification).join(Qualification.person)
        .where(func.lower(Certificate.number).in_(list(numbers)))).all()
    problems = []
    for number, qualification, email in existing:
        row = numbers[number]
        same = (email or "").lower() == row.key and (
            qualification.kind, qualification.language_code, qualification.working_language,
            qualification.direction) == row.qualification
        if not same:
            problems.append(Problem(row.number, "certificate_number", _(
                "Certificate number %(number)s is already in use.", number=row.certificate[0])))
    return problems


# --- writing -----------------------------------------------------------------------------

def check_upload(run: ImportRun, data: bytes) -> list[tuple[int, dict]] | None:
    """Check a whole file before anything is written: its rows, when every one is right;
    otherwise None, with every problem recorded on ``run`` (row, column, message)."""
    try:
        rows = read_rows(data)
    except FileProblem as error:
        run.errors_json = json.dumps([[1, "", str(error)]], ensure_ascii=False)
        return None
    _parsed, problems = check_file(rows)
    run.rows = len(rows)
    if problems:
        run.errors_json = json.dumps([[p.row, p.column, p.message] for p in problems],
                                     ensure_ascii=False)
        return None
    return rows


def write_rows(acting, run: ImportRun, rows: list[tuple[int, dict]]) -> None:
    """Write checked rows (audited), counting what they added on ``run``. Writing a row
    again finds what it wrote before and adds nothing: a chunk that was interrupted is
    simply written once more. A rule that refuses a row raises ``RuleError`` with the
    row's number as ``row``."""
    problems: list[Problem] = []
    seen: set[int] = set()
    # The tiers of the pairs a chunk wrote are worked out once, after its last row.
    with facts.batched():
        for number, raw in rows:
            parsed = parse_row(number, raw, problems)
            if parsed is None:  # the register changed since the check (a language removed)
                raise RowRefused(number, problems[-1].column, problems[-1].message)
            try:
                with db.session.begin_nested():
                    _write(acting, parsed, run, seen)
            except RuleError as error:
                raise RowRefused(number, error.field or "", str(error.message)) from error


class RowRefused(Exception):
    """A checked row that a rule refused while it was written."""

    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def _write(acting, row: Row, run: ImportRun, seen: set[int]) -> None:
    """Write one checked row: the person (once per file), the pair, the certificate."""
    person = _find_person(row)
    if person is None:
        person = people.create_person(acting, row.person)
        run.people_created += 1
    elif person.id not in seen:
        before = person.audit_snapshot()
        people.update_person(acting, person, row.person)
        run.people_updated += before != person.audit_snapshot()
    seen.add(person.id)
    if row.qualification is None:
        return
    kind, language, working, direction = row.qualification
    if db.session.get(Language, language) is None:
        people.add_language(acting, language)
    qualification = next((q for q in person.qualifications
                          if (q.kind, q.language_code, q.working_language, q.direction)
                          == row.qualification), None)
    if qualification is None:
        qualification = credentials.add_qualification(acting, person, kind, language, working,
                                                      direction)
        run.qualifications_added += 1
    if row.certificate and not any(c.number.lower() == row.certificate[0].lower()
                                   for c in qualification.certificates):
        credentials.issue_certificate(acting, qualification, *row.certificate)
        run.certificates_added += 1


def _find_person(row: Row) -> Person | None:
    if "@" in row.key:
        return db.session.scalar(select(Person).where(func.lower(Person.email) == row.key))
    return db.session.scalar(select(Person).where(
        func.lower(Person.first_name) == row.person.first_name.strip().lower(),
        func.lower(Person.last_name) == row.person.last_name.strip().lower(),
        Person.email.is_(None)))


# --- export ------------------------------------------------------------------------------

def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def export_rows():
    """The register as rows of COLUMNS, in the format the import reads back."""
    from .search import with_credentials
    persons = db.session.scalars(with_credentials(
        select(Person).order_by(Person.last_name, Person.first_name, Person.id))).all()
    for person in persons:
        base = {
            "first_name": person.first_name, "last_name": person.last_name,
            "email": person.email or "", "phone": person.phone or "",
            "postcode": person.postcode or "", "municipality": person.municipality or "",
            "gender": person.gender.value if person.gender else "",
            "regions": "|".join(sorted(p.value for p in person.regions)),
            "modalities": "|".join(sorted(m.value for m in person.modalities)),
            "domains": "|".join(sorted(d.value for d in person.domains)),
            "public_consent": _yes(person.public_consent), "show_email": _yes(person.show_email),
            "show_phone": _yes(person.show_phone),
            "show_municipality": _yes(person.show_municipality),
        }
        if not person.qualifications:
            yield {**dict.fromkeys(COLUMNS, ""), **base}
        for qualification in person.qualifications:
            pair = {"kind": qualification.kind.value, "language": qualification.language_code,
                    "working_language": qualification.working_language,
                    "direction": qualification.direction.value}
            certificates = qualification.certificates or [None]
            for certificate in certificates:
                yield {**dict.fromkeys(COLUMNS, ""), **base, **pair, **({
                    "certificate_number": certificate.number,
                    "issued_on": certificate.issued_on.isoformat(),
                    "valid_until": certificate.valid_until.isoformat()} if certificate else {})}


def export_csv() -> bytes:
    """UTF-8 with a byte order mark and ; between fields, as Belgian Excel opens it."""
    return csv_bytes(COLUMNS, ([row[c] for c in COLUMNS] for row in export_rows()))


def export_xlsx() -> bytes:
    return xlsx_bytes("register", COLUMNS,
                      ([row[c] for c in COLUMNS] for row in export_rows()))
