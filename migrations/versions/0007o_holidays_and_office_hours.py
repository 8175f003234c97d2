"""holiday: an office's days off and make-up days as rows; office: one source of hours

``holiday`` holds an office's table (date, kind, name, legal basis, confirmed, enabled),
one row per office and day. An office without rows reads the seed file
tthc/data/holidays.toml; its admin's first change copies the file's rows (tthc.models.holiday),
so nothing is seeded here.

``office.opening_hours`` (display lines, kept beside ``schedule`` and able to disagree with
it) is dropped: the lines are derived from ``schedule`` (Office.opening_hours, a property).
A downgrade brings the column back empty: the pages then show no lines until the demo or
the admin writes them again.

Revision ID: 0007o
Revises: 0007s
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007o'
down_revision = '0007s'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_holiday_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('office_id', 'day', name=op.f('uq_holiday_office_id_day'))
    )
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_office_id'), ['office_id'], unique=False)
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_column('opening_hours')


def downgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening_hours', sa.JSON(), nullable=False,
                                      server_default='[]'))
    with op.batch_alter_table('holiday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_office_id'))
    op.drop_table('holiday')
