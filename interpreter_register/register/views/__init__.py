"""The register's pages: one blueprint, its views split by subject."""

from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/register")
public_bp = Blueprint("public", __name__)

from . import credentials, languages, people, public, transfer  # noqa: E402,F401
