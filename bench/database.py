"""The benchmark's databases: a SQLite file under bench/data, and a database of its own on
the local PostgreSQL cluster; both built by the migrations, as in production."""

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from interpreter_register import create_app

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SQLITE_URL = f"sqlite:///{DATA / 'bench.sqlite'}"
POSTGRESQL_DATABASE = "interpreter_register_bench"


def config(url: str) -> dict:
    """Production settings, except plain HTTP on loopback (no Secure cookie), and no rate
    limit on the API that the load would meet (it measures the list, not its refusals)."""
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-not-a-secret",
            "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
            "BASE_URL": "http://127.0.0.1", "MAIL_SERVER": "",
            "API_RATE_LIMIT": "100000000 per minute"}


def app_for(url: str) -> Flask:
    return create_app(config(url))


def postgresql_url(given: str | None = None) -> str | None:
    """The URL given (--postgresql-url or BENCH_DATABASE_URL; that database is emptied and
    refilled), or a database of the benchmark's own beside the one `make test` uses."""
    given = given or os.environ.get("BENCH_DATABASE_URL")
    if given:
        return given
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    return make_url(base).set(database=POSTGRESQL_DATABASE).render_as_string(
        hide_password=False)


def empty(url: str) -> None:
    """Make an empty database at ``url`` (deleting what is there)."""
    address = make_url(url)
    if address.get_backend_name() == "sqlite":
        path = Path(address.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(address.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'DROP DATABASE IF EXISTS "{address.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{address.database}"')
    admin.dispose()


def fresh_app(url: str) -> Flask:
    """An app on a new database, migrated to the latest revision."""
    empty(url)
    return migrated_app(url)


def migrated_app(url: str) -> Flask:
    """An app on the database at ``url``, migrated to the latest revision (data kept)."""
    from flask_migrate import upgrade

    from interpreter_register.auth.two_factor import REQUIRED_FOR_STAFF
    from interpreter_register.core import settings
    from interpreter_register.extensions import db

    app = app_for(url)
    with app.app_context():
        upgrade(directory=str(HERE.parent / "migrations"))
        # The pages are measured as staff who sign in with the password alone.
        settings.change(None, REQUIRED_FOR_STAFF.key, False)
        db.session.commit()
    return app
