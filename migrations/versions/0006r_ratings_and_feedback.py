"""ratings and feedback (phản ánh, kiến nghị) from citizens

One rating per dossier or per ticket-only visit (exactly one of the two), the overall
answer and the four indicators of Circular 01/2018 Art 13 the citizen answers (each 2/1/0,
NULL when not answered); feedback on a dossier with a leader's answer. Both are indexed by
office and creation time, the shape of every per-office, per-period aggregate.

Revision ID: 0006r
Revises: 0006n
Create Date: 2026-12-01 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006r'
down_revision = '0006n'
branch_labels = None
depends_on = None

INDICATORS = ('time_score', 'contacts_score', 'agencies_score', 'attitude_score')


def upgrade():
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('overall', sa.SmallInteger(), nullable=False),
    sa.Column('time_score', sa.SmallInteger(), nullable=True),
    sa.Column('contacts_score', sa.SmallInteger(), nullable=True),
    sa.Column('agencies_score', sa.SmallInteger(), nullable=True),
    sa.Column('attitude_score', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('(dossier_id IS NULL) <> (ticket_id IS NULL)',
                       name=op.f('ck_rating_one_subject')),
    sa.CheckConstraint('overall IN (0, 1, 2)', name=op.f('ck_rating_overall')),
    sa.CheckConstraint(' AND '.join(f'({name} IS NULL OR {name} IN (0, 1, 2))'
                                    for name in INDICATORS),
                       name=op.f('ck_rating_indicators')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_rating_office_id_office')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_rating_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_rating_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_rating_dossier_id')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_rating_ticket_id'))
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_office_created', ['office_id', 'created_at', 'overall'],
                              unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_feedback_office_id_office')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_feedback_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['staff.id'], name=op.f('fk_feedback_answered_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_office_created', ['office_id', 'created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_dossier_id'), ['dossier_id'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_dossier_id'))
        batch_op.drop_index('ix_feedback_office_created')
    op.drop_table('feedback')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_office_created')
    op.drop_table('rating')
