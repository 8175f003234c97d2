"""The hand counts of domain.md §12 item 1, end to end: dossiers received through the desk's
services on the audit's instants, with the office's own holiday table (rows in the database,
copied from the 2026 seed) and its desk hours, get the due dates counted by hand, under both
counting rules (docs/deadlines.md's table). tests/domain/test_counting_rules.py checks the same
rows on the pure function; this checks that the desk passes it the right calendar, hours,
rule and reception instant, and restarts the count after a supplement (Art 19(4))."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.desk.conftest import COPY, SINGLE, load
from tthc.timeutil import TZ

CONTRACT = "chung-thuc-hop-dong"  # 2 working days


def vn(m: int, d: int, hh: int = 9, mm: int = 0, y: int = 2026) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


# procedure, received, due by "days", due by "hours" (docs/deadlines.md, domain.md §12 item 1)
ROWS = [
    pytest.param(SINGLE, vn(4, 27), vn(5, 5, 17), vn(5, 4, 17), id="mon-27-04-day-off"),
    pytest.param(SINGLE, vn(4, 24), vn(5, 4, 17), vn(5, 4, 9), id="fri-24-04"),
    pytest.param(SINGLE, vn(2, 13, 10), vn(2, 25, 17), vn(2, 25, 10), id="fri-13-02-10h"),
    pytest.param(SINGLE, vn(2, 13, 15, 30), vn(2, 25, 17), vn(2, 25, 15, 30),
                 id="fri-13-02-15h30"),
    pytest.param(CONTRACT, vn(1, 8), vn(1, 10, 17), vn(1, 10, 9), id="thu-08-01-9h"),
    pytest.param(CONTRACT, vn(1, 8, 15, 30), vn(1, 10, 17), vn(1, 10, 15, 30),
                 id="thu-08-01-15h30"),
    pytest.param(COPY, vn(2, 13, 16), vn(2, 23, 17), vn(2, 23, 17), id="fri-13-02-16h-same-day"),
]


@pytest.fixture
def at(app, clock, monkeypatch):
    """at(instant): the desk's clock and the office's (the citizen's answers are dated from
    tthc.timeutil, five days before: valid on the desk's day too)."""
    from tthc import timeutil

    def set_to(instant: dt.datetime) -> None:
        clock(instant)
        monkeypatch.setattr(timeutil, "now", lambda: instant)

    return set_to


@pytest.mark.parametrize("rule", ["days", "hours"])
@pytest.mark.parametrize("code, received, by_days, by_hours", ROWS)
def test_the_desk_gives_the_hand_counted_date(app, dossier, at, rule, code, received, by_days,
                                              by_hours):
    app.config["TTHC_DEADLINE_COUNTING"] = rule
    at(received)
    stored = load(app, dossier(code, state="received"))
    assert stored.received_at == received
    assert stored.due_at == (by_days if rule == "days" else by_hours)
    assert not stored.same_day  # same-day after 15:00: due the next working day, no promise


@pytest.mark.parametrize("rule, due", [("days", vn(5, 6, 17)), ("hours", vn(5, 6, 10))])
def test_complete_again_after_a_supplement_the_count_restarts(app, demo, dossier, at, rule, due):
    from tthc.desk import services
    from tthc.extensions import db
    from tthc.intake import services as intake
    from tthc.models import Dossier, Staff

    app.config["TTHC_DEADLINE_COUNTING"] = rule
    at(vn(4, 24))
    dossier_id = dossier(SINGLE, state="progress")
    at(vn(4, 28, 10))  # within 3 working days of reception (Art 19(4))
    with app.app_context():
        staff = db.session.get(Staff, demo["staff"]["tiepnhan"])
        services.reception.request_supplement(dossier_id, staff, [
            services.reception.PostedItem("", "", "Bổ sung bản sao giấy khai sinh.")],
            "thiếu giấy tờ")
    at(vn(4, 29, 10))  # complete again Wed 29/04 10:00
    with app.app_context():
        intake.submit(db.session.get(Dossier, dossier_id))
        services.reception.receive(dossier_id, db.session.get(Staff, demo["staff"]["tiepnhan"]))
    assert load(app, dossier_id).due_at == due
