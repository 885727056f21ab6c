"""Forms for managing accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Optional

from ..auth.forms import email_field, ui_language_choices
from ..auth.models import ROLE_LABELS, Role, User
from ..core.forms import Chosen, Form, SelectField, choices, fits
from ..core.i18n import COMMUNITY_LANGUAGES


class UserForm(Form):
    """An administrator's form for any user."""

    name = StringField(_l("Name"), validators=[DataRequired(), fits(User.name)])
    email = email_field()
    # No role is preselected: an invitation as administrator must be a choice, not a default.
    role = SelectField(_l("Role"), validators=[Chosen(_l("Choose the user's role."))],
                       choices=choices(((r.value, ROLE_LABELS[r]) for r in Role),
                                       placeholder=_l("— choose a role —")))
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
        self.locale.choices = ui_language_choices(_l("— as the browser asks —"))
        self.organisation.choices = choices([none, *((o.id, o.name) for o in organisations)])
        self.service.choices = choices([none, *((s.id, s.name) for s in services)])
        self.person.choices = choices([none, *((p.id, p.full_name) for p in people)])


class ColleagueForm(Form):
    """A contact person's form to invite a colleague of their organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), fits(User.name)])
    email = email_field()
    locale = SelectField(_l("Language of mails and pages"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = ui_language_choices(_l("— as the browser asks —"),
                                               COMMUNITY_LANGUAGES)
