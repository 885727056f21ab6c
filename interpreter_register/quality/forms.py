"""Forms for ratings, complaints and their decisions, trainings and renewals."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import Form, SelectField, choices
from .models import ComplaintOutcome

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class RatingForm(Form):
    punctuality = RadioField(_l("Punctuality"), choices=choices(SCORES),
                             validators=[DataRequired(message=_l("Choose from 1 to 5."))])
    conduct = RadioField(_l("Conduct"), choices=choices(SCORES),
                         validators=[DataRequired(message=_l("Choose from 1 to 5."))])
    quality = RadioField(_l("Quality of the interpreting, as far as you could judge it"),
                         choices=choices([*SCORES, ("", _l("I cannot judge it"))]),
                         default="")
    comment = TextAreaField(_l("A word for the register (optional)"),
                            validators=[Optional(), Length(max=2000)],
                            description=_l("Only the register's staff read it; the "
                                           "interpreter never learns who rated. No client "
                                           "data."))


class ComplaintForm(Form):
    text = TextAreaField(_l("What happened"), validators=[
        DataRequired(message=_l("Say what happened.")), Length(max=5000)],
        description=_l("Register staff handle the complaint; the interpreter learns the "
                       "decision, never who complained. No client names."))


class DecisionForm(Form):
    outcome = SelectField(_l("Decision"))
    note = TextAreaField(_l("For the interpreter"), validators=[Optional(), Length(max=2000)],
                         description=_l("The interpreter reads this with the decision."))
    effective_on = DateField(_l("Suspended from"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = choices((o.value, o.label) for o in ComplaintOutcome)


class TrainingForm(Form):
    title = StringField(_l("Training"), validators=[DataRequired(), Length(max=200)])
    taken_on = DateField(_l("Date"), validators=[DataRequired()])
    hours = IntegerField(_l("Hours (optional)"),
                         validators=[Optional(), NumberRange(min=1, max=1000)])


class RenewForm(Form):
    number = StringField(_l("Number of the new certificate"),
                         validators=[DataRequired(), Length(max=40)])
    issued_on = DateField(_l("Issued on"), validators=[DataRequired()])
    valid_until = DateField(_l("Valid until (empty: the policy's years)"),
                            validators=[Optional()])


class LetEndForm(Form):
    note = TextAreaField(_l("Why it is not renewed"),
                         validators=[DataRequired(), Length(max=500)])
