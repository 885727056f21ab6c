"""Forms for logging in, passwords and user accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.forms import Form, SelectField, choices, fits
from ..core.i18n import UI_LANGUAGES, language_name
from .models import User

# A password is hashed, never stored: its limit only keeps hashing cheap.
PASSWORD_MAX = 200

EMAIL_MESSAGE = _l("Enter a valid e-mail address, like name@example.be.")


def email_field(label=None):
    return EmailField(label or _l("E-mail address"),
                      validators=[DataRequired(), Email(message=EMAIL_MESSAGE), fits(User.email)])


def ui_language_choices(blank_label=None, languages=UI_LANGUAGES):
    pairs = [(code, language_name(code)) for code in languages]
    return choices([("", blank_label), *pairs] if blank_label else pairs)


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                         Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(Form):
    email = email_field()


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(),
                                                             Length(max=PASSWORD_MAX)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), Length(max=PASSWORD_MAX),
        EqualTo("password", message=_l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(),
                                                                Length(max=PASSWORD_MAX)])


class AccountForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), fits(User.name)])
    locale = SelectField(_l("Language"))
    mail_offers = BooleanField(_l("Mail me new offers"))
    mail_bookings = BooleanField(_l("Mail me bookings, changes and cancellations (with the "
                                    "calendar invitation)"))
    mail_reminders = BooleanField(_l("Mail me a reminder before a booking"))


class CodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autocapitalize": "off", "spellcheck": "false"})
