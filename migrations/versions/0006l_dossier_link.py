"""dossier_link: each dossier's link token, sealed, for "my dossiers on this phone"

The dossier keeps only the hash of its link token. A phone that agreed to keep the
applicant's details (its profile) lists its dossiers at /ho-so-cua-toi; to link each one,
the server keeps the token sealed with a key derived from SECRET_KEY (tthc.intake.mine).
Dossiers created before this revision have no row: they are listed without a link.

Revision ID: 0006l
Revises: 0006h
Create Date: 2026-12-07 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006l'
down_revision = '0006h'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_link',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE',
                            name=op.f('fk_dossier_link_dossier_id_dossier')),
    sa.PrimaryKeyConstraint('dossier_id', name=op.f('pk_dossier_link'))
    )


def downgrade():
    op.drop_table('dossier_link')
