"""Names for the languages CLDR does not name; the register keeps them per UI language."""

from .models import Language

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


def new_language(code: str) -> Language:
    """A Language row for a code, carrying the register's own names where CLDR has none."""
    own = REGISTER_LANGUAGE_NAMES.get(code, {})
    return Language(code=code, name_nl=own.get("nl"), name_fr=own.get("fr"),
                    name_de=own.get("de"), name_en=own.get("en"))
