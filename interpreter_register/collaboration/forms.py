"""The message form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from .services import MAX_LENGTH


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(message=_l("Write a message first.")), Length(max=MAX_LENGTH)],
        description=_l("Everyone in this conversation reads it: the organisation, the "
                       "interpreting service and the booked interpreter."))
    back = HiddenField()
