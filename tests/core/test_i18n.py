"""Three languages (and English for staff): how the language is chosen and shown."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale, format_datetime

from interpreter_register.organisations.models import OrganisationType
from tests.fixtures.reading import load


def html_lang(response) -> str:
    body = response.get_data(as_text=True)
    return body.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("header,expected", [
    ("fr-BE,fr;q=0.9", "fr"), ("de", "de"), ("nl-BE", "nl"),
    ("es-ES,es;q=0.9", "nl"),   # unknown: Dutch
    ("en-GB", "nl"),            # English is for staff who choose it, not the browser default
    ("", "nl"),
])
def test_browser_language_is_followed_and_unknown_falls_back_to_dutch(client, header, expected):
    assert html_lang(client.get("/login", headers={"Accept-Language": header})) == expected


@pytest.mark.parametrize("language,word", [("nl", "Wachtwoord"), ("fr", "Mot de passe"),
                                           ("de", "Passwort")])
def test_login_page_is_translated(client, language, word):
    body = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
    assert word in body


def test_switching_language_is_remembered_in_the_session(client):
    response = client.post("/language", data={"language": "fr", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login", headers={"Accept-Language": "de"})
    assert html_lang(page) == "fr", "the choice wins over the browser's preference"


def test_switching_language_is_remembered_for_the_user(world, client_for):
    client_for(world.requester).post("/language", data={"language": "de", "next": "/"})
    assert load(world.requester).locale == "de"
    # A new session (another device) shows the user's language.
    page = client_for(world.requester).get("/", headers={"Accept-Language": "fr"})
    assert html_lang(page) == "de"


def test_user_setting_wins_over_session_and_browser(world, client_for):
    client = client_for(world.requester)
    client.post("/language", data={"language": "fr"})
    with client.session_transaction() as session:
        session["language"] = "de"
    assert html_lang(client.get("/", headers={"Accept-Language": "nl"})) == "fr"


def test_english_is_offered_to_staff_only(world, client_for):
    dispatcher = client_for(world.dispatcher)
    assert 'value="en"' in dispatcher.get("/").get_data(as_text=True)
    dispatcher.post("/language", data={"language": "en"})
    assert html_lang(dispatcher.get("/")) == "en"

    requester = client_for(world.requester)
    assert 'value="en"' not in requester.get("/").get_data(as_text=True)
    requester.post("/language", data={"language": "en"})
    assert html_lang(requester.get("/")) == "nl"


def test_a_language_that_does_not_exist_is_refused_politely(client):
    response = client.post("/language", data={"language": "xx", "next": "/login"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Deze taal is niet beschikbaar" in response.get_data(as_text=True)


def test_switcher_does_not_redirect_elsewhere(client):
    response = client.post("/language", data={"language": "fr",
                                              "next": "https://evil.example.com/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("locale,expected", [("nl_BE", "29/03/2026"), ("fr_BE", "29/03/26"),
                                             ("de_BE", "29.03.26")])
def test_dates_are_formatted_the_belgian_way_in_brussels_time(app_ctx, locale, expected):
    # 09:30 UTC is 11:30 in Brussels on the first day of summer time.
    moment = datetime(2026, 3, 29, 9, 30, tzinfo=UTC)
    with force_locale(locale):
        text = format_datetime(moment, "short")
    assert text.startswith(expected) and "11:30" in text


@pytest.mark.parametrize("language,word", [("nl", "OCMW"), ("fr", "CPAS"), ("de", "ÖSHZ")])
def test_public_welfare_centres_carry_their_name_in_each_language(app_ctx, language, word):
    with force_locale(language):
        assert str(OrganisationType.PUBLIC_WELFARE_CENTRE.label) == word


@pytest.mark.parametrize("language,word", [("nl", "OCMW"), ("fr", "CPAS"), ("de", "ÖSHZ")])
def test_organisation_list_names_the_type_in_the_page_language(world, client_for, language,
                                                              word):
    client = client_for(world.admin)
    client.post("/language", data={"language": language})
    body = client.get("/admin/organisations").get_data(as_text=True)
    assert f"<td>{word}</td>" in body


@pytest.mark.parametrize("language,heading", [("nl", "Uw werk"),
                                              ("fr", "Votre travail"),
                                              ("de", "Ihre Arbeit")])
def test_interpreter_home_page_in_each_language(world, client_for, language, heading):
    client = client_for(world.interpreter)
    client.post("/language", data={"language": language})
    body = client.get("/").get_data(as_text=True)
    assert heading in body
    expected_pair = {"nl": "Arabisch ↔ Nederlands", "fr": "Arabe ↔ Néerlandais",
                     "de": "Arabisch ↔ Niederländisch"}[language]
    assert expected_pair in body


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_a_page_formats_a_moment_as_format_moment_does_across_the_clock_change(
        app_ctx, language):
    """The attention list words its moments through the page's kept formats: the same text
    as ``format_moment``, in Brussels time on both sides of the change to summer time."""
    from interpreter_register.core.i18n import PageFormats, format_moment, locale_for

    moments = [datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
               datetime(2026, 3, 29, 1, 0, 1, tzinfo=UTC),
               datetime(2026, 3, 29, 1, 0, 59, tzinfo=UTC),
               datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 30,
                                                                 tzinfo=UTC)]
    with force_locale(locale_for(language)):
        formats = PageFormats(locale_for(language))
        for moment in moments:
            assert formats.moment(moment) == format_moment(moment)
            assert formats.moment(moment, weekday=True) == format_moment(moment, weekday=True)
    assert PageFormats(locale_for("nl")).moment(moments[1]).endswith("03:00")
