"""dossier: index by office and reception time, for reports and the ledger

Every report over a period counts an office's dossiers received between two instants
(by channel, first time right, same day, digitised) and the ledger lists them in that
order; ix_dossier_office_id alone made each of those read every dossier the office ever
had. (office_id, received_at) answers the range and the order from the index.

Revision ID: 0006p
Revises: 0006l (0005t on main: the lead chains the wave's migrations)
Create Date: 2026-12-04 21:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006p'
down_revision = '0006l'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_office_received', ['office_id', 'received_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_office_received')
