"""Pages for requesters, dispatchers and interpreters."""

from flask import Blueprint

requests_bp = Blueprint("requests", __name__, url_prefix="/requests")
dispatch_bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
portal_bp = Blueprint("portal", __name__)

from . import dispatch, portal, requests  # noqa: E402,F401
