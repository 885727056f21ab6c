"""Forms for logging in, passwords and user accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..core.forms import SelectField, choices
from ..core.i18n import UI_LANGUAGES, language_name

EMAIL_MESSAGE = _l("Enter a valid e-mail address, like name@example.be.")


def email_field(label=None):
    return EmailField(label or _l("E-mail address"),
                      validators=[DataRequired(), Email(message=EMAIL_MESSAGE), Length(max=254)])


def ui_language_choices(blank_label=None, languages=UI_LANGUAGES):
    pairs = [(code, language_name(code)) for code in languages]
    return choices([("", blank_label), *pairs] if blank_label else pairs)


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Stay logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class AccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"))
    mail_offers = BooleanField(_l("Mail me new offers"))
    mail_bookings = BooleanField(_l("Mail me bookings, changes and cancellations (with the "
                                    "calendar invitation)"))
    mail_reminders = BooleanField(_l("Mail me a reminder before a booking"))
