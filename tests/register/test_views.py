"""The register's pages, through the test client."""

import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from interpreter_register.core.audit import AuditEntry
from interpreter_register.core.regions import Province
from interpreter_register.core.time import today_in_brussels
from interpreter_register.extensions import db
from interpreter_register.register.models import (
    Certificate,
    Direction,
    Language,
    Person,
    QualificationKind,
    Revision,
)
from interpreter_register.register.services.imports import advance
from tests.fixtures.factories import create_certificate, create_person, create_qualification
from tests.fixtures.reading import load

from .test_transfer import csv_file, row

PERSON_FORM = {"first_name": "Nadia", "last_name": "Bouzid", "email": "nadia@example.org",
               "phone": "0470 99 88 77", "postcode": "2000", "municipality": "Antwerpen",
               "regions": ["antwerp"], "modalities": ["on_site", "video"],
               "domains": ["medical"], "gender": "", "public_consent": "y",
               "show_municipality": "y"}


def test_staff_add_a_person_and_land_on_their_page(world, client_for):
    client = client_for(world.register_staff)
    response = client.post("/register/people/new", data=PERSON_FORM)
    person = load(Person, last_name="Bouzid")
    assert response.headers["Location"] == f"/register/people/{person.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nadia Bouzid" in page and "+32 470 99 88 77" in page
    assert "Persoon toegevoegd" in page, "the history shows the creation"


def test_a_wrong_phone_number_is_refused_on_the_form_and_nothing_is_stored(world, client_for):
    client = client_for(world.register_staff)
    client.post("/language", data={"language": "fr"})
    response = client.post("/register/people/new", data={**PERSON_FORM, "phone": "12345"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="phone-error"' in body and "numéro de téléphone" in body
    assert 'value="Bouzid"' in body, "what was typed stays"
    assert load(Person, last_name="Bouzid") is None


def test_dispatchers_read_a_person_without_the_history(world, client_for):
    page = client_for(world.dispatcher).get(f"/register/people/{world.fatima.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Fatima Haddad" in body
    assert "Geschiedenis" not in body and "Bewerken" not in body
    staff_page = client_for(world.register_staff).get(f"/register/people/{world.fatima.id}")
    assert "Geschiedenis" in staff_page.get_data(as_text=True)


def test_an_interpreter_keeps_their_contact_data_and_consent(world, client_for):
    client = client_for(world.interpreter)
    page = client.get("/register/me").get_data(as_text=True)
    assert "Fatima Haddad" in page and "ST-AR-NL-1" in page
    response = client.post("/register/me", data={
        "email": "fatima@example.org", "phone": "+32 470 55 44 33", "postcode": "9000",
        "municipality": "Gent", "public_consent": "y", "show_phone": "y",
        "first_name": "Forged"})
    assert response.status_code == 302
    person = load(world.fatima)
    assert (person.email, person.phone, person.public_consent, person.show_phone,
            person.first_name) == ("fatima@example.org", "+32470554433", True, True, "Fatima")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.person_id == person.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor_id == world.interpreter.id
    assert entry.changes["public_consent"] == [False, True]


def test_certificate_form_refuses_a_used_number_and_a_backwards_date(world, client_for):
    client = client_for(world.register_staff)
    client.post("/language", data={"language": "fr"})
    url = f"/register/qualifications/{world.translation.id}/certificates/new"
    body = client.post(url, data={"number": "ST-AR-NL-1", "issued_on": "2026-01-01"}
                       ).get_data(as_text=True)
    assert "Le numéro de certificat ST-AR-NL-1 est déjà utilisé." in body
    body = client.post(url, data={"number": "ST-AR-NL-2", "issued_on": "2026-01-01",
                                  "valid_until": "2025-01-01"}).get_data(as_text=True)
    assert "valable jusqu’à un jour antérieur" in body
    assert load(Certificate, number="ST-AR-NL-2") is None


def test_a_suspension_shows_on_the_page_with_its_reason(world, client_for):
    client = client_for(world.register_staff)
    response = client.post(f"/register/certificates/{world.certificate.id}/status", data={
        "status": "suspended", "effective_on": "2025-06-01", "reason": "Klacht in onderzoek"})
    assert response.status_code == 302
    page = client.get(f"/register/people/{world.fatima.id}").get_data(as_text=True)
    assert "Geschorst" in page and "Klacht in onderzoek" in page


def test_a_passed_exam_issues_the_certificate_in_one_step(world, client_for):
    qualification = world.fatima.qualifications[0]
    response = client_for(world.register_staff).post(
        f"/register/qualifications/{qualification.id}/steps/new", data={
            "step": "certification_exam", "taken_on": "2026-06-10", "result": "passed",
            "certificate_number": "SI-AR-NL-9"})
    assert response.status_code == 302
    assert load(Certificate, number="SI-AR-NL-9").issued_on == date(2026, 6, 10)


def test_an_ineligible_revisor_is_refused_on_the_form(world, client_for):
    uncertified = create_person(first_name="Karim", last_name="Saleh", languages=())
    create_qualification(uncertified, QualificationKind.TRANSLATION, "ar", "nl",
                         Direction.INTO_WORKING)
    client = client_for(world.register_staff)
    url = f"/register/qualifications/{world.translation.id}/revisions/new"
    assert "Karim Saleh" in client.get(url).get_data(as_text=True), "offered: same pair"
    response = client.post(url, data={"revised_on": "2026-02-01", "revisor": uncertified.id,
                                      "translation": "Brief", "verdict": "positive"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="revisor-error"' in body
    assert "Karim Saleh heeft op die dag geen geldig certificaat voor deze talencombinatie" in body
    assert db.session.scalar(select(func.count()).select_from(Revision)) == 0


def test_languages_are_added_by_code_and_unknown_codes_refused(world, client_for):
    client = client_for(world.register_staff)
    body = client.post("/register/languages/new", data={"code": "qqq"}).get_data(as_text=True)
    assert "“qqq” is geen ISO 639-taalcode die het register kent." in body
    body = client.post("/register/languages/new", data={"code": "ara"}).get_data(as_text=True)
    assert "Gebruik de ISO 639-1-code “ar” voor deze taal." in body
    response = client.post("/register/languages/new", data={"code": "vgt"})
    assert response.status_code == 302
    assert load(Language, "vgt").name("nl") == "Vlaamse Gebarentaal"
    assert "Vlaamse Gebarentaal" in client.get("/register/languages").get_data(as_text=True)


def test_staff_search_by_name_language_certificate_status_and_expiry(world, client_for):
    soon = create_person(first_name="Olga", last_name="Ivanova", languages=("ru",))
    create_certificate(soon.qualifications[0], number="SI-RU-1", issued_on=date(2022, 1, 1),
                       valid_until=today_in_brussels() + timedelta(days=365))
    client = client_for(world.register_staff)

    def names(query):
        page = client.get(f"/register/people?{query}").get_data(as_text=True)
        return re.findall(r'/register/people/\d+">([^<]+)</a>', page)

    assert names("q=ivan") == ["Ivanova, Olga"]
    assert names("language=ru") == ["Ivanova, Olga"]
    assert names("certificate=st-ar") == ["Haddad, Fatima"]
    assert names("status=valid") == ["Haddad, Fatima", "Ivanova, Olga", "Mansour, Omar"]
    assert names("expiring=400") == ["Ivanova, Olga"]
    assert names("expiring=abc")  # a wrong number is ignored, not an error


def test_policy_settings_page(world, client_for):
    client = client_for(world.register_staff)
    response = client.post("/settings/register", data={
        "register__certificate_years": "4", "register__revision_positives_needed": "0",
        "register__revision_with_remarks": "counts"})
    assert response.status_code == 200
    assert 'id="register__revision_positives_needed-error"' in response.get_data(as_text=True)
    response = client.post("/settings/register", data={
        "register__certificate_years": "4", "register__revision_positives_needed": "3",
        "register__revision_with_remarks": "neutral"})
    assert response.status_code == 302
    from interpreter_register.register.policy import current_policy
    assert current_policy().positives_needed == 3
    assert current_policy().certificate_years == 4


def test_import_page_reports_errors_with_rows_and_imports_a_good_file(world, client_for):
    client = client_for(world.register_staff)
    bad = client.post("/register/import", data={
        "file": (io.BytesIO(csv_file(row(language="zz"))), "bad.csv")},
        content_type="multipart/form-data")
    while advance():        # the background worker
        pass
    result = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Er werd niets geïmporteerd" in result and "<td>2</td>" in result
    good = client.post("/register/import", data={
        "file": (io.BytesIO(csv_file(row())), "good.csv")}, content_type="multipart/form-data")
    while advance():
        pass
    result = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "1 persoon toegevoegd" in result
    assert load(Person, email="leila@example.org").full_name == "Leila Mansour"


def test_import_wants_a_csv_file(world, client_for):
    response = client_for(world.register_staff).post("/register/import", data={
        "file": (io.BytesIO(b"x"), "photo.png")}, content_type="multipart/form-data")
    assert "Kies een .csv-bestand." in response.get_data(as_text=True)


def test_exports_download_as_files(world, client_for):
    client = client_for(world.register_staff)
    response = client.get("/register/export.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="register-' in response.headers["Content-Disposition"]
    assert "ST-AR-NL-1" in response.get_data().decode("utf-8-sig")
    response = client.get("/register/export.xlsx")
    assert response.data[:2] == b"PK"


# --- the public register ------------------------------------------------------------------

def test_public_register_shows_only_consenting_active_people_and_their_chosen_data(client):
    shown = create_person(first_name="Amina", last_name="Open", public_consent=True,
                          show_email=True, show_phone=False, phone="0470 12 34 56",
                          email="open@example.org")
    create_certificate(shown.qualifications[0], number="SI-PUB-1", issued_on=date(2025, 1, 1))
    create_person(first_name="Hidden", last_name="Noconsent", public_consent=False)
    gone = create_person(first_name="Gone", last_name="Inactive", public_consent=True)
    from interpreter_register.register.services import people
    people.set_person_active(None, gone, False)
    db.session.commit()
    body = client.get("/public-register?language=ar",
                      headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Amina Open" in body and "Noconsent" not in body and "Inactive" not in body
    assert "open@example.org" in body and "+32 470" not in body
    assert "SI-PUB-1" in body and "Zertifiziert" in body
    assert "Arabisch ↔ Niederländisch" in body


def test_public_register_filters_by_region_postcode_modality_and_kind(client):
    create_person(first_name="West", last_name="Only", public_consent=True,
                  regions={Province.WEST_FLANDERS})
    create_person(first_name="East", last_name="Only", public_consent=True)

    def found(query):
        return re.findall(r'<h3 id="person-\d+" class="h5">([^<]+)</h3>',
                          client.get(f"/public-register?{query}").get_data(as_text=True))

    assert found("region=east_flanders") == ["East Only"]
    assert found("postcode=8000") == ["West Only"]
    assert found("modality=video") == []
    assert found("kind=translation") == []
    response = client.get("/public-register?postcode=80")
    assert response.status_code == 200
    assert "Een Belgische postcode heeft vier cijfers" in response.get_data(as_text=True)
