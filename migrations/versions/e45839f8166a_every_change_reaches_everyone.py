"""Every change reaches everyone

Revision ID: e45839f8166a
Revises: c36916fcbbc7
Create Date: 2026-11-29 20:03:57.449215

"""
import uuid
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

BRUSSELS = ZoneInfo("Europe/Brussels")


# revision identifiers, used by Alembic.
revision = 'e45839f8166a'
down_revision = 'c36916fcbbc7'
branch_labels = None
depends_on = None


def _brussels_utc(day, clock):
    """A Brussels wall-clock moment as naive UTC (what SQLite keeps; PostgreSQL reads it as
    UTC, the session's zone in this migration)."""
    local = datetime.combine(day, clock).replace(tzinfo=BRUSSELS)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _fill(table, column, value_sql):
    op.execute(sa.text(f"UPDATE {table} SET {column} = {value_sql} WHERE {column} IS NULL"))


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("SET TIME ZONE 'UTC'")
    now = datetime.now(timezone.utc).replace(tzinfo=None)

    # What each mailbox was last sent of each event (calendar/itip.py).
    op.create_table('calendar_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_deliveries')),
    sa.UniqueConstraint('address', 'uid', name='uq_calendar_deliveries_event')
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ended_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Enum('illness', 'emergency', 'leave', 'other', name='withdrawalreason', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_note', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('qualification_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bookings_qualification_id_qualifications'), 'qualifications', ['qualification_id'], ['id'])
    op.execute("UPDATE bookings SET ended_reason = 'cancelled' WHERE status = 'cancelled'")

    # Feeds belong to a user now (the one who made them); one nobody made goes.
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
    op.execute("UPDATE calendar_feeds SET user_id = created_by_id")
    op.execute("DELETE FROM calendar_feeds WHERE user_id IS NULL")
    op.execute("UPDATE calendar_feeds SET owner = 'own', owner_id = user_id "
               "WHERE owner = 'organisation'")
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_calendar_feeds_created_by_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_calendar_feeds_user_id_users'), 'users', ['user_id'], ['id'])
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('language')

    # Feeds' versions follow the names they show.
    for table in ('interpreting_services', 'languages', 'organisations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET updated_at = :now").bindparams(now=now))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True),
                                  nullable=False)

    # Leave may be part of a day; its span in UTC is what matching reads.
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('until_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True))
    leave = sa.table('leave', sa.column('id'), sa.column('first_day', sa.Date()),
                     sa.column('last_day', sa.Date()), sa.column('starts_at'),
                     sa.column('ends_at'))
    for leave_id, first_day, last_day in bind.execute(
            sa.select(leave.c.id, leave.c.first_day, leave.c.last_day)).all():
        bind.execute(leave.update().where(leave.c.id == leave_id).values(
            starts_at=_brussels_utc(first_day, time(0)),
            ends_at=_brussels_utc(last_day + timedelta(days=1), time(0))))
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.alter_column('starts_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('ends_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_check_constraint('ends_after_start', 'ends_at > starts_at')
        batch_op.create_index('ix_leave_person_span', ['person_id', 'starts_at', 'ends_at'], unique=False)

    # One calendar event per request for the requester, the organisation and the service.
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('calendar_uid', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('calendar_sequence', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE requests SET flagged_at = created_at WHERE flag IS NOT NULL")
    op.execute("UPDATE requests SET updated_at = created_at")
    requests = sa.table('requests', sa.column('id'), sa.column('calendar_uid'))
    for (request_id,) in bind.execute(sa.select(requests.c.id)).all():
        bind.execute(requests.update().where(requests.c.id == request_id).values(
            calendar_uid=f"request-{uuid.uuid4().hex}@interpreter-register"))
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.alter_column('calendar_uid', existing_type=sa.String(length=80), nullable=False)
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('calendar_sequence', existing_type=sa.Integer(),
                              server_default=None)
        batch_op.create_unique_constraint(batch_op.f('uq_requests_calendar_uid'), ['calendar_uid'])


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_requests_calendar_uid'), type_='unique')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('calendar_sequence')
        batch_op.drop_column('calendar_uid')
        batch_op.drop_column('flagged_at')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.drop_index('ix_leave_person_span')
        batch_op.drop_constraint(batch_op.f('ck_leave_ends_after_start'), type_='check')
        batch_op.drop_column('ends_at')
        batch_op.drop_column('starts_at')
        batch_op.drop_column('until_time')
        batch_op.drop_column('from_time')

    with op.batch_alter_table('languages', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('interpreting_services', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.VARCHAR(length=2), nullable=False,
                                      server_default='nl'))
        batch_op.add_column(sa.Column('created_by_id', sa.INTEGER(), nullable=True))
    op.execute("UPDATE calendar_feeds SET created_by_id = user_id")
    op.execute("UPDATE calendar_feeds SET owner = 'organisation', owner_id = "
               "(SELECT organisation_id FROM users WHERE users.id = calendar_feeds.user_id) "
               "WHERE owner = 'own'")
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calendar_feeds_user_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_calendar_feeds_created_by_id_users'), 'users', ['created_by_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))
        batch_op.drop_column('user_id')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bookings_qualification_id_qualifications'), type_='foreignkey')
        batch_op.drop_column('qualification_id')
        batch_op.drop_column('withdrawal_note')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('ended_reason')

    op.drop_table('calendar_deliveries')
    # ### end Alembic commands ###
