"""Reading the audit trail of a person: what changed, in words of the reader's language."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.audit import AuditEntry
from ..core.i18n import current_language, format_day, language_label
from ..core.phones import display_phone
from ..core.regions import Province
from ..extensions import db
from .models import (
    Certificate,
    CertificateStatus,
    Direction,
    Domain,
    Gender,
    Language,
    Modality,
    QualificationKind,
    StepResult,
    TrackStep,
    Verdict,
)

ENTITIES = {"person": _l("Person"), "qualification": _l("Language pair"),
            "certificate": _l("Certificate"), "quality_step": _l("Quality track"),
            "revision_track": _l("Revision protocol"), "revision": _l("Revision"),
            "language": _l("Language"), "setting": _l("Setting")}

ACTIONS = {"created": _l("added"), "changed": _l("changed"), "issued": _l("issued"),
           "opened": _l("opened"), "activated": _l("reactivated"),
           "deactivated": _l("deactivated"), "status_valid": _l("valid again"),
           "status_suspended": _l("suspended"), "status_revoked": _l("revoked"),
           "status_expired": _l("expired")}

FIELDS = {
    "first_name": _l("First name"), "last_name": _l("Last name"),
    "email": _l("E-mail address"), "phone": _l("Telephone"), "postcode": _l("Postcode"),
    "municipality": _l("Municipality"), "gender": _l("Gender"), "active": _l("Active"),
    "public_consent": _l("In the public register"), "show_email": _l("Shows e-mail address"),
    "show_phone": _l("Shows telephone"), "show_municipality": _l("Shows municipality"),
    "regions": _l("Regions served"), "modalities": _l("Works"), "domains": _l("Specialised in"),
    "kind": _l("Work"), "language_code": _l("Language"), "working_language": _l("Working language"),
    "direction": _l("Direction"), "specialist_revisor": _l("Specialist revisor"),
    "number": _l("Certificate number"), "issued_on": _l("Issued on"),
    "valid_until": _l("Valid until"), "status": _l("Status"), "effective_on": _p("date", "From"),
    "reason": _l("Reason"), "step": _l("Step"), "taken_on": _l("Date"), "result": _l("Result"),
    "attempt": _l("Attempt"), "opened_on": _l("Start"), "revised_on": _l("Date of the revision"),
    "revisor": _l("Revisor"), "translation": _l("Translation"), "verdict": _l("Verdict"),
    "remarks": _l("Remarks"), "name_nl": _l("Name in Dutch"), "name_fr": _l("Name in French"),
    "name_de": _l("Name in German"), "name_en": _l("Name in English"), "value": _l("Value"),
    "follows_id": _l("Renews certificate"),
}

# Values stored as enum codes, shown by their label.
_ENUMS = {"gender": Gender, "kind": QualificationKind, "direction": Direction,
          "status": CertificateStatus, "step": TrackStep, "result": StepResult,
          "verdict": Verdict, "regions": Province, "modalities": Modality, "domains": Domain}


def _show(field: str, value) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    enum = _ENUMS.get(field)
    if enum is not None:
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(enum(v).label) for v in values)
    if field == "language_code":
        language = db.session.get(Language, value)
        return language.name(current_language()) if language else value
    if field == "working_language":
        return language_label(value)
    if field == "phone":
        return display_phone(value)
    if field == "follows_id":
        followed = db.session.get(Certificate, value)
        return followed.number if followed else str(value)
    if field in {"issued_on", "valid_until", "effective_on", "taken_on", "opened_on",
                 "revised_on"}:
        return format_day(date.fromisoformat(value))
    return str(value)


def describe(entry: AuditEntry) -> dict:
    return {
        "at": entry.at, "actor": entry.actor.name if entry.actor else _("the system"),
        "what": f"{ENTITIES.get(entry.entity, entry.entity)} "
                f"{ACTIONS.get(entry.action, entry.action)}",
        "changes": [(FIELDS.get(field, field), _show(field, old), _show(field, new))
                    for field, (old, new) in sorted(entry.changes.items())],
    }


def history_of(person_id: int, limit: int = 200) -> list[dict]:
    entries = db.session.scalars(
        select(AuditEntry).options(selectinload(AuditEntry.actor))
        .where(AuditEntry.person_id == person_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()
    return [describe(e) for e in entries]
