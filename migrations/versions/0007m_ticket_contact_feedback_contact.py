"""a phone for a ticket's "3 numbers away" message; the contact a feedback text gave

``ticket_contact``: the phone a waiting citizen gave on the ticket's page (with the
channels agreed to), kept for the ticket's day only. ``feedback.contact`` and
``feedback.contact_consent_at``: a phone or email given for the answer, stored only with
the citizen's consent (the time of the ticked box).

Revision ID: 0007m
Revises: 0007f
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007m'
down_revision = '0007f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('channels', sa.String(length=20), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ondelete='CASCADE',
                            name=op.f('fk_ticket_contact_ticket_id_ticket')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'],
                            name=op.f('fk_ticket_contact_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_contact')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_ticket_contact_ticket_id'))
    )
    with op.batch_alter_table('ticket_contact', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_contact_day', ['day'], unique=False)

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('contact_consent_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_column('contact_consent_at')
        batch_op.drop_column('contact')

    with op.batch_alter_table('ticket_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_contact_day')
    op.drop_table('ticket_contact')
