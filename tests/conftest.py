"""The test rig: app, a rolled-back database per test, clients per role, live server."""

import atexit
import contextvars
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.globals import app_ctx as current_app_context
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session, sessionmaker

from interpreter_register import create_app
from interpreter_register.extensions import db

from .fixtures.database import postgresql_url, reset_postgresql

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.world", "tests.fixtures.replica"]

# The run's uploaded files: never the checkout's instance/uploads; gone when it ends.
UPLOADS = Path(tempfile.mkdtemp(prefix="ir-uploads-"))
atexit.register(shutil.rmtree, UPLOADS, True)


def pytest_addoption(parser):
    parser.addoption("--postgresql", action="store_true",
                     help="run the database tests on PostgreSQL at TEST_DATABASE_URL")


def pytest_configure(config):
    if config.getoption("--postgresql") and not postgresql_url():
        raise pytest.UsageError("--postgresql needs TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run only the tests that touch a database."""
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
    if not config.getoption("--postgresql"):
        return
    keep = [i for i in items if "database_kind" in getattr(i, "fixturenames", ())]
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.fixture(scope="session")
def database_kind(request) -> str:
    return "postgresql" if request.config.getoption("--postgresql") else "sqlite"


def app_config(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Never the checkout's instance/uploads: a folder of the run's own.
        "UPLOAD_FOLDER": str(UPLOADS),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://register.test",
        "MAIL_SERVER": "",
        # The API counts keys that are not valid per address; the whole suite calls from
        # one address (tests/api/test_requests.py tests the limit on an address of its own).
        "API_FAILED_KEY_LIMIT": "1000000 per minute",
        **overrides,
    }


@pytest.fixture(scope="session")
def database_url(database_kind, tmp_path_factory) -> str:
    if database_kind == "postgresql":
        url = postgresql_url()
        reset_postgresql(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(database_url) -> Flask:
    """The application, on a database built by the migrations (not by create_all)."""
    from flask_migrate import upgrade

    application = create_app(app_config(database_url))
    with application.app_context():
        upgrade()
        staff_sign_in_with_password_alone()
    return application


def staff_sign_in_with_password_alone() -> None:
    """Two-step sign-in is required of staff by default; the tests of other things log
    staff in with the password alone (tests/auth/test_two_factor.py turns it on)."""
    from interpreter_register.auth.two_factor import REQUIRED_FOR_STAFF
    from interpreter_register.core import settings

    settings.change(None, REQUIRED_FOR_STAFF.key, False)
    db.session.commit()


@pytest.fixture(autouse=True)
def db_connection(request):
    """Every test that uses the app runs in a transaction that is rolled back afterwards.

    Views and services commit as they would in production; here a commit only releases
    a savepoint inside the outer transaction.
    """
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        engine = db.engine
    connection = engine.connect()
    transaction = connection.begin()
    original = db.session
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    db.session = scoped_session(factory, scopefunc=_app_context_scope)
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = original
        transaction.rollback()
        connection.close()


def _app_context_scope():
    """One session per application context, as Flask-SQLAlchemy scopes it."""
    return (id(current_app_context._get_current_object()) if has_app_context()
            else threading.get_ident())


@pytest.fixture(autouse=True)
def upload_folder(request, tmp_path):
    """Each test stores its uploads in a folder of its own: its rows are rolled back at its
    end, and their files must not look like orphans to the next test's retention job."""
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    folder = tmp_path / "uploads"
    before, app.config["UPLOAD_FOLDER"] = app.config["UPLOAD_FOLDER"], str(folder)
    yield folder
    app.config["UPLOAD_FOLDER"] = before


@pytest.fixture(autouse=True)
def app_context(request, db_connection):
    """One application context for the whole test, and so one session: fixtures, factories,
    services called directly and the test body share it, and their objects stay bound.

    A request made with the test client still gets a context and a session of its own (see
    ``Client.open``), as in production; read what it wrote with ``tests.fixtures.reading``.
    """
    if "app" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("app").app_context():
        yield


@pytest.fixture
def app_ctx(app):
    """For tests that call services directly (no HTTP): messages come in English there, the
    language of the source. The test's own application context is the one it forces."""
    from flask_babel import force_locale

    with force_locale("en_BE"):
        yield


class Client(FlaskClient):
    def open(self, *args, **kwargs):
        """A request in an application context of its own, as in production: Flask would
        reuse the test's, and the request would share its session and ``g``."""
        return contextvars.Context().run(super().open, *args, **kwargs)

    def login_as(self, user) -> "Client":
        """Log in without the form (the form itself is tested in tests/auth): a login row,
        and its token in the session cookie."""
        from interpreter_register.auth.sessions import start_session
        token = start_session(user)
        db.session.commit()
        with self.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return self


@pytest.fixture
def client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def client_for(app):
    """``client_for(user)``: a new client, logged in as that user."""
    def make(user) -> Client:
        app.test_client_class = Client
        return app.test_client().login_as(user)
    return make


@pytest.fixture
def csrf_enabled(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
