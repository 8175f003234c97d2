"""0008s: the desk's open/close Setting rows (duplicates of the weekly schedule) go, and so
does a cut-off row of "15:00" (the law's value, written by every save of the old page); an
office's own cut-off stays. On SQLite and PostgreSQL (the value is JSON)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from tthc.extensions import db
from tthc.models import Office, Setting


def _migrate_rows(app) -> dict[tuple[int, str], object]:
    with app.app_context():
        downgrade(revision="0008a")
        first = Office(code="a", name="A", province="Hà Nội")
        second = Office(code="b", name="B", province="Hà Nội")
        db.session.add_all([first, second])
        db.session.flush()
        db.session.add_all([
            Setting(office_id=first.id, key="desk.open", value="07:30"),
            Setting(office_id=first.id, key="desk.close", value="17:00"),
            Setting(office_id=first.id, key="desk.cutoff", value="15:00"),
            Setting(office_id=first.id, key="desk.code_pattern", value="{unit}-{seq}-{yymmdd}"),
            Setting(office_id=second.id, key="desk.cutoff", value="16:00"),
            Setting(office_id=second.id, key="desk.close", value="17:30"),
        ])
        db.session.commit()
        upgrade()
        rows = {(s.office_id, s.key): s.value for s in db.session.scalars(select(Setting))}
        offices = (first.id, second.id)
        db.session.remove()
        return {(offices.index(o), k): v for (o, k), v in rows.items() if o in offices}


EXPECTED = {(0, "desk.code_pattern"): "{unit}-{seq}-{yymmdd}", (1, "desk.cutoff"): "16:00"}


def test_0008s_on_sqlite(empty_app):
    assert _migrate_rows(empty_app) == EXPECTED


@pytest.mark.postgres
def test_0008s_on_postgresql(pg_app):
    assert _migrate_rows(pg_app) == EXPECTED
    with pg_app.app_context():
        db.engine.dispose()
