"""Administrators keep organisations and interpreting services with the regions they serve."""

from interpreter_register.organisations.models import (
    InterpretingService,
    Organisation,
    OrganisationType,
)
from tests.fixtures.reading import load

# Deactivating asks first; these requests come back confirmed.
CONFIRMED = {"confirmed": "yes"}

ORGANISATION = {"name": "CPAS de Namur", "type": "public_welfare_centre", "postcode": "5000",
                "municipality": "Namur", "working_language": "fr"}


def test_admin_adds_an_organisation(world, client_for):
    response = client_for(world.admin).post("/admin/organisations/new", data=ORGANISATION)
    assert response.status_code == 302
    organisation = load(Organisation, name="CPAS de Namur")
    assert (organisation.type, organisation.working_language) == (
        OrganisationType.PUBLIC_WELFARE_CENTRE, "fr")


def test_a_postcode_outside_belgiums_format_is_refused(world, client_for):
    response = client_for(world.admin).post(
        "/admin/organisations/new", data={**ORGANISATION, "postcode": "500"},
        headers={"Accept-Language": "fr"})
    assert "Un code postal belge compte quatre chiffres" in response.get_data(as_text=True)
    assert load(Organisation, name="CPAS de Namur") is None


def test_organisation_names_are_unique_whatever_the_case(world, client_for):
    response = client_for(world.admin).post("/admin/organisations/new",
                                            data={**ORGANISATION, "name": "ocmw gent"})
    assert "Er bestaat al een organisatie met deze naam." in response.get_data(as_text=True)


def test_editing_keeps_what_was_typed_when_refused(world, client_for):
    response = client_for(world.admin).post(
        f"/admin/organisations/{world.organisation.id}",
        data={**ORGANISATION, "name": "CPAS de Liège", "municipality": "Gentbrugge"})
    body = response.get_data(as_text=True)
    assert "Er bestaat al een organisatie met deze naam." in body
    assert 'value="Gentbrugge"' in body


def test_deactivating_an_organisation_blocks_its_members(world, client_for):
    member = client_for(world.requester)
    client_for(world.admin).post(f"/admin/organisations/{world.organisation.id}/deactivate",
                                 data=CONFIRMED)
    assert member.get("/").status_code == 200 and member.get("/account").status_code == 302
    assert not load(world.contact_person).active
    assert load(world.other_contact_person).active


def test_admin_adds_a_service_by_provinces_and_postcodes(world, client_for):
    response = client_for(world.admin).post("/admin/services/new", data={
        "name": "Info-Integration", "provinces": ["limburg"], "postcodes": "4700-4791, 4800"})
    assert response.status_code == 302
    service = load(InterpretingService, name="Info-Integration")
    assert service.postcode_ranges == [(3500, 3999), (4700, 4791), (4800, 4800)]
    assert service.serves("4780") and not service.serves("4799")


def test_service_form_shows_whole_provinces_as_ticked_boxes(world, client_for):
    admin = client_for(world.admin)
    admin.post("/admin/services/new", data={
        "name": "PASTA", "provinces": ["flemish_brabant"], "postcodes": "1000"})
    body = admin.get("/admin/services").get_data(as_text=True)
    assert "Vlaams-Brabant" in body


def test_a_service_without_region_or_with_a_bad_range_is_refused(world, client_for):
    admin = client_for(world.admin)
    body = admin.post("/admin/services/new", data={"name": "Nowhere"}).get_data(as_text=True)
    assert "Zeg welke postcodes of provincies de dienst bedient." in body
    body = admin.post("/admin/services/new", data={"name": "Nowhere", "postcodes": "9999-9000"},
                      headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "ist die erste Postleitzahl höher als die letzte" in body
    body = admin.post("/admin/services/new", data={"name": "Nowhere", "postcodes": "abc"}
                      ).get_data(as_text=True)
    assert "is geen postcode" in body
    assert load(InterpretingService, name="Nowhere") is None


def test_deactivating_a_service_blocks_its_dispatchers(world, client_for):
    client_for(world.admin).post(f"/admin/services/{world.service.id}/deactivate", data=CONFIRMED)
    assert not load(world.dispatcher).active
    assert not load(world.service).active
    client_for(world.admin).post(f"/admin/services/{world.service.id}/reactivate")
    assert load(world.service).active


def test_a_requester_sees_the_services_that_serve_their_organisation(world, client_for):
    body = client_for(world.requester).get("/").get_data(as_text=True)
    assert "TVGent" in body and "SeTIS wallon" not in body
