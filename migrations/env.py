"""Alembic environment: the application's engine and metadata, via Flask-Migrate."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from interpreter_register.core.database import compared_with_models

config = context.config
# Keep the application's loggers (tests run migrations in-process).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
target_metadata = migrate_ext.db.metadata


def render_item(type_, obj, autogen_context):
    """Write our UTCDateTime as the plain column type it is in the database."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    url = str(migrate_ext.db.engine.url)
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_item=render_item, include_object=compared_with_models)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(migrate_ext.configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options.setdefault("render_item", render_item)
    options.setdefault("include_object", compared_with_models)
    with migrate_ext.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
