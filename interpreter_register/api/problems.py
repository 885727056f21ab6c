"""Errors of ``/api/v1`` as RFC 9457 problem documents, titled in the caller's language.

The language is the one ``Accept-Language`` asks for (``core.i18n.select_locale``: an API
call carries no session, so the header decides), Dutch when it names none of ours.
"""

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
        yield path or None, messages


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
