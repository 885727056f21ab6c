"""webhook resends: who asked to send a delivery again, and which attempts were a resend

Revision ID: 9353560eb6ac
Revises: f462f9c63ced
Create Date: 2026-11-30 07:10:42.377709

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9353560eb6ac'
down_revision = 'f462f9c63ced'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resent_by_id', sa.Integer(), nullable=True))
        # The attempts so far were none of them a resend.
        batch_op.add_column(sa.Column('is_resend', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_webhook_attempts_resent_by_id_users'), 'users',
                                    ['resent_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resent_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_webhook_deliveries_resent_by_id_users'), 'users',
                                    ['resent_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_webhook_deliveries_resent_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('resent_by_id')
        batch_op.drop_column('resent_at')

    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_webhook_attempts_resent_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('is_resend')
        batch_op.drop_column('resent_by_id')
