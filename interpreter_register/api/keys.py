"""Creating, revoking and recognising API keys."""

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import Role, User
from ..core.permissions import require
from ..core.rules import RuleError
from ..core.time import utcnow
from ..extensions import db
from .models import KEY_MARK, ApiKey, Scope, hash_secret

# The lifetimes a key may be given, in days.
LIFETIMES = (30, 90, 365)
# How stale ``last_used_at`` may get before a call writes it again: a busy system does not
# turn every read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def _acting_user(acting, organisation) -> User | None:
    """Whose rights the key has: the contact person creating it, or (for an administrator)
    the organisation's first active contact person."""
    if acting.requests_for(organisation.id):
        return acting
    return db.session.scalar(
        select(User).where(User.organisation_id == organisation.id,
                           User.is_contact_person.is_(True), User.active.is_(True))
        .order_by(User.id).limit(1))


def _acting_dispatcher(acting, service) -> User | None:
    """Whose rights a service's key has: the dispatcher creating it, or (for an
    administrator) the service's first active dispatcher."""
    if acting.dispatches_for(service.id):
        return acting
    return db.session.scalar(
        select(User).where(User.service_id == service.id, User.role == Role.DISPATCHER,
                           User.active.is_(True)).order_by(User.id).limit(1))


def _checked(name: str, days: int) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleError(_l("Name the system that will use the key."), "name")
    if days not in LIFETIMES:
        raise RuleError(_l("Choose how long the key is valid."), "days")
    return name[:100]


def _new_key(acting, user, name: str, scope: Scope, days: int, now: datetime,
             **owner) -> tuple[ApiKey, str]:
    prefix = secrets.token_hex(6)
    key = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(name=name, prefix=prefix, secret_hash=hash_secret(key),
                     scope=Scope(scope), user=user, created_by_id=acting.id, created_at=now,
                     expires_at=now + timedelta(days=days), **owner)
    db.session.add(api_key)
    db.session.flush()
    return api_key, key


def create_key(acting, organisation, name: str, scope: Scope, days: int,
               now: datetime | None = None) -> tuple[ApiKey, str]:
    """A new key of ``organisation``; returns it with the key in clear (shown once)."""
    require(acting.is_admin or (acting.can_manage_colleagues()
                                and acting.organisation_id == organisation.id),
            "only administrators and the organisation's contact persons create keys")
    name = _checked(name, days)
    user = _acting_user(acting, organisation)
    if user is None:
        raise RuleError(_l("The organisation needs an active contact person first: the key "
                           "acts with their rights."))
    return _new_key(acting, user, name, scope, days, now or utcnow(),
                    organisation_id=organisation.id)


def create_service_key(acting, service, name: str, scope: Scope, days: int,
                       now: datetime | None = None) -> tuple[ApiKey, str]:
    """A new key of an interpreting service (its queue and its bookings); returns it with
    the key in clear (shown once). Administrators and the service's dispatchers create
    them (a service has no contact persons: its dispatchers run it)."""
    require(acting.is_admin or (acting.active and acting.dispatches_for(service.id)),
            "only administrators and the service's dispatchers create its keys")
    name = _checked(name, days)
    user = _acting_dispatcher(acting, service)
    if user is None:
        raise RuleError(_l("The service needs an active dispatcher first: the key acts "
                           "with their rights."))
    return _new_key(acting, user, name, scope, days, now or utcnow(), service_id=service.id)


def revoke_key(acting, api_key: ApiKey, now: datetime | None = None) -> ApiKey:
    require(api_key.can_be_managed_by(acting), "not allowed to revoke this key")
    if api_key.is_revoked:
        raise RuleError(_l("This key is already revoked."))
    api_key.revoke(acting, now or utcnow())
    db.session.flush()
    return api_key


def keys_of_organisation(organisation_id: int):
    return _keys(ApiKey.organisation_id == organisation_id)


def keys_of_service(service_id: int):
    return _keys(ApiKey.service_id == service_id)


def _keys(whose):
    return db.session.scalars(select(ApiKey).where(whose).order_by(
        ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc()))


def recognise(key: str, now: datetime | None = None) -> ApiKey | None:
    """The usable key that ``key`` is, or None (unknown, wrong secret, revoked, expired, or
    its user deactivated): the caller cannot tell which, nor guess keys one part at a time."""
    now = now or utcnow()
    parts = (key or "").split("_")
    if len(parts) < 3 or parts[0] != KEY_MARK:
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if api_key is None or not api_key.matches(key) or not api_key.is_usable(now):
        return None
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
        api_key.last_used_at = now
    return api_key
