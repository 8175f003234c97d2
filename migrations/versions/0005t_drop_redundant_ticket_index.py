"""ticket: drop ix_ticket_queue, a prefix of ix_ticket_next

ix_ticket_queue (office_id, day, status) is the first three columns of ix_ticket_next
(office_id, day, status, priority, queued_at, queue_group_id), which answers every query
the shorter one did. Each status change (every "Gọi tiếp" changes two tickets) had to
update both.

Revision ID: 0005t
Revises: 0004f
Create Date: 2026-11-28 00:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005t'
down_revision = '0004f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_queue')


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_queue', ['office_id', 'day', 'status'], unique=False)
