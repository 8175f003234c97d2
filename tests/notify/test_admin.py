"""The admin's pages: gateways per office with secrets never shown back, changes in the
access log, wording with placeholders checked and a preview; admins only, own office only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.desk.conftest import Officer
from tests.notify.conftest import configure
from tthc.extensions import db
from tthc.models import AccessLog
from tthc.models.notify import NotifyGateway, NotifyTemplate
from tthc.notify import gateways, messages

ROUTES = [
    ("notify.index", "GET", "/can-bo/thong-bao", {}),
    ("notify.public_url", "POST", "/can-bo/thong-bao/dia-chi",
     {"dia_chi": "https://motcua.example.vn"}),
    ("notify.gateway", "GET", "/can-bo/thong-bao/cong-gui/sms", {}),
    ("notify.gateway", "POST", "/can-bo/thong-bao/cong-gui/sms",
     {"bat": "1", "url": "https://sms.example.vn"}),
    ("notify.wordings", "GET", "/can-bo/thong-bao/mau", {}),
    ("notify.wording", "GET", "/can-bo/thong-bao/mau/received/sms", {}),
    ("notify.wording", "POST", "/can-bo/thong-bao/mau/received/sms", {"body": "Hồ sơ {ma_ho_so}"}),
    ("notify.retry", "POST", "/can-bo/thong-bao/tin/999/gui-lai", {}),
]


#: The desk's page that records a walk-in's consent (tests/notify/test_desk_consent.py).
DESK_ROUTES = {"notify.desk_consent": ("reception",)}


def test_every_notify_staff_route_is_listed_and_for_admins(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in DESK_ROUTES:
            assert app.view_functions[rule.endpoint].staff_roles == DESK_ROUTES[rule.endpoint]
            continue
        if rule.endpoint.startswith("notify.") and rule.rule.startswith("/can-bo"):
            assert app.view_functions[rule.endpoint].staff_roles == ("admin",), rule.endpoint
            found |= {(rule.endpoint, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert found == {(endpoint, method) for endpoint, method, _, _ in ROUTES}


@pytest.mark.parametrize("endpoint,method,path,data", ROUTES)
@pytest.mark.parametrize("role", ["tiepnhan", "chuyenmon", "lanhdao"])
def test_only_admins(app, demo, role, endpoint, method, path, data):
    officer = Officer(app, demo["staff"][role])
    response = officer.get(path) if method == "GET" else officer.post(path, data)
    assert response.status_code == 403


@pytest.mark.parametrize("endpoint,method,path,data", ROUTES)
def test_admins_of_any_office_reach_only_their_own(app, other_office, endpoint, method, path,
                                                    data):
    officer = Officer(app, other_office["staff"]["admin"])
    response = officer.get(path) if method == "GET" else officer.post(path, data)
    assert response.status_code in ((404,) if endpoint == "notify.retry" else (200, 303))


def test_anonymous_goes_to_sign_in(client):
    response = client.get("/can-bo/thong-bao")
    assert response.status_code == 303 and "/can-bo/dang-nhap" in response.location


def test_gateway_secret_is_never_shown_back_and_kept_when_left_empty(app, admin,
                                                                     demo_office_id):
    response = admin.post("/can-bo/thong-bao/cong-gui/sms", {
        "bat": "1", "url": "https://sms.example.vn/send", "token": "secret-token-abcd1234",
        "sender": "UBND"})
    assert response.status_code == 303
    page = admin.get("/can-bo/thong-bao/cong-gui/sms").get_data(as_text=True)
    assert "secret-token-abcd1234" not in page and "1234" not in page
    assert "Đã lưu (không hiển thị lại)" in page
    assert 'value="https://sms.example.vn/send"' in page
    admin.post("/can-bo/thong-bao/cong-gui/sms", {"bat": "1", "url": "https://sms.example.vn/v2",
                                                 "token": "", "sender": "UBND"})
    with app.app_context():
        row = db.session.scalar(select(NotifyGateway).filter_by(office_id=demo_office_id,
                                                                channel="sms"))
        assert row.config["token"].startswith("fernet:")  # sealed (tests/notify/test_sealing.py)
        assert gateways.opened(row).config["token"] == "secret-token-abcd1234"
        assert row.config["url"] == "https://sms.example.vn/v2" and row.enabled
        details = [log.detail for log in db.session.scalars(
            select(AccessLog).filter_by(action="notify_gateway").order_by(AccessLog.id))]
    assert details == ["sms: enabled, url, token, sender", "sms: url"]
    assert not any("secret-token" in d for d in details)
    index = admin.get("/can-bo/thong-bao").get_data(as_text=True)
    assert "Chưa có cổng gửi nào hoạt động" not in index


def test_bad_gateway_settings_are_refused_beside_their_field(app, admin):
    response = admin.post("/can-bo/thong-bao/cong-gui/email", {
        "bat": "1", "host": "", "port": "abc", "sender": "motcua"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nhập máy chủ SMTP" in page and "Nhập cổng là một số" in page
    assert 'value="motcua"' in page  # nothing typed is lost
    plain = admin.post("/can-bo/thong-bao/cong-gui/sms", {"bat": "1",
                                                          "url": "http://sms.example.vn"})
    assert plain.status_code == 422 and "https://" in plain.get_data(as_text=True)


def test_gateways_are_per_office(app, admin, other_office, demo_office_id):
    configure(app, other_office["id"], "sms", url="https://theirs.example.vn", token="theirs")
    page = admin.get("/can-bo/thong-bao/cong-gui/sms").get_data(as_text=True)
    assert "theirs.example.vn" not in page
    admin.post("/can-bo/thong-bao/cong-gui/sms", {"bat": "1", "url": "https://ours.example.vn"})
    with app.app_context():
        rows = {r.office_id: r.config["url"] for r in db.session.scalars(select(NotifyGateway))}
    assert rows == {other_office["id"]: "https://theirs.example.vn",
                    demo_office_id: "https://ours.example.vn"}


def test_wording_preview_then_save_then_default(app, admin, demo_office_id):
    path = "/can-bo/thong-bao/mau/rescheduled/email"
    page = admin.get(path).get_data(as_text=True)
    assert "Hẹn lại ngày trả kết quả hồ sơ" in page  # the default, previewed
    preview = admin.post(path, {"subject": "Hẹn lại {ma_ho_so}",
                                "body": "Ngày hẹn mới: {ngay_hen}", "xem_truoc": "1"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Ngày hẹn mới: " + messages.SAMPLE_VALUES["ngay_hen"] in text
    with app.app_context():
        assert db.session.scalar(select(NotifyTemplate)) is None  # a preview stores nothing
    saved = admin.post(path, {"subject": "Hẹn lại {ma_ho_so}", "body": "Ngày hẹn mới: {ngay_hen}"})
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.scalar(select(NotifyTemplate))
        assert (row.office_id, row.event, row.channel, row.body) == (
            demo_office_id, "rescheduled", "email", "Ngày hẹn mới: {ngay_hen}")
        assert db.session.scalar(select(AccessLog.detail).filter_by(
            action="notify_template")) == "rescheduled/email"
    admin.post(path, {"mac_dinh": "1"})
    with app.app_context():
        assert db.session.scalar(select(NotifyTemplate)) is None


def test_unknown_placeholders_are_refused(app, admin):
    response = admin.post("/can-bo/thong-bao/mau/near_turn/sms",
                          {"body": "Số {so_thu_tu}, hồ sơ {ma_ho_so} {ho_ten}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ma_ho_so, ho_ten" in page and "Số {so_thu_tu}" in page


def test_the_preview_counts_sms_parts(app, admin):
    page = admin.post("/can-bo/thong-bao/mau/received/sms",
                      {"body": "Tiếp nhận {ma_ho_so}", "xem_truoc": "1"}).get_data(as_text=True)
    rendered = "Tiếp nhận " + messages.SAMPLE_VALUES["ma_ho_so"]
    assert f"{len(rendered)} ký tự, 1 tin SMS." in page


def test_unknown_channel_or_event_is_404(admin):
    assert admin.get("/can-bo/thong-bao/cong-gui/fax").status_code == 404
    assert admin.get("/can-bo/thong-bao/mau/birthday/sms").status_code == 404


def test_public_url_is_checked_and_logged(app, admin):
    bad = admin.post("/can-bo/thong-bao/dia-chi", {"dia_chi": "motcua.example.vn"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    assert admin.post("/can-bo/thong-bao/dia-chi",
                      {"dia_chi": "https://motcua.example.vn"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(AccessLog.detail).filter_by(
            action="notify_settings")) == "public_url"
