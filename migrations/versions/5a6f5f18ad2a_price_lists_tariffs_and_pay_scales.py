"""Price lists: a service's tariffs and pay scales, each valid from a date (issue 17)

Revision ID: 5a6f5f18ad2a
Revises: 555a4523760a
Create Date: 2026-11-30 02:46:24.228281

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a6f5f18ad2a'
down_revision = '555a4523760a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('price_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('tariff', 'pay_scale', name='pricelistkind', native_enum=False, length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('per_word', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('per_page', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('translation_minimum', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('per_km', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('late_cancellation_charge', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('late_cancellation_travel', sa.Boolean(), nullable=False),
    sa.Column('waiting_time_billed', sa.Boolean(), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('vat_exemption_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('vat_rate IS NULL OR vat_exemption_reason IS NULL', name=op.f('ck_price_lists_vat')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_price_lists_created_by_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['interpreting_services.id'], name=op.f('fk_price_lists_service_id_interpreting_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_lists')),
    sa.UniqueConstraint('service_id', 'kind', 'valid_from', name='uq_price_list_from')
    )
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_lists_service_id'), ['service_id'], unique=False)

    op.create_table('price_list_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('modality', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('minimum_minutes', sa.Integer(), nullable=False),
    sa.Column('minimum_charge', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('unit_minutes', sa.Integer(), nullable=True),
    sa.CheckConstraint("modality IN ('on_site', 'phone', 'video')", name=op.f('ck_price_list_rates_modality')),
    sa.CheckConstraint("unit IN ('started_quarter', 'minute', 'hour', 'block')", name=op.f('ck_price_list_rates_unit')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_lists.id'], name=op.f('fk_price_list_rates_price_list_id_price_lists')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list_rates')),
    sa.UniqueConstraint('price_list_id', 'modality', name='uq_price_list_rate')
    )
    with op.batch_alter_table('price_list_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_rates_price_list_id'), ['price_list_id'], unique=False)



def downgrade():
    with op.batch_alter_table('price_list_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_list_rates_price_list_id'))

    op.drop_table('price_list_rates')
    with op.batch_alter_table('price_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_lists_service_id'))

    op.drop_table('price_lists')
