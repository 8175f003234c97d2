"""Migration 0006r: the tables, their constraints, and the way back."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from tests.auth import factories
from tthc.extensions import db
from tthc.models import Rating


def test_one_subject_per_rating_and_scores_two_one_zero(app, dossier, finished_ticket):
    dossier_id, _ = dossier("returned")
    ticket_id, _, _ = finished_ticket()
    with app.app_context():
        office_id = factories.demo_office().id
        bad = [
            dict(overall=2),  # neither
            dict(overall=2, dossier_id=dossier_id, ticket_id=ticket_id),  # both
            dict(overall=3, dossier_id=dossier_id),
            dict(overall=2, dossier_id=dossier_id, attitude_score=5),
        ]
        for values in bad:
            db.session.add(Rating(office_id=office_id, **values))
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
        db.session.add(Rating(office_id=office_id, overall=2, dossier_id=dossier_id))
        db.session.commit()
        db.session.add(Rating(office_id=office_id, overall=1, dossier_id=dossier_id))
        with pytest.raises(IntegrityError):  # one rating per dossier
            db.session.commit()
        db.session.rollback()


def test_the_migration_goes_down_and_up_again(empty_app):
    with empty_app.app_context():
        inspector = inspect(db.engine)
        assert {"rating", "feedback"} <= set(inspector.get_table_names())
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("rating")}
        assert indexes["ix_rating_office_created"] == ["office_id", "created_at", "overall"]
        # Down to the revision before 0006r, whatever the merge chains it after.
        config = empty_app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0006r").down_revision
        downgrade(revision=before)
        assert not {"rating", "feedback"} & set(inspect(db.engine).get_table_names())
        upgrade()
        assert {"rating", "feedback"} <= set(inspect(db.engine).get_table_names())
