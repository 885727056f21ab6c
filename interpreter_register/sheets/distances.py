"""An estimate of the road distance between two Belgian postcodes, to suggest the kilometres
on a completion sheet. The interpreter may always change it: it is a suggestion, not a
measure.

There is no geodata on the machines and no route planner to ask. Each postcode area (the
first two digits, 10 to 99) is placed at one representative municipality of that area;
the distance is the great circle between the two points times ``ROAD_FACTOR``, rounded to
the kilometre. Inside one area the estimate is ``SAME_AREA_KM`` (a short trip, not zero).

``ROAD_FACTOR`` 1.2: roads are longer than the straight line. Checked against the road
distances between city centres (Gent–Brussel 56 km, Antwerpen–Brussel 45 km, Liège–
Brussel 97 km, Brugge–Gent 50 km, Eupen–Liège 40 km): 1.2 lands within about ten per
cent of each; 1.3, a common figure for countryside, overshoots on Belgium's motorways.
"""

import math

ROAD_FACTOR = 1.2
SAME_AREA_KM = 10
EARTH_RADIUS_KM = 6371.0

# Postcode area (first two digits) → (municipality, latitude, longitude) of a municipality
# in that area, to about a kilometre. Areas no Belgian postcode uses (27, 52, 54, 57-59,
# 63, 72, 74, 81) have no entry.
AREAS = {
    10: ("Brussel", 50.847, 4.352), 11: ("Oudergem", 50.816, 4.433),
    12: ("Sint-Lambrechts-Woluwe", 50.847, 4.425), 13: ("Wavre", 50.717, 4.601),
    14: ("Nivelles", 50.598, 4.328), 15: ("Halle", 50.734, 4.237),
    16: ("Sint-Pieters-Leeuw", 50.779, 4.244), 17: ("Dilbeek", 50.848, 4.260),
    18: ("Vilvoorde", 50.928, 4.425), 19: ("Zaventem", 50.884, 4.473),
    20: ("Antwerpen", 51.219, 4.402), 21: ("Deurne", 51.220, 4.466),
    22: ("Herentals", 51.177, 4.836), 23: ("Turnhout", 51.322, 4.945),
    24: ("Geel", 51.162, 4.990), 25: ("Lier", 51.131, 4.570),
    26: ("Mortsel", 51.170, 4.455), 28: ("Mechelen", 51.026, 4.478),
    29: ("Schoten", 51.252, 4.501),
    30: ("Leuven", 50.879, 4.701), 31: ("Rotselaar", 50.953, 4.716),
    32: ("Aarschot", 50.985, 4.836), 33: ("Tienen", 50.807, 4.938),
    34: ("Landen", 50.753, 5.082), 35: ("Hasselt", 50.930, 5.338),
    36: ("Genk", 50.965, 5.500), 37: ("Tongeren", 50.781, 5.464),
    38: ("Sint-Truiden", 50.816, 5.186), 39: ("Lommel", 51.230, 5.313),
    40: ("Liège", 50.633, 5.567), 41: ("Seraing", 50.583, 5.500),
    42: ("Hannut", 50.671, 5.078), 43: ("Waremme", 50.697, 5.255),
    44: ("Ans", 50.662, 5.519), 45: ("Huy", 50.519, 5.239),
    46: ("Visé", 50.737, 5.699), 47: ("Eupen", 50.628, 6.036),
    48: ("Verviers", 50.589, 5.862), 49: ("Spa", 50.492, 5.866),
    50: ("Namur", 50.467, 4.867), 51: ("Floreffe", 50.433, 4.757),
    53: ("Andenne", 50.489, 5.095), 55: ("Dinant", 50.261, 4.912),
    56: ("Philippeville", 50.196, 4.543),
    60: ("Charleroi", 50.411, 4.444), 61: ("Fontaine-l'Évêque", 50.408, 4.325),
    62: ("Châtelet", 50.404, 4.524), 64: ("Chimay", 50.048, 4.317),
    65: ("Thuin", 50.339, 4.287), 66: ("Bastogne", 50.003, 5.719),
    67: ("Arlon", 49.683, 5.816), 68: ("Libramont", 49.920, 5.380),
    69: ("Marche-en-Famenne", 50.227, 5.344),
    70: ("Mons", 50.454, 3.952), 71: ("La Louvière", 50.480, 4.187),
    73: ("Saint-Ghislain", 50.447, 3.818), 75: ("Tournai", 50.607, 3.389),
    76: ("Péruwelz", 50.509, 3.592), 77: ("Mouscron", 50.744, 3.214),
    78: ("Ath", 50.630, 3.778), 79: ("Leuze-en-Hainaut", 50.600, 3.617),
    80: ("Brugge", 51.209, 3.225), 82: ("Zedelgem", 51.142, 3.137),
    83: ("Blankenberge", 51.313, 3.132), 84: ("Oostende", 51.216, 2.927),
    85: ("Kortrijk", 50.828, 3.265), 86: ("Diksmuide", 51.033, 2.864),
    87: ("Tielt", 50.999, 3.326), 88: ("Roeselare", 50.946, 3.123),
    89: ("Ieper", 50.851, 2.886),
    90: ("Gent", 51.054, 3.717), 91: ("Sint-Niklaas", 51.165, 4.143),
    92: ("Dendermonde", 51.029, 4.101), 93: ("Aalst", 50.937, 4.040),
    94: ("Ninove", 50.828, 4.025), 95: ("Geraardsbergen", 50.773, 3.882),
    96: ("Zottegem", 50.869, 3.812), 97: ("Oudenaarde", 50.845, 3.605),
    98: ("Deinze", 50.983, 3.530), 99: ("Eeklo", 51.185, 3.562),
}


def area_of(postcode: str | int | None) -> tuple[str, float, float] | None:
    """The representative point of a postcode's area, or None (no postcode, not Belgian,
    or an area no postcode uses)."""
    text = str(postcode or "").strip()
    if len(text) != 4 or not text.isdigit():
        return None
    return AREAS.get(int(text[:2]))


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance along the earth's surface between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def road_km(origin: str | None, destination: str | None) -> int | None:
    """The estimated road distance one way between two postcodes, or None when either is
    unknown."""
    first, second = area_of(origin), area_of(destination)
    if first is None or second is None:
        return None
    if first == second:
        return SAME_AREA_KM
    return round(great_circle_km(first[1:], second[1:]) * ROAD_FACTOR)


def suggested_km(origin: str | None, destination: str | None) -> int | None:
    """The kilometres a sheet suggests: there and back."""
    one_way = road_km(origin, destination)
    return None if one_way is None else 2 * one_way
