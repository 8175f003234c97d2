"""0006p: the index the reports and the ledger read an office's period through."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tthc.extensions import db


def _indexes() -> set[str]:
    return {ix["name"] for ix in inspect(db.engine).get_indexes("dossier")}


def test_0006p_adds_and_removes_the_office_received_index(empty_app):
    with empty_app.app_context():
        assert "ix_dossier_office_received" in _indexes()
        downgrade(revision="0006l")
        assert "ix_dossier_office_received" not in _indexes()
        assert "ix_dossier_office_status" in _indexes()
        upgrade()
        assert "ix_dossier_office_received" in _indexes()
