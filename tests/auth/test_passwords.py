"""Changing a password, and choosing one through a reset or invitation link."""

import re
from datetime import timedelta

import pytest
import time_machine

from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import PASSWORD
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
    assert mail.sent_at is not None, "delivered after the request committed"
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
