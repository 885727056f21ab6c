"""API keys in the web pages: created by contact persons and administrators, shown once,
stored hashed, revoked."""

import re

from interpreter_register.api.keys import recognise
from interpreter_register.api.models import ApiKey, Scope
from interpreter_register.extensions import db


def _created_key(page: str) -> str:
    return re.search(r'data-testid="new-api-key">(irk_[^<]+)<', page).group(1)


def test_a_contact_person_creates_a_key_shown_once_and_stored_hashed(world, client_for):
    browser = client_for(world.contact_person)
    url = f"/organisations/{world.organisation.id}/api-keys"
    page = browser.post(url, data={"name": "HIS Planning", "scope": "read", "days": "90"},
                        headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    key = _created_key(page.text)
    api_key = db.session.scalar(db.select(ApiKey).where(ApiKey.name == "HIS Planning"))
    assert api_key.scope == Scope.READ and api_key.user_id == world.contact_person.id
    assert key not in api_key.secret_hash and api_key.matches(key)
    assert (api_key.expires_at - api_key.created_at).days == 90
    # Shown once: the list afterwards names the key by its prefix only.
    again = browser.get(url).text
    assert "HIS Planning" in again and key not in again and f"irk_{api_key.prefix}_" in again
    assert recognise(key) == api_key


def test_an_administrator_creates_a_key_acting_as_the_contact_person(world, client_for):
    page = client_for(world.admin).post(
        f"/organisations/{world.other_organisation.id}/api-keys",
        data={"name": "Planning CPAS", "scope": "write", "days": "365"})
    key = _created_key(page.text)
    api_key = recognise(key)
    assert api_key.organisation_id == world.other_organisation.id
    assert api_key.user_id == world.other_contact_person.id
    assert api_key.created_by_id == world.admin.id


def test_a_nameless_key_is_refused_in_french(world, client_for):
    page = client_for(world.contact_person).post(
        f"/organisations/{world.organisation.id}/api-keys",
        data={"name": "", "scope": "read", "days": "30"}, headers={"Accept-Language": "fr"})
    assert 'data-testid="new-api-key"' not in page.text
    assert 'id="name"' in page.text and "is-invalid" in page.text
    assert db.session.scalar(db.select(db.func.count(ApiKey.id))) == 0


def test_a_revoked_key_stops_working(world, client_for, make_key, call):
    api_key, key = make_key(Scope.READ)
    assert call(key, "GET", "/api/v1/requests").status_code == 200
    response = client_for(world.contact_person).post(
        f"/organisations/{world.organisation.id}/api-keys/{api_key.id}/revoke",
        data={"confirmed": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert api_key.is_revoked and api_key.revoked_by_id == world.contact_person.id
    assert call(key, "GET", "/api/v1/requests").status_code == 401


def test_another_organisations_key_cannot_be_revoked_through_ones_own(world, client_for,
                                                                       make_key):
    api_key, _key = make_key(organisation=world.other_organisation)
    response = client_for(world.contact_person).post(
        f"/organisations/{world.organisation.id}/api-keys/{api_key.id}/revoke",
        data={"confirmed": "yes"})
    assert response.status_code == 404
    db.session.expire_all()
    assert not api_key.is_revoked


def test_the_contact_person_finds_the_keys_in_the_menu_a_colleague_does_not(world,
                                                                            client_for):
    link = f'href="/organisations/{world.organisation.id}/api-keys"'
    assert link in client_for(world.contact_person).get("/").text
    assert link not in client_for(world.requester).get("/").text
