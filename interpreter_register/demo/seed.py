"""`flask seed-demo`: a small, realistic world on an empty database; nothing otherwise.

The register is filled through the same services the staff use, so every demo person
has an audit trail and obeys the same rules.
"""

import unicodedata
from datetime import date, time, timedelta
from itertools import cycle

from flask import current_app
from sqlalchemy import func, select

from ..api import fhir_mapping
from ..api.keys import create_key, create_service_key
from ..api.models import Scope
from ..auth import two_factor
from ..auth.models import Role, User
from ..bookings.services.requests import cancel_request, create_request
from ..core import settings
from ..core.outbox import queue_mail
from ..core.regions import Province, language_area, parse_postcode_ranges, province_of
from ..core.time import brussels_to_utc, today_in_brussels, utcnow
from ..extensions import db
from ..organisations.models import (
    InterpretingService,
    Organisation,
    OrganisationType,
    ServiceArea,
)
from ..organisations.services import merge_ranges
from ..register.models import (
    CertificateStatus,
    Direction,
    Domain,
    Gender,
    Modality,
    Person,
    QualificationKind,
    StepResult,
    TrackStep,
    Verdict,
)
from ..register.services import credentials, people
from . import world
from .bookings import seed_bookings
from .feedback import seed_feedback
from .invoices import seed_billing_data, seed_invoices
from .prices import seed_price_lists
from .webhooks import seed_webhooks

DEMO_LOGINS = {
    "password": world.DEMO_PASSWORD,
    # (role, login, who, language of their pages): every demo account, printed by
    # `flask seed-demo` so that French- and German-speaking testers find theirs too.
    "accounts": [(role, email, name or "", language)
                 for role, email, name, language, _link in world.DEMO_USERS],
    # (e-mail, key, recovery codes) of the account that signs in in two steps
    "two_step": ("admin@example.org", world.DEMO_TOTP_SECRET, world.DEMO_RECOVERY_CODES),
}

# Neighbouring provinces an interpreter living in one also serves.
NEIGHBOURS = {
    Province.EAST_FLANDERS: [Province.WEST_FLANDERS, Province.ANTWERP],
    Province.ANTWERP: [Province.FLEMISH_BRABANT, Province.LIMBURG],
    Province.BRUSSELS: [Province.FLEMISH_BRABANT, Province.WALLOON_BRABANT],
    Province.FLEMISH_BRABANT: [Province.BRUSSELS],
    Province.LIMBURG: [Province.FLEMISH_BRABANT],
    Province.WEST_FLANDERS: [Province.EAST_FLANDERS],
    Province.LIEGE: [Province.NAMUR],
    Province.HAINAUT: [Province.NAMUR],
    Province.NAMUR: [Province.HAINAUT, Province.LIEGE],
}
FEMALE_NAMES = {"Fatima", "Amina", "Leila", "Nadia", "Rania", "Mariam", "Zahra", "Shabnam",
                "Malalai", "Parwana", "Shirin", "Niloufar", "Senait", "Mehret", "Ayşe", "Elif",
                "Zeynep", "Olga", "Natalia", "Oksana", "Iryna", "Hodan", "Faadumo", "Thiziri",
                "Rojda", "Shilan", "Ioana", "Desislava", "Agnieszka"}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == ".")


def is_empty() -> bool:
    return not any(db.session.scalar(select(func.count()).select_from(model))
                   for model in (User, Organisation, InterpretingService, Person))


def seed() -> bool:
    """Create the demo world; returns False (and changes nothing) when data exists."""
    if not is_empty():
        return False
    services = _services()
    seed_price_lists(services, today_in_brussels())
    organisations = _organisations()
    persons = _people(today_in_brussels())
    _revisions(persons, today_in_brussels())
    _users(services, organisations, persons)
    db.session.flush()
    _sign_in_security()
    seed_bookings(persons, today_in_brussels())
    seed_feedback(today_in_brussels())
    seed_billing_data()
    seed_invoices(today_in_brussels())
    _api_key(organisations["OCMW Gent"])
    _fhir_request(today_in_brussels())
    seed_webhooks(utcnow())
    _service_api_key(services["TVGent"])
    db.session.flush()
    _mail_trouble()
    return True


def _sign_in_security() -> None:
    """Two-step sign-in is optional in the demo (so that every role can be tried with the
    password alone); the administrator has it on, with the printed key and codes."""
    settings.change(None, two_factor.REQUIRED_FOR_STAFF.key, False)
    admin = db.session.scalar(select(User).where(User.email == DEMO_LOGINS["two_step"][0]))
    two_factor.turn_on(admin, world.DEMO_TOTP_SECRET,
                       recovery_codes=world.DEMO_RECOVERY_CODES)


def _mail_trouble() -> None:
    """One mail the server refused to the last attempt, for the Jobs page (Mail) and
    /healthz; the rest of the demo's mail is delivered by the worker of `make run`."""
    now = utcnow()
    message = queue_mail("former.colleague@example.org", "Uitnodiging voor het tolkenregister",
                         "…", kind="invitation")
    message.created_at = now - timedelta(days=2)
    message.attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"]
    message.failed_at = now - timedelta(hours=3)
    message.last_error = ("SMTPRecipientsRefused: {'former.colleague@example.org': "
                          "(550, b'5.1.1 Mailbox unavailable')}")
    db.session.flush()


# The demo's API key in clear, for ``seed-demo`` to print once: like the page that creates
# a key, nothing shows it again.
CREATED_API_KEY: dict[str, str] = {}


def _api_key(organisation) -> None:
    """OCMW Gent's planning system has a key (its contact person made it: see the page
    Organisation → API keys), so that a newcomer can call /api/v1 at once."""
    contact = db.session.scalar(db.select(User).where(User.email == "requester@example.org"))
    api_key, key = create_key(contact, organisation, "Planning OCMW Gent", Scope.WRITE, 365)
    # Its system called this morning: the key page shows when a key was last used.
    api_key.last_used_at = utcnow() - timedelta(hours=2)
    CREATED_API_KEY["key"] = key


def _fhir_request(today: date) -> None:
    """UZ Gent's planning system asked for an Arabic interpreter with a FHIR Appointment
    (read as ``POST /api/v1/fhir/Appointment`` reads it): its own reference is the case
    reference TVGent's dispatcher sees; nothing of the patient is kept."""
    requester = db.session.scalar(select(User).where(User.email == "uzgent@example.org"))
    day = today + timedelta(days=9)
    starts = brussels_to_utc(day, time(10, 30))
    appointment = {
        "resourceType": "Appointment", "status": "booked",
        "identifier": [{"system": "https://his.uzgent.be/appointment", "value": "UZG-APT-88123"}],
        "extension": [{"url": fhir_mapping.INTERPRETER_REQUIRED,
                       "valueCoding": {"system": fhir_mapping.BCP47, "code": "ar"}}],
        "serviceType": [{"coding": [{"system": fhir_mapping.PARTICIPATION_MODE,
                                     "code": "FACE"}]}],
        "start": starts.isoformat(), "end": (starts + timedelta(hours=1)).isoformat(),
        "comment": "Onthaal materniteit, route 47",
        "contained": [{"resourceType": "Location", "id": "mat", "address": {
            "line": ["Corneel Heymanslaan 10"], "postalCode": "9000", "city": "Gent"}}],
        "participant": [{"actor": {"reference": "Patient/778899"}, "status": "accepted"},
                        {"actor": {"reference": "#mat"}, "status": "accepted"}]}
    create_request(requester, fhir_mapping.read("Appointment", appointment,
                                                requester.organisation.working_language))
    # A second appointment, which the planning then cancelled with a JSON Patch of its
    # status (as ``PATCH /api/v1/fhir/Appointment/<id>`` reads it): cancelled in time.
    moved = create_request(requester, fhir_mapping.read("Appointment", {
        **appointment, "identifier": [{"system": "https://his.uzgent.be/appointment",
                                       "value": "UZG-APT-88200"}],
        "start": (starts + timedelta(days=2)).isoformat(),
        "end": (starts + timedelta(days=2, hours=1)).isoformat()},
        requester.organisation.working_language))
    reason = fhir_mapping.patched_cancellation("Appointment", [
        {"op": "replace", "path": "/status", "value": "cancelled"},
        {"op": "add", "path": "/cancelationReason",
         "value": {"text": "Afspraak geschrapt in het ziekenhuis"}}])
    cancel_request(requester, moved, reason)
def _service_api_key(service) -> None:
    """TVGent's own software reads its queue and bookings with a read key its dispatcher
    made (Pieter Claes: API keys in his menu); it was last used an hour ago."""
    dispatcher = db.session.scalar(db.select(User).where(User.email == "dispatcher@example.org"))
    api_key, key = create_service_key(dispatcher, service, "Roostersoftware TVGent",
                                      Scope.READ, 90)
    api_key.last_used_at = utcnow() - timedelta(hours=1)
    CREATED_API_KEY["service_key"] = key


def _services() -> dict[str, InterpretingService]:
    services = {}
    for name, ranges, email in world.SERVICES:
        areas = merge_ranges(parse_postcode_ranges(ranges))
        service = InterpretingService(name=name, email=email, areas=[
            ServiceArea(first_postcode=a, last_postcode=b) for a, b in areas])
        db.session.add(service)
        services[name] = service
    return services


def _organisations() -> dict[str, Organisation]:
    organisations = {}
    for name, kind, postcode, municipality, language in world.ORGANISATIONS:
        organisation = Organisation(name=name, type=OrganisationType(kind), postcode=postcode,
                                    municipality=municipality, working_language=language)
        db.session.add(organisation)
        organisations[name] = organisation
    return organisations


def _working_languages(postcode: str, index: int) -> list[str]:
    area = language_area(postcode)
    if area == "nl/fr":
        return ["nl", "fr"] if index % 2 else ["fr", "nl"]
    return [area]


def _details(number: int, first: str, last: str, postcode: str, municipality: str,
             translates: bool) -> people.PersonDetails:
    home = province_of(postcode)
    modalities = {Modality.ON_SITE, Modality.PHONE}
    if number % 2 == 0:
        modalities.add(Modality.VIDEO)
    if translates:
        modalities.add(Modality.WRITTEN)
    domains = list(Domain)
    return people.PersonDetails(
        first_name=first, last_name=last, email=f"{_ascii(first)}.{_ascii(last)}@example.org",
        phone=f"+32 470 {10 + number:02d} {(number * 37) % 100:02d} {(number * 53) % 100:02d}",
        postcode=postcode, municipality=municipality,
        gender=Gender.FEMALE if first in FEMALE_NAMES else Gender.MALE,
        regions={home, *NEIGHBOURS.get(home, [])[: number % 3]}, modalities=modalities,
        domains={domains[number % 7], domains[(number * 3) % 7]},
        # Most agree to appear in the public register; some show more than their town.
        public_consent=number % 5 != 4, show_email=number % 3 == 0, show_phone=number % 4 == 0,
        show_municipality=True)


def _people(today: date) -> list[Person]:
    for code, _count in world.LANGUAGE_SHARE:
        people.add_language(None, code)
    places = cycle(world.PLACES)
    persons = []
    for code, count in world.LANGUAGE_SHARE:
        for index in range(count):
            number = len(persons)
            postcode, municipality = next(places)
            translates = number % 3 == 0
            person = people.create_person(None, _details(
                number, world.FIRST_NAMES[code][index], world.LAST_NAMES[code][index],
                postcode, municipality, translates))
            for working in _working_languages(postcode, index):
                _credentials(person, code, working, number, translates, today)
            persons.append(person)
    return persons


def _credentials(person, code, working, number, translates, today) -> None:
    """A realistic mix: mostly certified interpreters, some expiring soon, a suspension,
    candidates in the quality track, translators under the revision protocol."""
    interpreting = credentials.add_qualification(None, person, QualificationKind.INTERPRETING,
                                                 code, working)
    issued = today - timedelta(days=200 + 97 * number % 1500)
    if number % 4 != 3:
        certificate = credentials.issue_certificate(
            None, interpreting, f"SI-{code.upper()}-{working.upper()}-{1000 + number}", issued)
        if number % 11 == 5:
            credentials.change_certificate_status(None, certificate, CertificateStatus.SUSPENDED,
                                                  today - timedelta(days=10),
                                                  "Klacht in onderzoek")
    else:
        for step, days_ago in ((TrackStep.INFORMATION_SESSION, 300),
                               (TrackStep.PRESELECTION_TEST, 240),
                               (TrackStep.TRAINING_MODULES, 90)):
            credentials.record_step(None, interpreting, step, today - timedelta(days=days_ago),
                                    StepResult.PASSED)
    if translates:
        translation = credentials.add_qualification(
            None, person, QualificationKind.TRANSLATION, code, working, Direction.INTO_WORKING)
        if number % 2:
            credentials.issue_certificate(
                None, translation, f"ST-{code.upper()}-{working.upper()}-{1000 + number}",
                issued)
        else:
            credentials.set_specialist_revisor(None, translation, number % 6 == 0)


def _users(services, organisations, persons) -> None:
    for role, email, name, language, link in world.DEMO_USERS:
        user = User(email=email, role=Role(role), locale=language)
        if role == "dispatcher":
            user.service = services[link]
        elif role == "requester":
            user.organisation = organisations[link]
            user.is_contact_person = True
        elif role == "interpreter":
            user.person = persons[link]
            name = persons[link].full_name
        user.name = name
        user.set_password(world.DEMO_PASSWORD)
        db.session.add(user)


def _revisions(persons, today: date) -> None:
    """Translators without a certificate work under the revision protocol; where someone
    may revise them, some revisions are recorded (one translator is already reliable)."""
    uncertified = [q for person in persons for q in person.qualifications
                   if q.kind == QualificationKind.TRANSLATION and not q.certificates]
    for number, qualification in enumerate(uncertified):
        start = today - timedelta(days=180)
        track = credentials.open_revision_track(None, qualification, start)
        revisors = credentials.eligible_revisors(qualification, today)
        if not revisors:
            continue
        verdicts = [Verdict.POSITIVE] * (5 if number == 0 else 3)
        if number % 3 == 2:
            verdicts = [Verdict.POSITIVE, Verdict.NEGATIVE, Verdict.POSITIVE_WITH_REMARKS]
        for step, verdict in enumerate(verdicts):
            credentials.record_revision(None, track, start + timedelta(days=20 * (step + 1)),
                                        revisors[0], f"Document {step + 1}", verdict)
