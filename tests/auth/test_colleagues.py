"""A requester marked as contact person invites and deactivates colleagues of their own
organisation, and nobody else."""

from interpreter_register.auth.models import Role, User
from tests.fixtures.reading import load, mails

# Deactivating asks first; these requests come back confirmed.
CONFIRMED = {"confirmed": "yes"}


def test_contact_person_invites_a_colleague_into_their_organisation(world, client_for):
    client = client_for(world.contact_person)
    response = client.post("/organisation/colleagues/new", data={
        "name": "Eva Willems", "email": "eva.willems@example.org", "locale": "nl",
        # A forged field must not make the colleague anything but a requester here.
        "role": "admin"})
    assert response.status_code == 302
    user = load(User, email="eva.willems@example.org")
    assert (user.role, user.organisation_id) == (Role.REQUESTER, world.organisation.id)
    assert [m.recipient for m in mails(kind="invitation")] == ["eva.willems@example.org"]
    assert "Eva Willems" in client.get("/organisation/colleagues").get_data(as_text=True)


def test_colleague_list_shows_only_the_own_organisation(world, client_for):
    body = client_for(world.contact_person).get("/organisation/colleagues").get_data(
        as_text=True)
    assert "Jan Colleague" in body and "Marc Dubois" not in body


def test_contact_person_deactivates_a_colleague(world, client_for):
    colleague = client_for(world.requester)
    client_for(world.contact_person).post(
        f"/organisation/colleagues/{world.requester.id}/deactivate", data=CONFIRMED)
    assert colleague.get("/account").status_code == 302
    assert not load(world.requester).active


def test_contact_person_of_another_organisation_cannot_touch_them(world, client_for):
    response = client_for(world.other_contact_person).post(
        f"/organisation/colleagues/{world.requester.id}/deactivate", data=CONFIRMED)
    assert response.status_code == 403
    assert load(world.requester).active


def test_a_requester_who_is_not_contact_person_cannot_invite(world, client_for):
    client = client_for(world.requester)
    assert client.get("/organisation/colleagues").status_code == 403
    assert client.post("/organisation/colleagues/new", data={
        "name": "X", "email": "x@example.org"}).status_code == 403


def test_contact_person_cannot_deactivate_a_dispatcher(world, client_for):
    response = client_for(world.contact_person).post(
        f"/organisation/colleagues/{world.dispatcher.id}/deactivate", data=CONFIRMED)
    assert response.status_code == 403


def test_inviting_an_address_with_an_account_elsewhere_tells_the_inviter_nothing(
        world, client_for):
    """The page answers as for any invitation; nothing is created, and the owner of the
    address hears of it instead."""
    client = client_for(world.contact_person)
    elsewhere = client.post("/organisation/colleagues/new", data={
        "name": "Marc", "email": world.other_contact_person.email.upper()},
        follow_redirects=True)
    fresh = client_for(world.contact_person).post("/organisation/colleagues/new", data={
        "name": "Marc", "email": "marc.new@example.org"}, follow_redirects=True)
    text = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == fresh.status_code == 200
    assert "Marc kreeg een mail om een wachtwoord te kiezen." in text
    assert "bestaat al" not in text
    assert load(world.other_contact_person).organisation_id == world.other_organisation.id
    assert [m.recipient for m in mails(kind="invitation_elsewhere")] == [
        world.other_contact_person.email]
    assert "OCMW Gent" in mails(kind="invitation_elsewhere")[0].body


def test_a_colleague_already_in_the_list_is_named_as_such(world, client_for):
    response = client_for(world.contact_person).post("/organisation/colleagues/new", data={
        "name": "Jan", "email": world.requester.email})
    assert response.status_code == 200
    assert "bestaat al" in response.get_data(as_text=True)
