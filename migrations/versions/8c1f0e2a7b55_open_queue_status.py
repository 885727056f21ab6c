"""The open requests' queue index carries the status: a filter by status and the
attention list's booked requests read it from the index (docs/scaling.md, issue 22)

Revision ID: 8c1f0e2a7b55
Revises: 37d738c32dc1
Create Date: 2026-11-30 06:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8c1f0e2a7b55'
down_revision = '37d738c32dc1'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('submitted', 'offered', 'booked')")


# An index only: no batch (on SQLite a batch could copy the whole requests table).
def upgrade():
    op.drop_index('ix_requests_open_queue', table_name='requests')
    op.create_index('ix_requests_open_queue', 'requests',
                    ['service_id', 'due_at', 'id', 'status'], unique=False,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('ix_requests_open_queue', table_name='requests')
    op.create_index('ix_requests_open_queue', 'requests', ['service_id', 'due_at', 'id'],
                    unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
