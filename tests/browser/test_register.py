"""The register in a real Chromium: staff build a translator's record up to reliable, in
Dutch and in French; the public finds that person in German; a file is imported."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from interpreter_register.auth.models import Role
from interpreter_register.register.models import Direction, QualificationKind
from tests.fixtures.factories import (
    create_certificate,
    create_language,
    create_person,
    create_qualification,
    create_user,
)

from .test_foundation import log_in, serious_violations, switch_to

TEXT = {
    "nl": {"register": "Register", "add_person": "Persoon toevoegen", "save": "Opslaan",
           "add_pair": "Talencombinatie toevoegen", "issue": "Certificaat uitreiken",
           "start_protocol": "Revisieprotocol starten", "start": "Starten",
           "record_revision": "Revisie registreren", "certified": "Gecertificeerd",
           "progress": "{n} van 5 positieve revisies op rij",
           "reliable": "Betrouwbaar (revisieprotocol)"},
    "fr": {"register": "Registre", "add_person": "Ajouter une personne", "save": "Enregistrer",
           "add_pair": "Ajouter une combinaison linguistique", "issue": "Délivrer un certificat",
           "start_protocol": "Démarrer le protocole de révision", "start": "Démarrer",
           "record_revision": "Enregistrer une révision", "certified": "Certifié",
           "progress": "{n} sur 5 révisions positives d’affilée",
           "reliable": "Fiable (protocole de révision)"},
}


def seed_register(live_server):
    """Register staff, and a certified Tigrinya → Dutch translator who can revise."""
    def build():
        create_language("ti")
        revisor = create_person(first_name="Yonas", last_name="Berhane", languages=())
        pair = create_qualification(revisor, QualificationKind.TRANSLATION, "ti", "nl",
                                    Direction.INTO_WORKING)
        create_certificate(pair, number="ST-TI-NL-1", issued_on=date(2024, 1, 1))
        return create_user(Role.REGISTER_STAFF)
    return live_server.seed(build)


def save(page: Page, language: str):
    page.locator("main form").get_by_role("button", name=TEXT[language]["save"],
                                          exact=True).click()


def add_pair(page, language, kind, direction=None):
    page.get_by_role("link", name=TEXT[language]["add_pair"]).click()
    page.select_option("#kind", kind)
    page.select_option("#language", "ti")
    page.select_option("#working_language", "nl")
    if direction:
        page.select_option("#direction", direction)
    save(page, language)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_staff_build_a_translator_up_to_reliable_and_the_public_finds_them(
        page, live_server, browser, language):
    text = TEXT[language]
    staff = seed_register(live_server)
    log_in(page, live_server, staff.email)
    switch_to(page, language)

    page.get_by_role("navigation").get_by_role("link", name=text["register"], exact=True).click()
    page.get_by_role("link", name=text["add_person"]).first.click()
    page.fill("#first_name", "Senait")
    page.fill("#last_name", "Tesfamariam")
    page.fill("#email", "senait@example.org")
    page.fill("#phone", "0470 12 34 99")
    page.fill("#postcode", "9000")
    page.fill("#municipality", "Gent")
    page.check("input[name=regions][value=east_flanders]")
    page.check("input[name=modalities][value=on_site]")
    page.check("input[name=modalities][value=written]")
    page.check("#public_consent")
    save(page, language)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Senait Tesfamariam")

    add_pair(page, language, "interpreting")
    interpreting = page.locator("article").filter(has_text="↔")
    interpreting.get_by_role("link", name=text["issue"]).click()
    page.fill("#number", "SI-TI-NL-77")
    save(page, language)
    expect(interpreting.get_by_text(text["certified"], exact=True)).to_be_visible()
    expect(interpreting).to_contain_text("SI-TI-NL-77")

    add_pair(page, language, "translation", "into_working")
    translation = page.locator("article").filter(has_text="→")
    translation.get_by_role("link", name=text["start_protocol"]).click()
    page.locator("main form").get_by_role("button", name=text["start"], exact=True).click()
    for n in range(1, 6):
        translation.get_by_role("link", name=text["record_revision"]).click()
        page.select_option("#revisor", label="Yonas Berhane")
        page.fill("#translation", f"Brief {n}")
        page.select_option("#verdict", "positive")
        save(page, language)
        if n < 5:
            expect(translation).to_contain_text(text["progress"].format(n=n))
    expect(translation.get_by_text(text["reliable"], exact=True)).to_be_visible()
    assert serious_violations(page) == []

    # The public, in German, without logging in.
    visitor = browser.new_page()
    visitor.goto(f"{live_server.url}/public-register")
    switch_to(visitor, "de")
    visitor.select_option("#language", "ti")
    visitor.select_option("#region", "east_flanders")
    visitor.get_by_role("button", name="Suchen", exact=True).click()
    result = visitor.locator("article").filter(has_text="Senait Tesfamariam")
    expect(result).to_be_visible()
    expect(result).to_contain_text("Zertifiziert")
    expect(result).to_contain_text("Zuverlässig (Revisionsprotokoll)")
    expect(result).to_contain_text("SI-TI-NL-77")
    expect(result).not_to_contain_text("senait@example.org")
    assert re.search(r"language=ti", visitor.url), "the search is a bookmarkable URL"
    assert serious_violations(visitor) == []
    visitor.close()


def test_import_page_sends_the_file_with_progress_and_shows_the_outcome(page, live_server,
                                                                      tmp_path):
    staff = live_server.seed(lambda: create_user(Role.REGISTER_STAFF))
    from tests.register.test_transfer import csv_file, row
    upload = tmp_path / "register.csv"
    upload.write_bytes(csv_file(*(row(email=f"p{n}@example.org", last_name=f"Import{n}")
                                  for n in range(200))))
    log_in(page, live_server, staff.email)
    page.goto(f"{live_server.url}/register/import")
    page.set_input_files("#file", str(upload))
    page.locator("main form").get_by_role("button", name="Importeren").click()
    # 200 people with their credentials: seconds on a busy machine, so a longer wait.
    expect(page.get_by_role("status")).to_contain_text("200 rijen geïmporteerd",
                                                       timeout=30_000)
    expect(page).to_have_url(re.compile(r"/register/imports/\d+$"))
