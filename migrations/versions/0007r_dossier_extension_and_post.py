"""dossier: extended time given at reception, and the postal hand-over of the result

``extension_key`` is the reason the officer picked among the extensions the procedure's
version allows (its key in the catalogue, "" for none) and ``extension_days`` the working
days it added to the legal time. A result returned by public post records the day it was
handed to the post office (``post_handed_on``) and the item's tracking number
(``post_tracking``, "mã vận đơn / số hiệu bưu gửi"). The return channel itself and its
address already have columns (0002). Existing rows: no extension, nothing posted.

Revision ID: 0007r
Revises: 0006p (the lead chains the wave's migrations)
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007r'
down_revision = '0006p'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_key', sa.String(length=41), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('extension_days', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('post_handed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('post_tracking', sa.String(length=40), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('post_tracking')
        batch_op.drop_column('post_handed_on')
        batch_op.drop_column('extension_days')
        batch_op.drop_column('extension_key')
