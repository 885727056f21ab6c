"""Belgian postcodes, provinces and the regions an interpreting service serves."""

import re
from enum import StrEnum

from flask_babel import lazy_gettext as _l

POSTCODE = re.compile(r"^[1-9]\d{3}$")


class Province(StrEnum):
    BRUSSELS = "brussels"
    WALLOON_BRABANT = "walloon_brabant"
    FLEMISH_BRABANT = "flemish_brabant"
    ANTWERP = "antwerp"
    LIMBURG = "limburg"
    LIEGE = "liege"
    NAMUR = "namur"
    HAINAUT = "hainaut"
    LUXEMBOURG = "luxembourg"
    WEST_FLANDERS = "west_flanders"
    EAST_FLANDERS = "east_flanders"

    @property
    def label(self):
        return PROVINCE_LABELS[self]

    @property
    def postcode_ranges(self) -> tuple[tuple[int, int], ...]:
        return PROVINCE_RANGES[self]


PROVINCE_LABELS = {
    Province.BRUSSELS: _l("Brussels-Capital Region"),
    Province.WALLOON_BRABANT: _l("Walloon Brabant"),
    Province.FLEMISH_BRABANT: _l("Flemish Brabant"),
    Province.ANTWERP: _l("Antwerp"),
    Province.LIMBURG: _l("Limburg"),
    Province.LIEGE: _l("Liège"),
    Province.NAMUR: _l("Namur"),
    Province.HAINAUT: _l("Hainaut"),
    Province.LUXEMBOURG: _l("Luxembourg"),
    Province.WEST_FLANDERS: _l("West Flanders"),
    Province.EAST_FLANDERS: _l("East Flanders"),
}

PROVINCE_RANGES = {
    Province.BRUSSELS: ((1000, 1299),),
    Province.WALLOON_BRABANT: ((1300, 1499),),
    Province.FLEMISH_BRABANT: ((1500, 1999), (3000, 3499)),
    Province.ANTWERP: ((2000, 2999),),
    Province.LIMBURG: ((3500, 3999),),
    Province.LIEGE: ((4000, 4999),),
    Province.NAMUR: ((5000, 5999),),
    Province.HAINAUT: ((6000, 6599), (7000, 7999)),
    Province.LUXEMBOURG: ((6600, 6999),),
    Province.WEST_FLANDERS: ((8000, 8999),),
    Province.EAST_FLANDERS: ((9000, 9999),),
}

# The nine municipalities of the German-speaking Community (Eupen 4700 to Burg-Reuland 4791).
GERMAN_SPEAKING_COMMUNITY = (4700, 4791)


def is_postcode(text: str) -> bool:
    return bool(POSTCODE.match(text or ""))


def province_of(postcode: str | int) -> Province:
    number = int(postcode)
    for province, ranges in PROVINCE_RANGES.items():
        if any(first <= number <= last for first, last in ranges):
            return province
    raise ValueError(f"not a Belgian postcode: {postcode}")


def language_area(postcode: str | int) -> str:
    """The official language of a postcode's area; Brussels answers 'nl' and 'fr' alike."""
    number = int(postcode)
    first, last = GERMAN_SPEAKING_COMMUNITY
    if first <= number <= last:
        return "de"
    province = province_of(number)
    if province is Province.BRUSSELS:
        return "nl/fr"
    dutch = {Province.FLEMISH_BRABANT, Province.ANTWERP, Province.LIMBURG,
             Province.WEST_FLANDERS, Province.EAST_FLANDERS}
    return "nl" if province in dutch else "fr"


class PostcodeRangeError(ValueError):
    """A postcode range a person typed that cannot be read; carries a translated message."""


_RANGE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def parse_postcode_ranges(text: str) -> list[tuple[int, int]]:
    """Read '9000-9999, 1000' into [(9000, 9999), (1000, 1000)]; refuse what is not that."""
    ranges = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text or ""))):
        match = _RANGE.match(part)
        if not match or not all(is_postcode(g) for g in match.groups() if g):
            raise PostcodeRangeError(
                _l("“%(part)s” is not a postcode (1000–9999) or a range like 9000-9999.",
                   part=part))
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise PostcodeRangeError(
                _l("In “%(part)s” the first postcode is higher than the last.", part=part))
        ranges.append((first, last))
    return ranges


def format_postcode_ranges(ranges) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def provinces_covered(ranges) -> list[Province]:
    """The provinces whose every postcode lies inside the given ranges."""
    def covered(first, last):
        return any(a <= first and last <= b for a, b in ranges)
    return [p for p in Province if all(covered(a, b) for a, b in p.postcode_ranges)]
