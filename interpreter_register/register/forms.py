"""Forms of the register."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..auth.forms import EMAIL_MESSAGE
from ..core.forms import Form, LongSelect, SelectField, all_languages_and, choices, fits
from ..core.i18n import language_label
from ..core.regions import POSTCODE, Province
from ..organisations.forms import POSTCODE_MESSAGE, CheckboxListField
from .models import (
    Certificate,
    CertificateStatus,
    CertificateStatusChange,
    Direction,
    Domain,
    Gender,
    Language,
    Modality,
    Person,
    QualificationKind,
    Revision,
    StepResult,
    TrackStep,
    Verdict,
)

WORKING_LANGUAGES = ("nl", "fr", "de")


def _enum_choices(enum, members=None):
    return choices((m.value, m.label) for m in (members or enum))


def _working_language_choices():
    return choices((c, language_label(c)) for c in WORKING_LANGUAGES)


def optional_email():
    return StringField(_l("E-mail address"), validators=[
        Optional(), Email(message=EMAIL_MESSAGE), fits(Person.email)])


def optional_postcode():
    return StringField(_l("Postcode"), validators=[
        Optional(), fits(Person.postcode), Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])


class ContactForm(Form):
    """What interpreters keep about themselves: contact data and public consent."""

    email = optional_email()
    phone = StringField(_l("Telephone"), validators=[Optional(), fits(Person.phone)],
                        description=_l("A Belgian number, or a foreign one with its country "
                                       "code (+33 …)."))
    postcode = optional_postcode()
    municipality = StringField(_l("Municipality"), validators=[Optional(),
                                                                fits(Person.municipality)])
    public_consent = BooleanField(_l("Appear in the public register"))
    show_email = BooleanField(_l("Show the e-mail address in the public register"))
    show_phone = BooleanField(_l("Show the telephone number in the public register"))
    show_municipality = BooleanField(_l("Show the municipality in the public register"))


class PersonForm(ContactForm):
    first_name = StringField(_l("First name"), validators=[DataRequired(),
                                                           fits(Person.first_name)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), fits(Person.last_name)])
    gender = SelectField(_l("Gender"), description=_l(
        "Optional. Used only when a requester asks for an interpreter of a given gender."))
    regions = CheckboxListField(_l("Regions served"))
    modalities = CheckboxListField(_l("Works"))
    domains = CheckboxListField(_l("Specialised in"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gender.choices = choices([("", _l("— not given —")),
                                       *((g.value, g.label) for g in Gender)])
        self.regions.choices = _enum_choices(Province)
        self.modalities.choices = _enum_choices(Modality)
        self.domains.choices = _enum_choices(Domain)


class QualificationForm(Form):
    kind = SelectField(_l("Work"))
    language = SelectField(_l("Language"), widget=LongSelect())
    working_language = SelectField(_l("Working language"))
    direction = SelectField(_l("Direction (translation only)"))
    specialist_revisor = BooleanField(_l("Specialist revisor for this pair (translation only)"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _enum_choices(QualificationKind)
        self.language.choices = choices(languages)
        self.working_language.choices = _working_language_choices()
        self.direction.choices = _enum_choices(
            Direction, (Direction.INTO_WORKING, Direction.FROM_WORKING))


class CertificateForm(Form):
    number = StringField(_l("Certificate number"), validators=[DataRequired(),
                                                               fits(Certificate.number)])
    issued_on = DateField(_l("Issued on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("The re-certification date. Left empty, it follows "
                                           "the policy setting."))


class CertificateStatusForm(Form):
    status = SelectField(_l("New status"))
    effective_on = DateField(_p("date", "From"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(),
                                                     fits(CertificateStatusChange.reason)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = choices([
            (CertificateStatus.SUSPENDED.value, _l("Suspended")),
            (CertificateStatus.REVOKED.value, _l("Revoked")),
            (CertificateStatus.VALID.value, _l("Valid again (end a suspension)"))])


class StepForm(Form):
    step = SelectField(_l("Step"))
    taken_on = DateField(_l("Date"), validators=[DataRequired()])
    result = SelectField(_l("Result"))
    certificate_number = StringField(
        _l("Certificate number"), validators=[Optional(), fits(Certificate.number)],
        description=_l("After a passed certification exam: fill in the number to issue the "
                       "certificate at once, dated the day of the exam."))
    valid_until = DateField(_l("Certificate valid until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.step.choices = _enum_choices(TrackStep)
        self.result.choices = _enum_choices(StepResult)


class RevisionTrackForm(Form):
    opened_on = DateField(_l("Start of the revision protocol"), validators=[DataRequired()])


class RevisionForm(Form):
    revised_on = DateField(_l("Date of the revision"), validators=[DataRequired()])
    revisor = SelectField(_l("Revisor"), coerce=int)
    translation = StringField(_l("Translation"), validators=[DataRequired(),
                                                             fits(Revision.translation)],
                              description=_l("A title or reference for the document; never the "
                                             "client's name."))
    verdict = SelectField(_l("Verdict"))
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(),
                                                       fits(Revision.remarks, text=2000)])
    booking = SelectField(_l("Booked translation it concerns"), coerce=int, default=0)

    def __init__(self, *args, revisors=(), bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.revisor.choices = choices((p.id, p.full_name) for p in revisors)
        self.verdict.choices = _enum_choices(Verdict)
        self.booking.choices = choices([(0, _l("— none —")),
                                        *((b.id, b.request.number) for b in bookings)])


class LanguageNamesForm(Form):
    name_nl = StringField(_l("Name in Dutch"), validators=[Optional(), fits(Language.name_nl)])
    name_fr = StringField(_l("Name in French"), validators=[Optional(), fits(Language.name_fr)])
    name_de = StringField(_l("Name in German"), validators=[Optional(), fits(Language.name_de)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), fits(Language.name_en)])

    def names(self) -> dict:
        return {k: getattr(self, f"name_{k}").data for k in ("nl", "fr", "de", "en")}


class LanguageForm(LanguageNamesForm):
    code = StringField(_l("ISO 639 code"), validators=[DataRequired(), Length(min=2),
                                                       fits(Language.code)],
                       description=_l("Two letters where ISO 639-1 has a code (ar, ps, ti), "
                                      "three otherwise (prs, kmr, vgt)."))


class StaffSearchForm(Form):
    """The register staff's search; a GET form, bookmarkable, so without CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Length(max=160)])
    language = SelectField(_l("Language"), default="", widget=LongSelect())
    certificate = StringField(_l("Certificate number"), validators=[fits(Certificate.number)])
    status = SelectField(_l("Certificate status"), default="")
    expiring = IntegerField(_l("Certificates expiring within (days)"),
                            validators=[Optional(), NumberRange(min=0, max=3650)])
    inactive = BooleanField(_l("Include inactive people"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = all_languages_and(tuple(languages))
        self.status.choices = choices([("", _l("Any")),
                                       *((s.value, s.label) for s in CertificateStatus)])


class PublicSearchForm(Form):
    class Meta:
        csrf = False

    language = SelectField(_l("Language"), default="", widget=LongSelect())
    working_language = SelectField(_l("Working language"), default="")
    kind = SelectField(_l("Interpreter or translator"), default="")
    modality = SelectField(_l("How"), default="")
    region = SelectField(_l("Region"), default="")
    postcode = StringField(_l("or postcode"), validators=[
        Optional(), fits(Person.postcode), Regexp(POSTCODE.pattern, message=POSTCODE_MESSAGE)])

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = _l("All")
        self.language.choices = all_languages_and(tuple(languages))
        self.working_language.choices = choices([("", every),
                                                 *((c, language_label(c))
                                                   for c in WORKING_LANGUAGES)])
        self.kind.choices = choices([("", _l("Both")),
                                     (QualificationKind.INTERPRETING.value, _l("Interpreter")),
                                     (QualificationKind.TRANSLATION.value, _l("Translator"))])
        self.modality.choices = choices([("", every), *((m.value, m.label) for m in Modality)])
        self.region.choices = choices([("", _l("All of Belgium")),
                                       *((p.value, p.label) for p in Province)])


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "txt"], message=_l("Choose a .csv file."))])
