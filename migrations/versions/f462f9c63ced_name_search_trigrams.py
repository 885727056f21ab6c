"""People's names found by any part on PostgreSQL: a trigram index on people's names,
which a search by interpreter reads instead of every person (docs/scaling.md, issue 18)

Revision ID: f462f9c63ced
Revises: 6b20fc800a13
Create Date: 2026-11-30 06:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f462f9c63ced'
down_revision = '6b20fc800a13'
branch_labels = None
depends_on = None


# PostgreSQL only, as raw SQL: SQLite has no trigram index (it reads the few thousand
# names in the process); the models do not declare it (core.database
# POSTGRESQL_ONLY_INDEXES). The expression is that of bookings/services/search.py, so
# that "lower(...) LIKE '%word%'" is answered from the index. Organisations' names have
# none: at 2,500 organisations PostgreSQL reads the table rather than such an index
# (1.3 ms).
INDEXES = {
    "ix_people_name_trigrams":
        "people USING gin (lower((first_name || ' ' || last_name)) gin_trgm_ops)",
}


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, definition in INDEXES.items():
        op.execute(f'CREATE INDEX {name} ON {definition}')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name in INDEXES:
        op.execute(f'DROP INDEX {name}')
