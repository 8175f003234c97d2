"""The public board: for anyone, no personal data, this month and last, and as JSON."""

from __future__ import annotations

import pytest

from .conftest import SAME_DAY, dossier, vn
from .scene import build_march, queue_march, rate_march


@pytest.fixture
def april(app, demo, other_office, frozen):
    """The board on Wed 15/04/2026: April so far and the whole of March."""
    frozen(vn(2026, 4, 15, 10))
    with app.app_context():
        ids = build_march(demo["office"], other_office["id"])
        rate_march(demo["office"], ids, demo["groups"][0])
        queue_march(demo["office"], demo["groups"][0],
                    (other_office["id"], other_office["groups"][0]))
        dossier(demo["office"], SAME_DAY, received=vn(2026, 4, 6, 9), status=10, channel=1,
                due_at=vn(2026, 4, 6, 17), resolved_at=vn(2026, 4, 6, 10),
                returned_at=vn(2026, 4, 6, 11))  # Monday 06/04, same day
        return ids


def test_board_json(client, april):
    data = client.get("/cong-khai.json").get_json()
    assert data["office"]["code"] == "demo"
    april_, march = data["months"]
    assert (april_["month"], march["month"]) == ("2026-04", "2026-03")
    # March: resolved A B C F G K; 3 early + 1 on time of 8 measured; 3 ratings of 4 happy.
    assert march["resolved"] == 6
    assert march["on_time_rate"] == 50.0
    assert march["satisfied_rate"] == 75.0 and march["ratings"] == 4
    # The visit rated in March (wait 15 min) and t1–t5 (10, 20, 30, 30): median rank 3 → 20.
    assert march["median_wait_minutes"] == 20.0
    assert april_["resolved"] == 1 and april_["monday_same_day_rate"] == 100.0
    assert "procedures" not in march
    assert client.get("/cong-khai?format=json").get_json()["months"] == data["months"]


def test_board_page_is_public_printable_and_without_personal_data(client, april):
    response = client.get("/cong-khai")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tháng 03/2026" in html and "Tháng 04/2026" in html
    assert "50,0 %" in html
    assert "csrf_token" not in html  # a public page: the same for everyone
    for personal in ("Nguyễn Văn Thử", "0912345678", "TEST-"):
        assert personal not in html
    assert "data-print" in html


def test_board_per_procedure_on_request(client, april):
    html = client.get("/cong-khai?theo=thu-tuc").get_data(as_text=True)
    assert "Theo thủ tục, tháng 03/2026" in html
    data = client.get("/cong-khai.json?theo=thu-tuc").get_json()
    names = [p["name"] for p in data["months"][1]["procedures"]]
    assert len(names) == 1 and data["months"][1]["procedures"][0]["resolved"] == 6
    assert data["months"][0]["procedures"][0]["monday_same_day_rate"] == 100.0


def test_board_of_another_office_and_unknown_office(client, april):
    data = client.get("/cong-khai.json?co-quan=khac").get_json()
    assert data["office"]["code"] == "khac"
    assert data["months"][1]["resolved"] == 1  # J
    assert client.get("/cong-khai?co-quan=khong-co").status_code == 404


def test_board_with_nothing_yet(client, frozen):
    frozen(vn(2026, 4, 15, 10))
    data = client.get("/cong-khai.json").get_json()
    assert data["months"][0]["on_time_rate"] is None
    assert "–" in client.get("/cong-khai").get_data(as_text=True)


def test_home_page_links_to_the_board(client):
    assert 'href="/cong-khai"' in client.get("/").get_data(as_text=True)
