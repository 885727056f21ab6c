"""The organisation or service a page about its systems (API keys, webhooks) is for, as the
views need them: what the reader may not see is a 404, what they see but may not manage
is a 403 with the call site's reason."""

from flask import abort
from flask_login import current_user

from ..core.permissions import require
from ..extensions import db
from .models import InterpretingService, Organisation


def managed_organisation(organisation_id: int, refusal: str) -> Organisation:
    """Administrators see any; a contact person their own; another organisation's is 404;
    a plain requester of it is refused with ``refusal``."""
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if current_user.is_admin:
        return organisation
    if not current_user.requests_for(organisation.id):
        abort(404)
    require(current_user.can_manage_colleagues(), refusal)
    return organisation


def dispatched_service(service_id: int) -> InterpretingService:
    """Administrators see any; a dispatcher their own service; another service's is 404."""
    service = db.session.get(InterpretingService, service_id) or abort(404)
    if not (current_user.is_admin or current_user.dispatches_for(service.id)):
        abort(404)
    return service
