"""Changing a password, and choosing one through a reset or invitation link."""

import re
from datetime import timedelta

import pytest
import time_machine

from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.reading import load, mails


def link_in(mail) -> str:
    return re.search(r"http://register\.test(/\S+)", mail.body).group(1)


# --- change -------------------------------------------------------------------------------

def test_change_password_needs_the_current_one(world, client_for):
    client = client_for(world.requester)
    response = client.post("/account/password", data={
        "current": "not it", "password": "new long password", "confirm": "new long password"})
    assert "Dit is niet uw huidige wachtwoord." in response.get_data(as_text=True)


def test_change_password_refuses_a_short_one(world, client_for):
    client = client_for(world.requester)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "short", "confirm": "short"})
    assert "Gebruik minstens 10 tekens." in response.get_data(as_text=True)


def test_change_password_wants_the_same_password_twice(world, client_for):
    client = client_for(world.requester)
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "new long password", "confirm": "other long password"},
        headers={"Accept-Language": "de"})
    assert "Die beiden Passwörter stimmen nicht überein." in response.get_data(as_text=True)


def test_changing_the_password_logs_out_other_devices_but_not_this_one(world, client_for):
    here = client_for(world.requester)
    elsewhere = client_for(world.requester)
    response = here.post("/account/password", data={
        "current": PASSWORD, "password": "new long password", "confirm": "new long password"})
    assert response.status_code == 302
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert load(world.requester).check_password("new long password")


# --- reset --------------------------------------------------------------------------------

def test_reset_mail_in_the_users_language_lets_them_choose_a_password(client, world):
    world.dispatcher.locale = "fr"
    db.session.commit()
    response = client.post("/password/forgot", data={"email": world.dispatcher.email})
    assert response.status_code == 302
    [mail] = mails(kind="password_reset")
    assert mail.recipient == world.dispatcher.email
    assert mail.subject == "Réinitialiser votre mot de passe"
    assert mail.sent_at is None, "queued for the worker, not delivered by the request"
    link = link_in(mail)

    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link, data={"password": "my new password", "confirm":
                                       "my new password"})
    assert response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200, "logged in after choosing"
    assert load(world.dispatcher).check_password("my new password")


def test_reset_link_works_only_once(client, world):
    client.post("/password/forgot", data={"email": world.dispatcher.email})
    link = link_in(mails(kind="password_reset")[0])
    client.post(link, data={"password": "my new password", "confirm": "my new password"})
    again = client.get(link)
    assert again.status_code == 400
    assert "niet geldig, of hij werd al gebruikt" in again.get_data(as_text=True)


def test_expired_reset_link_says_so(client, world):
    client.post("/password/forgot", data={"email": world.dispatcher.email})
    link = link_in(mails(kind="password_reset")[0])
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=1)):
        response = client.get(link, headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Dieser Link ist abgelaufen." in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client, world):
    client.post("/password/forgot", data={"email": world.dispatcher.email})
    link = link_in(mails(kind="password_reset")[0])
    assert client.get(link[:-3] + "abc").status_code == 400


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"},
                           follow_redirects=True)
    assert "Als dit adres bij een account hoort" in response.get_data(as_text=True)
    assert mails() == []


def test_reset_link_is_built_from_the_configured_address_not_the_host_header(client, world):
    client.post("/password/forgot", data={"email": world.dispatcher.email},
                headers={"Host": "evil.example.com"})
    assert "http://register.test/password/reset/" in mails(kind="password_reset")[0].body
    assert "evil" not in mails(kind="password_reset")[0].body


@pytest.mark.parametrize("password,message", [("short", "Gebruik minstens 10 tekens."),
                                              ("different1", "niet gelijk")])
def test_reset_form_errors_keep_the_link_usable(client, world, password, message):
    client.post("/password/forgot", data={"email": world.dispatcher.email})
    link = link_in(mails(kind="password_reset")[0])
    response = client.post(link, data={"password": password, "confirm": "short"})
    assert message in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_reset_and_invitation_links_stop_working_once_the_address_is_corrected(
        client, world, client_for):
    from interpreter_register.auth.services import make_token

    client.post("/password/forgot", data={"email": world.dispatcher.email})
    reset = link_in(mails(kind="password_reset")[0])
    invited = create_user("requester", password=None, organisation=world.organisation)
    invitation = f"/invitation/{make_token(invited, 'invitation')}"
    assert client.get(reset).status_code == 200 and client.get(invitation).status_code == 200
    for user, address in ((world.dispatcher, "pieter.claes@example.org"),
                          (invited, "right.address@example.org")):
        user.email = address
    db.session.commit()
    assert client.get(reset).status_code == 400, "the mail went to the old address"
    assert client.get(invitation).status_code == 400


@pytest.mark.parametrize("password,message", [
    ("password12", "een van de meest gebruikte"),
    ("1234567890", "een van de meest gebruikte"),
    ("qwertyuiop!!", "een van de meest gebruikte"),
    ("dragondragon", "een van de meest gebruikte"),
    ("jan colleague 2026", "uw naam of uw e-mailadres"),
])
def test_common_or_personal_passwords_are_refused(world, client_for, password, message):
    response = client_for(world.requester).post(
        "/account/password", data={"current": PASSWORD, "password": password,
                                   "confirm": password}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert load(world.requester).check_password(PASSWORD), "unchanged"


def test_the_address_in_a_password_is_refused_too(app_ctx):
    from interpreter_register.auth.passwords import password_problem

    assert password_problem("Sofie Maes", "s.maes@ocmw.example.be", "my ocmw password")
    assert password_problem("Sofie Maes", "s.maes@ocmw.example.be", "x s.maes@ocmw x")
    assert password_problem("Sofie Maes", "s.maes@ocmw.example.be",
                            "three unrelated words") is None


def test_reset_answers_known_and_unknown_addresses_alike_doing_the_same_work(
        client, world, app):
    """Same answer, and the same work (the mail rendered either way), so that neither the
    page nor its time tells which addresses have an account."""
    from flask import template_rendered

    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)
    answers = []
    with template_rendered.connected_to(record, app):
        for address in (world.dispatcher.email, "nobody@example.org"):
            rendered.clear()
            response = client.post("/password/forgot", data={"email": address})
            answers.append((response.status_code, response.headers["Location"],
                            "emails/password_reset.txt" in rendered))
    assert answers[0] == answers[1] == (302, "/login", True)
    assert [m.recipient for m in mails()] == [world.dispatcher.email]


def test_reset_requests_are_rate_limited_per_address_and_per_account(client, world):
    for _ in range(5):
        client.post("/password/forgot", data={"email": world.dispatcher.email},
                    environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert len(mails(kind="password_reset")) == 3, "a few links an hour to one account"
    for n in range(5):
        client.post("/password/forgot", data={"email": f"someone{n}@example.org"},
                    environ_base={"REMOTE_ADDR": "192.0.2.5"})
    refused = client.post("/password/forgot", data={"email": world.admin.email},
                          environ_base={"REMOTE_ADDR": "192.0.2.5"})
    assert refused.status_code == 429
    assert "Te veel aanvragen vanaf hier" in refused.get_data(as_text=True)
    assert mails(recipient=world.admin.email) == []
    elsewhere = client.post("/password/forgot", data={"email": world.admin.email},
                            environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert elsewhere.status_code == 302 and len(mails(recipient=world.admin.email)) == 1
