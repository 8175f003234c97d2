"""office: the weekly opening hours as data (schedule)

``office.opening_hours`` is display text only. ``schedule`` holds the week's open intervals
per weekday and on make-up working days (tthc.domain.hours), which the kiosk and the phone
ticket read. Existing rows stay NULL: an office without hours set gives numbers at any time,
as before.

Revision ID: 0006h
Revises: 0005t
Create Date: 2026-12-04 20:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006h'
down_revision = '0005t'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_column('schedule')
