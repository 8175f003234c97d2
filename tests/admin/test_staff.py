"""Staff accounts in the admin's browser: only this office's, created, changed, disabled,
unlocked, given a new password, every change in the access log and no password in any; an
admin cannot lock themselves out; the command line does the same through the same functions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.desk.conftest import Officer
from tests.html import check_page
from tthc.auth import services, throttle
from tthc.auth.cli import users_cli
from tthc.extensions import db
from tthc.models import AccessLog, Staff

LIST = "/can-bo/quan-tri/can-bo"
NEW = LIST + "/them"
GOOD = "mot-mat-khau-tot-42"


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def _staff(app, username: str) -> Staff | None:
    with app.app_context():
        staff = db.session.scalar(select(Staff).filter_by(username=username))
        if staff is not None:
            db.session.expunge(staff)
        return staff


def _log(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(select(AccessLog.detail).filter_by(action="staff")
                                  .order_by(AccessLog.id)).all()


def _sign_in(app, username: str, password: str):
    client = app.test_client()
    return client.post("/can-bo/dang-nhap", data={
        "csrf_token": factories.csrf(client), "username": username, "password": password})


def test_the_list_shows_only_this_offices_accounts(app, admin, other_office):
    page = admin.get(LIST)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    assert "tiepnhan" in html and "quantri" in html
    assert "khac-" not in html


def test_an_account_is_created_with_a_password_shown_once_and_can_sign_in(app, demo, admin):
    assert admin.get(NEW).status_code == 200
    response = admin.post(NEW, {"ten_dang_nhap": "Hoa.Le", "ho_ten": "Lê Thị Hoa",
                                "vai_tro": ["reception", "specialist"], "quay": "2",
                                "mat_khau": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    check_page(html)
    password = re.search(r'id="mat-khau-moi">([^<]+)<', html).group(1)
    assert services.passwords.password_problem(password) is None
    staff = _staff(app, "hoa.le")
    assert (staff.office_id, staff.roles, staff.counter, staff.full_name) == \
        (demo["office"], ["reception", "specialist"], 2, "Lê Thị Hoa")
    assert response.headers["Cache-Control"] == "no-store"
    assert _sign_in(app, "hoa.le", password).status_code == 303
    log = _log(app)
    assert any("account hoa.le: created" in line for line in log)
    assert not any(password in line for line in log)


def test_a_typed_password_is_not_shown_again(app, admin):
    html = admin.post(NEW, {"ten_dang_nhap": "nam.tran", "ho_ten": "Trần Văn Nam",
                            "vai_tro": "leader", "mat_khau": GOOD}).get_data(as_text=True)
    assert GOOD not in html and "mat-khau-moi" not in html
    assert _sign_in(app, "nam.tran", GOOD).status_code == 303


@pytest.mark.parametrize("data, field, message", [
    ({"ten_dang_nhap": "Hoa Le"}, "ten_dang_nhap", "Tên đăng nhập từ 2 đến 60 ký tự"),
    ({"ten_dang_nhap": "tiepnhan"}, "ten_dang_nhap", "đã có người dùng"),
    ({"ho_ten": ""}, "ho_ten", "Nhập họ và tên"),
    ({"vai_tro": []}, "vai_tro", "Chọn ít nhất một vai trò"),
    ({"vai_tro": "city_admin"}, "vai_tro", "Chỉ quản trị thành phố"),
    ({"quay": "100"}, "quay", "Số quầy từ 1 đến 99"),
    ({"mat_khau": "ngan"}, "mat_khau", "ít nhất 10 ký tự"),
    ({"mat_khau": "tthc-demo"}, "mat_khau", "mật khẩu minh họa"),
    ({"mat_khau": "hoa.le-2026-xyz"}, "mat_khau", "không được chứa tên đăng nhập"),
])
def test_a_wrong_account_is_refused_beside_its_field(app, admin, data, field, message):
    posted = {"ten_dang_nhap": "hoa.le", "ho_ten": "Lê Thị Hoa", "vai_tro": "reception",
              "quay": "2", "mat_khau": GOOD, **data}
    response = admin.post(NEW, posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert message in html.split(f'id="{field}-error"')[1].split("</p>")[0]
    if posted["ho_ten"]:
        assert f'value="{posted["ho_ten"]}"' in html  # nothing typed is lost…
    assert f'value="{posted["mat_khau"]}"' not in html  # …but the password
    assert _staff(app, "hoa.le") is None or data.get("ten_dang_nhap") == "tiepnhan"


def test_roles_and_counter_are_changed_and_logged(app, demo, admin):
    staff_id = demo["staff"]["tiepnhan"]
    page = admin.get(f"{LIST}/{staff_id}")
    assert page.status_code == 200
    check_page(page.get_data(as_text=True))
    response = admin.post(f"{LIST}/{staff_id}", {"ho_ten": "Cán bộ tiếp nhận",
                                                 "vai_tro": ["reception", "leader"],
                                                 "quay": "3"})
    assert response.status_code == 303
    staff = _staff(app, "tiepnhan")
    assert (staff.roles, staff.counter) == (["reception", "leader"], 3)
    assert any("account tiepnhan: roles" in line and "counter: 1 → 3" in line
               for line in _log(app))


def test_disable_enable_unlock_and_reset(app, demo, admin):
    staff_id = demo["staff"]["tiepnhan"]
    assert admin.post(f"{LIST}/{staff_id}/hoat-dong", {"hoat_dong": "0"}).status_code == 303
    assert _staff(app, "tiepnhan").active is False
    assert admin.post(f"{LIST}/{staff_id}/hoat-dong", {"hoat_dong": "1"}).status_code == 303
    assert _staff(app, "tiepnhan").active is True
    for _ in range(4):  # the fourth from this address has to wait (tthc/auth/throttle.py)
        _sign_in(app, "tiepnhan", "wrong-password")
    assert "Tạm khóa do nhập sai" in admin.get(LIST).get_data(as_text=True)
    assert admin.post(f"{LIST}/{staff_id}/mo-khoa").status_code == 303
    with app.app_context():
        assert throttle.account_failures("tiepnhan") == 0
    assert "Tạm khóa do nhập sai" not in admin.get(LIST).get_data(as_text=True)
    response = admin.post(f"{LIST}/{staff_id}/mat-khau", {"mat_khau": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    password = re.search(r'id="mat-khau-moi">([^<]+)<', html).group(1)
    assert _sign_in(app, "tiepnhan", password).status_code == 303
    refused = admin.post(f"{LIST}/{staff_id}/mat-khau", {"mat_khau": "123"})
    assert refused.status_code == 422
    assert "ít nhất 10 ký tự" in refused.get_data(as_text=True).split('id="mat_khau-error"')[1]
    log = _log(app)
    for what in ("disabled", "enabled", "unlocked", "password reset"):
        assert any(f"account tiepnhan: {what}" in line for line in log), what
    assert not any(password in line for line in log)


def test_an_admin_cannot_disable_themselves_or_drop_their_admin_role(app, demo, admin):
    me = demo["staff"]["quantri"]
    response = admin.post(f"{LIST}/{me}/hoat-dong", {"hoat_dong": "0"})
    assert response.status_code == 303
    assert _staff(app, "quantri").active is True
    assert "Không thể tự khóa" in admin.get(response.location).get_data(as_text=True)
    response = admin.post(f"{LIST}/{me}", {"ho_ten": "Quản trị", "vai_tro": "reception"})
    assert response.status_code == 422
    assert "Không thể tự bỏ vai trò quản trị" in response.get_data(as_text=True)
    assert "admin" in _staff(app, "quantri").roles


def test_another_offices_admin_cannot_reach_our_accounts(app, demo, other_office):
    theirs = Officer(app, other_office["staff"]["admin"])
    ours = demo["staff"]["tiepnhan"]
    assert theirs.get(f"{LIST}/{ours}").status_code == 404
    assert theirs.post(f"{LIST}/{ours}", {"ho_ten": "x", "vai_tro": "admin"}).status_code == 404
    assert theirs.post(f"{LIST}/{ours}/hoat-dong", {"hoat_dong": "0"}).status_code == 404
    assert theirs.post(f"{LIST}/{ours}/mo-khoa").status_code == 404
    assert theirs.post(f"{LIST}/{ours}/mat-khau", {"mat_khau": GOOD}).status_code == 404
    staff = _staff(app, "tiepnhan")
    assert (staff.active, staff.roles) == (True, ["reception"])
    assert "tiepnhan" not in theirs.get(LIST).get_data(as_text=True)
    # Their new account is theirs.
    theirs.post(NEW, {"ten_dang_nhap": "moi", "ho_ten": "Mới", "vai_tro": "reception",
                      "mat_khau": GOOD})
    assert _staff(app, "moi").office_id == other_office["id"]


@pytest.mark.parametrize("role", ["reception", "specialist", "leader"])
def test_only_admins_manage_accounts(app, other_office, role):
    officer = Officer(app, other_office["staff"][role])
    assert officer.get(LIST).status_code == 403
    assert officer.post(NEW, {"ten_dang_nhap": "x1", "ho_ten": "x", "vai_tro": "admin",
                              "mat_khau": GOOD}).status_code == 403


def test_the_command_line_uses_the_same_functions(app):
    runner = app.test_cli_runner()
    result = runner.invoke(users_cli, ["create", "--office", "demo", "--role", "reception",
                                       "--password", GOOD, "ha.vu"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(users_cli, ["roles", "--role", "leader", "ha.vu"]).exit_code == 0
    assert _staff(app, "ha.vu").roles == ["leader"]
    assert runner.invoke(users_cli, ["disable", "ha.vu"]).exit_code == 0
    assert _staff(app, "ha.vu").active is False
    assert runner.invoke(users_cli, ["enable", "ha.vu"]).exit_code == 0
    for _ in range(3):
        _sign_in(app, "ha.vu", "wrong-password")
    with app.app_context():
        assert throttle.account_failures("ha.vu") == 3
    assert runner.invoke(users_cli, ["unlock", "ha.vu"]).exit_code == 0
    with app.app_context():
        assert throttle.account_failures("ha.vu") == 0
    refused = runner.invoke(users_cli, ["password", "--password", "short", "ha.vu"])
    assert refused.exit_code != 0 and "at least 10 characters" in refused.output


def test_every_password_refusal_has_its_vietnamese_message():
    for password, username in [("tthc-demo", ""), ("xx-tthc-demo-xx", ""), ("short", ""),
                               ("password123", ""), ("an.username-pass", "an.username"),
                               ("aaaaabbbbb", ""), ("98765432101", "")]:
        error = services.password_error(password, username)
        assert error is not None and error.message.text in services._PASSWORD_VI.values()
