"""The message form and the document form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import Chosen, Form, SelectField, choices
from .services import MAX_LENGTH


class MessageForm(Form):
    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(message=_l("Write a message first.")), Length(max=MAX_LENGTH)],
        description=_l("Everyone in this conversation reads it: the organisation, the "
                       "interpreting service and the booked interpreter."))
    back = HiddenField(validators=[Length(max=500)])


class DocumentForm(Form):
    """A document sent with a request: what it is (the choices depend on who sends it and
    on the request, see ``documents.purposes_for``) and the file."""

    purpose = SelectField(_l("What is it?"), validators=[
        Chosen(_l("Choose what the document is."))])
    document = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to send."))],
                         description=_l("PDF, Word (DOCX), OpenDocument (ODT) or a photo "
                                        "(JPEG or PNG)."))

    def offer(self, purposes) -> "DocumentForm":
        self.purpose.choices = choices([(p.value, p.label) for p in purposes],
                                       _l("— choose —") if len(purposes) > 1 else None)
        return self
