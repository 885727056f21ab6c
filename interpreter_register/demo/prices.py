"""The demo services' prices: a tariff for the organisations and a pay scale for the
interpreters, from the first of January of last year (the demo's history is a year long),
and this year's tariff from the first of January with higher prices, so that a newcomer
sees a price change that leaves earlier months as they were billed."""

from datetime import date
from decimal import Decimal

from ..billing.models import PriceList, PriceListKind, PriceListRate
from ..extensions import db

# Public-sector interpreting in Belgium is exempt from VAT as a social service; the reason
# printed on the invoice is the article of the VAT code that exempts it.
EXEMPTION = "Art. 44, § 2, 2° WBTW / CTVA"


def _rates(hour: str, minute: str) -> list[PriceListRate]:
    hour = Decimal(hour)
    return [
        # On site: the first hour whole, then per started quarter of an hour.
        PriceListRate(modality="on_site", unit="started_quarter", unit_price=hour / 4,
                      minimum_minutes=60, minimum_charge=hour),
        PriceListRate(modality="phone", unit="minute", unit_price=Decimal(minute)),
        PriceListRate(modality="video", unit="minute", unit_price=Decimal(minute)),
    ]


def seed_price_lists(services, today: date) -> None:
    last_year, this_year = date(today.year - 1, 1, 1), date(today.year, 1, 1)
    for service in services.values():
        db.session.add_all([
            PriceList(service=service, kind=PriceListKind.TARIFF, valid_from=last_year,
                      rates=_rates("52.00", "0.90"), per_word=Decimal("0.11"),
                      translation_minimum=Decimal("35.00"), per_km=Decimal("0.4269"),
                      late_cancellation_charge=Decimal("52.00"),
                      vat_exemption_reason=EXEMPTION),
            PriceList(service=service, kind=PriceListKind.TARIFF, valid_from=this_year,
                      rates=_rates("56.00", "0.95"), per_word=Decimal("0.12"),
                      translation_minimum=Decimal("38.00"), per_km=Decimal("0.4415"),
                      late_cancellation_charge=Decimal("56.00"),
                      vat_exemption_reason=EXEMPTION),
            PriceList(service=service, kind=PriceListKind.PAY_SCALE, valid_from=last_year,
                      rates=_rates("38.00", "0.65"), per_word=Decimal("0.08"),
                      translation_minimum=Decimal("25.00"), per_km=Decimal("0.4269"),
                      late_cancellation_charge=Decimal("38.00")),
        ])
