"""The form that creates an API key."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form, SelectField, choices
from .keys import LIFETIMES
from .models import SCOPE_LABELS, Scope


class ApiKeyForm(Form):
    name = StringField(_l("Name of the system that uses the key"),
                       validators=[DataRequired(), Length(max=100)])
    scope = SelectField(_l("What the key may do"),
                        choices=choices((scope.value, SCOPE_LABELS[scope]) for scope in Scope))
    days = SelectField(_l("Valid for"), coerce=int,
                       choices=choices((days, _l("%(num)d days", num=days)) for days in LIFETIMES),
                       default=365)
