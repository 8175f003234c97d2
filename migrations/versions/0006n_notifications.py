"""notifications: consent per channel, gateways and templates per office, the outbox

The citizen's consent to be told by SMS, Zalo or email is recorded per dossier and channel
with its time (withdrawing keeps the row). Each office configures its own gateways and may
reword the messages. Every status change that the citizen is told of writes its outbox rows
in the same transaction; `flask notify run` sends them (tthc.notify).

Revision ID: 0006n
Revises: 0006s
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006n'
down_revision = '0006s'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notify_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'],
                                name=op.f('fk_notify_consent_dossier_id_dossier')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_consent')),
    )
    with op.batch_alter_table('notify_consent', schema=None) as batch_op:
        batch_op.create_index('ix_notify_consent_dossier', ['dossier_id', 'channel'],
                              unique=False)

    op.create_table(
        'notify_gateway',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('config', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                                name=op.f('fk_notify_gateway_office_id_office')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_gateway')),
        sa.UniqueConstraint('office_id', 'channel',
                            name=op.f('uq_notify_gateway_office_id_channel')),
    )

    op.create_table(
        'notify_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('event', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('zns_template_id', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                                name=op.f('fk_notify_template_office_id_office')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_template')),
        sa.UniqueConstraint('office_id', 'event', 'channel',
                            name=op.f('uq_notify_template_office_id_event_channel')),
    )

    op.create_table(
        'notify_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=True),
        sa.Column('dossier_event_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('event', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.String(length=30), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                                name=op.f('fk_notify_message_office_id_office')),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'],
                                name=op.f('fk_notify_message_dossier_id_dossier')),
        sa.ForeignKeyConstraint(['dossier_event_id'], ['dossier_event.id'],
                                name=op.f('fk_notify_message_dossier_event_id_dossier_event')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'],
                                name=op.f('fk_notify_message_ticket_id_ticket')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_message')),
    )
    with op.batch_alter_table('notify_message', schema=None) as batch_op:
        batch_op.create_index('ix_notify_message_due', ['status', 'next_attempt_at'],
                              unique=False)
        batch_op.create_index('ix_notify_message_office', ['office_id', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_notify_message_ticket', ['ticket_id', 'event'], unique=False)


def downgrade():
    with op.batch_alter_table('notify_message', schema=None) as batch_op:
        batch_op.drop_index('ix_notify_message_ticket')
        batch_op.drop_index('ix_notify_message_office')
        batch_op.drop_index('ix_notify_message_due')
    op.drop_table('notify_message')
    op.drop_table('notify_template')
    op.drop_table('notify_gateway')
    with op.batch_alter_table('notify_consent', schema=None) as batch_op:
        batch_op.drop_index('ix_notify_consent_dossier')
    op.drop_table('notify_consent')
