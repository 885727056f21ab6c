"""Forms and form helpers every area uses."""

from functools import lru_cache
from urllib.parse import urlsplit

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectChoice
from wtforms.validators import StopValidation
from wtforms.widgets import Select, html_params

from .i18n import UI_LANGUAGES


def choices(pairs, placeholder=None) -> list[SelectChoice]:
    """Options for a select field from (value, label) pairs; a ``placeholder`` ("— choose a
    person —") comes first, with an empty value, so that nothing is chosen for the user."""
    first = [SelectChoice("", placeholder)] if placeholder else []
    return first + [SelectChoice(value, label) for value, label in pairs]


# What a select answers to a value that is not one of its options (a page loaded before
# an option was removed, or a hand-made request), instead of WTForms' "could not coerce".
NOT_AN_OPTION = _l("Choose one of the options in the list.")


class SelectField(wtforms.SelectField):
    """WTForms' select with messages a person understands, in their language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_value_message", NOT_AN_OPTION)
        kwargs.setdefault("invalid_choice_message", NOT_AN_OPTION)
        super().__init__(*args, **kwargs)


def optional_int(value):
    """``coerce`` for a select of ids with a placeholder: the empty option is None."""
    return None if value in ("", None) else int(value)


class NeededFor:
    """A field needed in some cases only (the day of an interpretation, not of a
    translation): its label carries the required mark, the browser does not enforce it
    (the field may be hidden), and the form's own check says when it is missing."""

    field_flags = {"needed": True}

    def __call__(self, form, field):
        pass


class Chosen:
    """A required select: its placeholder is not an answer. Says what to choose."""

    field_flags = {"required": True}

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data in ("", None):
            raise StopValidation(self.message)


class LongSelect(Select):
    """A select of hundreds of options (the register's languages), rendered from a cache.

    WTForms builds and escapes every option on every page; with six hundred languages
    that cost the dispatcher's queue more than its fifty rows (docs/scaling.md). Here the
    options are rendered once per list of choices and only the chosen one is marked.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if field.flags.required and "required" not in kwargs:
            kwargs["required"] = True
        key = tuple((c.value, str(c.label), c.optgroup and str(c.optgroup),
                     tuple(sorted(c.render_kw.items()))) for c in field.choices)
        parts, positions = _rendered_options(key)
        chosen = positions.get(str(field.data)) if field.data is not None else None
        if chosen is not None:
            parts = list(parts)
            parts[chosen] = parts[chosen].replace("<option ", "<option selected ", 1)
        # html_params and _rendered_options escape every attribute and label.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>"  # noqa: S704
                      f"{''.join(parts)}</select>")


@lru_cache(maxsize=32)
def _rendered_options(key: tuple) -> tuple[tuple[str, ...], dict[str, int]]:
    """The options' HTML (optgroups included) and where each value's option sits."""
    parts, positions, group = [], {}, None
    for value, label, optgroup, render_kw in key:
        if optgroup != group:
            if group is not None:
                parts.append("</optgroup>")
            if optgroup is not None:
                parts.append(f"<optgroup {html_params(label=optgroup)}>")
            group = optgroup
        positions.setdefault(str(value), len(parts))
        parts.append(f"<option {html_params(value=value, **dict(render_kw))}>"
                     f"{escape(label or value)}</option>")
    if group is not None:
        parts.append("</optgroup>")
    return tuple(parts), positions


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
