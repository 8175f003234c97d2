"""The live ticket page and the display board: content, fragments, ETag and 304."""

import datetime as dt

import pytest

from tests.html import check_page
from tthc import timeutil
from tthc.extensions import db
from tthc.models import Staff
from tthc.queue import services

HX = {"HX-Request": "true"}


def _call(app, staff_id, groups=None):
    with app.app_context():
        called = services.call_next(db.session.get(Staff, staff_id), groups)
        return called.id if called is not None else None


def _act(app, staff_id, ticket_id, action, **kw):
    with app.app_context():
        services.act(db.session.get(Staff, staff_id), ticket_id, action, **kw)


def header_bytes(response) -> int:
    return sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + len(response.data)


# --------------------------------------------------------------------------- ticket page

def test_ticket_page_shows_number_position_and_wait(client, demo, issue):
    a = demo["groups"][0]
    for _ in range(3):
        issue(a)
    _, label, token = issue(a)
    response = client.get(f"/so/{token}")
    html = response.get_data(as_text=True)
    check_page(html)
    assert label == "A-004" and "A-004" in html
    assert "Còn 3 người phía trước" in html
    assert "Thời gian chờ dự kiến: khoảng 15 phút" in html  # 3 × 5 min (group A default)
    assert 'data-hx-get="/so/' in html and 'data-hx-trigger="every 5s"' in html
    assert '<noscript><meta http-equiv="refresh"' in html  # no JS: the page reloads itself
    assert ">Cập nhật</a>" in html
    assert "<svg" in html and 'class="qr"' in html  # inline QR to this page


def test_the_next_in_line_is_told_so(client, demo, issue):
    _, _, token = issue(demo["groups"][0])
    assert "Sắp đến lượt" in client.get(f"/so/{token}").get_data(as_text=True)


def test_priority_ticket_goes_ahead_of_earlier_ones(client, demo, issue):
    a = demo["groups"][0]
    issue(a)
    issue(a)
    _, _, token = issue(a, "elderly")
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert "Sắp đến lượt" in html and "Người cao tuổi" in html


def test_called_ticket_says_which_counter(client, app, demo, issue):
    tid, _, token = issue(demo["groups"][0])
    assert _call(app, demo["staff"]["tiepnhan"]) == tid
    fragment = client.get(f"/so/{token}", headers=HX)
    assert fragment.status_code == 200
    assert "Mời đến quầy 1" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)


def test_ticket_page_answers_304_until_something_changes(client, app, demo, issue):
    _, _, token = issue(demo["groups"][0])
    first = client.get(f"/so/{token}", headers=HX)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(f"/so/{token}", headers={**HX, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert header_bytes(again) < 1000
    # someone else takes a number: still nobody ahead, but the state moved on
    issue(demo["groups"][1])
    assert client.get(f"/so/{token}", headers={**HX, "If-None-Match": etag}).status_code == 200


def test_page_and_fragment_have_different_etags(client, demo, issue):
    _, _, token = issue(demo["groups"][0])
    page = client.get(f"/so/{token}")
    fragment = client.get(f"/so/{token}", headers=HX)
    assert page.headers["ETag"] != fragment.headers["ETag"]
    assert "HX-Request" in page.headers["Vary"]
    # a stale page tag never gets a 304 for the fragment, nor the other way round
    assert client.get(f"/so/{token}", headers={**HX, "If-None-Match": page.headers["ETag"]}
                      ).status_code == 200


def test_language_is_part_of_the_etag(client, demo, issue):
    _, _, token = issue(demo["groups"][0])
    vi = client.get(f"/so/{token}", headers=HX).headers["ETag"]
    en = client.get(f"/so/{token}?lang=en", headers=HX).headers["ETag"]
    assert vi != en


def test_finished_ticket_stops_the_polling(client, app, demo, issue):
    tid, _, token = issue(demo["groups"][0])
    _call(app, demo["staff"]["tiepnhan"])
    _act(app, demo["staff"]["tiepnhan"], tid, "finish")
    fragment = client.get(f"/so/{token}", headers=HX)
    assert fragment.status_code == 286  # htmx: stop polling
    assert "Đã phục vụ xong" in fragment.get_data(as_text=True)
    page = client.get(f"/so/{token}").get_data(as_text=True)
    assert "hx-trigger" not in page and "http-equiv" not in page


def test_no_show_requeues_then_misses(client, app, demo, issue):
    officer = demo["staff"]["tiepnhan"]
    tid, _, token = issue(demo["groups"][0])
    issue(demo["groups"][0])
    _call(app, officer)
    _act(app, officer, tid, "no_show")
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert "xếp lại cuối hàng chờ" in html and "Còn 1 người phía trước" in html
    assert _call(app, officer) != tid  # the other one is called first now
    assert _call(app, officer) == tid
    _act(app, officer, tid, "no_show")
    assert "vắng mặt khi được gọi lần thứ hai" in client.get(f"/so/{token}").get_data(as_text=True)


def test_transferred_ticket_keeps_its_label_and_says_where_it_went(client, app, demo, issue):
    officer = demo["staff"]["tiepnhan"]
    tid, label, token = issue(demo["groups"][0])
    _call(app, officer)
    _act(app, officer, tid, "transfer", group_id=demo["groups"][1])
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert label in html and "Đã chuyển sang hàng chờ: Hộ tịch" in html


def test_yesterdays_ticket_has_expired(client, app, demo, issue, monkeypatch):
    _, _, token = issue(demo["groups"][0])
    tomorrow = timeutil.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timeutil, "now", lambda: tomorrow)  # the office's clock
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert "đã hết hiệu lực" in html


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%00"])
def test_unknown_ticket_is_a_404_page(client, token):
    response = client.get(f"/so/{token}")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_kiosk_ticket_page_returns_to_the_kiosk(client, demo, issue):
    _, _, token = issue(demo["groups"][0])
    html = client.get(f"/so/{token}?kiosk=1").get_data(as_text=True)
    assert 'content="45; url=/lay-so"' in html
    assert "Xong, trở về màn hình lấy số" in html


def test_ticket_prints_on_an_80mm_page(app):
    css = (app.static_folder + "/css/site.css")
    text = open(css, encoding="utf-8").read()
    assert "@page ticket-80mm { size: 80mm 140mm;" in text
    assert "page: ticket-80mm" in text


# --------------------------------------------------------------------------- board

def test_board_shows_counters_last_calls_and_waiting(client, app, demo, issue):
    for _ in range(7):
        issue(demo["groups"][0])
    issue(demo["groups"][1])
    officer = demo["staff"]["tiepnhan"]
    for _ in range(6):
        _call(app, officer)
    response = client.get("/man-hinh")
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Mời công dân có số thứ tự A-006 đến quầy số 1" in html
    recent = html.split('class="board-recent"')[1].split("</ol>")[0]
    assert [f"A-00{n}" in recent for n in range(1, 7)] == [False] + [True] * 5  # the last 5
    assert "Số người đang chờ: 2" in html
    assert 'data-speech="Mời công dân có số thứ tự A, 6 đến quầy số 1"' in html
    assert "board.js" in html and 'data-hx-trigger="every 2s"' in html
    assert "csrf" not in html.lower()


def test_idle_board_poll_is_a_304_under_1kb(client, demo, issue):
    issue(demo["groups"][0])
    first = client.get("/man-hinh", headers=HX)
    assert first.status_code == 200 and "<html" not in first.get_data(as_text=True)
    again = client.get("/man-hinh", headers={**HX, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert header_bytes(again) < 1000
    issue(demo["groups"][0])
    changed = client.get("/man-hinh", headers={**HX, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_board_recall_gets_a_new_call_key(client, app, demo, issue):
    officer = demo["staff"]["tiepnhan"]
    tid, _, _ = issue(demo["groups"][0])
    _call(app, officer)
    before = client.get("/man-hinh", headers=HX).get_data(as_text=True)
    _act(app, officer, tid, "recall")
    after = client.get("/man-hinh", headers=HX).get_data(as_text=True)
    assert f'data-call="{tid}.0"' in before and f'data-call="{tid}.1"' in after


def test_board_page_etag_changes_with_its_assets(client, app, monkeypatch):
    from tthc.queue import views

    first = client.get("/man-hinh").headers["ETag"]
    monkeypatch.setattr(views, "_assets", lambda *files: "new-deploy")
    assert client.get("/man-hinh").headers["ETag"] != first


def test_queue_pages_need_an_office(empty_app):
    client = empty_app.test_client()
    assert client.get("/man-hinh").status_code == 404
    assert client.get("/lay-so").status_code == 404


def test_a_new_call_order_reaches_a_polling_ticket_page(client, app, demo, issue):
    a = demo["groups"][0]
    _, _, token = issue(a)
    issue(a, "elderly")
    first = client.get(f"/so/{token}", headers=HX)
    assert "Còn 1 người phía trước" in first.get_data(as_text=True)
    with app.app_context():
        services.set_call_policy(demo["office"], "arrival")
    poll = client.get(f"/so/{token}", headers={**HX, "If-None-Match": first.headers["ETag"]})
    assert poll.status_code == 200  # not 304: the place changed with the order
    assert "Sắp đến lượt" in poll.get_data(as_text=True)
