"""Creating and changing requesting organisations and interpreting services."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..auth import signals as auth_signals
from ..auth.models import Role, User
from ..core.permissions import require
from ..core.phones import normalise_phone
from ..core.rules import RuleError
from ..extensions import db
from .models import (
    CancellationRule,
    InterpretingService,
    Organisation,
    OrganisationType,
    ServiceArea,
)


def _require_admin(acting: User) -> None:
    require(acting.is_admin, "only administrators manage organisations and services")


def _name_taken(model, name: str, current) -> bool:
    other = db.session.scalar(select(model).where(func.lower(model.name) == name.strip().lower()))
    return other is not None and other is not current


@dataclass
class OrganisationDetails:
    name: str
    type: OrganisationType
    postcode: str
    municipality: str
    working_language: str
    email: str | None = None
    phone: str | None = None


def save_organisation(acting: User, details: OrganisationDetails,
                      organisation: Organisation | None = None) -> Organisation:
    """Create an organisation, or change one when it is given."""
    _require_admin(acting)
    if _name_taken(Organisation, details.name, organisation):
        raise RuleError(_l("An organisation with this name already exists."), "name")
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = details.name.strip()
    organisation.type = details.type
    organisation.postcode = details.postcode
    organisation.municipality = details.municipality.strip()
    organisation.working_language = details.working_language
    organisation.email = details.email or None
    organisation.phone = normalise_phone(details.phone)
    db.session.flush()
    return organisation


def set_organisation_active(acting: User, organisation: Organisation, active: bool) -> None:
    """Deactivating an organisation blocks its members' login; reactivating does not unblock
    them one by one, since some may have been deactivated for their own reasons."""
    _require_admin(acting)
    organisation.active = active
    if not active:
        _deactivate(organisation.members)
    db.session.flush()


@dataclass
class ServiceDetails:
    name: str
    postcode_ranges: list[tuple[int, int]]
    email: str | None = None
    phone: str | None = None
    cancellation_rule: CancellationRule = CancellationRule.PREVIOUS_WORKING_DAY
    cancellation_hours: int = 48
    late_cancellation_billable: bool = True
    late_cancellation_paid: bool = True
    late_cancellation_minutes: int = 60


def save_service(acting: User, details: ServiceDetails,
                 service: InterpretingService | None = None) -> InterpretingService:
    """Create an interpreting service, or change one, with the postcodes it serves."""
    _require_admin(acting)
    if _name_taken(InterpretingService, details.name, service):
        raise RuleError(_l("An interpreting service with this name already exists."), "name")
    if not details.postcode_ranges:
        raise RuleError(_l("Say which postcodes or provinces the service serves."), "postcodes")
    if service is None:
        service = InterpretingService()
        db.session.add(service)
    service.name = details.name.strip()
    service.email = details.email or None
    service.phone = normalise_phone(details.phone)
    service.areas = [ServiceArea(first_postcode=a, last_postcode=b)
                     for a, b in merge_ranges(details.postcode_ranges)]
    service.cancellation_rule = details.cancellation_rule
    service.cancellation_hours = details.cancellation_hours
    service.late_cancellation_billable = details.late_cancellation_billable
    service.late_cancellation_paid = details.late_cancellation_paid
    service.late_cancellation_minutes = details.late_cancellation_minutes
    db.session.flush()
    return service


def set_service_active(acting: User, service: InterpretingService, active: bool) -> None:
    _require_admin(acting)
    service.active = active
    if not active:
        _deactivate(service.dispatchers)
    db.session.flush()


def _deactivate(users) -> None:
    """The accounts of a deactivated organisation or service stop, and their feeds."""
    for user in users:
        if user.active:
            user.deactivate()
            auth_signals.user_deactivated.send(user)


def merge_ranges(ranges) -> list[tuple[int, int]]:
    """Sort postcode ranges and join the ones that touch or overlap."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return merged


def services_serving(postcode: str) -> list[InterpretingService]:
    """The active services whose area includes a postcode, the most local (smallest area) first."""
    number = int(postcode)
    services = db.session.scalars(
        select(InterpretingService).join(ServiceArea)
        .where(InterpretingService.active.is_(True),
               ServiceArea.first_postcode <= number, ServiceArea.last_postcode >= number)
        .distinct()
    ).all()
    return sorted(services, key=lambda s: sum(b - a + 1 for a, b in s.postcode_ranges))


def colleagues_of(user: User) -> list[User]:
    """The requesters of a user's organisation, for its contact person to manage."""
    return db.session.scalars(
        select(User).where(User.organisation_id == user.organisation_id,
                           User.role == Role.REQUESTER)
        .order_by(User.active.desc(), User.name)
    ).all()
