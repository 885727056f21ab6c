"""Errors of ``/api/v1`` as RFC 9457 problem documents, titled in the caller's language.

The language is the one ``Accept-Language`` asks for (``core.i18n.select_locale``: an API
call carries no session, so the header decides), Dutch when it names none of ours.
"""

import re

from flask import current_app, json, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ..core.errors import ERROR_TEXTS
from ..extensions import db

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    **{code: title for code, (title, _text) in ERROR_TEXTS.items()},
    401: _l("Authentication required"),
    404: _l("Not found"),
    406: _l("Not acceptable"),
    409: _l("Conflict"),
    413: _l("Request too large"),
    412: _l("The request changed in the meantime"),
    415: _l("Unsupported media type"),
    422: _l("The request is not valid"),
    428: _l("If-Match is required"),
    429: _l("Too many requests"),
}
DETAILS = {
    401: _l("Send a valid, unexpired API key as “Authorization: Bearer <key>”."),
    403: _l("This API key may not do this: it is a read-only key."),
    404: _l("There is nothing here, or this key may not see it."),
    412: _l("Read the request again and decide on its current version."),
    422: _l("Some fields are missing or wrong; “errors” names them."),
    428: _l("Read the request first and send its ETag as If-Match with the change."),
}

NOT_ALLOWED = _l("This API key may not do this.")
ORGANISATION_ONLY = _l("Only a key of an organisation may do this.")
SERVICE_ONLY = _l("Only a key of an interpreting service may do this.")
NOT_A_CURSOR = _l("Not a cursor this API gave.")


def problem(status: int, detail=None, errors=None, headers=None):
    """A problem+json response; ``errors`` is a list of {"field", "message"}."""
    body = {"type": "about:blank", "title": str(TITLES.get(status, TITLES[400])),
            "status": status}
    detail = detail if detail is not None else DETAILS.get(status)
    if detail is not None:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = [{"field": field, "message": str(message)}
                          for field, message in errors]
    response = current_app.response_class(json.dumps(body), status=status,
                                          mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = get_locale().language
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# Marshmallow's and webargs' own messages (English), in the caller's language: each is
# matched whole; the parts a message names (choices, bounds) are carried over.
VALIDATION_MESSAGES = [(re.compile(pattern), message) for pattern, message in (
    (r"Unknown field\.", _l("Unknown field: this API does not know it.")),
    (r"Missing data for required field\.", _l("Required.")),
    (r"Field may not be null\.", _l("May not be null.")),
    (r"Not a valid string\.", _l("Not a text.")),
    (r"Not a valid integer\.", _l("Not a whole number.")),
    (r"Not a valid number\.|Number too large\.", _l("Not a number this field accepts.")),
    (r"Not a valid boolean\.", _l("Not true or false.")),
    (r"Not a valid date\.", _l("Not a date (YYYY-MM-DD).")),
    (r"Not a valid (aware |naive )?datetime\.", _l(
        "Not a time with its offset (RFC 3339, such as 2027-03-12T10:00:00+01:00).")),
    (r"Not a valid list\.", _l("Not a list.")),
    (r"Not a valid mapping type\.|Invalid input type\.", _l("Not an object.")),
    (r"Invalid value\.|String does not match expected pattern\.",
     _l("Not a value this field accepts.")),
    (r"Invalid JSON body\.", _l("The body is not valid JSON.")),
    (r"Must be one of: (?P<choices>.*)\.", _l("Must be one of: %(choices)s.")),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
     _l("Must be from %(min)s to %(max)s long.")),
    (r"Longer than maximum length (?P<max>\d+)\.", _l("At most %(max)s long.")),
    (r"Shorter than minimum length (?P<min>\d+)\.", _l("At least %(min)s long.")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to "
     r"(?P<max>\S+)\.", _l("Must be from %(min)s to %(max)s.")),
    (r"Must be greater than or equal to (?P<min>\S+)\.", _l("Must be %(min)s or more.")),
    (r"Must be less than or equal to (?P<max>\S+)\.", _l("Must be %(max)s or less.")),
)]


def translated(message):
    """A validation message of marshmallow's in the caller's language (ours as they are)."""
    if not isinstance(message, str):
        return message
    for pattern, words in VALIDATION_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return str(words) % found.groupdict() if found.groupdict() else words
    return message


def _flatten(messages, path=""):
    """webargs' nested {location: {field: [messages]}} as (field, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "headers", "view_args") and not path:
                yield from _flatten(value, "")
            else:
                yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from _flatten(item, path)
    else:
        yield path or None, translated(messages)


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    if error.response is not None:      # already a problem (the rate limit's, say)
        return error.response
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = list(_flatten(data.get("messages", {}))) if data else None
    headers = dict(data.get("headers") or {}) if data else {}
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    detail = data.get("detail") if data else None
    return problem(code, detail, errors, headers)


def is_api_request() -> bool:
    return request.path.startswith("/api/")
