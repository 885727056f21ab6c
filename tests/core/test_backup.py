"""`backup create` and `backup restore`: a backup of a database in use, restored into an
empty database, holds the same rows and needs no migration; what is not a backup, or would
overwrite data, is refused with nothing changed."""

from contextlib import ExitStack

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from interpreter_register import create_app
from interpreter_register.auth.models import User
from interpreter_register.core.backup import migration_state
from interpreter_register.extensions import db
from tests.conftest import app_config, staff_sign_in_with_password_alone
from tests.fixtures.database import scratch_database


def _rows(app) -> dict[str, list[tuple]]:
    """Every row of every table (the migration revision included), in key order."""
    with app.app_context(), db.engine.connect() as connection:
        rows = {table.name: connection.execute(
            select(table).order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables}
        rows["alembic_version"] = connection.execute(
            text("SELECT version_num FROM alembic_version")).all()
    return rows


@pytest.fixture
def two_databases(database_kind, tmp_path):
    with ExitStack() as stack:
        apps = [create_app(app_config(stack.enter_context(scratch_database(database_kind,
                                                                           tmp_path))))
                for _ in range(2)]
        try:
            yield apps
        finally:
            for app in apps:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()


def test_a_backup_restored_into_an_empty_database_holds_the_same_rows(two_databases,
                                                                       tmp_path):
    source, target = two_databases
    with source.app_context():
        upgrade()
        staff_sign_in_with_password_alone()
    assert source.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    backup = tmp_path / "register.backup"

    made = source.test_cli_runner().invoke(args=["backup", "create", str(backup)])

    assert made.exit_code == 0, made.output
    assert backup.stat().st_size > 0
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "db upgrade" not in restored.output
    before, after = _rows(source), _rows(target)
    assert sum(len(rows) for rows in before.values()) > 1000, "a real world was copied"
    assert after == before
    with target.app_context():
        current, heads = migration_state()
        assert current in heads, "no migration pending"
        assert db.session.scalar(select(User).where(User.email == "admin@example.org"))

    # Restoring again would overwrite what is there now: refused, nothing changed.
    again = target.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert again.exit_code != 0 and "not empty" in again.output
    # A backup never overwrites a file.
    twice = source.test_cli_runner().invoke(args=["backup", "create", str(backup)])
    assert twice.exit_code != 0 and "exists already" in twice.output
    assert _rows(target) == before


def test_what_is_not_a_backup_is_refused(two_databases, tmp_path):
    _source, target = two_databases
    stranger = tmp_path / "notes.backup"
    stranger.write_bytes(b"=HYPERLINK(\"http://example.org\")\n" * 100)
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(stranger)])
    assert refused.exit_code != 0
    assert "is not an SQLite database" in refused.output or "is not a pg_dump" in refused.output
    with target.app_context():
        assert migration_state()[0] is None, "nothing was written"
