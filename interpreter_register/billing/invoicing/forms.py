"""Forms of the invoice side: billing data, a month's reference, a credit note."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ...core.forms import Form, SelectField, choices, fits
from ...core.i18n import language_label
from ...organisations.models import (
    WORKING_LANGUAGES,
    InterpretingService,
    Organisation,
    ReferenceRule,
)
from .models import Invoice, MonthReference

MONTH = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("A month is written 2026-03."))


class BillingForm(Form):
    billing_street = StringField(_l("Street and number"), validators=[
        Optional(), fits(Organisation.billing_street)])
    billing_postcode = StringField(_l("Postcode"), validators=[
        Optional(), fits(Organisation.billing_postcode)])
    billing_city = StringField(_l("Municipality"), validators=[
        Optional(), fits(Organisation.billing_city)])
    enterprise_number = StringField(_l("Enterprise number (KBO/BCE)"), validators=[
        Optional(), Length(max=20)])
    peppol_id = StringField(
        _l("Peppol ID"), validators=[Optional(), fits(Organisation.peppol_id)],
        description=_l("Leave empty for 0208 and the enterprise number, the usual one."))
    reference_rule = SelectField(_l("Reference number on invoices"), choices=choices(
        (rule.value, rule.label) for rule in ReferenceRule), default=ReferenceRule.NONE.value)
    invoice_language = SelectField(_l("Invoice language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice_language.choices = choices(
            ((c, language_label(c)) for c in WORKING_LANGUAGES),
            placeholder=_l("The working language"))


class SellerForm(Form):
    billing_street = StringField(_l("Street and number"), validators=[
        DataRequired(), fits(InterpretingService.billing_street)])
    billing_postcode = StringField(_l("Postcode"), validators=[
        DataRequired(), fits(InterpretingService.billing_postcode)])
    billing_city = StringField(_l("Municipality"), validators=[
        DataRequired(), fits(InterpretingService.billing_city)])
    enterprise_number = StringField(_l("Enterprise number (KBO/BCE)"), validators=[
        DataRequired(), Length(max=20)])
    iban = StringField(_l("IBAN"), validators=[DataRequired(), Length(max=40)])
    payment_days = IntegerField(_l("Days to pay"), default=30,
                                validators=[DataRequired(), NumberRange(min=1, max=120)])


class MonthReferenceForm(Form):
    month = StringField(_l("Month"), validators=[DataRequired(), Length(max=7), MONTH])
    reference = StringField(_l("Reference number"), validators=[
        DataRequired(), fits(MonthReference.reference)])


class CreditForm(Form):
    reason = TextAreaField(_l("Why is it credited?"), validators=[
        DataRequired(), fits(Invoice.reason)])
