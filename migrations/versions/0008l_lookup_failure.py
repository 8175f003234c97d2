"""lookup_failure: failed look-ups of a dossier, counted across workers and servers

/tra-cuu answers a dossier's status only to its code with the phone's last 4 digits. Each
wrong last-4 typed for an existing dossier is a row here (dossier and time, nothing else);
after TTHC_LOOKUP_DOSSIER_FAILURES of them within TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES the
dossier answers the failure message without checking. Rows out of the window are deleted as
new ones come.

Revision ID: 0008l
Revises: 0007m
Create Date: 2026-12-04 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008l'
down_revision = '0007m'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lookup_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE',
                            name=op.f('fk_lookup_failure_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookup_failure'))
    )
    with op.batch_alter_table('lookup_failure', schema=None) as batch_op:
        batch_op.create_index('ix_lookup_failure_dossier_at', ['dossier_id', 'at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('lookup_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_lookup_failure_dossier_at')
    op.drop_table('lookup_failure')
