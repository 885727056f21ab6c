"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from interpreter_register import create_app
from interpreter_register.core.database import compared_with_models
from interpreter_register.extensions import db
from tests.conftest import app_config
from tests.fixtures.database import scratch_database


def _diff(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": compared_with_models})
        return compare_metadata(context, db.metadata)


def test_upgrade_on_an_empty_database_gives_the_models_schema(database_kind, tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
        try:
            assert _diff(app) == []
        finally:
            with app.app_context():
                db.engine.dispose()


def test_downgrade_to_base_and_up_again(database_kind, tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            upgrade()
        try:
            assert _diff(app) == []
        finally:
            with app.app_context():
                db.engine.dispose()
