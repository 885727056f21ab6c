"""Forms and form helpers every area uses.

Every form of the product derives from ``Form`` (a test walks them), which guards every
field by its type, so that no input reaches a service or the database in a shape they
cannot take: single-line text loses its control characters (a line break or a NUL byte),
multi-line text and passwords that hold one are refused, dates lie in the one accepted
range, and whole numbers fit a database column. Lengths come from the columns the text is
stored in (``fits``).
"""

import re
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DateTimeField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import Select, html_params

from .database import column_length
from .i18n import UI_LANGUAGES, format_day
from .time import FIRST_DAY, LAST_DAY, is_accepted_day

# What any integer column holds on every database (PostgreSQL's integer: 32 bits).
INT_MIN, INT_MAX = -(2 ** 31), 2 ** 31 - 1
# Control characters: none in a single line; in a text of several lines only tab, LF, CR.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def single_line(value):
    """A filter: control characters (a pasted line break, a NUL byte) become spaces."""
    return _CONTROL.sub(" ", value) if isinstance(value, str) else value


class NoControlCharacters:
    """Refuses text holding a control character (for texts of several lines: other than
    tab and line breaks)."""

    def __init__(self, multiline: bool):
        self.pattern = _CONTROL_IN_TEXT if multiline else _CONTROL

    def __call__(self, form, field):
        if isinstance(field.data, str) and self.pattern.search(field.data):
            raise ValidationError(_l("This text holds a control character (such as a NUL "
                                     "byte); remove it."))


class AcceptedDate:
    """Refuses a date outside the one range the product accepts (``core.time``)."""

    def __call__(self, form, field):
        day = field.data
        if isinstance(day, date) and not is_accepted_day(
                day if type(day) is date else day.date()):
            raise ValidationError(_("Enter a date from %(first)s to %(last)s.",
                                    first=format_day(FIRST_DAY), last=format_day(LAST_DAY)))


class DatabaseInteger:
    """Refuses a whole number no integer column can hold."""

    def __call__(self, form, field):
        values = field.data if isinstance(field.data, list | tuple) else [field.data]
        if any(isinstance(v, int) and not INT_MIN <= v <= INT_MAX for v in values):
            raise ValidationError(_l("This number is too large."))


def fits(column, text: int | None = None) -> Length:
    """A Length validator for text stored in ``column`` (a model attribute): as long as the
    column holds; ``text`` for a column of unbounded text (the form's own limit)."""
    length = column_length(column) or text
    if length is None:
        raise ValueError(f"{column} holds text of any length: say the form's limit")
    return Length(max=length)


def guarded(unbound: UnboundField) -> UnboundField:
    """The field with the guards its type needs added to its own validators and filters."""
    cls = unbound.field_class
    args, kwargs = list(unbound.args), dict(unbound.kwargs)
    # Validators and filters may be given by position (label, validators, filters).
    validators = list(kwargs.pop("validators", None) or (args[1] if len(args) > 1 else None)
                      or [])
    filters = list(kwargs.pop("filters", None) or (args[2] if len(args) > 2 else None) or [])
    args = args[:1]
    if issubclass(cls, TextAreaField):
        validators.append(NoControlCharacters(multiline=True))
    elif issubclass(cls, PasswordField):
        validators.append(NoControlCharacters(multiline=False))
    elif issubclass(cls, StringField):
        filters.append(single_line)
    if issubclass(cls, DateField | DateTimeField):
        validators.append(AcceptedDate())
    if issubclass(cls, IntegerField) or kwargs.get("coerce") is int:
        validators.append(DatabaseInteger())
    return UnboundField(cls, *args, validators=validators, filters=filters, **kwargs)


class GuardedMeta:
    def bind_field(self, form, unbound_field, options):
        return super().bind_field(form, guarded(unbound_field), options)


class Form(FlaskForm):
    """The base of every form: each field guarded by its type (see the module)."""

    class Meta(GuardedMeta):
        pass

    def value(self, name: str, default=None):
        """A field's value once validated, or ``default`` when it was refused (a GET
        filter form shows the refusal and filters as if the field were empty)."""
        field = self[name]
        return default if field.errors else field.data


class SubForm(PlainForm):
    """A form inside a form (a row of a FieldList), guarded alike."""

    class Meta(GuardedMeta):
        pass


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


class LanguageForm(Form):
    """The language switcher: one submit button per language, each named ``language``."""

    language = SelectField(choices=choices((code, code) for code in UI_LANGUAGES))
    next = HiddenField(validators=[Length(max=2000)])


class ConfirmForm(Form):
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

    class SettingsForm(Form):
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
