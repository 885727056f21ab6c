"""Telephone numbers: stored in E.164, written one way everywhere (+32 470 12 34 56)."""

import phonenumbers
from flask_babel import lazy_gettext as _l

from .rules import RuleError


def normalise_phone(text: str | None, field: str = "phone") -> str | None:
    """A phone number in E.164 (+32470123456); Belgian unless it starts with +. Refuses
    what is not a possible number, on the form's ``field``."""
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException as error:
        raise RuleError(_l("This is not a telephone number."), field) from error
    if not phonenumbers.is_valid_number(number):
        raise RuleError(_l("This is not a valid Belgian or international telephone number. "
                           "Write a foreign number with its country code, like +33 6 12 34 56 78."),
                        field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """The one way a number is shown, on pages, in mails and in exports."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "BE")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
