"""Forms and form helpers every area uses."""

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField

from .i18n import UI_LANGUAGES


def choices(pairs) -> list[SelectChoice]:
    """Options for a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class LanguageForm(FlaskForm):
    """The language switcher: one submit button per language, each named ``language``."""

    language = SelectField(choices=choices((code, code) for code in UI_LANGUAGES))
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """A bare form for one-click actions (deactivate, resend, ...): carries only the CSRF token."""


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target from the request, kept on this site (no open redirect)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
