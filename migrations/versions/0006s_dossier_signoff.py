"""dossier: the leader's sign-off and the signed result document

A dossier in progress is handed to a leader for signature (trình ký); the leader approves
the result, with the result document's number and date ("số, ký hiệu văn bản kết quả"), or
sends it back. ``signoff_by_id`` is the leader asked to sign (NULL: no signature awaited),
``signoff_round`` counts the hand-overs for signature (the leader's page posts it back, so
that an answer to an older request is refused), and the approved result is
``result_number``, ``result_date``, ``signed_by_id``, ``signed_at``. Existing rows: nothing
awaited, no signed document.

Revision ID: 0006s
Revises: 0005t
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006s'
down_revision = '0005t'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signoff_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signoff_round', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('result_number', sa.String(length=60), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('result_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('signed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_signoff_by_id'), ['signoff_by_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_signoff_by_id_staff'), 'staff',
                                    ['signoff_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_dossier_signed_by_id_staff'), 'staff',
                                    ['signed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_signed_by_id_staff'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dossier_signoff_by_id_staff'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_signoff_by_id'))
        batch_op.drop_column('signed_at')
        batch_op.drop_column('signed_by_id')
        batch_op.drop_column('result_date')
        batch_op.drop_column('result_number')
        batch_op.drop_column('signoff_round')
        batch_op.drop_column('signoff_by_id')
