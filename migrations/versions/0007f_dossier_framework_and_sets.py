"""dossier: the legal framework it was received under (framework) and its number of sets

The legal framework is versioned data (tthc/data/frameworks.toml: Decree 61/2018 with
Circular 01/2018, Decree 118/2025 with the 2018 forms, Decree 118/2025 with Circular
03/2025). A dossier records the key of the version in force on the day it is received and
cites that version ever after. Existing rows stay NULL: a dossier that recorded none follows
the version in force on its reception date (tthc.desk.formsets).

``sets`` is the number of sets of papers handed in (Form 01 item 2 "Số lượng hồ sơ (bộ)",
the ledger's column): 1 for existing rows, as the slips printed them.

The offices' choice of a set of forms (Setting ``desk.form_set``) is gone: the framework in
force on the date decides, so the rows are deleted. A downgrade does not restore them (an
office then uses the 2018 set, the old default, until its admin chooses again).

SQLite copies the ``dossier`` table to change it (batch mode), which drops its trigger
``dossier_history_kept`` (0007s): both directions create it again.

Revision ID: 0007f
Revises: 0007o
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007f'
down_revision = '0007o'
branch_labels = None
depends_on = None

# As in 0007s: a dossier with history cannot be deleted (SQLite enforces no foreign keys here).
TRIGGER = 'dossier_history_kept'
TRIGGER_SQL = (
    f"CREATE TRIGGER {TRIGGER} BEFORE DELETE ON dossier "
    "WHEN EXISTS (SELECT 1 FROM dossier_event WHERE dossier_event.dossier_id = OLD.id) "
    "BEGIN SELECT RAISE(ABORT, 'a dossier with history cannot be deleted'); END"
)


def _history_kept():
    """The trigger of 0007s again, after SQLite copied the dossier table."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        op.execute(TRIGGER_SQL)


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('framework', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('sets', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))
    _history_kept()
    op.execute(sa.text("DELETE FROM setting WHERE key = 'desk.form_set'"))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('sets')
        batch_op.drop_column('framework')
    _history_kept()
