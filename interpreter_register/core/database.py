"""Column types and engine settings shared by every model."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on the Python side, whatever the database keeps.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so the value is stored
    as naive UTC and made aware again on the way out.  Naive input is refused: a naive
    datetime is a bug that would otherwise be off by one or two hours, silently.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Indexes that only PostgreSQL has, made by raw SQL in their migration (the trigram
# index that finds a person's name by any part, migrations/versions/f462f9c63ced_*): the
# models do not declare them, so the comparison of the models with the migrations
# leaves them out (migrations/env.py, tests/test_migrations.py).
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_people_name_trigrams"})


def compared_with_models(_object, name, type_, _reflected, _compare_to) -> bool:
    """Alembic's ``include_object``: everything but the PostgreSQL-only indexes."""
    return not (type_ == "index" and name in POSTGRESQL_ONLY_INDEXES)


def configure_engine(engine: Engine) -> None:
    """Make SQLite behave: foreign keys on, waits instead of 'database is locked', real BEGIN.

    pysqlite opens transactions lazily and on its own terms, which breaks savepoints and
    lets two writers read before either holds the write lock.  Letting SQLAlchemy emit
    BEGIN itself fixes both (the recipe of the SQLAlchemy SQLite dialect documentation).
    """
    if engine.dialect.name != "sqlite":
        return

    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if not in_memory:
            # Readers never wait for the writer, nor the writer for readers.
            cursor.execute("PRAGMA journal_mode = WAL")
            # 64 MB of page cache a connection (SQLite's default is 2 MB): the register,
            # the open requests and the indexes matching reads stay in memory.
            cursor.execute("PRAGMA cache_size = -65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_first.get() else "BEGIN")


# Set while a transaction must hold SQLite's write lock from its first statement.
_write_first: ContextVar[bool] = ContextVar("write_first", default=False)


@contextmanager
def writes_first():
    """SQLite transactions begun inside take the write lock at BEGIN (BEGIN IMMEDIATE).

    The one mechanism that serialises writers on SQLite: every web request that may change
    data runs inside it (see ``create_app``), and so do the scheduled jobs. A read-check-
    write (a booking: is the person free? then insert) thus never interleaves with another
    writer, and a writer waits its turn instead of failing halfway with "database is
    locked". Readers run side by side (WAL). PostgreSQL needs none of this: the services
    lock the person's row, and an exclusion constraint backs them up.
    """
    token = _write_first.set(True)
    try:
        yield
    finally:
        _write_first.reset(token)


def enum_type(enum_class, length: int = 30) -> Enum:
    """A string column that holds an enum's values (not its names) and loads the enum back."""
    return Enum(enum_class, native_enum=False, length=length, validate_strings=True,
                values_callable=lambda members: [m.value for m in members])


def column_length(attribute) -> int | None:
    """How many characters a model's text column holds (None: any number)."""
    return getattr(attribute.property.columns[0].type, "length", None)
