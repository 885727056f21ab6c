"""Properties over random sheets and tariffs: lines to the cent, never negative, and totals that
are the sum of the lines plus the VAT of each category."""

import os
from dataclasses import replace
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interpreter_register.billing.charges import (
    RATE_UNITS,
    Rate,
    Tariff,
    Work,
    charge_lines,
    totals,
    vat_category,
)
from interpreter_register.billing.money import cents

# Bounded for the everyday run; HYPOTHESIS_MAX_EXAMPLES raises it. No example database, so
# a run does not depend on the last one (Hypothesis still keeps a small constants cache in
# .hypothesis/, which carries its own .gitignore).
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "100")),
                    deadline=None, database=None)


def prices(max_value, places):
    return st.decimals(min_value=0, max_value=max_value, places=places,
                       allow_nan=False, allow_infinity=False)


@st.composite
def rates(draw):
    unit = draw(st.sampled_from(sorted(RATE_UNITS)))
    block = draw(st.integers(1, 90)) if unit == "block" else None
    minimum = draw(st.sampled_from([0, 0, 30, 60, 90]))
    return Rate(unit=unit, unit_price=draw(prices(100, 4)), minimum_minutes=minimum,
                minimum_charge=draw(prices(200, 2)) if minimum else Decimal(0),
                unit_minutes=block)


@st.composite
def tariffs(draw):
    exempt = draw(st.booleans())
    return Tariff(
        on_site=draw(rates()), phone=draw(rates()), video=draw(rates()),
        per_word=draw(prices(1, 4)), per_page=draw(prices(80, 2)),
        translation_minimum=draw(prices(60, 2)), per_km=draw(prices(1, 4)),
        late_cancellation_charge=draw(prices(120, 2)),
        late_cancellation_travel=draw(st.booleans()),
        vat_rate=None if exempt else draw(st.sampled_from([Decimal("6"), Decimal("12"),
                                                           Decimal("21")])),
        vat_exemption_reason="Art. 44 W.BTW" if exempt else None,
        waiting_time_billed=draw(st.booleans()))


@st.composite
def works(draw):
    modality = draw(st.sampled_from(["on_site", "phone", "video", "written"]))
    ending = draw(st.sampled_from(["done", "done", "no_show", "late_cancellation"]))
    return Work(
        modality=modality, worked_minutes=draw(st.integers(0, 600)),
        waiting_minutes=draw(st.integers(0, 120)), km=draw(prices(300, 1)),
        expenses=tuple(draw(st.lists(st.tuples(st.sampled_from(["parking", "train"]),
                                               prices(100, 3)), max_size=3))),
        words=draw(st.integers(0, 20000)), pages=draw(st.none() | st.integers(0, 200)),
        no_show=ending == "no_show", late_cancellation=ending == "late_cancellation")


@SETTINGS
@given(st.lists(st.tuples(works(), tariffs()), min_size=1, max_size=6))
def test_lines_are_cents_and_the_total_is_their_sum_plus_vat(sheets):
    priced = []
    for work, tariff in sheets:
        lines = charge_lines(work, tariff)
        assert lines, "every settled sheet is billed"
        for line in lines:
            assert line.amount == cents(line.amount) and line.amount.as_tuple().exponent == -2
            assert line.amount >= 0 and line.quantity >= 0 and line.unit_price >= 0
            assert line.amount == cents(line.quantity * line.unit_price)
        kinds = {line.kind for line in lines}
        if work.late_cancellation:
            assert kinds <= {"late_cancellation", "travel"} and "late_cancellation" in kinds
        priced += [(line.amount, tariff) for line in lines]
    result = totals(priced)
    assert result.net == sum(amount for amount, _ in priced)
    assert result.total == result.net + result.vat
    assert result.vat == sum(s.vat for s in result.subtotals)
    for subtotal in result.subtotals:
        assert subtotal.taxable == sum(amount for amount, tariff in priced
                                       if vat_category(tariff) == (subtotal.category,
                                                                   subtotal.rate))
        assert subtotal.vat == cents(subtotal.taxable * subtotal.rate / 100)


@SETTINGS
@given(works(), tariffs())
def test_more_minutes_never_cost_less(work, tariff):
    assume(work.modality != "written" and not work.late_cancellation)
    shorter = sum(line.amount for line in charge_lines(work, tariff))
    longer = replace(work, worked_minutes=work.worked_minutes + 1)
    assert sum(line.amount for line in charge_lines(longer, tariff)) >= shorter
