"""What a URL may carry: path arguments and query arguments, bounded by construction.

The application's ``int`` converter refuses (404) a number no id column holds, and its
default (string) converter a control character; query arguments are read with the
helpers below, which give the default for anything unreadable or out of range, never an
error. Pages of a list go through ``paginate``.
"""

import re

from flask import request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from ..extensions import db
from .forms import INT_MAX

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# A list never has more pages than this; the offset of its last one fits any database.
LAST_PAGE = 10_000


class BoundedInteger(IntegerConverter):
    """``<int:...>``: a whole number from 0 to what an id column holds, else 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        bound = INT_MAX if max is None or max > INT_MAX else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


class PlainText(UnicodeConverter):
    """``<name>``: any text of one path segment without control characters, else 404."""

    def to_python(self, value: str) -> str:
        if _CONTROL.search(value):
            raise ValidationError()
        return value


def register_converters(app) -> None:
    app.url_map.converters["int"] = BoundedInteger
    app.url_map.converters["default"] = PlainText
    app.url_map.converters["string"] = PlainText


def int_arg(name: str, default: int | None = None, minimum: int = 0,
            maximum: int = INT_MAX) -> int | None:
    """A whole number from the query string, within bounds; ``default`` otherwise."""
    text = request.args.get(name, "")
    if not (text.isascii() and text.strip().lstrip("-").isdigit()) or len(text) > 12:
        return default
    number = int(text)
    return number if minimum <= number <= maximum else default


def text_arg(name: str, limit: int = 200) -> str:
    """Text from the query string: control characters become spaces, at most ``limit``."""
    return _CONTROL.sub(" ", request.args.get(name, ""))[:limit].strip()


def page_arg() -> int:
    return int_arg("page", 1, 1, LAST_PAGE)


def paginate(statement, per_page: int):
    """The page the query string asks for (1 when it asks for none, or nonsense)."""
    return db.paginate(statement, page=page_arg(), per_page=per_page, max_per_page=per_page,
                       error_out=False)


def list_arguments() -> dict:
    """The query string without its page, for the links of a list's other pages."""
    return {k: _CONTROL.sub(" ", v)[:200] for k, v in request.args.items() if k != "page" and v}
