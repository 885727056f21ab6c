"""The form that subscribes an address to events."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form, choices
from ..organisations.forms import CheckboxListField
from .models import EventType


class SubscriptionForm(Form):
    url = StringField(_l("Address of your system (https)"),
                      validators=[DataRequired(), Length(max=500)],
                      description=_l("We send a POST with a signed JSON body to this address "
                                     "when one of the chosen events happens."))
    description = StringField(_l("Description"), validators=[Optional(), Length(max=100)])
    events = CheckboxListField(_l("Events"),
                               choices=choices((event.value, event.label)
                                               for event in EventType))


class ResendFailedForm(Form):
    since = DateField(_l("Failed deliveries queued since"),
                      validators=[DataRequired(_l("Give the day from which the failed "
                                                  "deliveries are sent again."))])
