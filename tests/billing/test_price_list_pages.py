"""The price-list pages: a service's dispatchers and administrators keep its tariffs and pay
scales; a new one starts after today, prefilled from the one in force; one in force is
never changed; every wrong field is named in the reader's words and nothing is saved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from interpreter_register.billing.models import PriceList, PriceListKind, PriceListRate
from interpreter_register.core.time import today_in_brussels
from interpreter_register.extensions import db
from tests.fixtures.reading import load


@pytest.fixture(autouse=True)
def in_english(world):
    """The messages below are asserted in the source's words: staff may choose English."""
    for user in (world.dispatcher, world.admin, world.other_dispatcher):
        user.locale = "en"
    db.session.commit()


def _stored(service, kind, valid_from, hour="60.00", vat_rate=None, reason="Art. 44"):
    price_list = PriceList(
        service_id=service.id, kind=kind, valid_from=valid_from, per_km=Decimal("0.4269"),
        per_word=Decimal("0.11"), translation_minimum=Decimal("35"),
        late_cancellation_charge=Decimal(hour),
        vat_rate=vat_rate if kind == PriceListKind.TARIFF and not reason else None,
        vat_exemption_reason=reason if kind == PriceListKind.TARIFF else None,
        rates=[PriceListRate(modality="on_site", unit="started_quarter",
                             unit_price=Decimal(hour) / 4, minimum_minutes=60,
                             minimum_charge=Decimal(hour)),
               PriceListRate(modality="phone", unit="minute", unit_price=Decimal("0.90"))])
    db.session.add(price_list)
    db.session.commit()
    return price_list


def _count() -> int:
    return db.session.scalar(select(func.count(PriceList.id)))


def _form(valid_from, **changes) -> dict:
    """A tariff's form as a person fills it in (Belgian decimal commas included)."""
    data = {"valid_from": valid_from.isoformat(),
            "on_site_unit": "started_quarter", "on_site_unit_price": "16,25",
            "on_site_minimum_minutes": "60", "on_site_minimum_charge": "65",
            "phone_unit": "minute", "phone_unit_price": "0.95",
            "video_unit": "", "per_word": "0.12", "translation_minimum": "38",
            "per_km": "0.4415", "late_cancellation_charge": "65",
            "late_cancellation_travel": "y", "vat_exemption_reason": "Art. 44, § 2, 2° WBTW"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def next_month() -> date:
    today = today_in_brussels()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def test_the_dispatcher_sees_the_service_s_price_lists_with_their_dates(world, client_for):
    today = today_in_brussels()
    _stored(world.service, PriceListKind.TARIFF, today - timedelta(days=400), "52.00")
    _stored(world.service, PriceListKind.TARIFF, today - timedelta(days=30), "56.00")
    _stored(world.service, PriceListKind.PAY_SCALE, today - timedelta(days=400), "38.00")
    planned = _stored(world.service, PriceListKind.TARIFF, next_month(), "60.00")
    _stored(world.other_service, PriceListKind.TARIFF, today - timedelta(days=10), "99.00")

    page = client_for(world.dispatcher).get(f"/services/{world.service.id}/prices")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('class="price-list-row"') == 4, "the other service's list is not shown"
    assert text.count("text-bg-success") == 2, "one tariff and one pay scale in force"
    assert f"/prices/{planned.id}/edit" in text, "a planned one can be changed"
    assert "/edit" not in text.replace(f"/prices/{planned.id}/edit", ""), (
        "no list in force offers a change")
    assert "make a new price list from a later date" in text

    # Another service's dispatcher does not find them; a register keeper is refused.
    assert client_for(world.other_dispatcher).get(
        f"/services/{world.service.id}/prices").status_code == 404
    assert client_for(world.register_staff).get(
        f"/services/{world.service.id}/prices").status_code == 403


def test_a_new_tariff_starts_from_the_one_in_force_and_is_saved(world, client_for):
    _stored(world.service, PriceListKind.TARIFF, today_in_brussels() - timedelta(days=30),
            "56.00")
    browser = client_for(world.dispatcher)
    form = browser.get(f"/services/{world.service.id}/prices/new/tariff").get_data(
        as_text=True)
    assert 'value="14"' in form, "the quarter price of the one in force is prefilled"
    assert f'value="{next_month().isoformat()}"' in form

    answer = browser.post(f"/services/{world.service.id}/prices/new/tariff",
                          data=_form(next_month()))
    assert answer.status_code == 302
    saved = db.session.scalar(select(PriceList).where(PriceList.valid_from == next_month()))
    assert saved.created_by_id == world.dispatcher.id
    tariff = saved.as_tariff()
    assert tariff.on_site.unit_price == Decimal("16.25")
    assert tariff.on_site.minimum_charge == Decimal("65")
    assert tariff.phone.unit == "minute" and tariff.video is None
    assert tariff.late_cancellation_travel and not tariff.waiting_time_billed
    assert tariff.vat_rate is None and tariff.vat_exemption_reason == "Art. 44, § 2, 2° WBTW"


@pytest.mark.parametrize("changes,field,message", [
    ({"on_site_unit_price": "-16"}, "on_site_unit_price", "A price cannot be negative."),
    ({"per_km": "-0.10"}, "per_km", "A price cannot be negative."),
    ({"phone_unit_price": ""}, "phone_unit_price", "Give a price here."),
    ({"per_word": "twelve"}, "per_word", "Write an amount, such as 12.50 or 12,50."),
    ({"vat_rate": "21"}, "vat_rate", "Give either a VAT rate or the reason of an exemption"),
    ({"vat_exemption_reason": ""}, "vat_rate", "A tariff states its VAT"),
    ({"vat_exemption_reason": "", "vat_rate": "0"}, "vat_exemption_reason",
     "Give the legal reason of the exemption"),
    ({"video_unit": "block", "video_unit_price": "5"}, "video_unit_minutes",
     "A block needs its length in whole minutes"),
    ({"on_site_minimum_minutes": "-60"}, "on_site_minimum_minutes",
     "The minimum is a whole number of minutes"),
    ({"per_km": "0.123456"}, "per_km", "Use at most 4 decimals."),
])
def test_a_wrong_field_is_named_on_the_form_and_nothing_is_saved(world, client_for, changes,
                                                                field, message):
    before = _count()
    page = client_for(world.dispatcher).post(
        f"/services/{world.service.id}/prices/new/tariff", data=_form(next_month(), **changes))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    error = text.split(f'id="{field}-error"', 1)
    assert len(error) == 2, f"no message next to {field}"
    assert message in error[1].split("</div>", 1)[0]
    assert _count() == before


def test_every_wrong_field_is_named_at_once(world, client_for):
    page = client_for(world.dispatcher).post(
        f"/services/{world.service.id}/prices/new/tariff",
        data=_form(next_month(), on_site_unit_price="-1", per_km="x", vat_rate="21"))
    text = page.get_data(as_text=True)
    for field in ("on_site_unit_price", "per_km", "vat_rate"):
        assert f'id="{field}-error"' in text


def test_a_date_in_the_past_or_today_or_taken_is_refused(world, client_for):
    today = today_in_brussels()
    _stored(world.service, PriceListKind.TARIFF, next_month(), "60.00")
    before = _count()
    browser = client_for(world.dispatcher)
    for day, message in ((today - timedelta(days=3), "A new price list starts after today"),
                         (today, "A new price list starts after today"),
                         (next_month(), "There is already one from")):
        text = browser.post(f"/services/{world.service.id}/prices/new/tariff",
                            data=_form(day)).get_data(as_text=True)
        assert message in text.split('id="valid_from-error"', 1)[1].split("</div>", 1)[0]
    assert _count() == before
    # The same date for the other kind is a pay scale of its own: allowed.
    answer = browser.post(f"/services/{world.service.id}/prices/new/pay_scale",
                          data=_form(next_month(), vat_exemption_reason=None))
    assert answer.status_code == 302
    assert _count() == before + 1


def test_a_pay_scale_has_no_vat(world, client_for):
    browser = client_for(world.admin)
    form = browser.get(f"/services/{world.service.id}/prices/new/pay_scale").get_data(
        as_text=True)
    assert 'name="vat_rate"' not in form
    browser.post(f"/services/{world.service.id}/prices/new/pay_scale",
                 data=_form(next_month(), vat_rate="21"))
    saved = db.session.scalar(select(PriceList).where(PriceList.kind == PriceListKind.PAY_SCALE))
    assert saved.vat_rate is None and saved.vat_exemption_reason is None


def test_one_in_force_stays_as_it_is_a_planned_one_changes_or_goes(world, client_for):
    today = today_in_brussels()
    in_force = _stored(world.service, PriceListKind.TARIFF, today, "56.00")
    planned = _stored(world.service, PriceListKind.TARIFF, next_month(), "60.00")
    browser = client_for(world.dispatcher)

    # In force since today: no form, no removal.
    assert browser.get(f"/prices/{in_force.id}/edit").status_code == 302
    browser.post(f"/prices/{in_force.id}/edit", data=_form(next_month() + timedelta(days=1)))
    browser.post(f"/prices/{in_force.id}/delete")
    in_force = load(in_force)
    assert in_force.valid_from == today and in_force.rate("on_site").minimum_charge == 56
    page = browser.get(f"/prices/{in_force.id}").get_data(as_text=True)
    assert "make a new one from a later date" in page

    # Planned: changed (its date too), then removed.
    later = next_month() + timedelta(days=14)
    assert browser.post(f"/prices/{planned.id}/edit",
                        data=_form(later, on_site_minimum_charge="70")).status_code == 302
    planned = load(planned)
    assert planned.valid_from == later and planned.rate("on_site").minimum_charge == 70
    assert [r.modality for r in planned.rates] == ["on_site", "phone"]
    assert browser.post(f"/prices/{planned.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).where(PriceList.id == planned.id)) == 0


def test_no_one_else_keeps_another_service_s_prices(world, client_for):
    planned = _stored(world.service, PriceListKind.TARIFF, next_month(), "60.00")
    other = client_for(world.other_dispatcher)
    assert other.get(f"/prices/{planned.id}").status_code == 404
    assert other.post(f"/prices/{planned.id}/delete").status_code == 404
    assert load(planned) is not None


def test_the_page_speaks_french(world, client_for):
    world.dispatcher.locale = "fr"
    db.session.commit()
    page = client_for(world.dispatcher).post(
        f"/services/{world.service.id}/prices/new/tariff",
        data=_form(next_month(), on_site_unit_price="-3")).get_data(as_text=True)
    assert "Un prix ne peut pas être négatif." in page
