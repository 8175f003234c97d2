"""The counter screen and its actions, with and without htmx."""

import re

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.html import check_page
from tests.queue.helpers import load, post
from tthc.extensions import db
from tthc.models import ServiceGroup, Staff, Ticket
from tthc.queue import services
from tthc.timeutil import today

HX = {"HX-Request": "true"}


def test_counter_screen_shows_the_queues_and_the_buttons(officer, demo, issue):
    issue(demo["groups"][0])
    issue(demo["groups"][1], "merit")
    response = officer.get("/can-bo/quay")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Quầy số 1" in html
    assert "A-001" in html and "B-001" in html and "Ưu tiên" in html
    assert 'action="/can-bo/quay/goi-tiep"' in html and 'data-key="n"' in html
    assert "counter.js" in html
    assert 'data-hx-get="/can-bo/quay"' in html  # the queues panel refreshes itself


def test_queues_panel_is_the_polled_fragment(officer, demo, issue):
    issue(demo["groups"][0])
    fragment = officer.get("/can-bo/quay", headers=HX)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert "A-001" in html and "1 người đang chờ" in html
    assert "goi-tiep" not in html


def test_call_next_without_js_redirects_and_calls_in_order(officer, app, demo, issue):
    first, _, _ = issue(demo["groups"][0])
    second, _, _ = issue(demo["groups"][0])
    urgent, _, _ = issue(demo["groups"][1], "disability")
    response = post(officer, "/can-bo/quay/goi-tiep")
    assert response.status_code == 303 and response.location == "/can-bo/quay"
    assert response.headers["X-Queue-Called"] == "B-001"
    assert load(app, urgent).status == "called"
    assert load(app, urgent).counter == 1
    # calling next finishes the ticket at the counter
    post(officer, "/can-bo/quay/goi-tiep")
    assert load(app, urgent).status == "done"
    assert load(app, first).status == "called"
    assert load(app, second).status == "waiting"
    html = officer.get("/can-bo/quay").get_data(as_text=True)
    assert "A-001" in html and "Đã mời đến quầy" in html


def test_call_next_with_htmx_returns_the_ticket_block(officer, demo, issue):
    issue(demo["groups"][0])
    response = post(officer, "/can-bo/quay/goi-tiep", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert '<p class="desk-label">A-001</p>' in html and 'data-key="r"' in html
    assert 'data-hx-target="#current"' in html
    assert 'id="queues"' not in html  # the queues panel refreshes itself, nudged by:
    assert response.headers["HX-Trigger"] == "tthc-queue-changed"
    check_page(html, full_page=False)


def test_the_ticket_block_is_one_form_with_its_token_and_htmx_sends_the_header(officer, demo,
                                                                              issue):
    issue(demo["groups"][0])
    issue(demo["groups"][0])
    post(officer, "/can-bo/quay/goi-tiep")
    page = officer.get("/can-bo/quay").get_data(as_text=True)
    end = page.rindex("<form", 0, page.index('action="/can-bo/quay/goi-tiep"'))
    block = page[page.index('<div id="current"'):end]
    # Without JavaScript: one form, its token, a button per action posting to its own URL.
    assert block.count("<form") == 1 and block.count('name="csrf_token"') == 1
    for action in ("bat-dau", "goi-lai", "vang-mat", "hoan-thanh", "chuyen"):
        url = re.search(rf'formaction="([^"]+/{action})"', block).group(1)
        assert f'data-hx-post="{url}"' in block
    # With htmx: the page's token travels in a header; the fragment is the same block.
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = officer.post("/can-bo/quay/goi-tiep", headers={**HX, "X-CSRFToken": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "A-002" in html
    assert html.count("<form") == 1 and html.count('name="csrf_token"') == 1
    # ...and its buttons work with that header alone.
    start = re.search(r'data-hx-post="([^"]+/bat-dau)"', html).group(1)
    assert officer.post(start, headers={**HX, "X-CSRFToken": token}).status_code == 200
    assert officer.post(start, headers=HX).status_code == 400  # no token at all: refused


def test_choosing_the_counter_with_htmx_returns_the_whole_panel(officer):
    response = post(officer, "/can-bo/quay/so-quay", {"quay": "2"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Quầy số 2" in html and 'id="current"' in html
    check_page(html, full_page=False)


def test_nobody_waiting_is_said_plainly(officer):
    response = post(officer, "/can-bo/quay/goi-tiep", follow_redirects=True)
    assert "Không còn ai đang chờ." in response.get_data(as_text=True)
    assert "X-Queue-Called" not in response.headers


def test_arrival_policy_ignores_priority(officer, app, demo, issue):
    with app.app_context():
        services.set_call_policy(demo["office"], "arrival")
    first, _, _ = issue(demo["groups"][0])
    issue(demo["groups"][0], "elderly")
    post(officer, "/can-bo/quay/goi-tiep")
    assert load(app, first).status == "called"


def test_group_choice_limits_the_calls_and_is_remembered(officer, app, demo, issue):
    a_ticket, _, _ = issue(demo["groups"][0])
    b_ticket, _, _ = issue(demo["groups"][1])
    post(officer, "/can-bo/quay/goi-tiep", {"chon_nhom": "1", "nhom": [str(demo["groups"][1])]})
    assert load(app, b_ticket).status == "called"
    assert load(app, a_ticket).status == "waiting"
    html = officer.get("/can-bo/quay").get_data(as_text=True)
    checked = re.findall(r'name="nhom" value="(\d+)" checked', html)
    assert checked == [str(demo["groups"][1])]
    post(officer, "/can-bo/quay/goi-tiep")  # without the checkboxes: the remembered choice
    assert load(app, a_ticket).status == "waiting"


def test_recall_start_finish(officer, app, demo, issue):
    tid, _, _ = issue(demo["groups"][0])
    post(officer, "/can-bo/quay/goi-tiep")
    revision = load(app, tid).revision
    assert post(officer, f"/can-bo/quay/so/{tid}/goi-lai").status_code == 303
    assert load(app, tid).recalls == 1 and load(app, tid).revision > revision
    post(officer, f"/can-bo/quay/so/{tid}/bat-dau")
    assert load(app, tid).status == "serving" and load(app, tid).served_at is not None
    post(officer, f"/can-bo/quay/so/{tid}/hoan-thanh")
    assert load(app, tid).status == "done" and load(app, tid).done_at is not None


def test_illegal_action_gets_the_reason_not_an_error(officer, app, demo, issue):
    tid, _, _ = issue(demo["groups"][0])
    response = post(officer, f"/can-bo/quay/so/{tid}/goi-lai", follow_redirects=True)
    assert "Chỉ gọi lại được số đang được mời đến quầy." in response.get_data(as_text=True)
    htmx = post(officer, f"/can-bo/quay/so/{tid}/vang-mat", headers=HX)
    assert htmx.status_code == 409
    assert "Chỉ đánh dấu vắng mặt" in htmx.get_data(as_text=True)
    assert 'role="alert"' in htmx.get_data(as_text=True)
    assert load(app, tid).status == "waiting"


def test_no_show_then_second_no_show(officer, app, demo, issue):
    tid, _, _ = issue(demo["groups"][0])
    post(officer, "/can-bo/quay/goi-tiep")
    post(officer, f"/can-bo/quay/so/{tid}/vang-mat")
    t = load(app, tid)
    assert (t.status, t.no_shows, t.counter, t.staff_id) == ("waiting", 1, None, None)
    post(officer, "/can-bo/quay/goi-tiep")
    post(officer, f"/can-bo/quay/so/{tid}/vang-mat")
    assert load(app, tid).status == "missed"


def test_transfer_moves_the_ticket_to_another_queue_keeping_its_rank(officer, app, demo, issue):
    a, b = demo["groups"][:2]
    moved, label, _ = issue(a)
    later_b, _, _ = issue(b)
    post(officer, "/can-bo/quay/goi-tiep", {"chon_nhom": "1", "nhom": [str(a)]})
    post(officer, f"/can-bo/quay/so/{moved}/chuyen", {"nhom": str(b)})
    t = load(app, moved)
    assert (t.status, t.queue_group_id, t.group_id, t.label) == ("waiting", b, a, label)
    post(officer, "/can-bo/quay/goi-tiep", {"chon_nhom": "1", "nhom": [str(b)]})
    assert load(app, moved).status == "called"  # it arrived before B-001
    assert load(app, later_b).status == "waiting"


@pytest.mark.parametrize("data, status", [({}, 422), ({"nhom": "abc"}, 422),
                                          ({"nhom": "99999"}, 404)])
@pytest.mark.parametrize("headers", [{}, HX])
def test_transfer_needs_a_group_of_the_office(officer, app, demo, issue, data, status, headers):
    tid, _, _ = issue(demo["groups"][0])
    post(officer, "/can-bo/quay/goi-tiep")
    response = post(officer, f"/can-bo/quay/so/{tid}/chuyen", data, headers=headers)
    assert response.status_code == status
    if status == 422:
        assert "Vui lòng chọn nhóm cần chuyển đến." in response.get_data(as_text=True)
    assert load(app, tid).status == "called"


def test_choose_counter(officer, app, demo, issue):
    assert post(officer, "/can-bo/quay/so-quay", {"quay": "3"}).status_code == 303
    issue(demo["groups"][0])
    post(officer, "/can-bo/quay/goi-tiep")
    assert "Quầy số 3" in officer.get("/can-bo/quay").get_data(as_text=True)
    for value in ("9", "0", "x", ""):
        bad = post(officer, "/can-bo/quay/so-quay", {"quay": value})
        html = bad.get_data(as_text=True)
        assert bad.status_code == 422
        assert 'id="quay-error" role="alert">Số quầy không hợp lệ.' in html
        assert 'aria-describedby="quay-error"' in html
        check_page(html)
    assert "Quầy số 3" in officer.get("/can-bo/quay").get_data(as_text=True)


def test_an_officer_without_a_counter_must_choose_one(app, demo, issue):
    with app.app_context():
        staff_id = factories.make_staff(factories.demo_office(), "moi", counter=None).id
    client = app.test_client()
    factories.login(client, staff_id)
    issue(demo["groups"][0])
    assert "Chưa chọn quầy" in client.get("/can-bo/quay").get_data(as_text=True)
    response = post(client, "/can-bo/quay/goi-tiep", follow_redirects=True)
    assert "Vui lòng chọn số quầy" in response.get_data(as_text=True)


def test_staff_can_issue_a_ticket_at_the_counter(officer, app, demo):
    response = post(officer, "/can-bo/quay/phat-so", {"nhom": demo["groups"][2],
                                                      "uu_tien": "merit"},
                    follow_redirects=True)
    assert "Đã phát số C-001." in response.get_data(as_text=True)
    with app.app_context():
        t = db.session.query(Ticket).filter_by(label="C-001").one()
        assert (t.source, t.priority_reason) == ("staff", "merit")
    for data in ({"nhom": "x"}, {}, {"nhom": demo["groups"][0], "uu_tien": "vip"}):
        refused = post(officer, "/can-bo/quay/phat-so", data)
        assert refused.status_code == 422
        assert "Vui lòng chọn" in refused.get_data(as_text=True)


KEY = re.compile(r'name="lan" value="([^"]+)"')


def _given(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Ticket.label).filter_by(source="staff")
                                       .order_by(Ticket.id)))


def test_a_double_click_on_phat_so_gives_one_number_and_shows_it_again(officer, app, demo):
    """The counter's form carries its page's request key (as the kiosk's): the same post
    twice, a double click or a retry, is the number already given, shown again."""
    page = officer.get("/can-bo/quay").get_data(as_text=True)
    form = {"nhom": str(demo["groups"][2]), "uu_tien": "", "lan": KEY.search(page)[1]}
    first = post(officer, "/can-bo/quay/phat-so", form, follow_redirects=True)
    again = post(officer, "/can-bo/quay/phat-so", form, follow_redirects=True)
    assert first.status_code == again.status_code == 200
    assert _given(app) == ["C-001"]
    assert "Đã phát số C-001." in first.get_data(as_text=True)
    assert "Đã phát số C-001." in again.get_data(as_text=True)  # the same number, not C-002


def test_each_counter_page_has_a_new_key_which_gives_a_new_number(officer, app, demo):
    keys = [KEY.search(officer.get("/can-bo/quay").get_data(as_text=True))[1]
            for _ in range(2)]
    refused = post(officer, "/can-bo/quay/phat-so", {"nhom": "x"})  # a refusal's page too
    keys.append(KEY.search(refused.get_data(as_text=True))[1])
    assert len(set(keys)) == 3
    for key in keys:
        response = post(officer, "/can-bo/quay/phat-so",
                        {"nhom": str(demo["groups"][2]), "lan": key})
        assert response.status_code == 303
    assert _given(app) == ["C-001", "C-002", "C-003"]
    # another choice on the same page is another citizen: a new number
    post(officer, "/can-bo/quay/phat-so", {"nhom": str(demo["groups"][2]), "uu_tien": "merit",
                                          "lan": keys[0]})
    assert _given(app) == ["C-001", "C-002", "C-003", "C-004"]


def test_the_counter_offers_every_priority_reason_when_giving_a_number(officer, app, demo):
    """«Phát số tại quầy» lists the reasons the kiosk offers, not only "Không"."""
    from tthc.domain.queue import PRIORITY_REASONS

    for html in (officer.get("/can-bo/quay").get_data(as_text=True),
                 # a refusal renders the counter screen again (without JavaScript)
                 post(officer, "/can-bo/quay/phat-so", {"nhom": "x"}).get_data(as_text=True)):
        select = html[html.index('<select id="phat-uu-tien"'):]
        select = select[:select.index("</select>")]
        assert re.findall(r'<option value="(\w*)">', select) == ["", *PRIORITY_REASONS]
        assert "Người cao tuổi" in select and "Phụ nữ mang thai" in select


@pytest.fixture
def impatient_app(seeded_sqlite, tmp_path):
    """The app on a database file, waiting only 50 ms for SQLite's write lock."""
    import shutil

    from tests.conftest import make_app

    path = tmp_path / "busy.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.05}})
    yield app, path
    with app.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only("holds the SQLite file's write lock through sqlite3")
@pytest.mark.parametrize("headers", [{}, HX])
def test_call_next_refuses_when_the_database_stays_locked(impatient_app, headers):
    import sqlite3

    app, path = impatient_app
    with app.app_context():
        office = factories.demo_office()
        services.issue_ticket(office, factories.groups(office.id)[0])
        staff_id = db.session.scalar(db.select(Staff.id).filter_by(username="tiepnhan"))
    client = app.test_client()
    factories.login(client, staff_id)
    token = factories.csrf(client)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock throughout
    try:
        response = client.post("/can-bo/quay/goi-tiep", data={"csrf_token": token},
                               headers=headers)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert "Hệ thống đang bận, vui lòng bấm lại." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(Ticket.status)) == "waiting"  # nothing changed


def test_service_times_feed_the_wait_estimate(app, demo, issue):
    a = demo["groups"][0]
    ids = [issue(a)[0] for _ in range(6)]
    with app.app_context():
        staff = db.session.get(Staff, demo["staff"]["tiepnhan"])
        for _ in range(4):
            services.call_next(staff, [a])
        services.call_next(staff, [a])  # finishes the 4th
        # 4 services of ~0 minutes: ignored (≤ 0), the default still applies
        group = db.session.get(ServiceGroup, a)
        assert services.wait_estimate(group, 1, today()) == 5
        assert services.ticket_state(db.session.get(Ticket, ids[5])).ahead == 0


@pytest.mark.parametrize("policy", ["priority", "arrival"])
def test_the_waiting_list_shows_the_order_call_next_follows(app, demo, issue, policy):
    with app.app_context():
        services.set_call_policy(demo["office"], policy)
    a = demo["groups"][0]
    for reason in ["", "merit", "", "", "elderly", "", "pregnant", "", "", ""]:
        issue(a, reason)
    with app.app_context():
        listed = [t.id for t in services.queues(demo["office"], limit=6)[0].first]
        assert services.queues(demo["office"])[0].waiting == 10
        staff = db.session.get(Staff, demo["staff"]["tiepnhan"])
        called = [services.call_next(staff, [a]).id for _ in range(6)]
    assert listed == called


def test_demo_rush_fills_the_hall(app, demo):
    result = app.test_cli_runner().invoke(args=["demo", "rush", "--officers", "2",
                                                "--tickets", "31"])
    assert "2 officer account(s) added, 31 waiting ticket(s) added" in result.output
    with app.app_context():
        office_id = demo["office"]
        groups = services.queues(office_id)
        assert [g.waiting for g in groups] == [11, 10, 10]
        # numbering goes on from the counters
        t = services.issue_ticket(office_id, groups[0].group)
        assert t.label == "A-012"
        officer = db.session.scalar(db.select(Staff).filter_by(username="demo-quay-02"))
        assert (officer.counter, officer.roles) == (2, ["reception"])
    again = app.test_cli_runner().invoke(args=["demo", "rush", "--officers", "2",
                                               "--tickets", "0"])
    assert "0 officer account(s) added, 0 waiting" in again.output


def test_the_ticket_action_urls_are_the_routes_urls(app):
    from tthc.queue.views import TICKET_ACTIONS, action_urls

    with app.test_request_context("/"):
        from flask import url_for

        built = action_urls(42)
        assert built == {action: url_for(f"queue.{action}", ticket_id=42)
                         for action, _, _ in TICKET_ACTIONS}
        assert built["start"] == "/can-bo/quay/so/42/bat-dau"
