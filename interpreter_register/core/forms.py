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


def settings_form(specs, data: dict):
    """A form with one field per setting, typed and bounded as the setting is declared."""
    from wtforms import BooleanField, IntegerField
    from wtforms.validators import InputRequired, NumberRange

    class SettingsForm(FlaskForm):
        def values(self) -> dict:
            return {spec.key: self[field_name(spec.key)].data for spec in specs}

    for spec in specs:
        if isinstance(spec.default, bool):
            field = BooleanField(spec.label, description=spec.help)
        elif isinstance(spec.default, int):
            field = IntegerField(spec.label, description=spec.help, validators=[
                InputRequired(), NumberRange(min=spec.minimum, max=spec.maximum)])
        else:
            field = SelectField(spec.label, description=spec.help, choices=choices(spec.choices))
        setattr(SettingsForm, field_name(spec.key), field)
    return SettingsForm(data={field_name(k): v for k, v in data.items()})


def field_name(key: str) -> str:
    """A setting's key as a form field name (dots are not allowed there)."""
    return key.replace(".", "__")
