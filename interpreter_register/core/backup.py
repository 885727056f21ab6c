"""Backups of the whole database, and restoring one (`flask --app wsgi backup ...`).

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent
snapshot page by page while the application keeps serving and writing; the copy is
written beside the target, checked (``PRAGMA integrity_check``) and only then renamed into
place, so a half-written file never looks like a backup. Restoring copies the backup into
the configured database through the same API.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` into an empty database, the
procedure the README gives; the client tools must be installed, of the server's major
version or newer.

A backup is refused when it was made by a newer release (a migration revision this code
does not know); one made by an older release is restored and then needs `db upgrade`.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from ..extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Why a backup or a restore cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Restored:
    tables: int
    revision: str | None
    pending: bool  # the code has migrations the backup had not: run `db upgrade`


def create(path: Path) -> None:
    """Write a backup of the whole database to ``path`` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder.")
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if _dialect() == "sqlite":
            _sqlite_create(partial)
        else:
            _pg(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}"])
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore(path: Path, replace: bool = False) -> Restored:
    """Restore the backup at ``path`` into the configured database, which must be empty
    (on SQLite, ``replace`` overwrites a database that is not)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    known = {script.revision for script in _script().walk_revisions()}
    if _dialect() == "sqlite":
        revision = _sqlite_check(path)
        if revision is not None and revision not in known:
            raise BackupError(_newer(revision))
        if _table_names() and not replace:
            raise BackupError("The database is not empty; restore into an empty database, "
                              "or give --replace to overwrite everything in it.")
        _sqlite_restore(path)
    else:
        if path.read_bytes()[:5] != PG_DUMP_MAGIC:
            raise BackupError(f"{path} is not a pg_dump file in the custom format.")
        if _table_names():
            raise BackupError("The database is not empty; create an empty one (createdb) "
                              "and point DATABASE_URL at it.")
        _pg(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", str(path)])
    db.engine.dispose()
    current, heads = migration_state()
    if current is not None and current not in known:
        raise BackupError(_newer(current))
    return Restored(tables=len(_table_names()), revision=current,
                    pending=current not in heads)


def migration_state() -> tuple[str | None, set[str]]:
    """The database's migration revision and the code's head revisions."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, set(_script().get_heads())


def _newer(revision: str) -> str:
    return (f"The backup is at migration {revision}, which this release does not know: "
            "it was made by a newer release. Restore it with that release.")


def _script() -> ScriptDirectory:
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def _dialect() -> str:
    return db.engine.dialect.name


def _table_names() -> list[str]:
    with db.engine.connect() as connection:
        return inspect(connection).get_table_names()


# --- SQLite ------------------------------------------------------------------------------

def _sqlite_create(target: Path) -> None:
    source = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            source.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    _sqlite_check(target)


def _sqlite_check(path: Path) -> str | None:
    """That ``path`` is a whole SQLite database of this application; its revision."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite database.")
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (PRAGMA integrity_check).")
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise BackupError(f"{path} is not a database of this application.")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    finally:
        connection.close()


def _sqlite_restore(path: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    target = db.engine.raw_connection()
    try:
        source.backup(target.driver_connection)
    finally:
        target.close()
        source.close()


# --- PostgreSQL --------------------------------------------------------------------------

def _pg(command: list[str]) -> None:
    """Run pg_dump or pg_restore against the configured database."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    url = make_url(db.engine.url)
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    connection = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
                  f"--username={url.username or ''}", f"--dbname={url.database}"]
    done = subprocess.run(  # noqa: S603 - the configured address, no shell
        [command[0], *connection, *command[1:]], env=env, capture_output=True, text=True,
        check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
