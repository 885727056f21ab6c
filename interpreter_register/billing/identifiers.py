"""Belgian identifiers on invoices: enterprise number, Peppol participant ID, payment reference."""

import re

from stdnum import iban as stdnum_iban
from stdnum.be import ogm_vcs
from stdnum.be import vat as be_vat
from stdnum.exceptions import InvalidChecksum, ValidationError

# The Peppol scheme (ISO 6523 ICD) of the Belgian Crossroads Bank for Enterprises.
KBO_SCHEME = "0208"

_PEPPOL_ID = re.compile(r"^(\d{4}):(\S.*)$")
_STRUCTURED = re.compile(r"^(\+{3}|\*{3})(\d{3})/(\d{4})/(\d{5})\1$")


class IdentifierError(ValueError):
    """A malformed identifier; `code` is for the web layer to translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def enterprise_number(text: str) -> str:
    """The ten digits of an enterprise number (KBO/BCE) written in any usual way."""
    # stdnum accepts "0203.201.340", "BE0203201340", "BE 0203 201 340" and the old nine digits.
    try:
        return be_vat.validate(text or "")
    except InvalidChecksum:
        raise IdentifierError("enterprise_number_check") from None
    except ValidationError:
        raise IdentifierError("enterprise_number_format") from None


def format_enterprise_number(digits: str) -> str:
    """0203201340 -> 0203.201.340, as the KBO/BCE writes it."""
    digits = enterprise_number(digits)
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def vat_number(text: str) -> str:
    """A Belgian VAT number, BE followed by the checked enterprise number."""
    return "BE" + enterprise_number(text)


def peppol_participant_id(enterprise_digits: str) -> tuple[str, str]:
    """The default Peppol participant of a Belgian organisation: scheme 0208, its KBO number."""
    return KBO_SCHEME, enterprise_number(enterprise_digits)


def peppol_id_text(scheme: str, identifier: str) -> str:
    """A participant ID as Peppol writes it: 0208:0203201340."""
    return f"{scheme}:{identifier}"


def parse_peppol_id(text: str) -> tuple[str, str]:
    """Split and check "scheme:identifier"; a 0208 identifier must be a valid KBO number."""
    match = _PEPPOL_ID.match((text or "").strip())
    if not match:
        raise IdentifierError("peppol_id_format")
    scheme, identifier = match.group(1), match.group(2).strip()
    if scheme == KBO_SCHEME:
        # Only the digits are allowed here: the SMP lookup compares the text, not the number.
        if not re.fullmatch(r"\d{10}", identifier):
            raise IdentifierError("enterprise_number_format")
        return scheme, enterprise_number(identifier)
    # Other schemes (9925 Belgian VAT, 0088 GLN, ...) are kept as given: we cannot check them all.
    return scheme, identifier


def structured_reference(number: int) -> str:
    """The structured payment reference (OGM/VCS) of a number: +++123/4567/89002+++."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 10**10:
        raise IdentifierError("structured_reference_range")
    base = f"{number:010d}"
    digits = base + ogm_vcs.calc_check_digits(base)  # first ten mod 97, 97 when that is 0
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def is_structured_reference(text: str) -> bool:
    """Whether text is a structured reference (+++ or *** form) with matching check digits."""
    match = _STRUCTURED.match((text or "").strip())
    if not match:
        return False
    digits = "".join(match.groups()[1:])
    return digits[10:] == ogm_vcs.calc_check_digits(digits[:10])


def iban(text: str) -> str:
    """An IBAN without spaces, its check digits verified."""
    # The country check also looks the bank up in stdnum's copy of the bank list, which
    # refuses real accounts at banks newer than the release; the IBAN's mod 97 catches typos.
    try:
        return stdnum_iban.validate(text or "", check_country=False)
    except InvalidChecksum:
        raise IdentifierError("iban_check") from None
    except ValidationError:
        raise IdentifierError("iban_format") from None
