"""history kept, event details, the desk's scans and the electronic result

- ``dossier_event.detail`` (JSON, NULL for older events): what an event records beside its
  note, e.g. how the citizen was told of a new date (Form 04) or a change of procedure.
- ``upload.kind`` ("paper", or "result": the electronic result the office issued) and
  ``upload.staff_id`` (the officer who scanned it at the desk; NULL: the citizen sent it).
  Existing rows are the citizens' papers.
- A dossier that has history cannot be deleted: PostgreSQL already refuses it (the foreign
  key of dossier_event, NO ACTION); SQLite does not enforce foreign keys here, so a trigger
  refuses it. The trigger belongs to the ``dossier`` table: a later migration that makes
  SQLite copy that table (batch mode) must create it again (TRIGGER_SQL below).

Revision ID: 0007s
Revises: 0007r
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007s'
down_revision = '0007r'
branch_labels = None
depends_on = None

TRIGGER = 'dossier_history_kept'
TRIGGER_SQL = (
    f"CREATE TRIGGER {TRIGGER} BEFORE DELETE ON dossier "
    "WHEN EXISTS (SELECT 1 FROM dossier_event WHERE dossier_event.dossier_id = OLD.id) "
    "BEGIN SELECT RAISE(ABORT, 'a dossier with history cannot be deleted'); END"
)


def upgrade():
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False,
                                      server_default='paper'))
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_upload_staff_id_staff'), 'staff',
                                    ['staff_id'], ['id'])
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(TRIGGER_SQL)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_upload_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('staff_id')
        batch_op.drop_column('kind')
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_column('detail')
