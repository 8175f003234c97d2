"""ticket: its place in the queue (queued_at), the queue it waits in (queue_group_id)

A no-show goes back to the end of the queue once, so the order of the queue cannot be the
arrival time alone; a transfer moves a ticket to another group's queue while it keeps the
number (and the label printed on paper) of the group that issued it, so the issuing group
cannot be overwritten either (numbers are unique per office, day and issuing group).
ix_ticket_next lets "call next" read each priority tier of the waiting tickets in order, and
the waiting counts per group come from the index alone.

Revision ID: 0003q
Revises: 0002
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003q'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE ticket SET queue_group_id = group_id, queued_at = created_at")
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.alter_column('queue_group_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('queued_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_queue_group_id_service_group'),
                                    'service_group', ['queue_group_id'], ['id'])
        batch_op.create_index('ix_ticket_next', ['office_id', 'day', 'status', 'priority',
                                                 'queued_at', 'queue_group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_next')
        batch_op.drop_constraint(batch_op.f('fk_ticket_queue_group_id_service_group'),
                                 type_='foreignkey')
        batch_op.drop_column('queued_at')
        batch_op.drop_column('queue_group_id')
