"""Tariff rules with exact figures: minimums, started units at their boundaries, travel,
expenses, late cancellations, rounding per line and VAT per category."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from interpreter_register.billing.charges import (
    Rate,
    Tariff,
    TariffError,
    VatSubtotal,
    Work,
    WorkError,
    charge_lines,
    totals,
    vat_breakdown,
)

ON_SITE = Rate(unit="started_quarter", unit_price=D("11.25"), minimum_minutes=60,
               minimum_charge=D("45.00"))
TARIFF = Tariff(
    on_site=ON_SITE,
    phone=Rate(unit="minute", unit_price=D("0.75")),
    video=Rate(unit="started_quarter", unit_price=D("9.00")),
    per_word=D("0.12"), per_page=D("30.00"), translation_minimum=D("25.00"),
    per_km=D("0.4269"), late_cancellation_charge=D("45.00"), vat_rate=D("21"),
)
EXEMPT = replace(TARIFF, vat_rate=None,
                 vat_exemption_reason="Vrijgesteld van btw, art. 44 W.BTW")


def figures(lines):
    return [(line.kind, line.quantity, line.unit, line.amount) for line in lines]


@pytest.mark.parametrize(("minutes", "expected"), [
    (30, [("interpreting", 1, "piece", D("45.00"))]),
    (60, [("interpreting", 1, "piece", D("45.00"))]),
    (61, [("interpreting", 1, "piece", D("45.00")), ("interpreting", 1, "quarter", D("11.25"))]),
    (75, [("interpreting", 1, "piece", D("45.00")), ("interpreting", 1, "quarter", D("11.25"))]),
    (76, [("interpreting", 1, "piece", D("45.00")), ("interpreting", 2, "quarter", D("22.50"))]),
    (95, [("interpreting", 1, "piece", D("45.00")), ("interpreting", 3, "quarter", D("33.75"))]),
])
def test_on_site_first_hour_minimum_then_started_quarters(minutes, expected):
    assert figures(charge_lines(Work("on_site", minutes), TARIFF)) == expected


def test_lines_say_what_they_bill():
    minimum, quarters = charge_lines(Work("on_site", 95), TARIFF)
    assert minimum.params == (("modality", "on_site"), ("minutes", 95), ("minimum_minutes", 60))
    assert quarters.params == (("modality", "on_site"), ("minutes_beyond_minimum", 35),
                               ("unit_minutes", 15))
    assert (quarters.unit_price, minimum.unit_price) == (D("11.25"), D("45.00"))


@pytest.mark.parametrize(("minutes", "amount"), [(1, D("0.75")), (37, D("27.75")),
                                                  (60, D("45.00"))])
def test_phone_per_minute(minutes, amount):
    assert figures(charge_lines(Work("phone", minutes), TARIFF)) == [
        ("interpreting", minutes, "minute", amount)]


@pytest.mark.parametrize(("minutes", "quarters"), [(1, 1), (15, 1), (16, 2), (30, 2), (31, 3)])
def test_video_per_started_quarter_without_minimum(minutes, quarters):
    assert figures(charge_lines(Work("video", minutes), TARIFF)) == [
        ("interpreting", quarters, "quarter", D("9.00") * quarters)]


def test_started_hours_and_the_services_own_block():
    hourly = replace(TARIFF, on_site=Rate(unit="hour", unit_price=D("40.00")))
    assert figures(charge_lines(Work("on_site", 61), hourly)) == [
        ("interpreting", 2, "hour", D("80.00"))]
    blocks = replace(TARIFF, on_site=Rate(unit="block", unit_price=D("12.00"), unit_minutes=20))
    assert figures(charge_lines(Work("on_site", 41), blocks)) == [
        ("interpreting", 3, "block", D("36.00"))]
    with pytest.raises(TariffError) as caught:
        charge_lines(Work("on_site", 41), replace(blocks, on_site=replace(blocks.on_site,
                                                                           unit_minutes=None)))
    assert (caught.value.code, caught.value.field) == ("rate_unit_minutes", "on_site.unit_minutes")


def test_a_no_show_is_billed_as_booked():
    lines = charge_lines(Work("on_site", worked_minutes=90, no_show=True), TARIFF)
    assert figures(lines) == [("interpreting", 1, "piece", D("45.00")),
                              ("interpreting", 2, "quarter", D("22.50"))]
    assert ("no_show", True) in lines[0].params


def test_waiting_time_counts_only_when_the_tariff_bills_it():
    work = Work("on_site", worked_minutes=50, waiting_minutes=20)
    assert figures(charge_lines(work, TARIFF)) == [("interpreting", 1, "piece", D("45.00"))]
    billed = charge_lines(work, replace(TARIFF, waiting_time_billed=True))
    assert figures(billed) == [("interpreting", 1, "piece", D("45.00")),
                               ("interpreting", 1, "quarter", D("11.25"))]
    assert ("waiting_minutes", 20) in billed[0].params and ("minutes", 70) in billed[0].params


def test_translation_per_word_below_and_above_the_minimum():
    below = charge_lines(Work("written", words=150), TARIFF)   # 18.00 < 25.00
    assert figures(below) == [("translation", 1, "piece", D("25.00"))]
    assert below[0].params == (("words", 150), ("below_minimum", True))
    assert figures(charge_lines(Work("written", words=1000), TARIFF)) == [
        ("translation", 1000, "word", D("120.00"))]
    # Exactly the minimum is billed per word, not as the minimum.
    exact = replace(TARIFF, per_word=D("0.125"))
    assert figures(charge_lines(Work("written", words=200), exact)) == [
        ("translation", 200, "word", D("25.00"))]


def test_translation_per_page_and_a_missing_price():
    per_page = replace(TARIFF, per_word=None)
    assert figures(charge_lines(Work("written", words=400, pages=3), per_page)) == [
        ("translation", 3, "page", D("90.00"))]
    with pytest.raises(TariffError) as caught:
        charge_lines(Work("written", words=400), per_page)
    assert (caught.value.code, caught.value.field) == ("price_missing", "per_word")
    with pytest.raises(WorkError) as caught:
        charge_lines(Work("written"), TARIFF)
    assert caught.value.code == "size_missing"


def test_travel_and_expenses_are_lines_of_their_own():
    work = Work("on_site", 60, km=D("23.4"),
                expenses=(("parking", D("4.50")), ("public_transport", D("12.30"))))
    lines = charge_lines(work, TARIFF)
    assert figures(lines) == [("interpreting", 1, "piece", D("45.00")),
                              ("travel", D("23.4"), "km", D("9.99")),   # 9.98946
                              ("expense", 1, "piece", D("4.50")),
                              ("expense", 1, "piece", D("12.30"))]
    assert lines[2].params == (("expense", "parking"),)


def test_late_cancellation_is_the_fixed_charge_and_travel_only_when_the_tariff_says_so():
    work = Work("on_site", 90, km=D("23.4"), late_cancellation=True,
                expenses=(("parking", D("4.50")),))
    assert figures(charge_lines(work, TARIFF)) == [
        ("late_cancellation", 1, "piece", D("45.00"))]
    with_travel = replace(TARIFF, late_cancellation_travel=True)
    assert figures(charge_lines(work, with_travel)) == [
        ("late_cancellation", 1, "piece", D("45.00")), ("travel", D("23.4"), "km", D("9.99"))]
    assert figures(charge_lines(replace(work, km=D(0)), with_travel)) == [
        ("late_cancellation", 1, "piece", D("45.00"))]


@pytest.mark.parametrize(("tariff", "work", "code", "field"), [
    (replace(TARIFF, phone=Rate(unit="minute", unit_price=D("-0.75"))), Work("on_site", 60),
     "price_negative", "phone.unit_price"),
    (replace(TARIFF, per_km=D("-0.01")), Work("on_site", 60), "price_negative", "per_km"),
    (replace(TARIFF, on_site=replace(ON_SITE, minimum_charge=D("-45"))), Work("on_site", 60),
     "price_negative", "on_site.minimum_charge"),
    (replace(TARIFF, per_km=0.4269), Work("on_site", 60), "price_format", "per_km"),
    (replace(TARIFF, per_km=None), Work("on_site", 60, km=D("5")), "price_missing", "per_km"),
    (replace(TARIFF, video=None), Work("video", 30), "price_missing", "video"),
    (replace(TARIFF, late_cancellation_charge=None), Work("phone", 30, late_cancellation=True),
     "price_missing", "late_cancellation_charge"),
    (replace(TARIFF, on_site=replace(ON_SITE, unit="quarter")), Work("on_site", 60),
     "rate_unit", "on_site.unit"),
    (replace(TARIFF, on_site=replace(ON_SITE, unit_minutes=10)), Work("on_site", 60),
     "rate_unit_minutes", "on_site.unit_minutes"),
    (replace(TARIFF, vat_rate=D("-21")), Work("on_site", 60), "price_negative", "vat_rate"),
    (replace(EXEMPT, vat_rate=D("21")), Work("on_site", 60), "vat_rate_and_exemption",
     "vat_rate"),
])
def test_a_negative_missing_or_inconsistent_tariff_is_refused(tariff, work, code, field):
    with pytest.raises(TariffError) as caught:
        charge_lines(work, tariff)
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(("work", "code", "field"), [
    (Work("on_site", -5), "count_negative", "worked_minutes"),
    (Work("on_site", 60, waiting_minutes=-1), "count_negative", "waiting_minutes"),
    (Work("on_site", 60, km=D("-3")), "amount_negative", "km"),
    (Work("on_site", 60, expenses=(("parking", D("-4.50")),)), "amount_negative", "expenses"),
    (Work("sign", 60), "modality", "modality"),
    (Work("on_site", 60, no_show=True, late_cancellation=True),
     "no_show_and_late_cancellation", "late_cancellation"),
    (Work("on_site", 60.5), "count_format", "worked_minutes"),
])
def test_a_sheet_that_cannot_be_priced_is_refused(work, code, field):
    with pytest.raises(WorkError) as caught:
        charge_lines(work, TARIFF)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_each_line_is_rounded_half_up_and_the_total_is_the_sum_of_the_lines():
    tariff = replace(TARIFF, per_word=D("0.105"), translation_minimum=D(0), per_km=D("0.005"))
    lines = charge_lines(Work("written", words=5, km=D("1")), tariff)
    assert figures(lines) == [("translation", 5, "word", D("0.53")),   # 0.525
                              ("travel", 1, "km", D("0.01"))]          # 0.005
    result = totals((line.amount, tariff) for line in lines)
    # Rounding the unrounded sum (0.530) would give 0.53: the invoice adds rounded lines.
    assert result.net == D("0.54") == sum(line.amount for line in lines)


def test_vat_21_on_the_sum_of_the_category():
    lines = charge_lines(Work("on_site", 95, km=D("23.4"), expenses=(("parking", D("4.50")),)),
                         TARIFF)
    amounts = [line.amount for line in lines]
    assert amounts == [D("45.00"), D("33.75"), D("9.99"), D("4.50")]
    assert vat_breakdown(amounts, TARIFF) == VatSubtotal("S", D("21"), D("93.24"), D("19.58"))
    result = totals((amount, TARIFF) for amount in amounts)
    assert (result.net, result.vat, result.total) == (D("93.24"), D("19.58"), D("112.82"))
    # Per-line VAT would be 0.01 three times; the category's VAT is rounded once (BR-CO-17).
    assert vat_breakdown([D("0.03")] * 3, TARIFF).vat == D("0.02")


def test_an_exempt_tariff_has_category_e_and_no_vat():
    lines = charge_lines(Work("on_site", 61), EXEMPT)
    assert vat_breakdown([line.amount for line in lines], EXEMPT) == VatSubtotal(
        "E", D("0"), D("56.25"), D("0.00"))
    result = totals((line.amount, EXEMPT) for line in lines)
    assert (result.vat, result.total) == (D("0.00"), D("56.25"))
    with pytest.raises(TariffError) as caught:
        vat_breakdown([D("10")], replace(TARIFF, vat_rate=D("0")))
    assert caught.value.code == "vat_exemption_reason_missing"


def test_a_month_across_a_tariff_change_keeps_one_subtotal_per_category_and_rate():
    raised = replace(TARIFF, on_site=replace(ON_SITE, minimum_charge=D("48.00")))
    priced = [(D("45.00"), TARIFF), (D("48.00"), raised), (D("30.00"), EXEMPT)]
    result = totals(priced)
    assert result.subtotals == (VatSubtotal("S", D("21"), D("93.00"), D("19.53")),
                                VatSubtotal("E", D("0"), D("30.00"), D("0.00")))
    assert result.total == D("93.00") + D("30.00") + D("19.53")


def test_a_pay_scale_without_vat_prices_sheets_but_cannot_make_an_invoice():
    pay_scale = replace(TARIFF, vat_rate=None, on_site=replace(ON_SITE, minimum_charge=D("30")))
    assert charge_lines(Work("on_site", 60), pay_scale)[0].amount == D("30.00")
    with pytest.raises(TariffError) as caught:
        totals([(D("30.00"), pay_scale)])
    assert (caught.value.code, caught.value.field) == ("price_missing", "vat_rate")
