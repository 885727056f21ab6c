"""Forms for requests, the dispatchers' actions, offers, availability and leave."""

from functools import lru_cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from ..core.forms import (
    Chosen,
    Form,
    LongSelect,
    NeededFor,
    SelectField,
    SubForm,
    all_languages_and,
    choices,
    fits,
    optional_int,
)
from ..core.i18n import language_label
from ..core.regions import POSTCODE
from ..core.rules import RuleError, show_on_form
from ..core.time import NonexistentLocalTime, brussels_to_utc, utcnow
from ..organisations.forms import POSTCODE_MESSAGE
from ..register.languages import REGISTER_LANGUAGE_NAMES
from ..register.models import Direction, Domain, Gender, Modality
from .models import (
    Booking,
    InterpretingRequest,
    Leave,
    Offer,
    OrganisationBar,
    RequestStatus,
    WithdrawalReason,
)
from .recurrence import MAX_OCCURRENCES, Frequency
from .services.requests import RequestDetails, request_problems
from .services.search import RequestSearch
from .wording import page_wording

# Which of the month's weekdays, as the choices of a select (NTH_WORDS go in sentences).
NTH_CHOICES = ((1, _p("weekday of the month", "the first")),
               (2, _p("weekday of the month", "the second")),
               (3, _p("weekday of the month", "the third")),
               (4, _p("weekday of the month", "the fourth")),
               (5, _p("weekday of the month", "the fifth")),
               (-1, _p("weekday of the month", "the last")))

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


def moment(day, clock, field: str):
    """A day and a wall-clock time in Brussels, as UTC; refuses the hour that does not
    exist when summer time starts."""
    if day is None or clock is None:
        return None
    try:
        return brussels_to_utc(day, clock)
    except NonexistentLocalTime as error:
        raise RuleError(_l("This time does not exist on that day: the clocks go forward "
                           "from 02:00 to 03:00."), field) from error


class RequestForm(Form):
    language = SelectField(_l("Language of the client"), widget=LongSelect(),
                           validators=[DataRequired(message=_l("Choose the language."))])
    working_language = SelectField(_l("Working language"))
    modality = RadioField(_l("How"), validators=[DataRequired()])
    domain = SelectField(_l("Domain of the conversation"))
    # Interpreting
    day = DateField(_l("Day"), validators=[Optional(), NeededFor()])
    starts = TimeField(_p("time of day", "From"), validators=[Optional(), NeededFor()])
    ends = TimeField(_p("time of day", "Until"), validators=[Optional(), NeededFor()])
    address = StringField(_l("Address"), validators=[Optional(),
                                                     fits(InterpretingRequest.address)])
    postcode = StringField(_l("Postcode"), validators=[
        Optional(), fits(InterpretingRequest.postcode),
        Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])
    municipality = StringField(_l("Municipality"), validators=[
        Optional(), fits(InterpretingRequest.municipality)])
    phone_number = StringField(_l("Number the interpreter calls"),
                               validators=[Optional(), fits(InterpretingRequest.phone_number)])
    video_link = StringField(_l("Link of the video call"),
                             validators=[Optional(), fits(InterpretingRequest.video_link)])
    # Translation
    deadline_on = DateField(_l("Deadline"), validators=[Optional(), NeededFor()])
    words = IntegerField(_l("Size (words)"),
                         validators=[Optional(), NeededFor(), NumberRange(min=1)])
    direction = SelectField(_l("Direction"), default=Direction.INTO_WORKING.value)
    # About the case
    case_reference = StringField(
        _l("Case reference"), validators=[Optional(), fits(InterpretingRequest.case_reference)],
        description=_l("Your pseudonymous file number. Never the client's name."))
    notes = TextAreaField(_l("Notes for the interpreter"),
                          validators=[Optional(), fits(InterpretingRequest.notes, text=2000)],
                          description=_l("Shown to the booked interpreter after logging in; "
                                         "never in mails or calendars. No client's name."))
    preferred_gender = SelectField(_l("Interpreter's gender"))
    prefer_same_interpreter = BooleanField(_l("The same interpreter as earlier for this case"))
    urgent = BooleanField(_l("Urgent"))
    # Repeating (interpreting only): a series, one request per date.
    repeat = SelectField(_l("Repeat"), default="")
    repeat_nth = SelectField(_l("Which weekday of the month"), default="")
    repeat_until = DateField(_l("Last day"), validators=[Optional()])
    repeat_count = IntegerField(_l("Or a number of times"), validators=[
        Optional(), NumberRange(min=1, max=999)],
        description=_l("At most %(max)d dates, within two years.", max=MAX_OCCURRENCES))
    # The public holidays among the dates the requester leaves out, and those they saw.
    skip = SelectMultipleField(validate_choice=False)
    reviewed = HiddenField(default="", validators=[Length(max=2000)])
    preview = SubmitField(_l("Show the dates"))

    def __init__(self, *args, languages=(), ui="nl", **kwargs):
        super().__init__(*args, **kwargs)
        self.repeat.choices = choices([
            ("", _l("Does not repeat")), (Frequency.WEEKLY.value, _l("Every week")),
            (Frequency.FORTNIGHTLY.value, _l("Every two weeks")),
            (Frequency.MONTHLY_BY_DATE.value, _l("Every month, on the same date")),
            (Frequency.MONTHLY_BY_WEEKDAY.value, _l("Every month, on the same weekday"))])
        self.repeat_nth.choices = choices([
            ("", _l("As the first day falls")), *((str(n), label) for n, label in NTH_CHOICES)])
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

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks and the rules of the way of working together (the day
        and times of an interpretation, the deadline of a translation): every problem is
        shown at once, not one per submission."""
        valid = super().validate(extra_validators)
        if self.modality.errors or self.domain.errors or self.direction.errors:
            return False
        try:
            details = self.details()
        except RuleError as error:
            show_on_form(self, error)
            return False
        error = RuleError.all_of((message, name) for message, name
                                 in request_problems(details, utcnow())
                                 if not getattr(self, name).errors)
        if error:
            show_on_form(self, error)
            return False
        return valid

    def details(self) -> RequestDetails:
        modality = Modality(self.modality.data)
        return RequestDetails(
            language_code=self.language.data, working_language=self.working_language.data,
            modality=modality, domain=Domain(self.domain.data),
            starts_at=moment(self.day.data, self.starts.data, "starts"),
            ends_at=moment(self.day.data, self.ends.data, "ends"),
            deadline_on=self.deadline_on.data, words=self.words.data,
            direction=Direction(self.direction.data) if modality == Modality.WRITTEN
            else Direction.BOTH,
            address=self.address.data, postcode=self.postcode.data,
            municipality=self.municipality.data, phone_number=self.phone_number.data,
            video_link=self.video_link.data, case_reference=self.case_reference.data,
            notes=self.notes.data,
            preferred_gender=Gender(self.preferred_gender.data) if self.preferred_gender.data
            else None,
            prefer_same_interpreter=self.prefer_same_interpreter.data, urgent=self.urgent.data)


class EditRequestForm(RequestForm):
    """The request form to change a request; for a date of a series, which dates."""

    scope = RadioField(_l("Apply the change to"), default="one")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = choices([("one", _l("This date only")),
                                      ("following", _l("This date and the following ones")),
                                      ("all", _l("Every date still to come"))])


class SeriesCancelForm(Form):
    first_day = SelectField(_l("Cancel from"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class SeriesAnswerForm(Form):
    """The dates of a series a person accepts; the others are declined."""

    accept = SelectMultipleField(coerce=int, validate_choice=False)
    reason = StringField(_l("Reason for the dates you decline (optional)"),
                         validators=[Optional(), Length(max=300)])


class RequestSearchForm(Form):
    """A requester's filters of their organisation's requests."""

    class Meta:
        csrf = False

    reference = StringField(_l("Request number or case reference"),
                            validators=[Optional(), Length(max=60)])
    status = SelectField(_l("Status"), default="")
    language = SelectField(_l("Language"), default="", widget=LongSelect())
    first_day = DateField(_l("From"), validators=[Optional()])
    last_day = DateField(_l("Until"), validators=[Optional()])

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choices([("", _l("All languages")), *languages])
        self.status.choices = choices([("", _l("All")),
                                       *((s.value, s.label) for s in RequestStatus)])


def search_of(form: "RequestSearchForm") -> RequestSearch:
    """What a search form asks for, a refused field counting as empty (a hand-made or
    stale address still shows a page, with the refusal on the form)."""
    names = ("reference", "status", "language", "organisation", "interpreter")
    return RequestSearch(**{name: form.value(name) or "" for name in names if name in form},
                         first_day=form.value("first_day"), last_day=form.value("last_day"))


class DispatchSearchForm(RequestSearchForm):
    """A dispatcher's search of their service's requests, in every status."""

    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=100)])
    interpreter = StringField(_l("Interpreter"), validators=[Optional(), Length(max=100)])


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(),
                                                     fits(InterpretingRequest.cancel_reason)])


class DeclineForm(Form):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(),
                                                              fits(Offer.decline_reason)])


class OfferAnswerForm(DeclineForm):
    """Two buttons, both named ``answer``: accept or decline."""

    answer = SelectField(choices=choices([("accept", "accept"), ("decline", "decline")]))


ALL, OPEN = _l("All"), _l("Open")


class QueueFilterForm(Form):
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


class OfferForm(Form):
    people = SelectMultipleField(coerce=int, validate_choice=False)
    waves = BooleanField(_l("In waves by tier"))


class PersonChoiceForm(Form):
    person = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class RescheduleForm(Form):
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts = TimeField(_p("time of day", "From"), validators=[DataRequired()])
    ends = TimeField(_p("time of day", "Until"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[Optional(),
                                                     fits(InterpretingRequest.address)])
    postcode = StringField(_l("Postcode"), validators=[
        Optional(), fits(InterpretingRequest.postcode),
        Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])
    municipality = StringField(_l("Municipality"), validators=[
        Optional(), fits(InterpretingRequest.municipality)])


class AvailabilityRow(SubForm):
    weekday = SelectField(_l("Day"), coerce=int)
    starts = TimeField(_p("time of day", "From"), validators=[Optional()])
    ends = TimeField(_p("time of day", "Until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = choices((n, name) for n, name in enumerate(_weekday_names()))


def _weekday_names():
    from flask_babel import get_locale
    names = get_locale().days["format"]["wide"]
    return [names[n][:1].upper() + names[n][1:] for n in range(7)]


class AvailabilityForm(Form):
    rows = FieldList(FormField(AvailabilityRow), min_entries=1)


class LeaveForm(Form):
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    from_time = TimeField(_l("From (optional, for part of a day)"), validators=[Optional()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])
    until_time = TimeField(_l("Until (optional, for part of a day)"), validators=[Optional()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), fits(Leave.note)])
    # The bookings the leave falls on, as the page listed them when the person confirmed.
    withdraw = HiddenField(default="", validators=[Length(max=2000)])

    def confirmed_bookings(self) -> frozenset[int]:
        return frozenset(int(part) for part in (self.withdraw.data or "").split(",")
                         if part.strip().isdigit() and len(part.strip()) < 10)


class WithdrawForm(Form):
    """An interpreter can no longer come; the reason stays with the service."""

    reason = RadioField(_l("Why"), validators=[DataRequired(message=_l("Say why."))])
    note = TextAreaField(_l("A word for the interpreting service (optional)"),
                         validators=[Optional(), fits(Booking.withdrawal_note)],
                         description=_l("Only the service reads it. No client data."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choices((r.value, r.label) for r in WithdrawalReason
                                      if r != WithdrawalReason.LEAVE)


class BarForm(Form):
    person = SelectField(_l("Interpreter or translator"), coerce=optional_int,
                         validators=[Chosen(_l("Choose the person."))])
    reason = StringField(_l("Reason (optional, for your colleagues)"),
                         validators=[Optional(), fits(OrganisationBar.reason)])
