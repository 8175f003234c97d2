"""dossier: the set of official forms it was decided under (form_set)

The official documents are versioned data (tthc/data/forms.toml: TT 01/2018/TT-VPCP,
TT 03/2025/TT-VPCP). A dossier records the key of the set in force at the desk's first
decision on it and keeps printing that set. Existing rows stay NULL: a dossier that recorded
no set prints TT 01/2018, the only set there was before (tthc.desk.formsets).

Revision ID: 0004f
Revises: 0003q
Create Date: 2026-11-28 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004f'
down_revision = '0003q'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_set', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('form_set')
