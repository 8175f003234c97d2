"""the desk's open and close hours come from the office's weekly schedule

The Setting rows ``desk.open`` and ``desk.close`` duplicated ``office.schedule`` (the admin's
office page, the one source of opening hours since 0007o) and are no longer read: they are
deleted. A ``desk.cutoff`` row of "15:00" was written by every save of the old settings
page, whatever the officer meant; it equals the cut-off of every framework version shipped,
so it is deleted too and the framework's value applies (a row with another hour is an
office's own choice and stays). Downgrade cannot know the deleted values: the old code then
falls back to its configuration defaults (07:30, 17:00, 15:00).

Revision ID: 0008s
Revises: 0008a
Create Date: 2026-12-04 23:59:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008s'
down_revision = '0008a'
branch_labels = None
depends_on = None


setting = sa.table('setting', sa.column('id', sa.Integer), sa.column('key', sa.String),
                   sa.column('value', sa.JSON))


def upgrade():
    bind = op.get_bind()
    op.execute(setting.delete().where(setting.c.key.in_(['desk.open', 'desk.close'])))
    # The value is JSON: compared in Python, the same way on SQLite and PostgreSQL.
    rows = bind.execute(sa.select(setting.c.id, setting.c.value)
                        .where(setting.c.key == 'desk.cutoff')).all()
    default = [id_ for id_, value in rows if value == '15:00']
    if default:
        op.execute(setting.delete().where(setting.c.id.in_(default)))


def downgrade():
    # Nothing to restore: the rows' values are gone, and the old defaults equal them.
    pass
