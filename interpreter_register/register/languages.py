"""Names for the languages CLDR does not name; the register keeps them per UI language."""

# Kept by the register because Babel's locale data has no name for these codes.
REGISTER_LANGUAGE_NAMES = {
    "prs": {"nl": "Dari", "fr": "dari", "de": "Dari", "en": "Dari"},
    "kmr": {"nl": "Kurmanci (Noord-Koerdisch)", "fr": "kurmandji (kurde du Nord)",
            "de": "Kurmandschi (Nordkurdisch)", "en": "Kurmanji (Northern Kurdish)"},
    "vgt": {"nl": "Vlaamse Gebarentaal", "fr": "langue des signes flamande",
            "de": "Flämische Gebärdensprache", "en": "Flemish Sign Language"},
    "sgn": {"nl": "gebarentaal", "fr": "langue des signes", "de": "Gebärdensprache",
            "en": "sign language"},
    "ber": {"nl": "Berbertalen", "fr": "langues berbères", "de": "Berbersprachen",
            "en": "Berber languages"},
}

