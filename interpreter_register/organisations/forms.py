"""Forms for requesting organisations and interpreting services."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.forms import EMAIL_MESSAGE
from ..core.forms import Form, SelectField, choices, fits
from ..core.i18n import language_label
from ..core.regions import POSTCODE, PostcodeRangeError, Province, parse_postcode_ranges
from .models import (
    ORGANISATION_TYPE_LABELS,
    WORKING_LANGUAGES,
    CancellationRule,
    InterpretingService,
    Organisation,
    OrganisationType,
)

POSTCODE_MESSAGE = _l("A Belgian postcode has four digits, from 1000 to 9999.")


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), fits(Organisation.name)])
    type = SelectField(_l("Type"), choices=choices((t.value, ORGANISATION_TYPE_LABELS[t])
                                                    for t in OrganisationType))
    postcode = StringField(_l("Postcode"), validators=[
        DataRequired(), fits(Organisation.postcode),
        Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])
    municipality = StringField(_l("Municipality"), validators=[
        DataRequired(), fits(Organisation.municipality)])
    working_language = SelectField(_l("Working language"))
    email = StringField(_l("E-mail address"), validators=[
        Optional(), Email(message=EMAIL_MESSAGE), fits(Organisation.email)])
    phone = StringField(_l("Telephone"), validators=[Optional(), fits(Organisation.phone)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_language.choices = choices((c, language_label(c))
                                               for c in WORKING_LANGUAGES)


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), fits(InterpretingService.name)])
    email = StringField(_l("E-mail address"), validators=[
        Optional(), Email(message=EMAIL_MESSAGE), fits(InterpretingService.email)])
    phone = StringField(_l("Telephone"), validators=[Optional(),
                                                     fits(InterpretingService.phone)])
    provinces = CheckboxListField(_l("Provinces served"),
                                  choices=choices((p.value, p.label) for p in Province))
    postcodes = TextAreaField(
        _l("Other postcodes served"), validators=[Length(max=2000)],
        description=_l("Single postcodes or ranges, separated by commas: 4700-4791, 1000"))

    cancellation_rule = SelectField(_l("Cancellation policy"), choices=choices(
        (rule.value, rule.label) for rule in CancellationRule),
        default=CancellationRule.PREVIOUS_WORKING_DAY.value)
    cancellation_hours = IntegerField(
        _l("Hours before the start (for the hours rule)"), default=48,
        validators=[DataRequired(), NumberRange(min=1, max=336)])
    late_cancellation_billable = BooleanField(_l("A late cancellation is billed"),
                                              default=True)
    late_cancellation_paid = BooleanField(_l("The interpreter is paid for a late cancellation"),
                                          default=True)
    late_cancellation_minutes = IntegerField(
        _l("Minutes a late cancellation counts for"), default=60,
        description=_l("The billable minimum on the completion sheet that a late "
                       "cancellation produces."),
        validators=[DataRequired(), NumberRange(min=1, max=480)])

    def validate_postcodes(self, field):
        try:
            self.postcode_ranges_typed = parse_postcode_ranges(field.data)
        except PostcodeRangeError as error:
            raise ValidationError(str(error.args[0])) from error

    def postcode_ranges(self) -> list[tuple[int, int]]:
        ranges = list(getattr(self, "postcode_ranges_typed", []))
        for value in self.provinces.data or []:
            ranges.extend(Province(value).postcode_ranges)
        return ranges
