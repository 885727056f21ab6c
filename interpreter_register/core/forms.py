"""Forms and form helpers every area uses."""

from functools import lru_cache
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.widgets import Select, html_params

from .i18n import UI_LANGUAGES


def choices(pairs) -> list[SelectChoice]:
    """Options for a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


ALL_LANGUAGES = _l("All languages")


@lru_cache(maxsize=16)
def all_languages_and(languages: tuple) -> list[SelectChoice]:
    """"All languages" and the register's languages, for a filter: one list per set of
    languages, which ``LongSelect`` renders from its cache (never change it in place)."""
    return choices([("", ALL_LANGUAGES), *languages])


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
        parts, positions = _options_of(field.choices)
        chosen = positions.get(str(field.data)) if field.data is not None else None
        if chosen is not None:
            parts = list(parts)
            parts[chosen] = parts[chosen].replace("<option ", "<option selected ", 1)
        # html_params and _rendered_options escape every attribute and label.
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>"  # noqa: S704
                      f"{''.join(parts)}</select>")


# A list of choices that forms reuse (``all_languages_and``) is rendered once per language
# of its lazy labels, without reading its hundreds of options again: by the list itself
# while it lives, and the words of its lazy labels now.
_LISTS: dict[int, tuple] = {}
_RENDERED: dict[tuple, tuple] = {}


def _options_of(choices) -> tuple[tuple[str, ...], dict[str, int]]:
    known = _LISTS.get(id(choices))
    if known is None or known[0] is not choices:
        lazy = {id(x): x for c in choices for x in (c.label, c.optgroup)
                if x is not None and not isinstance(x, str)}
        if len(_LISTS) > 64:
            _LISTS.clear()
            _RENDERED.clear()
        known = _LISTS[id(choices)] = (choices, tuple(lazy.values()))
    key = (id(choices), tuple(str(x) for x in known[1]))
    found = _RENDERED.get(key)
    if found is None or found[0] is not choices:
        found = _RENDERED[key] = (choices, *_rendered_options(tuple(
            (c.value, str(c.label), c.optgroup and str(c.optgroup),
             tuple(sorted(c.render_kw.items()))) for c in choices)))
    return found[1], found[2]


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
