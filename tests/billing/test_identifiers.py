"""Belgian identifiers: enterprise numbers, Peppol participant IDs, structured references."""

import pytest
from stdnum.be import ogm_vcs
from stdnum.be import vat as be_vat

from interpreter_register.billing.identifiers import (
    IdentifierError,
    enterprise_number,
    format_enterprise_number,
    iban,
    is_structured_reference,
    parse_peppol_id,
    peppol_id_text,
    peppol_participant_id,
    structured_reference,
    vat_number,
)

VALID = "0203201340"   # 97 - (02032013 mod 97) = 40


def test_the_example_number_is_valid_for_stdnum_and_by_the_rule():
    assert be_vat.is_valid(VALID)
    assert 97 - int(VALID[:8]) % 97 == int(VALID[8:])


@pytest.mark.parametrize("text", ["0203.201.340", "BE0203201340", "203201340",
                                  "BE 0203 201 340", " 0203201340 "])
def test_enterprise_number_normalises_the_usual_spellings(text):
    assert enterprise_number(text) == VALID


@pytest.mark.parametrize("text", ["0203.201.341", "0203201339", "BE0203201341"])
def test_enterprise_number_with_a_wrong_check_is_refused(text):
    with pytest.raises(IdentifierError) as caught:
        enterprise_number(text)
    assert caught.value.code == "enterprise_number_check"


@pytest.mark.parametrize("text", ["02032013", "02032013400", "0203A01340", "", "2203201340",
                                  "0000000000"])
def test_enterprise_number_with_a_wrong_shape_is_refused(text):
    with pytest.raises(IdentifierError) as caught:
        enterprise_number(text)
    assert caught.value.code == "enterprise_number_format"


def test_formatting_and_vat_number():
    assert format_enterprise_number("203201340") == "0203.201.340"
    assert vat_number("0203.201.340") == "BE0203201340"
    with pytest.raises(IdentifierError):
        format_enterprise_number("0203201341")


def test_peppol_participant_from_the_enterprise_number():
    assert peppol_participant_id("0203.201.340") == ("0208", VALID)
    assert peppol_id_text(*peppol_participant_id("BE0203201340")) == "0208:0203201340"


def test_parse_peppol_id_checks_kbo_numbers_and_keeps_other_schemes():
    assert parse_peppol_id("0208:0203201340") == ("0208", VALID)
    assert parse_peppol_id(" 9925:BE0203201340 ") == ("9925", "BE0203201340")
    assert parse_peppol_id("0088:5400000000003") == ("0088", "5400000000003")
    for text, code in [("0208:0203201341", "enterprise_number_check"),
                       ("0208:0203.201.340", "enterprise_number_format"),
                       ("208:0203201340", "peppol_id_format"), ("0208:", "peppol_id_format"),
                       ("0203201340", "peppol_id_format"), ("", "peppol_id_format")]:
        with pytest.raises(IdentifierError) as caught:
            parse_peppol_id(text)
        assert caught.value.code == code, text


@pytest.mark.parametrize(("number", "expected"), [
    (1234567890, "+++123/4567/89002+++"),   # 1234567890 mod 97 = 2
    (97, "+++000/0000/09797+++"),           # mod 97 = 0: the check is 97, never 00
    (9700000000, "+++970/0000/00097+++"),
    (1, "+++000/0000/00101+++"),
    (2026000001, "+++202/6000/00192+++"),
])
def test_structured_reference(number, expected):
    reference = structured_reference(number)
    assert reference == expected
    assert is_structured_reference(reference)
    assert ogm_vcs.is_valid(reference)


@pytest.mark.parametrize("number", [-1, 10**10, True, "123"])
def test_structured_reference_refuses_what_does_not_fit_ten_digits(number):
    with pytest.raises(IdentifierError) as caught:
        structured_reference(number)
    assert caught.value.code == "structured_reference_range"


@pytest.mark.parametrize(("text", "valid"), [
    ("+++123/4567/89002+++", True), ("***123/4567/89002***", True),
    ("+++123/4567/89003+++", False), ("+++000/0000/09700+++", False),
    ("123/4567/89002", False), ("+++123/4567/89002***", False), ("", False),
])
def test_is_structured_reference(text, valid):
    assert is_structured_reference(text) is valid


def test_iban_is_compacted_and_checked():
    assert iban("BE71 0961 2345 6769") == "BE71096123456769"
    with pytest.raises(IdentifierError) as caught:
        iban("BE72 0961 2345 6769")
    assert caught.value.code == "iban_check"
