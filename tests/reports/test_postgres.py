"""The same hand-counted March on PostgreSQL: the expressions spelt per database (local hour,
seconds between two times, JSON items, percentiles) give the same figures."""

from __future__ import annotations

import pytest

from tests.auth import factories
from tests.conftest import make_app, migrate_and_seed
from tthc.extensions import db
from tthc.reports import queries, queue_stats
from tthc.reports.periods import calendar, month_of, office_hours

from .conftest import vn
from .scene import PAPER, RISKY_LABEL, build_march, queue_march, rate_march

MARCH = month_of(vn(2026, 3, 1).date())


@pytest.fixture
def pg(postgres_url, tmp_path):
    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    with app.app_context():
        office = factories.demo_office().id
        groups = [g.id for g in factories.groups(office)]
        other = factories.make_office("khac").id
        other_group = factories.groups(other)[0].id
        ids = build_march(office, other)
    yield app, office, groups, (other, other_group), ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_march_on_postgresql(pg):
    app, office, groups, other, ids = pg
    with app.app_context():
        rate_march(office, ids, groups[0])
        queue_march(office, groups[0], other)
        assert queries.received_by_channel(office, MARCH) == \
            {"walk_in": 6, "prefiled": 1, "assisted": 1, "post": 1}
        result = queries.timeliness(office, MARCH, vn(2026, 4, 15, 10), calendar(),
                                    office_hours(office))
        c = result.counts
        assert (c.early, c.on_time, c.late, c.open, result.resolved) == (3, 1, 4, 1, 6)
        assert queries.missing_papers(office, MARCH) == [(PAPER, 2), (RISKY_LABEL, 1)]
        assert queries.digitised(office, MARCH) == (9, 2)
        assert [(x.received, x.first_time) for x in queries.first_time_right(office, MARCH)] \
            == [(9, 7)]
        found = queries.ratings(office, MARCH)
        assert (found.counts.very, found.counts.satisfied, found.counts.dissatisfied,
                found.complained) == (2, 1, 1, 2)
        total = queue_stats.total(office, MARCH)
        # With the rated visit (wait 15, service 5): waits 10 15 20 30 30, services 5 9 10 15.
        assert (total.tickets, total.wait_median, total.wait_p90) == (6, 20.0, 30.0)
        assert (total.service_median, total.service_p90) == (9.0, 15.0)
        hours = queue_stats.by_hour(office, MARCH)
        assert [(h.label, h.tickets) for h in hours] == [("07:00", 1), ("08:00", 2),
                                                        ("09:00", 3)]
