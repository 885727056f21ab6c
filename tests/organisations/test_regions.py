"""Postcodes, provinces, and which service serves where."""

import pytest

from interpreter_register.core.regions import (
    PostcodeRangeError,
    Province,
    format_postcode_ranges,
    language_area,
    parse_postcode_ranges,
    province_of,
    provinces_covered,
)
from interpreter_register.organisations.services import merge_ranges, services_serving
from tests.fixtures.factories import create_service


@pytest.mark.parametrize("postcode,province", [
    ("1000", Province.BRUSSELS), ("1299", Province.BRUSSELS), ("1300", Province.WALLOON_BRABANT),
    ("1500", Province.FLEMISH_BRABANT), ("3000", Province.FLEMISH_BRABANT),
    ("3499", Province.FLEMISH_BRABANT), ("3500", Province.LIMBURG), ("4700", Province.LIEGE),
    ("6600", Province.LUXEMBOURG), ("6599", Province.HAINAUT), ("7000", Province.HAINAUT),
    ("9999", Province.EAST_FLANDERS),
])
def test_province_of_a_postcode(postcode, province):
    assert province_of(postcode) is province


@pytest.mark.parametrize("postcode,area", [("9000", "nl"), ("1000", "nl/fr"), ("4000", "fr"),
                                           ("4700", "de"), ("4791", "de"), ("4800", "fr")])
def test_language_area(postcode, area):
    assert language_area(postcode) == area


def test_parse_and_format_ranges():
    assert parse_postcode_ranges("9000-9999, 1000;4700 – 4791\n") == [
        (9000, 9999), (1000, 1000), (4700, 4791)]
    assert format_postcode_ranges([(9000, 9999), (1000, 1000)]) == "9000-9999, 1000"
    assert parse_postcode_ranges("") == []


@pytest.mark.parametrize("text", ["999", "0999", "10000", "abcd", "9000-", "9999-9000"])
def test_unreadable_ranges_are_refused(app_ctx, text):
    with pytest.raises(PostcodeRangeError):
        parse_postcode_ranges(text)


def test_merge_ranges_joins_touching_and_overlapping():
    assert merge_ranges([(3000, 3499), (1500, 1999), (2000, 2100), (1000, 1000)]) == [
        (1000, 1000), (1500, 2100), (3000, 3499)]


def test_provinces_covered_needs_every_range_of_the_province():
    assert provinces_covered([(1500, 1999)]) == []
    assert provinces_covered([(1500, 1999), (3000, 3499), (3500, 3999)]) == [
        Province.FLEMISH_BRABANT, Province.LIMBURG]


def test_the_most_local_service_comes_first(app_ctx):
    province = create_service(name="Oost-Vlaanderen", ranges=((9000, 9999),))
    city = create_service(name="Gent", ranges=((9000, 9052),))
    create_service(name="Elsewhere", ranges=((2000, 2999),))
    create_service(name="Closed", ranges=((9000, 9999),), active=False)
    assert [s.name for s in services_serving("9000")] == [city.name, province.name]
    assert [s.name for s in services_serving("9300")] == [province.name]
