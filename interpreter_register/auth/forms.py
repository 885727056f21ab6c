"""Forms for logging in, passwords and user accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from ..core.forms import choices
from ..core.i18n import COMMUNITY_LANGUAGES, UI_LANGUAGES, language_name
from .models import ROLE_LABELS, Role

EMAIL_MESSAGE = _l("Enter a valid e-mail address, like name@example.be.")


def email_field(label=None):
    return EmailField(label or _l("E-mail address"),
                      validators=[DataRequired(), Email(message=EMAIL_MESSAGE), Length(max=254)])


def language_choices(blank_label=None, languages=UI_LANGUAGES):
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


class UserForm(FlaskForm):
    """An administrator's form for any user."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = email_field()
    role = SelectField(_l("Role"), choices=choices((r.value, ROLE_LABELS[r]) for r in Role))
    locale = SelectField(_l("Language of mails and pages"))
    organisation = SelectField(_l("Organisation (for requesters)"), coerce=int)
    is_contact_person = BooleanField(_l("Contact person of the organisation: may invite and "
                                        "deactivate colleagues"))
    service = SelectField(_l("Interpreting service (for dispatchers)"), coerce=int)
    person = SelectField(_l("Person in the register (for interpreters and translators)"),
                         coerce=int)

    def __init__(self, *args, organisations=(), services=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        none = (0, _l("— none —"))
        self.locale.choices = language_choices(_l("— as the browser asks —"))
        self.organisation.choices = choices([none, *((o.id, o.name) for o in organisations)])
        self.service.choices = choices([none, *((s.id, s.name) for s in services)])
        self.person.choices = choices([none, *((p.id, p.full_name) for p in people)])


class ColleagueForm(FlaskForm):
    """A contact person's form to invite a colleague of their organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = email_field()
    locale = SelectField(_l("Language of mails and pages"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(_l("— as the browser asks —"),
                                               COMMUNITY_LANGUAGES)
