"""Administrators invite, edit, deactivate and reactivate users."""

import re

from interpreter_register.auth.models import Role, User
from tests.fixtures.factories import create_user
from tests.fixtures.reading import load, mails

# Deactivating asks first; these requests come back confirmed.
CONFIRMED = {"confirmed": "yes"}


def test_admin_invites_a_requester_who_gets_a_mail_without_a_password(world, client_for, client):
    admin = client_for(world.admin)
    response = admin.post("/admin/users/new", data={
        "name": "Sofie Maes", "email": "Sofie.Maes@example.org", "role": "requester",
        "locale": "fr", "organisation": world.organisation.id, "service": 0, "person": 0})
    assert response.status_code == 302
    user = load(User, email="sofie.maes@example.org")
    assert (user.role, user.organisation_id, user.password_hash) == (
        Role.REQUESTER, world.organisation.id, None)

    [mail] = mails(kind="invitation")
    assert mail.recipient == "sofie.maes@example.org"
    assert mail.subject == "Votre compte dans le registre des interprètes"
    assert "An Peeters" in mail.body and "mot de passe" in mail.body
    link = re.search(r"http://register\.test(/invitation/\S+)", mail.body).group(1)

    page = client.get(link).get_data(as_text=True)
    assert "Bienvenue, Sofie Maes" in page
    client.post(link, data={"password": "her very own secret words",
                            "confirm": "her very own secret words"})
    assert "OCMW Gent" in client.get("/").get_data(as_text=True)
    assert client.get(link).status_code == 400, "an invitation is used once"


def test_role_needs_its_link(world, client_for):
    admin = client_for(world.admin)
    for role, message in [("requester", "Een aanvrager hoort bij een organisatie."),
                          ("dispatcher", "Een planner hoort bij een tolkendienst."),
                          ("interpreter", "Een tolk is gekoppeld aan een persoon")]:
        response = admin.post("/admin/users/new", data={
            "name": "X", "email": f"{role}@example.org", "role": role,
            "locale": "", "organisation": 0, "service": 0, "person": 0})
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        assert load(User, email=f"{role}@example.org") is None


def test_duplicate_email_is_refused_on_the_form(world, client_for):
    response = client_for(world.admin).post("/admin/users/new", data={
        "name": "Twin", "email": world.dispatcher.email.upper(), "role": "register_staff",
        "locale": "", "organisation": 0, "service": 0, "person": 0})
    assert "Er bestaat al een gebruiker met dit e-mailadres." in response.get_data(as_text=True)


def test_only_the_link_the_role_needs_is_kept(world, client_for):
    client_for(world.admin).post(f"/admin/users/{world.requester.id}", data={
        "name": "Jan Colleague", "email": world.requester.email, "role": "dispatcher",
        "organisation": world.organisation.id, "is_contact_person": "y",
        "locale": "", "service": world.service.id, "person": 0})
    user = load(User, email=world.requester.email)
    assert (user.role, user.service_id, user.organisation_id, user.is_contact_person) == (
        Role.DISPATCHER, world.service.id, None, False)


def test_a_person_has_at_most_one_account(world, client_for):
    response = client_for(world.admin).post("/admin/users/new", data={
        "name": "Second", "email": "second@example.org", "role": "interpreter",
        "locale": "", "organisation": 0, "service": 0, "person": world.fatima.id})
    assert "Deze persoon heeft al een account." in response.get_data(as_text=True)


def test_deactivating_blocks_login_at_once_and_keeps_the_user(world, client_for):
    victim = client_for(world.dispatcher)
    assert victim.get("/").status_code == 200
    client_for(world.admin).post(f"/admin/users/{world.dispatcher.id}/deactivate", data=CONFIRMED)
    assert victim.get("/account").status_code == 302, "the open session ends"
    user = load(User, email=world.dispatcher.email)
    assert user is not None and not user.active and user.deactivated_at is not None

    client_for(world.admin).post(f"/admin/users/{world.dispatcher.id}/reactivate")
    assert load(User, email=world.dispatcher.email).active


def test_admin_cannot_deactivate_themselves_or_the_last_admin(world, client_for):
    admin = client_for(world.admin)
    response = admin.post(f"/admin/users/{world.admin.id}/deactivate", data=CONFIRMED,
                          follow_redirects=True)
    assert "U kunt uw eigen account niet deactiveren." in response.get_data(as_text=True)
    response = admin.post(f"/admin/users/{world.admin.id}", data={
        "name": "An", "email": world.admin.email, "role": "register_staff",
        "locale": "", "organisation": 0, "service": 0, "person": 0})
    assert "U kunt uw eigen beheerdersrol niet afnemen." in response.get_data(as_text=True)
    assert load(User, email=world.admin.email).role == Role.ADMIN


def test_another_admin_can_be_deactivated(world, client_for):
    second = create_user("admin")
    client_for(world.admin).post(f"/admin/users/{second.id}/deactivate", data=CONFIRMED)
    assert not load(User, email=second.email).active


def test_resend_invitation_only_before_a_password_is_chosen(world, client_for):
    invited = create_user("register_staff", password=None)
    admin = client_for(world.admin)
    admin.post(f"/admin/users/{invited.id}/invite")
    assert len(mails(kind="invitation")) == 1
    response = admin.post(f"/admin/users/{world.dispatcher.id}/invite", follow_redirects=True)
    assert "Deze gebruiker heeft al een wachtwoord gekozen." in response.get_data(as_text=True)
    assert len(mails(kind="invitation")) == 1


def test_user_list_searches_and_filters_by_role(world, client_for):
    admin = client_for(world.admin)
    body = admin.get("/admin/users?q=peeters").get_data(as_text=True)
    assert ">An Peeters</a></td>" in body and ">Pieter Claes</a></td>" not in body
    body = admin.get("/admin/users?role=dispatcher").get_data(as_text=True)
    assert ">Pieter Claes</a></td>" in body and ">An Peeters</a></td>" not in body
