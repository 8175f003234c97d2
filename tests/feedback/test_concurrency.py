"""Ten phones rate one dossier at once, ten leaders answer one feedback at once: one rating,
one answer (SQLite and PostgreSQL). Each thread has its own app context and session."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.feedback.conftest import make_dossier
from tests.queue.test_concurrency import _run_threads
from tthc.extensions import db
from tthc.models import Dossier, Feedback, Rating

THREADS = 10


def _rate_at_once(app, dossier_id):
    from tthc.feedback import services

    def work(i):
        with app.app_context():
            subject = services.of_dossier(db.session.get(Dossier, dossier_id))
            return services.rate(subject, i % 3).overall

    return _run_threads(THREADS, work)


def _answer_at_once(app, feedback_id, staff_id):
    from tthc.feedback import services

    def work(i):
        with app.app_context():
            item = db.session.get(Feedback, feedback_id)
            return services.answer(item, staff_id, f"Trả lời {i}")

    return _run_threads(THREADS, work)


def _scene(app):
    from tthc.feedback import services
    from tthc.models import Staff

    dossier_id, _ = make_dossier(app, "returned")
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        feedback_id = services.add_feedback(dossier, "Phản ánh").id
        leader = db.session.scalar(select(Staff).filter_by(username="lanhdao")).id
    return dossier_id, feedback_id, leader


def _check(app, dossier_id, feedback_id, overalls, answers):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
        rating = db.session.scalar(select(Rating))
        assert rating.dossier_id == dossier_id and rating.overall in overalls
        assert sorted(answers) == [False] * (THREADS - 1) + [True]
        item = db.session.get(Feedback, feedback_id)
        assert item.answer in {f"Trả lời {i}" for i in range(THREADS)}


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_one_rating_and_one_answer_whatever_the_race(app):
    dossier_id, feedback_id, leader = _scene(app)
    overalls = _rate_at_once(app, dossier_id)
    _check(app, dossier_id, feedback_id, overalls, _answer_at_once(app, feedback_id, leader))


@pytest.mark.postgres
def test_postgres_one_rating_and_one_answer_whatever_the_race(pg_app):
    dossier_id, feedback_id, leader = _scene(pg_app)
    overalls = _rate_at_once(pg_app, dossier_id)
    _check(pg_app, dossier_id, feedback_id, overalls,
           _answer_at_once(pg_app, feedback_id, leader))
