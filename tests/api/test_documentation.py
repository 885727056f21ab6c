"""The API's documentation page, its messages in the caller's language, and the pace at
which an address may try keys that are not valid."""

import pytest

from interpreter_register.api.v1 import limiter

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("language,heading,required", [
    ("nl", "De API, versie 1", "verplicht"), ("fr", "L’API, version 1", "obligatoire"),
    ("de", "Die API, Version 1", "erforderlich")])
def test_the_documentation_page_lists_every_operation_without_a_cdn(client, language, heading,
                                                                    required):
    page = client.get("/api/v1/docs", headers={"Accept-Language": language})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and heading in text
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "post", "patch"):
                assert f"{method.upper()}</span> <code>{path}</code>" in text
    assert 'id="schema-NewRequest"' in text and required in text
    assert "https://" not in text.replace("https://meet", "")   # nothing fetched elsewhere


@pytest.mark.parametrize("language,unknown,required,choices", [
    ("nl", "Onbekend veld", "Verplicht.", "Moet een van deze zijn: "),
    ("fr", "Champ inconnu", "Obligatoire.", "Doit être l’une de ces valeurs : "),
    ("de", "Unbekanntes Feld", "Erforderlich.", "Muss eines davon sein: ")])
def test_validation_messages_are_in_the_callers_language(world, make_key, call, language,
                                                         unknown, required, choices):
    _, key = make_key()
    answer = call(key, "POST", "/api/v1/requests", {"language": "ar", "modality": "boat",
                                                    "colour": "blue"}, language=language)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    messages = {error["field"]: error["message"] for error in answer.json["errors"]}
    assert messages["colour"].startswith(unknown)
    assert messages["domain"] == required
    assert messages["modality"].startswith(choices) and "on_site" in messages["modality"]
    limit = call(key, "GET", "/api/v1/requests?limit=500", language=language)
    assert "500" not in limit.json["errors"][0]["message"]
    assert "100" in limit.json["errors"][0]["message"]


def test_an_address_trying_keys_is_slowed_down_its_valid_keys_too(app, world, make_key,
                                                                   call, monkeypatch):
    monkeypatch.setitem(app.config, "API_FAILED_KEY_LIMIT", "3 per minute")
    limiter.reset()
    _, key = make_key()
    guesser = {"REMOTE_ADDR": "198.51.100.7"}
    for n in range(3):
        assert call(f"irk_{n:012x}_guess", "GET", "/api/v1/requests",
                    environ_base=guesser).status_code == 401
    slowed = call("irk_ffffffffffff_guess", "GET", "/api/v1/requests", environ_base=guesser,
                  language="fr")
    assert slowed.status_code == 429 and slowed.mimetype == PROBLEM
    assert int(slowed.headers["Retry-After"]) >= 1
    assert call(key, "GET", "/api/v1/requests", environ_base=guesser).status_code == 429
    # Another address, and valid keys, are not counted.
    assert call(key, "GET", "/api/v1/requests",
                environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200
    for _n in range(5):
        assert call(key, "GET", "/api/v1/requests",
                    environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 200
    limiter.reset()
