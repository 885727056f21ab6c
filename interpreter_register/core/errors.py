"""Error pages in the user's language; a stale form explains itself instead of failing."""

import logging

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from .permissions import Forbidden

log = logging.getLogger(__name__)

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    403: (_l("Access denied"),
          _l("You do not have permission to open this page. If you think you should, "
             "ask your administrator.")),
    404: (_l("Page not found"),
          _l("This page does not exist, or you may not see it.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("File too large"), _l("The file you sent is too large.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred. Nothing was saved. Please try again; if it "
             "happens again, tell your administrator.")),
}


def render_error(code: int, title=None, text=None):
    default_title, default_text = ERROR_TEXTS.get(code, ERROR_TEXTS[400])
    return render_template("errors/error.html", code=code, title=title or default_title,
                           text=text or default_text), code


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code)


def handle_csrf_error(_error: CSRFError):
    db.session.rollback()
    return render_error(
        400, _l("This form has expired"),
        _l("The form was open too long or was sent from another tab or an old page, so "
           "nothing was saved. Go back, reload the page and send it again."))


def handle_forbidden(_error: Forbidden):
    """A service or view refused the action: nothing of it is saved."""
    db.session.rollback()
    return render_error(403)


def handle_server_error(error: InternalServerError):
    db.session.rollback()
    log.error("unhandled error", exc_info=error.original_exception)
    return render_error(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(Forbidden, handle_forbidden)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
