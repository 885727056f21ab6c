"""In a real Chromium: a message thread between the requester (French), the dispatcher
(Dutch) and the interpreter (German); a complaint that ends in a suspension, after which
the person is out of matching; a renewal that shows its evidence."""

from datetime import date, time, timedelta
from pathlib import Path

from playwright.sync_api import expect

from interpreter_register.bookings.services import booking as booking_service
from interpreter_register.core.time import today_in_brussels
from interpreter_register.register.services import credentials
from tests.fixtures.factories import create_interpreter, create_request, future_day
from tests.fixtures.world import build_world

from .test_foundation import log_in, serious_violations, switch_to


def test_a_thread_between_requester_dispatcher_and_interpreter(browser, live_server):
    def build():
        world = build_world()
        item = create_request(world.contact_person)
        made = booking_service.book(world.dispatcher, item, world.fatima.id)
        return world, item, made
    world, item, made = live_server.seed(build)

    requester = browser.new_page()
    log_in(requester, live_server, world.contact_person.email)
    switch_to(requester, "fr")
    requester.goto(f"{live_server.url}/requests/{item.id}")
    requester.get_by_label("Votre message").fill("La réunion a lieu au deuxième étage.")
    requester.locator("#thread").get_by_role("button", name="Envoyer").click()
    expect(requester.get_by_role("status").first).to_contain_text("Votre message est envoyé")
    assert serious_violations(requester) == []

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.goto(f"{live_server.url}/dispatch/requests/{item.id}")
    thread = dispatcher.locator("#thread")
    expect(thread).to_contain_text("La réunion a lieu au deuxième étage.")
    dispatcher.get_by_label("Uw bericht").fill("Genoteerd, bedankt.")
    dispatcher.locator("#thread").get_by_role("button", name="Versturen").click()

    interpreter = browser.new_page()
    log_in(interpreter, live_server, world.interpreter.email)
    switch_to(interpreter, "de")
    interpreter.goto(f"{live_server.url}/portal/bookings/{made.id}")
    thread = interpreter.locator("#thread")
    expect(thread).to_contain_text("La réunion a lieu au deuxième étage.")
    expect(thread).to_contain_text("Genoteerd, bedankt.")
    expect(thread).to_contain_text("Lotte De Smet")
    for page in (requester, dispatcher, interpreter):
        page.close()


def test_a_complaint_ends_in_a_suspension_and_matching_follows(browser, live_server):
    def build():
        world = build_world()
        day = future_day()
        item = create_request(world.contact_person, day=day)
        made = booking_service.book(world.dispatcher, item, world.omar.id)
        later = create_request(world.contact_person, day=day + timedelta(days=7))
        return world, made, later
    world, made, later = live_server.seed(build)

    requester = browser.new_page()
    log_in(requester, live_server, world.contact_person.email)
    requester.goto(f"{live_server.url}/requests/{made.request_id}")
    requester.get_by_role("link", name="Klacht indienen").click()
    requester.get_by_label("Wat er gebeurde").fill("De tolk kwam een uur te laat.")
    requester.get_by_role("button", name="De klacht versturen").click()
    expect(requester.get_by_role("status").first).to_contain_text("register")

    staff = browser.new_page()
    log_in(staff, live_server, world.register_staff.email)
    switch_to(staff, "fr")
    staff.get_by_role("link", name="Plaintes", exact=True).click()
    staff.locator("main table a").first.click()
    expect(staff.locator("main")).to_contain_text("De tolk kwam een uur te laat.")
    staff.get_by_role("button", name="Mettre en examen").click()
    staff.get_by_label("Décision").select_option("suspension")
    staff.get_by_label("Pour l’interprète").fill("Suspension jusqu’à la formation.")
    staff.get_by_label("Suspendu à partir du").fill(today_in_brussels().isoformat())
    staff.get_by_role("button", name="Enregistrer la décision").click()
    expect(staff.get_by_role("status").first).to_contain_text("La décision est enregistrée")
    assert serious_violations(staff) == []

    dispatcher = browser.new_page()
    log_in(dispatcher, live_server, world.dispatcher.email)
    dispatcher.goto(f"{live_server.url}/dispatch/requests/{later.id}")
    excluded = dispatcher.locator("main table").nth(1)
    expect(excluded.locator("tr").filter(has_text="Omar Mansour")).to_contain_text(
        "Certificaat voor deze talencombinatie geschorst sinds")
    expect(dispatcher.locator("main table").first).not_to_contain_text("Omar Mansour")
    for page in (requester, staff, dispatcher):
        page.close()


def test_a_renewal_shows_the_evidence_and_renews(page, live_server):
    def build():
        world = build_world()
        today = today_in_brussels()
        leila = create_interpreter("Leila", "Soon", certified=False)
        credentials.issue_certificate(None, leila.qualifications[0], "SI-SOON",
                                      today - timedelta(days=1700), today + timedelta(days=45))
        return world
    world = live_server.seed(build)
    log_in(page, live_server, world.register_staff.email)
    switch_to(page, "de")
    page.get_by_role("link", name="Erneuerungen", exact=True).click()
    row = page.locator("main tr").filter(has_text="SI-SOON")
    row.get_by_role("button", name="Die Erneuerung eröffnen").click()
    page.locator("main tr").filter(has_text="SI-SOON").get_by_role(
        "link", name="Die Nachweise ansehen").click()
    expect(page.locator("#evidence")).to_contain_text("Die Nachweise seit")
    page.get_by_role("textbox", name="Fortbildung").fill("Dolmetschen im Gesundheitswesen")
    page.locator("#training-taken_on").fill((today_in_brussels() - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Die Fortbildung hinzufügen").click()
    expect(page.locator("main")).to_contain_text("Dolmetschen im Gesundheitswesen")
    page.get_by_label("Nummer des neuen Zertifikats").fill("SI-SOON-2")
    page.get_by_role("button", name="Das Zertifikat erneuern").click()
    expect(page.get_by_role("status").first).to_contain_text("erneuert")
    assert serious_violations(page) == []
    assert date and time


def test_a_letter_goes_to_the_translator_and_the_translation_comes_back(
        browser, live_server, tmp_path):
    """The requester (Dutch) sends the letter to translate, a wrong file first; the booked
    translator (French) downloads it and sends the translation; the requester downloads
    that."""
    from interpreter_register.auth.models import Role
    from interpreter_register.register.models import Direction, Modality, QualificationKind
    from tests.fixtures.factories import create_qualification, create_user

    def build():
        world = build_world()
        person = create_interpreter("Reza", "Written", certified=False,
                                    modalities={Modality.WRITTEN}, languages=())
        create_qualification(person, QualificationKind.TRANSLATION, "ar", "nl",
                             Direction.INTO_WORKING)
        translator = create_user(Role.INTERPRETER, person=person, name="Reza Written")
        item = create_request(world.contact_person, modality=Modality.WRITTEN)
        made = booking_service.book(world.dispatcher, item, person.id)
        return world, translator, item, made
    world, translator, item, made = live_server.seed(build)
    letter, program = tmp_path / "brief school.pdf", tmp_path / "brief.pdf"
    letter.write_bytes(b"%PDF-1.4\n% a letter from the school\n%%EOF\n")
    program.write_bytes(b"MZ\x90\x00 a program, not a letter")
    translated = tmp_path / "vertaling.pdf"
    translated.write_bytes(b"%PDF-1.4\n% the translation\n%%EOF\n")

    requester = browser.new_page()
    log_in(requester, live_server, world.contact_person.email)
    requester.goto(f"{live_server.url}/requests/{item.id}")
    section = requester.locator("#documents")
    section.get_by_label("Te vertalen document").set_input_files(program)
    section.get_by_role("button", name="Versturen").click()
    expect(requester.locator("#document-error")).to_contain_text("Stuur een PDF")
    requester.get_by_label("Bestand").set_input_files(letter)
    requester.get_by_role("button", name="Versturen").click()
    expect(requester.get_by_role("status").first).to_contain_text("Het document is verstuurd")
    expect(requester.locator("#documents")).to_contain_text("brief school.pdf")
    assert serious_violations(requester) == []

    reader = browser.new_page()
    log_in(reader, live_server, translator.email)
    switch_to(reader, "fr")
    reader.goto(f"{live_server.url}/portal/bookings/{made.id}")
    documents = reader.locator("#documents")
    expect(documents).to_contain_text("Document à traduire")
    with reader.expect_download() as got:
        documents.get_by_role("link", name="brief school.pdf").click()
    assert got.value.suggested_filename == "brief school.pdf"
    assert Path(got.value.path()).read_bytes() == letter.read_bytes()
    documents.get_by_label("Traduction").set_input_files(translated)
    documents.get_by_role("button", name="Envoyer").click()
    expect(reader.get_by_role("status").first).to_contain_text("Le document est envoyé")
    assert serious_violations(reader) == []

    requester.reload()
    with requester.expect_download() as got:
        requester.locator("#documents").get_by_role("link", name="vertaling.pdf").click()
    assert Path(got.value.path()).read_bytes() == translated.read_bytes()
    for page in (requester, reader):
        page.close()
