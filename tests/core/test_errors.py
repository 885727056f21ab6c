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


def test_a_service_that_refuses_answers_403_and_saves_nothing(database_url):
    """A view that forgot its own check still never lets the action through: the service's
    ``Forbidden`` becomes the translated 403 page, and what was changed is rolled back."""
    from flask_login import current_user

    from interpreter_register.core.permissions import Forbidden
    from interpreter_register.core.settings import Setting

    app = create_app(app_config(database_url, TESTING=False))

    @app.route("/forgetful", methods=["POST"])
    def forgetful():
        db.session.add(Setting(key="test.forgetful", value_json="1"))
        db.session.flush()
        raise Forbidden(f"{current_user} may not")

    response = app.test_client().post("/forgetful", headers={"Accept-Language": "fr"})
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Setting, "test.forgetful") is None
        db.session.remove()


def test_no_python_permission_error_is_left_in_the_package():
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "interpreter_register"
    assert not [p for p in package.rglob("*.py") if "PermissionError" in p.read_text()]
