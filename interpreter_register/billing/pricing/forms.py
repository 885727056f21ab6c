"""The price-list form: every field of billing.charges.Tariff, prices typed as text (the
service says what is wrong with each, in the words of billing.charges' checks)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ...core.forms import Form, SelectField, choices, fits
from ...register.models.enums import Modality
from ..charges import TIMED_MODALITIES
from ..models import PriceList, PriceListKind
from .services import PRICE_FIELDS, PriceListInput, RateInput

UNIT_LABELS = {"started_quarter": _l("per started quarter of an hour"),
               "minute": _l("per minute"), "hour": _l("per started hour"),
               "block": _l("per started block of the service's own length")}
PRICE_LABELS = {"per_word": _l("Per word (€)"), "per_page": _l("Per page (€)"),
                "translation_minimum": _l("Minimum for a translation (€)"),
                "per_km": _l("Per kilometre (€)"),
                "late_cancellation_charge": _l("A late cancellation (€)")}


def _text(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class PayScaleForm(Form):
    """A pay scale: what interpreters are paid (no VAT: that depends on each of them)."""

    valid_from = DateField(_l("Applies from"), validators=[InputRequired(
        _l("Give the date it applies from."))])
    late_cancellation_travel = BooleanField(_l("The travel of a late cancellation counts "
                                               "too"))
    waiting_time_billed = BooleanField(_l("Waiting for the client counts as worked time"))

    def details(self) -> PriceListInput:
        rates = {m: RateInput(unit=self[f"{m}_unit"].data or None,
                              unit_price=self[f"{m}_unit_price"].data,
                              minimum_minutes=self[f"{m}_minimum_minutes"].data,
                              minimum_charge=self[f"{m}_minimum_charge"].data,
                              unit_minutes=self[f"{m}_unit_minutes"].data)
                 for m in TIMED_MODALITIES}
        vat = ({"vat_rate": self.vat_rate.data,
                "vat_exemption_reason": self.vat_exemption_reason.data}
               if "vat_rate" in self else {})
        return PriceListInput(
            valid_from=self.valid_from.data, rates=rates,
            late_cancellation_travel=self.late_cancellation_travel.data,
            waiting_time_billed=self.waiting_time_billed.data,
            **{name: self[name].data for name in PRICE_FIELDS}, **vat)

    def fill_from(self, price_list: PriceList, with_date: bool = True) -> None:
        """Start from a stored price list (the one in force, or the one being changed)."""
        if with_date:
            self.valid_from.data = price_list.valid_from
        for m in TIMED_MODALITIES:
            rate = price_list.rate(m)
            if rate is None:
                continue
            self[f"{m}_unit"].data = rate.unit
            self[f"{m}_unit_price"].data = _text(rate.unit_price)
            self[f"{m}_minimum_minutes"].data = rate.minimum_minutes
            self[f"{m}_minimum_charge"].data = _text(rate.minimum_charge)
            self[f"{m}_unit_minutes"].data = rate.unit_minutes
        for name in PRICE_FIELDS:
            self[name].data = _text(getattr(price_list, name))
        self.late_cancellation_travel.data = price_list.late_cancellation_travel
        self.waiting_time_billed.data = price_list.waiting_time_billed
        if "vat_rate" in self:
            self.vat_rate.data = _text(price_list.vat_rate)
            self.vat_exemption_reason.data = price_list.vat_exemption_reason


def _price(label):
    # 20 characters hold any price the column can (10 digits, 4 decimals) with room for
    # spaces and a currency sign; a longer text is not a price.
    return StringField(label, validators=[Optional(), Length(max=20)], filters=[
        lambda v: v.strip() if isinstance(v, str) else v], render_kw={"inputmode": "decimal"})


for _m in TIMED_MODALITIES:
    _modality = Modality(_m).label
    setattr(PayScaleForm, f"{_m}_unit", SelectField(
        _l("Unit"), choices=choices(UNIT_LABELS.items(), placeholder=_l("not priced")),
        validators=[Optional()]))
    setattr(PayScaleForm, f"{_m}_unit_price", _price(_l("Price per unit (€)")))
    setattr(PayScaleForm, f"{_m}_minimum_minutes", IntegerField(
        _l("Minimum (minutes)"), validators=[Optional()],
        description=_l("e.g. 60: the first hour counts whole")))
    setattr(PayScaleForm, f"{_m}_minimum_charge", _price(_l("Price of the minimum (€)")))
    setattr(PayScaleForm, f"{_m}_unit_minutes", IntegerField(
        _l("Length of a block (minutes)"), validators=[Optional()],
        description=_l("only for the unit “block”")))
for _name, _label in PRICE_LABELS.items():
    setattr(PayScaleForm, _name, _price(_label))


class TariffForm(PayScaleForm):
    """A tariff: what organisations pay, with its VAT."""

    vat_rate = _price(_l("VAT rate (%)"))
    vat_exemption_reason = StringField(
        _l("Or: exempt from VAT, for this legal reason"), validators=[
            Optional(), fits(PriceList.vat_exemption_reason)],
        description=_l("Printed on each invoice, e.g. Art. 44, § 2, 2° WBTW / CTVA"))


def form_for(kind, **kwargs) -> PayScaleForm:
    return (TariffForm if kind == PriceListKind.TARIFF else PayScaleForm)(**kwargs)
