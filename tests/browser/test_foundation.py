"""In a real Chromium: log in as each role, switch languages, accessibility, phone width."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from interpreter_register.auth.models import Role
from tests.fixtures.factories import (
    PASSWORD,
    create_organisation,
    create_person,
    create_service,
    create_user,
)

LOGIN_BUTTON = {"nl": "Inloggen", "fr": "Se connecter", "de": "Anmelden"}
LANGUAGE_BUTTON = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch"}

# A heading each role's home page shows, in each language.
HOME_HEADING = {
    Role.ADMIN: {"nl": "Beheer", "fr": "Administration", "de": "Verwaltung"},
    Role.REGISTER_STAFF: {"nl": "Het register", "fr": "Le registre", "de": "Das Register"},
    Role.DISPATCHER: {"nl": "Werkgebied", "fr": "Région desservie", "de": "Einzugsgebiet"},
    Role.REQUESTER: {"nl": "Tolkendiensten voor uw organisatie",
                     "fr": "Services d’interprétariat pour votre organisation",
                     "de": "Dolmetscherdienste für Ihre Organisation"},
    Role.INTERPRETER: {"nl": "Uw werk", "fr": "Votre travail", "de": "Ihre Arbeit"},
}


def make_user(live_server, role: Role):
    def build():
        service = create_service(name="TVGent", ranges=((9000, 9052),))
        organisation = create_organisation(name="OCMW Gent")
        extra = {Role.REQUESTER: {"organisation": organisation, "is_contact_person": True},
                 Role.DISPATCHER: {"service": service},
                 Role.INTERPRETER: {"person": create_person(languages=("ar", "prs"))}}
        return create_user(role, **extra.get(role, {}))
    return live_server.seed(build)


def log_in(page: Page, live_server, email: str, password: str = PASSWORD, language="nl"):
    page.goto(f"{live_server.url}/login")
    page.get_by_label({"nl": "E-mailadres", "fr": "Adresse e-mail",
                       "de": "E-Mail-Adresse"}[language]).fill(email)
    page.get_by_label({"nl": "Wachtwoord", "fr": "Mot de passe",
                       "de": "Passwort"}[language], exact=True).fill(password)
    page.locator("main").get_by_role("button", name=LOGIN_BUTTON[language]).click()


def switch_to(page: Page, language: str):
    # The page in the new language is a new page: wait for it to have loaded, so that the
    # next click is on it and not on the page it replaces.
    page.wait_for_load_state()
    with page.expect_navigation():
        page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", language)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_logs_in_and_reads_its_home_page_in_three_languages(page, live_server, role):
    user = make_user(live_server, role)
    log_in(page, live_server, user.email)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    for language in ("fr", "de", "nl"):
        switch_to(page, language)
        expect(page.get_by_text(HOME_HEADING[role][language], exact=True)).to_be_visible()
    # The choice is remembered for the user, also in a new session.
    switch_to(page, "de")
    page.context.clear_cookies()
    log_in(page, live_server, user.email)
    expect(page.locator("html")).to_have_attribute("lang", "de")


@pytest.mark.parametrize("language,message", [
    ("nl", "Het e-mailadres of het wachtwoord is fout."),
    ("fr", "L’adresse e-mail ou le mot de passe est erroné."),
    ("de", "Die E-Mail-Adresse oder das Passwort ist falsch."),
])
def test_a_wrong_password_gets_a_clear_translated_message(page, live_server, language, message):
    user = make_user(live_server, Role.DISPATCHER)
    page.goto(f"{live_server.url}/login")
    if language != "nl":
        switch_to(page, language)
    log_in(page, live_server, user.email, "not the password", language)
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page).to_have_url(f"{live_server.url}/login")


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({', '.join(n['html'][:120] for n in v['nodes'][:3])})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_login_page_has_no_serious_accessibility_violation(page, live_server):
    page.goto(f"{live_server.url}/login")
    assert serious_violations(page) == []
    # Also with errors shown next to the fields.
    page.locator("main").get_by_role("button", name="Inloggen").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_home_pages_have_no_serious_accessibility_violation(page, live_server, role):
    user = make_user(live_server, role)
    log_in(page, live_server, user.email)
    expect(page).to_have_url(f"{live_server.url}/")
    assert serious_violations(page) == []


def test_pages_work_at_phone_width(page, live_server):
    user = make_user(live_server, Role.ADMIN)
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, live_server, user.email)
    menu_button = page.get_by_role("button", name="Menu tonen", exact=True)
    expect(menu_button).to_be_visible()
    expect(page.get_by_role("link", name="Gebruikers")).to_be_hidden()
    menu_button.click()
    page.get_by_role("link", name="Gebruikers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikers")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "nothing sticks out sideways"
