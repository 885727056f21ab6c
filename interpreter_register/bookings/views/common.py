"""What the request pages share: loading with access checked, times from forms."""

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.rules import RuleError
from ...core.time import NonexistentLocalTime, brussels_to_utc
from ...extensions import db
from ..models import InterpretingRequest


def load_request(request_id: int) -> InterpretingRequest:
    """A request the current user may see; another organisation's answers 404."""
    found = db.session.get(InterpretingRequest, request_id)
    if found is None or not found.can_be_seen_by(current_user):
        abort(404)
    return found


def moment(day, clock, field: str):
    """A day and a wall-clock time in Brussels, as UTC; refuses the hour that does not
    exist when summer time starts."""
    if day is None or clock is None:
        return None
    try:
        return brussels_to_utc(day, clock)
    except NonexistentLocalTime as error:
        raise RuleError(_l("This time does not exist on that day: the clocks go forward "
                           "from 02:00 to 03:00."), field) from error



def cancelled_message(was_late: bool) -> str:
    """What a requester or a dispatcher is told once a request is cancelled."""
    if was_late:
        return _("The request is cancelled. The cancellation was late under the service's "
                 "policy.")
    return _("The request is cancelled.")
