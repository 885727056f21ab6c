"""Completion sheets (with versions, expenses and disputes), the shared upload store, and
the minutes a late cancellation counts for (per service)

Revision ID: f05ee7b2c5ac
Revises: 77e3a1080d5a
Create Date: 2026-11-29 21:47:31.877081

Existing bookings keep their status: those already completed by the clock stay completed
without a sheet (the reports count their planned time); from now on only a settled sheet
completes a booking.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f05ee7b2c5ac'
down_revision = '77e3a1080d5a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_uploads_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_uploads_stored_name'))
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploads_area'), ['area'], unique=False)

    op.create_table('completion_sheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('awaited', 'filed', 'disputed', 'settled', name='sheetstatus', native_enum=False, length=20), nullable=False),
    sa.Column('late_cancellation', sa.Boolean(), nullable=False),
    sa.Column('billable', sa.Boolean(), nullable=False),
    sa.Column('payable', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirm_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_completion_sheets_booking_id_bookings')),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], name=op.f('fk_completion_sheets_request_id_requests')),
    sa.ForeignKeyConstraint(['service_id'], ['interpreting_services.id'], name=op.f('fk_completion_sheets_service_id_interpreting_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_sheets')),
    sa.UniqueConstraint('booking_id', name=op.f('uq_completion_sheets_booking_id'))
    )
    with op.batch_alter_table('completion_sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_sheets_request_id'), ['request_id'], unique=False)
        batch_op.create_index('ix_completion_sheets_service_status', ['service_id', 'status'], unique=False)

    op.create_table('sheet_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('filed_as', sa.Enum('interpreter', 'service', 'policy', name='filedas', native_enum=False, length=20), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worked_minutes', sa.Integer(), nullable=False),
    sa.Column('booked_minutes', sa.Integer(), nullable=True),
    sa.Column('waiting_minutes', sa.Integer(), nullable=False),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('km', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('km_suggested', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('words', sa.Integer(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('settled_how', sa.Enum('confirmed', 'deemed', 'service', 'policy', name='settledhow', native_enum=False, length=20), nullable=True),
    sa.Column('settlement_note', sa.String(length=500), nullable=True),
    sa.CheckConstraint('ended_at IS NULL OR ended_at > started_at', name=op.f('ck_sheet_versions_ends_after_start')),
    sa.CheckConstraint('km >= 0', name=op.f('ck_sheet_versions_km')),
    sa.CheckConstraint('waiting_minutes >= 0', name=op.f('ck_sheet_versions_waiting_minutes')),
    sa.CheckConstraint('worked_minutes >= 0', name=op.f('ck_sheet_versions_worked_minutes')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_sheet_versions_answered_by_id_users')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_sheet_versions_filed_by_id_users')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_sheet_versions_settled_by_id_users')),
    sa.ForeignKeyConstraint(['sheet_id'], ['completion_sheets.id'], name=op.f('fk_sheet_versions_sheet_id_completion_sheets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_versions')),
    sa.UniqueConstraint('sheet_id', 'number', name='sheet_number')
    )
    with op.batch_alter_table('sheet_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_versions_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('sheet_disputes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Enum('times', 'waiting', 'no_show', 'km', 'expenses', 'size', 'delivered_on', name='sheetline', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['sheet_versions.id'], name=op.f('fk_sheet_disputes_version_id_sheet_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_disputes'))
    )
    with op.batch_alter_table('sheet_disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_disputes_version_id'), ['version_id'], unique=False)

    op.create_table('sheet_expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('public_transport', 'parking', name='expensekind', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_sheet_expenses_amount_positive')),
    sa.ForeignKeyConstraint(['receipt_id'], ['uploads.id'], name=op.f('fk_sheet_expenses_receipt_id_uploads')),
    sa.ForeignKeyConstraint(['version_id'], ['sheet_versions.id'], name=op.f('fk_sheet_expenses_version_id_sheet_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_expenses'))
    )
    with op.batch_alter_table('sheet_expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_expenses_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sheet_expenses_version_id'), ['version_id'], unique=False)

    # Every existing service counts a late cancellation as an hour until an administrator
    # says otherwise: filled before the column becomes NOT NULL.
    with op.batch_alter_table('interpreting_services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_cancellation_minutes', sa.Integer(), nullable=True))
    op.execute("UPDATE interpreting_services SET late_cancellation_minutes = 60")
    with op.batch_alter_table('interpreting_services', schema=None) as batch_op:
        batch_op.alter_column('late_cancellation_minutes', existing_type=sa.Integer(),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('interpreting_services', schema=None) as batch_op:
        batch_op.drop_column('late_cancellation_minutes')

    with op.batch_alter_table('sheet_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_expenses_version_id'))
        batch_op.drop_index(batch_op.f('ix_sheet_expenses_receipt_id'))

    op.drop_table('sheet_expenses')
    with op.batch_alter_table('sheet_disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_disputes_version_id'))

    op.drop_table('sheet_disputes')
    with op.batch_alter_table('sheet_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_versions_sheet_id'))

    op.drop_table('sheet_versions')
    with op.batch_alter_table('completion_sheets', schema=None) as batch_op:
        batch_op.drop_index('ix_completion_sheets_service_status')
        batch_op.drop_index(batch_op.f('ix_completion_sheets_request_id'))

    op.drop_table('completion_sheets')
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_area'))

    op.drop_table('uploads')
