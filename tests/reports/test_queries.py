"""Each figure of the report on the hand-counted March 2026 of tests/reports/scene.py."""

from __future__ import annotations

import pytest

from tthc.domain import metrics
from tthc.reports import queries, queue_stats, tables
from tthc.reports.periods import Period, calendar, month_of, office_hours

from .conftest import vn
from .scene import PAPER, RISKY_LABEL, build_march, queue_march, rate_march, same_day_march

MARCH = month_of(vn(2026, 3, 1).date())
APRIL_15 = vn(2026, 4, 15, 10)


@pytest.fixture
def march(app, demo, other_office):
    with app.app_context():
        return build_march(demo["office"], other_office["id"])


def test_received_by_channel(app, demo, march):
    with app.app_context():
        counts = queries.received_by_channel(demo["office"], MARCH)
    assert counts == {"walk_in": 6, "prefiled": 1, "assisted": 1, "post": 1}


def test_766_measure_in_working_time(app, demo, march):
    with app.app_context():
        result = queries.timeliness(demo["office"], MARCH, APRIL_15, calendar(),
                                    office_hours(demo["office"]))
    c = result.counts
    assert (c.early, c.on_time, c.late, c.open) == (3, 1, 4, 1)
    assert c.on_time_rate == 50.0
    assert result.resolved == 6
    assert result.stopped_or_refused == 1
    assert sorted(result.late_ids) == sorted(march[k] for k in "CDFG")


def test_766_measure_of_a_period_not_over_is_taken_now(app, demo, march):
    # On Fri 06/03 at noon: A, B, K early/on time, I stopped (early); C ready only on 09/03
    # and due that evening (Fri 06/03 17:00): open; D open; F, G, E not received yet.
    with app.app_context():
        result = queries.timeliness(demo["office"], MARCH, vn(2026, 3, 6, 12), calendar(),
                                    office_hours(demo["office"]))
    c = result.counts
    assert (c.early, c.on_time, c.late, c.open) == (3, 1, 0, 2)


def test_first_time_right_per_procedure(app, demo, march):
    with app.app_context():
        lines = queries.first_time_right(demo["office"], MARCH)
    assert [(line.received, line.first_time) for line in lines] == [(9, 7)]
    assert lines[0].rate == pytest.approx(700 / 9)


def test_papers_most_often_missing(app, demo, march):
    with app.app_context():
        assert queries.missing_papers(demo["office"], MARCH) == [(PAPER, 2), (RISKY_LABEL, 1)]
        # February: no request was made then.
        assert queries.missing_papers(demo["office"], month_of(vn(2026, 2, 1).date())) == []


def test_digitised_share(app, demo, march):
    with app.app_context():
        assert queries.digitised(demo["office"], MARCH) == (9, 2)


def test_ratings_feedback_and_766_satisfaction(app, demo, march):
    with app.app_context():
        rate_march(demo["office"], march, demo["groups"][0])
        found = queries.ratings(demo["office"], MARCH)
        report = tables.build(demo["office"], MARCH, APRIL_15, calendar(),
                              office_hours(demo["office"]))
    counts = found.counts
    assert (counts.very, counts.satisfied, counts.dissatisfied) == (2, 1, 1)
    assert counts.satisfied_rate == 75.0
    assert found.indicators["time_score"] == (1.5, 2)
    assert found.indicators["attitude_score"] == (2.0, 1)
    assert found.indicators["contacts_score"] == (None, 0)
    assert (found.feedback, found.complained) == (2, 2)
    assert report.satisfaction_766 == 25.0  # 100 − 4/8 − 2/8
    assert report.online_rate == pytest.approx(200 / 9)
    assert report.digitised_rate == pytest.approx(200 / 9)


def test_same_day_rate_mondays_apart(app, demo):
    with app.app_context():
        same_day_march(demo["office"])
        result = queries.same_day(demo["office"], MARCH, calendar(), office_hours(demo["office"]))
    c = result.counts
    assert (c.monday, c.monday_done, c.other, c.other_done) == (2, 1, 2, 1)
    assert (c.after_cutoff, c.after_cutoff_done) == (1, 0)
    assert c.monday_rate == 50.0


def test_queue_waits_and_service_times(app, demo, other_office):
    group = demo["groups"][0]
    with app.app_context():
        queue_march(demo["office"], group, (other_office["id"], other_office["groups"][0]))
        total = queue_stats.total(demo["office"], MARCH)
        hours = queue_stats.by_hour(demo["office"], MARCH)
        officers = queue_stats.by_officer(demo["office"], MARCH)
        groups = queue_stats.by_queue(demo["office"], MARCH)
        median = queue_stats.median_wait(demo["office"], MARCH)
    assert (total.tickets, total.served, total.no_shows, total.missed) == (5, 4, 2, 1)
    # Waits 10, 20, 30, 30: median rank 2 → 20, 90 % rank 4 → 30 (nearest rank).
    assert (total.wait_median, total.wait_p90) == (20.0, 30.0)
    assert total.wait_median == metrics.percentile([10, 20, 30, 30], 50)
    # Services 9, 10, 15 (280 left out): median 10, 90 % 15.
    assert (total.service_median, total.service_p90) == (10.0, 15.0)
    assert median == 20.0
    assert [(h.label, h.tickets, h.wait_median, h.wait_p90, h.service_median) for h in hours] \
        == [("08:00", 2, 10.0, 20.0, 9.0), ("09:00", 3, 30.0, 30.0, 15.0)]
    # Sorted by name; the missed ticket was never anyone's.
    assert [(o.label, o.tickets, o.served, o.wait_median) for o in officers] == [
        ("Nguyễn Thị Tiếp (cán bộ tiếp nhận, minh họa)", 2, 2, 10.0),
        ("Trần Văn Chuyên (công chức chuyên môn, minh họa)", 2, 2, 30.0)]
    assert [g.tickets for g in groups] == [5]


def test_due_soon_lists_overdue_first(app, demo, march):
    with app.app_context():
        from .conftest import dossier

        soon = dossier(demo["office"], received=vn(2026, 3, 30, 9), status=4,
                       due_at=vn(2026, 4, 2, 17)).id
        rows = queries.due_soon(demo["office"], vn(2026, 4, 2, 17).replace(second=1))
    assert [r.id for r in rows] == [march["D"], soon]


def test_other_office_sees_its_own_figures_only(app, other_office, march):
    with app.app_context():
        counts = queries.received_by_channel(other_office["id"], MARCH)
        result = queries.timeliness(other_office["id"], MARCH, APRIL_15, calendar(),
                                    office_hours(other_office["id"]))
    assert counts == {"walk_in": 1, "prefiled": 0, "assisted": 0, "post": 0}
    assert (result.counts.early, result.resolved) == (1, 1)


def test_period_keys():
    assert MARCH == Period(vn(2026, 3, 1).date(), vn(2026, 3, 31).date())
    assert MARCH.key() == "2026-03" and MARCH.args() == {"thang": "03/2026"}
    part = Period(vn(2026, 3, 1).date(), vn(2026, 3, 15).date())
    assert part.key() == "20260301-20260315"
    assert part.args() == {"tu": "01/03/2026", "den": "15/03/2026"}
