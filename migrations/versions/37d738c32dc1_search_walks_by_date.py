"""Search walks by date: indexes that let a search read the upcoming and the past in date
order and stop at the page (docs/scaling.md, issue 18)

Revision ID: 37d738c32dc1
Revises: 2bc7b849aefd
Create Date: 2026-11-30 03:19:12.273354

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '37d738c32dc1'
down_revision = '2bc7b849aefd'
branch_labels = None
depends_on = None


# Indexes only: no batch (on SQLite a batch could copy the whole requests table).
def upgrade():
    # An organisation's requests by date, with what the filters ask read from the index.
    op.drop_index('ix_requests_organisation_due', table_name='requests')
    op.create_index('ix_requests_organisation_due', 'requests',
                    ['organisation_id', 'due_at', 'service_id', 'status', 'language_code'],
                    unique=False)
    # A service's requests by date (a dispatcher's dates), and by language and date.
    op.create_index('ix_requests_service_due', 'requests',
                    ['service_id', 'due_at', 'status', 'language_code'], unique=False)
    op.create_index('ix_requests_service_language', 'requests',
                    ['service_id', 'language_code', 'due_at'], unique=False)
    # The requests of an interpreter's bookings, from the index alone.
    op.create_index('ix_bookings_person_request', 'bookings', ['person_id', 'request_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_bookings_person_request', table_name='bookings')
    op.drop_index('ix_requests_service_language', table_name='requests')
    op.drop_index('ix_requests_service_due', table_name='requests')
    op.drop_index('ix_requests_organisation_due', table_name='requests')
    op.create_index('ix_requests_organisation_due', 'requests', ['organisation_id', 'due_at'],
                    unique=False)
