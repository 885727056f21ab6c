"""/api/v1/register: the public register's search for every key, and only what the public
page shows."""

from interpreter_register.core.regions import Province
from interpreter_register.register.models import Modality
from tests.fixtures.factories import create_certificate, create_person


def test_any_key_searches_the_public_register_and_sees_only_what_is_public(
        world, make_key, make_service_key, call):
    shown = create_person(("uk",), first_name="Olena", last_name="Public", public_consent=True,
                          show_email=True, show_phone=False, phone="+32 9 266 99 00",
                          show_municipality=False)
    create_certificate(shown.qualifications[0], number="UK-NL-7")
    create_person(("uk",), first_name="Hidden", last_name="Person", public_consent=False)
    create_person(("uk",), first_name="Ivan", last_name="Liege", public_consent=True,
                  postcode="4000", municipality="Liège", regions={Province.LIEGE},
                  modalities={Modality.PHONE})
    for key in (make_key()[1], make_service_key()[1],
                make_key(organisation=world.other_organisation)[1]):
        found = call(key, "GET", "/api/v1/register?language=uk&working_language=nl")
        assert found.status_code == 200, found.json
        names = [person["name"] for person in found.json["items"]]
        assert names == ["Ivan Liege", "Olena Public"]
    olena = found.json["items"][1]
    assert olena["email"] == shown.email
    assert olena["phone"] is None and olena["municipality"] is None
    [pair] = olena["qualifications"]
    assert pair == {"kind": "interpreting", "language": "uk", "working_language": "nl",
                    "direction": "both", "tier": "certified",
                    "certificates": [{"number": "UK-NL-7", "valid_until": pair[
                        "certificates"][0]["valid_until"]}]}
    east = call(key, "GET", "/api/v1/register?language=uk&postcode=9000").json["items"]
    assert [p["name"] for p in east] == ["Olena Public"]
    by_phone = call(key, "GET", "/api/v1/register?language=uk&modality=phone&region=liege")
    assert [p["name"] for p in by_phone.json["items"]] == ["Ivan Liege"]
    refused = call(key, "GET", "/api/v1/register?region=atlantis", language="fr")
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "region"


def test_the_register_search_needs_a_key(world, call):
    assert call(None, "GET", "/api/v1/register").status_code == 401
