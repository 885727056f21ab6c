"""Administrators keep organisations and interpreting services with the regions they serve."""

from sqlalchemy import select

from interpreter_register.auth.models import User
from interpreter_register.extensions import db
from interpreter_register.organisations.models import (
    InterpretingService,
    Organisation,
    OrganisationType,
)


def organisation_named(app, name):
    with app.app_context():
        return db.session.scalar(select(Organisation).where(Organisation.name == name))


def service_named(app, name):
    with app.app_context():
        service = db.session.scalar(select(InterpretingService)
                                    .where(InterpretingService.name == name))
        return service and (service, service.postcode_ranges)


ORGANISATION = {"name": "CPAS de Namur", "type": "public_welfare_centre", "postcode": "5000",
                "municipality": "Namur", "working_language": "fr"}


def test_admin_adds_an_organisation(app, world, client_for):
    response = client_for(world.admin).post("/admin/organisations/new", data=ORGANISATION)
    assert response.status_code == 302
    organisation = organisation_named(app, "CPAS de Namur")
    assert (organisation.type, organisation.working_language) == (
        OrganisationType.PUBLIC_WELFARE_CENTRE, "fr")


def test_a_postcode_outside_belgiums_format_is_refused(app, world, client_for):
    response = client_for(world.admin).post(
        "/admin/organisations/new", data={**ORGANISATION, "postcode": "500"},
        headers={"Accept-Language": "fr"})
    assert "Un code postal belge compte quatre chiffres" in response.get_data(as_text=True)
    assert organisation_named(app, "CPAS de Namur") is None


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


def test_deactivating_an_organisation_blocks_its_members(app, world, client_for):
    member = client_for(world.requester)
    client_for(world.admin).post(f"/admin/organisations/{world.organisation.id}/deactivate")
    assert member.get("/").status_code == 200 and member.get("/account").status_code == 302
    with app.app_context():
        assert not db.session.get(User, world.contact_person.id).active
        assert db.session.get(User, world.other_contact_person.id).active


def test_admin_adds_a_service_by_provinces_and_postcodes(app, world, client_for):
    response = client_for(world.admin).post("/admin/services/new", data={
        "name": "Info-Integration", "provinces": ["limburg"], "postcodes": "4700-4791, 4800"})
    assert response.status_code == 302
    service, ranges = service_named(app, "Info-Integration")
    assert ranges == [(3500, 3999), (4700, 4791), (4800, 4800)]
    assert service.serves("4780") and not service.serves("4799")


def test_service_form_shows_whole_provinces_as_ticked_boxes(world, client_for):
    admin = client_for(world.admin)
    admin.post("/admin/services/new", data={
        "name": "PASTA", "provinces": ["flemish_brabant"], "postcodes": "1000"})
    body = admin.get("/admin/services").get_data(as_text=True)
    assert "Vlaams-Brabant" in body


def test_a_service_without_region_or_with_a_bad_range_is_refused(app, world, client_for):
    admin = client_for(world.admin)
    body = admin.post("/admin/services/new", data={"name": "Nowhere"}).get_data(as_text=True)
    assert "Zeg welke postcodes of provincies de dienst bedient." in body
    body = admin.post("/admin/services/new", data={"name": "Nowhere", "postcodes": "9999-9000"},
                      headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "ist die erste Postleitzahl höher als die letzte" in body
    body = admin.post("/admin/services/new", data={"name": "Nowhere", "postcodes": "abc"}
                      ).get_data(as_text=True)
    assert "is geen postcode" in body
    assert service_named(app, "Nowhere") is None


def test_deactivating_a_service_blocks_its_dispatchers(app, world, client_for):
    client_for(world.admin).post(f"/admin/services/{world.service.id}/deactivate")
    with app.app_context():
        assert not db.session.get(User, world.dispatcher.id).active
        assert not db.session.get(InterpretingService, world.service.id).active
    client_for(world.admin).post(f"/admin/services/{world.service.id}/reactivate")
    with app.app_context():
        assert db.session.get(InterpretingService, world.service.id).active


def test_a_requester_sees_the_services_that_serve_their_organisation(world, client_for):
    body = client_for(world.requester).get("/").get_data(as_text=True)
    assert "TVGent" in body and "SeTIS wallon" not in body
