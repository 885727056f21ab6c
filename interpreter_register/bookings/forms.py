"""Forms for requests, the dispatchers' actions, offers, availability and leave."""

from functools import lru_cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..core.forms import LongSelect, all_languages_and, choices
from ..core.i18n import language_label
from ..core.regions import POSTCODE
from ..organisations.forms import POSTCODE_MESSAGE
from ..register.languages import REGISTER_LANGUAGE_NAMES
from ..register.models import Direction, Domain, Gender, Modality
from .models import RequestStatus, WithdrawalReason
from .wording import page_wording

WORKING_LANGUAGES = ("nl", "fr", "de")


def language_options(register_languages, ui: str):
    """The register's languages first, then every other language the locale data names."""
    first = _l("Languages in the register")
    rest = _l("Other languages")
    others = _other_languages(ui, frozenset(code for code, _name in register_languages))
    return ([SelectChoice("", _l("— choose the language —"))]
            + [SelectChoice(code, name, optgroup=first) for code, name in register_languages]
            + [SelectChoice(code, name, optgroup=rest) for code, name in others])


@lru_cache(maxsize=16)
def _other_languages(ui: str, known: frozenset) -> tuple[tuple[str, str], ...]:
    """The languages outside the register, named and sorted once per UI language and set
    of register languages (several hundred names from the locale data)."""
    others = [(code, name[:1].upper() + name[1:])
              for code, name in Locale.parse(ui).languages.items()
              if "_" not in code and code not in known and code not in WORKING_LANGUAGES]
    others += [(code, names[ui] if ui in names else names["en"])
               for code, names in REGISTER_LANGUAGE_NAMES.items() if code not in known]
    return tuple(sorted(others, key=lambda pair: pair[1].casefold()))


class RequestForm(FlaskForm):
    language = SelectField(_l("Language of the client"), widget=LongSelect(),
                           validators=[DataRequired(message=_l("Choose the language."))])
    working_language = SelectField(_l("Working language"))
    modality = RadioField(_l("How"), validators=[DataRequired()])
    domain = SelectField(_l("Domain of the conversation"))
    # Interpreting
    day = DateField(_l("Day"), validators=[Optional()])
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("Until"), validators=[Optional()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[
        Optional(), Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=100)])
    phone_number = StringField(_l("Number the interpreter calls"),
                               validators=[Optional(), Length(max=40)])
    video_link = StringField(_l("Link of the video call"),
                             validators=[Optional(), Length(max=500)])
    # Translation
    deadline_on = DateField(_l("Deadline"), validators=[Optional()])
    words = IntegerField(_l("Size (words)"), validators=[Optional(), NumberRange(min=1)])
    direction = SelectField(_l("Direction"), default=Direction.INTO_WORKING.value)
    # About the case
    case_reference = StringField(
        _l("Case reference"), validators=[Optional(), Length(max=60)],
        description=_l("Your pseudonymous file number. Never the client's name."))
    notes = TextAreaField(_l("Notes for the interpreter"),
                          validators=[Optional(), Length(max=2000)],
                          description=_l("Shown to the booked interpreter after logging in; "
                                         "never in mails or calendars. No client's name."))
    preferred_gender = SelectField(_l("Interpreter's gender"))
    prefer_same_interpreter = BooleanField(_l("The same interpreter as earlier for this case"))
    urgent = BooleanField(_l("Urgent"))

    def __init__(self, *args, languages=(), ui="nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_options(languages, ui)
        self.working_language.choices = choices((c, language_label(c))
                                                for c in WORKING_LANGUAGES)
        self.modality.choices = choices((m.value, m.label) for m in Modality)
        self.domain.choices = choices((d.value, d.label) for d in Domain)
        self.direction.choices = choices([
            (Direction.INTO_WORKING.value, _l("From the client's language into the working "
                                              "language")),
            (Direction.FROM_WORKING.value, _l("From the working language into the client's "
                                              "language"))])
        self.preferred_gender.choices = choices([("", _l("No preference")),
                                                 *((g.value, g.label) for g in Gender)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class OfferAnswerForm(DeclineForm):
    """Two buttons, both named ``answer``: accept or decline."""

    answer = SelectField(choices=choices([("accept", "accept"), ("decline", "decline")]))


ALL, OPEN = _l("All"), _l("Open")


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    language = SelectField(_l("Language"), default="", widget=LongSelect())
    day = DateField(_l("Day"), validators=[Optional()])
    modality = SelectField(_l("How"), default="")
    status = SelectField(_l("Status"), default="")

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Labels as the page words them (each translated once for the whole page).
        words = page_wording().words
        self.language.choices = all_languages_and(tuple(languages))
        self.modality.choices = choices([("", words(ALL)),
                                         *((m.value, words(m)) for m in Modality)])
        self.status.choices = choices([("", words(OPEN)), ("all", words(ALL)),
                                       *((s.value, words(s)) for s in RequestStatus)])


class OfferForm(FlaskForm):
    people = SelectMultipleField(coerce=int, validate_choice=False)
    waves = BooleanField(_l("In waves by tier"))


class PersonChoiceForm(FlaskForm):
    person = HiddenField(validators=[DataRequired()])


class RescheduleForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_l("From"), validators=[DataRequired()])
    ends = TimeField(_l("Until"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[
        Optional(), Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=100)])


class AvailabilityRow(Form):
    weekday = SelectField(_l("Day"), coerce=int)
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = choices((n, name) for n, name in enumerate(_weekday_names()))


def _weekday_names():
    from flask_babel import get_locale
    names = get_locale().days["format"]["wide"]
    return [names[n][:1].upper() + names[n][1:] for n in range(7)]


class AvailabilityForm(FlaskForm):
    rows = FieldList(FormField(AvailabilityRow), min_entries=1)


class LeaveForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    from_time = TimeField(_l("From (optional, for part of a day)"), validators=[Optional()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    until_time = TimeField(_l("Until (optional, for part of a day)"), validators=[Optional()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)])
    # The bookings the leave falls on, as the page listed them when the person confirmed.
    withdraw = HiddenField(default="")

    def confirmed_bookings(self) -> frozenset[int]:
        return frozenset(int(part) for part in (self.withdraw.data or "").split(",")
                         if part.strip().isdigit())


class WithdrawForm(FlaskForm):
    """An interpreter can no longer come; the reason stays with the service."""

    reason = RadioField(_l("Why"), validators=[DataRequired(message=_l("Say why."))])
    note = TextAreaField(_l("A word for the interpreting service (optional)"),
                         validators=[Optional(), Length(max=300)],
                         description=_l("Only the service reads it. No client data."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choices((r.value, r.label) for r in WithdrawalReason
                                      if r != WithdrawalReason.LEAVE)


class BarForm(FlaskForm):
    person = SelectField(_l("Interpreter or translator"), coerce=int)
    reason = StringField(_l("Reason (optional, for your colleagues)"),
                         validators=[Optional(), Length(max=300)])
