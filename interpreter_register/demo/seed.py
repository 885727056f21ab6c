"""`flask seed-demo`: a small, realistic world on an empty database; nothing otherwise."""

import unicodedata
from itertools import cycle

from sqlalchemy import func, select

from ..auth.models import Role, User
from ..core.regions import language_area, parse_postcode_ranges
from ..extensions import db
from ..organisations.models import InterpretingService, Organisation, OrganisationType, ServiceArea
from ..organisations.services import merge_ranges
from ..register.languages import new_language
from ..register.models import Person, Qualification, QualificationKind
from . import world

DEMO_LOGINS = {
    "password": world.DEMO_PASSWORD,
    "accounts": [(role, email) for role, email, *_ in world.DEMO_USERS[:5]],
}


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
    organisations = _organisations()
    people = _people()
    _users(services, organisations, people)
    db.session.flush()
    return True


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


def _people() -> list[Person]:
    languages = {code: new_language(code) for code, _count in world.LANGUAGE_SHARE}
    db.session.add_all(languages.values())
    places = cycle(world.PLACES)
    people = []
    for code, count in world.LANGUAGE_SHARE:
        for index in range(count):
            first = world.FIRST_NAMES[code][index]
            last = world.LAST_NAMES[code][index]
            postcode, municipality = next(places)
            number = len(people)
            person = Person(first_name=first, last_name=last, postcode=postcode,
                            municipality=municipality,
                            email=f"{_ascii(first)}.{_ascii(last)}@example.org",
                            phone=f"+32 470 {10 + number:02d} {(number * 37) % 100:02d} "
                                  f"{(number * 53) % 100:02d}")
            for working in _working_languages(postcode, index):
                person.qualifications.append(Qualification(
                    kind=QualificationKind.INTERPRETING, language=languages[code],
                    working_language=working))
                # About a third also translate, in the same pair.
                if number % 3 == 0:
                    person.qualifications.append(Qualification(
                        kind=QualificationKind.TRANSLATION, language=languages[code],
                        working_language=working))
            db.session.add(person)
            people.append(person)
    return people


def _users(services, organisations, people) -> None:
    for role, email, name, language, link in world.DEMO_USERS:
        user = User(email=email, role=Role(role), locale=language)
        if role == "dispatcher":
            user.service = services[link]
        elif role == "requester":
            user.organisation = organisations[link]
            user.is_contact_person = True
        elif role == "interpreter":
            user.person = people[link]
            name = people[link].full_name
        user.name = name
        user.set_password(world.DEMO_PASSWORD)
        db.session.add(user)
