"""Logging in and out, with throttling that slows guessing but never locks out for good."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from interpreter_register.auth.models import LoginAttempt
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import PASSWORD, create_user
from tests.fixtures.reading import load


def log_in(client, email, password=PASSWORD, address="192.0.2.10", **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_login_with_the_right_password_lands_on_the_home_page(client, world):
    response = log_in(client, world.dispatcher.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "TVGent" in client.get("/").get_data(as_text=True)


def test_email_is_not_case_sensitive(client, world):
    assert log_in(client, world.dispatcher.email.upper()).status_code == 302


def test_login_follows_next_but_only_on_this_site(client, world):
    response = client.post("/login?next=/account", data={"email": world.admin.email,
                                                          "password": PASSWORD})
    assert response.headers["Location"] == "/account"
    client.post("/logout")
    response = client.post("/login?next=https://evil.example.com/",
                           data={"email": world.admin.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("language,message", [
    ("nl", "Het e-mailadres of het wachtwoord is fout."),
    ("fr", "L’adresse e-mail ou le mot de passe est erroné."),
    ("de", "Die E-Mail-Adresse oder das Passwort ist falsch."),
])
def test_wrong_password_says_so_in_the_users_language(client, world, language, message):
    response = log_in(client, world.dispatcher.email, "wrong password",
                      **{"Accept-Language": language})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client, world):
    unknown = log_in(client, "nobody@example.org").get_data(as_text=True)
    assert "Het e-mailadres of het wachtwoord is fout." in unknown


def test_malformed_form_shows_errors_next_to_the_fields(client):
    response = client.post("/login", data={"email": "not-an-address", "password": ""},
                           headers={"Accept-Language": "fr"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="email-error"' in body and 'id="password-error"' in body
    assert "Saisissez une adresse e-mail valide" in body
    assert 'aria-invalid="true"' in body


def test_deactivated_user_cannot_log_in_and_is_told_why(client):
    user = create_user("requester", active=False)
    body = log_in(client, user.email).get_data(as_text=True)
    assert "Dit account is gedeactiveerd" in body
    assert client.get("/account").status_code == 302


def test_logout_ends_the_session(client, world):
    log_in(client, world.admin.email)
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/account").headers["Location"].startswith("/login")


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_logout_ends_a_copied_session_cookie_and_a_replayed_remember_cookie(app, world):
    """Logging out ends the login on the server: a copy of the session cookie taken
    before, or the remember-me cookie replayed, opens nothing any more."""
    from tests.conftest import Client

    app.test_client_class = Client
    browser = app.test_client()
    browser.post("/login", data={"email": world.dispatcher.email, "password": PASSWORD,
                                 "remember": "y"})
    session_cookie, remember = _cookie(browser, "session"), _cookie(browser, "remember_token")
    assert session_cookie and remember
    thief, replay = app.test_client(), app.test_client()
    thief.set_cookie("session", session_cookie)
    replay.set_cookie("remember_token", remember)
    assert thief.get("/account").status_code == 200 and replay.get("/account").status_code == 200
    browser.post("/logout")
    for other in (app.test_client(), app.test_client()):
        other.set_cookie("session", session_cookie)
    fresh_thief, fresh_replay = app.test_client(), app.test_client()
    fresh_thief.set_cookie("session", session_cookie)
    fresh_replay.set_cookie("remember_token", remember)
    assert fresh_thief.get("/account").status_code == 302
    assert fresh_replay.get("/account").status_code == 302


def test_logging_out_here_keeps_the_other_devices_logged_in(app, world, client_for):
    here, elsewhere = client_for(world.requester), client_for(world.requester)
    here.post("/logout")
    assert here.get("/account").status_code == 302
    assert elsewhere.get("/account").status_code == 200


def test_logout_by_a_plain_link_is_not_possible(client, world):
    log_in(client, world.admin.email)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_successful_login_records_the_time(client, world):
    log_in(client, world.admin.email)
    assert load(world.admin).last_login_at is not None


def test_guessing_one_account_from_one_address_slows_down_more_and_more(client, world):
    email = world.dispatcher.email
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(5):
            log_in(client, email, "guess")
        body = log_in(client, email).get_data(as_text=True)
        assert "Te veel mislukte pogingen. Wacht 30 seconden" in body, "the sixth try waits"
        clock.shift(timedelta(seconds=30))
        log_in(client, email, "guess")
        assert "Wacht 1 minuut" in log_in(client, email).get_data(as_text=True), "doubled"
        clock.shift(timedelta(minutes=1))
        assert log_in(client, email).status_code == 302, "then the right password gets in"


def test_the_owner_elsewhere_is_not_locked_out_by_someone_guessing(client, world):
    """Someone guessing from one address slows down there; the owner, from their own
    address, gets in at once."""
    for _ in range(12):
        log_in(client, world.dispatcher.email, "guess", address="203.0.113.66")
    assert "Te veel mislukte pogingen" in log_in(
        client, world.dispatcher.email, address="203.0.113.66").get_data(as_text=True)
    assert log_in(client, world.dispatcher.email, address="192.0.2.10").status_code == 302


def test_throttling_one_account_does_not_block_another(client, world):
    for _ in range(5):
        log_in(client, world.dispatcher.email, "guess")
    assert log_in(client, world.admin.email).status_code == 302


def test_many_failures_from_one_address_slow_that_address_only(client, world):
    with time_machine.travel(utcnow(), tick=False):
        for n in range(50):
            log_in(client, f"someone{n}@example.org", "guess", address="198.51.100.7")
        blocked = log_in(client, world.admin.email, address="198.51.100.7")
        assert "Te veel mislukte pogingen. Wacht 5 seconden" in blocked.get_data(as_text=True)
        assert log_in(client, world.admin.email, address="192.0.2.99").status_code == 302


def test_behind_a_configured_proxy_each_client_counts_on_its_own(app, client, world,
                                                                  monkeypatch):
    """Everyone behind the HTTPS proxy arrives from its address: with PROXY_COUNT the
    forwarded address is what counts, so one guesser does not slow down everybody."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    proxy = "10.0.0.1"
    for _ in range(6):
        log_in(client, world.dispatcher.email, "guess", address=proxy,
               **{"X-Forwarded-For": "203.0.113.66"})
    assert "Te veel mislukte pogingen" in log_in(
        client, world.dispatcher.email, address=proxy,
        **{"X-Forwarded-For": "203.0.113.66"}).get_data(as_text=True)
    assert log_in(client, world.dispatcher.email, address=proxy,
                  **{"X-Forwarded-For": "192.0.2.10"}).status_code == 302
    addresses = set(db.session.scalars(select(LoginAttempt.address)))
    assert proxy not in addresses


def test_proxy_count_configures_the_trusted_proxies(database_url):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from interpreter_register import create_app
    from tests.conftest import app_config

    assert not isinstance(create_app(app_config(database_url)).wsgi_app, ProxyFix)
    behind = create_app(app_config(database_url, PROXY_COUNT=2)).wsgi_app
    assert isinstance(behind, ProxyFix) and behind.x_for == 2


def test_a_password_reset_lifts_the_throttle_for_the_account(client, world):
    from interpreter_register.auth.services import change_password

    for _ in range(5):
        log_in(client, world.dispatcher.email, "guess")
    change_password(world.dispatcher, "a brand new password")
    db.session.commit()
    assert log_in(client, world.dispatcher.email, "a brand new password").status_code == 302


def test_old_attempts_are_pruned_after_a_day(client, world):
    with time_machine.travel(utcnow() - timedelta(days=2), tick=False):
        log_in(client, world.dispatcher.email, "guess")
    log_in(client, world.admin.email, "guess")
    emails = db.session.scalars(select(LoginAttempt.email)).all()
    assert emails == [world.admin.email]


def test_passwords_are_stored_as_scrypt_hashes(app_ctx):
    user = create_user("admin", password="a very secret password")
    assert user.password_hash.startswith("scrypt:")
    assert "a very secret password" not in user.password_hash
