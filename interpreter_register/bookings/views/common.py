"""What the request pages share: loading with access checked, the messages they say."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ..models import InterpretingRequest


def load_request(request_id: int) -> InterpretingRequest:
    """A request the current user may see; another organisation's answers 404."""
    found = db.session.get(InterpretingRequest, request_id)
    if found is None or not found.can_be_seen_by(current_user):
        abort(404)
    return found


def cancelled_message(was_late: bool) -> str:
    """What a requester or a dispatcher is told once a request is cancelled."""
    if was_late:
        return _("The request is cancelled. The cancellation was late under the service's "
                 "policy.")
    return _("The request is cancelled.")
