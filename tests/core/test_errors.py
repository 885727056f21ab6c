"""Error pages come in the user's language and never show a stack trace."""

import pytest

from interpreter_register import create_app
from interpreter_register.extensions import db
from tests.conftest import app_config


@pytest.mark.parametrize("language,title", [("nl", "Pagina niet gevonden"),
                                            ("fr", "Page introuvable"),
                                            ("de", "Seite nicht gefunden")])
def test_not_found_page_is_translated(client, language, title):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_forbidden_page_is_translated(world, client_for):
    client = client_for(world.dispatcher)
    client.post("/language", data={"language": "de"})
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Zugriff verweigert" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_translated_page_not_a_trace(database_url):
    app = create_app(app_config(database_url, TESTING=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"Accept-Language": "fr"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Une erreur est survenue" in body
    assert "secret internals" not in body and "Traceback" not in body
    with app.app_context():
        db.session.remove()
