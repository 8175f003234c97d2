"""Taking a number: the kiosk page, numbering per office/day/group, issue_ticket for intake."""

import datetime as dt
import re

import pytest

from tests.auth import factories
from tests.html import check_page
from tests.queue.helpers import post
from tthc import timeutil
from tthc.extensions import db
from tthc.models import Ticket
from tthc.queue import services


def test_kiosk_has_a_big_button_per_group_and_the_priority_choices(client, demo):
    response = client.get("/lay-so")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    buttons = re.findall(r'<button name="nhom" value="(\d+)"', html)
    assert [int(b) for b in buttons] == demo["groups"]
    for text in ("Chứng thực", "Hộ tịch", "Người cao tuổi", "Người khuyết tật",
                 "Phụ nữ mang thai", "Người có con nhỏ dưới 6 tuổi",
                 "Người có công với cách mạng"):
        assert text in html
    assert 'action="/lay-so"' in html and 'method="post"' in html


def test_taking_a_number_redirects_to_its_live_page(client, demo, app):
    response = post(client, "/lay-so", {"nhom": demo["groups"][0], "uu_tien": ""})
    assert response.status_code == 303
    # A phone (any browser not marked as the hall's kiosk): its own live page, no ?kiosk=1.
    token = re.fullmatch(r"/so/([\w-]+)", response.location).group(1)
    page = client.get(response.location)
    assert page.status_code == 200
    assert "A-001" in page.get_data(as_text=True)
    with app.app_context():
        t = db.session.query(Ticket).filter_by(token=token).one()
        assert (t.label, t.source, t.status, t.priority) == ("A-001", "phone", "waiting", False)


def test_priority_ticket_records_its_reason(client, demo, app):
    response = post(client, "/lay-so", {"nhom": demo["groups"][1], "uu_tien": "pregnant"})
    token = response.location.split("/so/")[1].split("?")[0]
    with app.app_context():
        t = db.session.query(Ticket).filter_by(token=token).one()
        assert (t.label, t.priority, t.priority_reason) == ("B-001", True, "pregnant")
    assert "Phụ nữ mang thai" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({}, "Vui lòng chọn một trong các nút"),
    ({"nhom": "999"}, "Vui lòng chọn một trong các nút"),
    ({"nhom": "abc"}, "Vui lòng chọn một trong các nút"),
    ({"nhom": "{a}", "uu_tien": "vip"}, "Vui lòng chọn một trong các diện ưu tiên."),
])
def test_bad_choices_get_a_clear_message_beside_the_choice(client, demo, app, data, message):
    data = {k: v.format(a=demo["groups"][0]) for k, v in data.items()}
    response = post(client, "/lay-so", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-msg">{message}' in html  # in its fieldset
    check_page(html)
    with app.app_context():
        assert db.session.query(Ticket).count() == 0


def test_another_offices_group_cannot_be_used_at_this_kiosk(client, other_office):
    response = post(client, "/lay-so", {"nhom": other_office["groups"][0]})
    assert response.status_code == 422


def test_taking_without_csrf_token_is_refused_politely(client, demo):
    response = client.post("/lay-so", data={"nhom": demo["groups"][0]})
    assert response.status_code == 400
    assert "Trang đã hết hạn" in response.get_data(as_text=True)


def test_numbers_run_per_group_per_office_and_restart_each_day(app, demo, other_office,
                                                              monkeypatch):
    a, b = demo["groups"][:2]
    with app.app_context():
        labels = [services.issue_ticket(demo["office"], g).label for g in (a, a, b, a)]
        assert labels == ["A-001", "A-002", "B-001", "A-003"]
        other = services.issue_ticket(other_office["id"], other_office["groups"][0])
        assert other.label == "A-001"
        tomorrow = timeutil.now() + dt.timedelta(days=1)
        monkeypatch.setattr(timeutil, "now", lambda: tomorrow)  # the office's clock
        assert services.issue_ticket(demo["office"], a).label == "A-001"


def test_issue_ticket_for_a_prefiled_dossier(app, demo):
    """The service the intake engineer calls for a phone ticket."""
    with app.app_context():
        office = factories.demo_office()
        group = services.group_for_field(office.id, "ho-tich")
        assert group.prefix == "B"
        assert services.group_for_field(office.id, "unknown").prefix == "A"
        t = services.issue_ticket(office, group, source="phone", priority_reason="elderly")
        assert (t.source, t.label, t.priority_reason, t.queue_group_id) == \
            ("phone", "B-001", "elderly", group.id)
        assert len(t.token) >= 32
        with pytest.raises(ValueError):
            services.issue_ticket(office, group, source="fax")
        with pytest.raises(ValueError):
            services.issue_ticket(office, group, priority_reason="vip")


def test_issue_ticket_refuses_another_offices_group(app, demo, other_office):
    with app.app_context():
        with pytest.raises(ValueError):
            services.issue_ticket(demo["office"], other_office["groups"][0])


def test_each_ticket_bumps_the_queue_revision(app, demo, issue):
    with app.app_context():
        before = services.queue_revision(demo["office"])
    issue(demo["groups"][0])
    with app.app_context():
        assert services.queue_revision(demo["office"]) == before + 1


def test_taking_numbers_is_rate_limited(database_url, tmp_path, demo):
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path,
                   TTHC_TICKET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [post(client, "/lay-so", {"nhom": demo["groups"][0]}).status_code for _ in range(3)]
    assert codes == [303, 303, 429]


def test_a_ticket_page_is_public_without_csrf_token_or_session_cookie(client, demo, issue):
    _, label, token = issue(demo["groups"][0])
    response = client.get(f"/so/{token}")
    assert label in response.get_data(as_text=True)
    assert "csrf" not in response.get_data(as_text=True).lower()
    assert "Set-Cookie" not in response.headers
