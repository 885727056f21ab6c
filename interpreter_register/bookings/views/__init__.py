"""Pages for requesters, dispatchers and interpreters."""

from flask import Blueprint

requests_bp = Blueprint("requests", __name__, url_prefix="/requests")
dispatch_bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")
portal_bp = Blueprint("portal", __name__)
# The revision protocol's form lives with the register's pages, under its address.
revisions_bp = Blueprint("revisions", __name__, url_prefix="/register")

from . import dispatch, portal, requests, revisions, series, series_offers  # noqa: E402,F401
