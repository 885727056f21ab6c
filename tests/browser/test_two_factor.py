"""In a real Chromium, in Dutch and in French: an administrator sets up two-step sign-in
from the key shown as text, keeps the recovery codes, logs out, and logs in again with the
password and a code from the app."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from interpreter_register.auth.models import Role
from interpreter_register.core.time import utcnow
from tests.fixtures.factories import create_user

from .test_foundation import HOME_HEADING, log_in, switch_to

TEXT = {
    "nl": {"code": "Code", "on": "Inloggen in twee stappen aanzetten",
           "kept": "Ik heb ze bewaard: verder", "logout": "Uitloggen", "login": "Inloggen",
           "asked": "Typ de zescijferige code"},
    "fr": {"code": "Code", "on": "Activer la connexion en deux étapes",
           "kept": "Je les ai conservés : continuer", "logout": "Se déconnecter",
           "login": "Se connecter", "asked": "Saisissez le code à six chiffres"},
}


def log_in_speaking(page: Page, live_server, email: str, language: str):
    page.goto(f"{live_server.url}/login")
    if page.locator("html").get_attribute("lang") != language:
        switch_to(page, language)
    log_in(page, live_server, email, language=language)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_an_administrator_sets_up_two_step_sign_in_and_logs_in_with_a_code(
        page: Page, live_server, language):
    admin = live_server.seed(lambda: create_user(Role.ADMIN, locale=language))
    text = TEXT[language]
    log_in_speaking(page, live_server, admin.email, language)
    page.goto(f"{live_server.url}/account/two-step/setup")
    secret = page.locator("#totp-secret").inner_text()
    app = pyotp.TOTP(secret)
    page.get_by_label(text["code"], exact=True).fill(app.at(utcnow()))
    page.locator("main form").get_by_role("button", name=text["on"]).click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name=text["kept"]).click()
    page.get_by_role("button", name=text["logout"]).click()

    log_in_speaking(page, live_server, admin.email, language)
    expect(page.locator("main")).to_contain_text(text["asked"])
    # The next time step's code: the one used to set it up is never accepted again.
    page.get_by_label(text["code"], exact=True).fill(
        app.at(utcnow() + timedelta(seconds=30)))
    page.locator("main form").get_by_role("button", name=text["login"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING[Role.ADMIN][language])
