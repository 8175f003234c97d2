"""The kiosk and phones give numbers only while the desk is open, and a phone only a few a
day; every refusal says why and what to do, never a silent 4xx.

The tests run whatever the real hour: the opening hours are turned on here (the test app
turns them off elsewhere) and the office's clock is set.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.auth import factories
from tests.html import check_page
from tests.queue.helpers import hanoi, next_working_monday, post, set_clock
from tthc.extensions import db
from tthc.models import Office, Ticket
from tthc.queue import services


@pytest.fixture
def hours(app, monkeypatch):
    """Opening hours on; hours(at) sets the office's clock."""
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    return lambda at: set_clock(monkeypatch, at)


def _tickets(app) -> int:
    with app.app_context():
        return db.session.query(Ticket).count()


def test_the_demo_office_has_its_hours_as_data(app, demo):
    with app.app_context():
        office = db.session.get(Office, demo["office"])
        assert office.schedule["mon"] == ["07:30-11:30", "13:30-17:00"]
        assert "sat" not in office.schedule and "sun" not in office.schedule
        # The lines the pages show are derived from it.
        assert office.opening_hours[0] == ["Thứ Hai – Thứ Sáu", "Monday – Friday",
                                           "07:30 – 11:30, 13:30 – 17:00"]


@pytest.mark.parametrize("moment, when", [
    ("2026-12-06 10:00", "Mở cửa lại lúc 07:30, Thứ Hai 07/12/2026"),  # Sunday
    ("2026-12-07 06:45", "Mở cửa lại lúc 07:30 hôm nay"),  # early
    ("2026-12-07 12:00", "Mở cửa lại lúc 13:30 hôm nay"),  # lunch break
    ("2026-12-04 17:30", "Mở cửa lại lúc 07:30, Thứ Hai 07/12/2026"),  # Friday evening
    ("2027-02-05 09:00", "Mở cửa lại lúc 07:30, Thứ Sáu 12/02/2027"),  # Tết 2027
    ("2027-01-01 09:00", "Mở cửa lại lúc 07:30, Thứ Hai 04/01/2027"),  # New Year's Day
])
def test_closed_kiosk_says_when_the_desk_opens_next(app, client, demo, hours, moment, when):
    hours(hanoi(moment))
    page = client.get("/lay-so")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    assert "Ngoài giờ làm việc" in html and when in html
    assert "kiosk-button" not in html  # no button that would only be refused
    assert "Thứ Hai – Thứ Sáu: 07:30 – 11:30, 13:30 – 17:00" in html  # the week's hours


def test_a_number_taken_while_closed_is_refused_with_the_reason(app, client, demo, hours):
    set_to = next_working_monday(9)
    page = client.get("/lay-so")  # the page was loaded while open…
    assert page.status_code == 200
    hours(set_to.replace(hour=11, minute=31))  # … and pressed after the break began
    response = post(client, "/lay-so", {"nhom": demo["groups"][0]})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    check_page(html)
    assert "Ngoài giờ làm việc" in html and "Mở cửa lại lúc 13:30 hôm nay" in html
    assert _tickets(app) == 0


@pytest.mark.parametrize("moment", ["2026-01-10 09:00", "2026-12-07 07:30", "2026-12-07 16:59"])
def test_open_moments_give_numbers(app, client, demo, hours, moment):
    hours(hanoi(moment))  # a make-up Saturday, opening time, the last minute
    response = post(client, "/lay-so", {"nhom": demo["groups"][0]})
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    assert _tickets(app) == 1


def test_an_office_without_hours_is_always_open(app, other_office, hours):
    hours(hanoi("2026-12-06 03:00"))  # Sunday night
    with app.app_context():
        assert services.opening(db.session.get(Office, other_office["id"])).open


def test_opening_says_when_the_period_closes(app, demo, hours):
    hours(hanoi("2026-12-07 10:00"))
    with app.app_context():
        state = services.opening(db.session.get(Office, demo["office"]))
        assert state.open and state.closes_at == hanoi("2026-12-07 11:30")


# --------------------------------------------------------------------------- per phone


def test_a_phone_takes_at_most_the_limit_a_day_and_is_told_so(app, client, demo, hours):
    app.config["TTHC_TICKETS_PER_PHONE_PER_DAY"] = 2
    monday = hours(next_working_monday(9))
    a, b = demo["groups"][:2]
    first = post(client, "/lay-so", {"nhom": a})
    second = post(client, "/lay-so", {"nhom": b})
    # A phone's ticket page is its own: no ?kiosk=1 (no print, no return to the kiosk).
    assert re.fullmatch(r"/so/[\w-]+", first.location)
    assert second.status_code == 303
    third = post(client, "/lay-so", {"nhom": a})
    html = third.get_data(as_text=True)
    assert third.status_code == 429
    check_page(html)
    assert "tối đa 2 số trong một ngày" in html and "hỏi cán bộ" in html
    # … with the numbers it already has, as links to their pages.
    assert f'href="{first.location}"' in html and "A-001" in html and "B-001" in html
    assert _tickets(app) == 2
    with app.app_context():
        assert {t.source for t in db.session.query(Ticket)} == {"phone"}
    # The kiosk page lists them too.
    assert "B-001" in client.get("/lay-so").get_data(as_text=True)
    # Another phone is not affected; the next day the limit starts again.
    assert post(app.test_client(), "/lay-so", {"nhom": a}).status_code == 303
    hours(monday + dt.timedelta(days=1))
    assert post(client, "/lay-so", {"nhom": a}).status_code == 303


def test_the_kiosk_tablet_marked_by_an_admin_has_no_limit(app, demo, hours):
    app.config["TTHC_TICKETS_PER_PHONE_PER_DAY"] = 1
    hours(next_working_monday(9))
    tablet = app.test_client()
    factories.login(tablet, demo["staff"]["quantri"])
    settings = tablet.get("/can-bo/hang-doi/cai-dat").get_data(as_text=True)
    assert "Dùng trình duyệt này làm máy lấy số" in settings
    marked = post(tablet, "/can-bo/hang-doi/may-lay-so", {"may_lay_so": "1"})
    assert marked.status_code == 303
    assert "Thôi dùng trình duyệt này làm máy lấy số" in tablet.get(
        "/can-bo/hang-doi/cai-dat").get_data(as_text=True)
    locations = [post(tablet, "/lay-so", {"nhom": demo["groups"][0]}).location
                 for _ in range(3)]
    assert all(re.fullmatch(r"/so/[\w-]+\?kiosk=1", loc) for loc in locations), locations
    with app.app_context():
        assert [t.source for t in db.session.query(Ticket)] == ["kiosk"] * 3
    # A forged or another office's cookie is a phone like any other.
    phone = app.test_client()
    phone.set_cookie("tthc_may_lay_so", "1.forged")
    assert post(phone, "/lay-so", {"nhom": demo["groups"][0]}).status_code == 303
    assert post(phone, "/lay-so", {"nhom": demo["groups"][0]}).status_code == 429
    # Unmarked again: a phone.
    assert post(tablet, "/can-bo/hang-doi/may-lay-so", {"may_lay_so": "0"}).status_code == 303
    again = post(tablet, "/lay-so", {"nhom": demo["groups"][0]})
    assert again.status_code == 303 and "kiosk" not in again.location


def test_no_limit_when_set_to_zero(app, client, demo, hours):
    app.config["TTHC_TICKETS_PER_PHONE_PER_DAY"] = 0
    hours(next_working_monday(9))
    codes = [post(client, "/lay-so", {"nhom": demo["groups"][0]}).status_code
             for _ in range(4)]
    assert codes == [303] * 4
