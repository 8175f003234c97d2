"""Signing in and out: messages, rate limit, session lifetime, redirects (the slow-down
after failures: test_throttle.py; sessions ending: test_sessions.py)."""

import datetime as dt
import re

import pytest

from tests.auth import factories
from tests.conftest import make_app
from tests.html import check_page
from tthc.extensions import db
from tthc.models import Staff

GENERIC = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def token(client) -> str:
    html = client.get("/can-bo/dang-nhap").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, username, password, next_=""):
    return client.post("/can-bo/dang-nhap", data={
        "csrf_token": token(client), "username": username, "password": password,
        "next": next_})


@pytest.fixture
def account(app):
    """A reception account with a known password (cheap hash) in the demo office."""
    with app.app_context():
        return factories.make_staff(factories.demo_office(), "tiepnhan2").id


def staff(app, staff_id) -> Staff:
    with app.app_context():
        s = db.session.get(Staff, staff_id)
        db.session.expunge(s)
        return s


def test_login_page(client):
    response = client.get("/can-bo/dang-nhap")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    assert 'autocomplete="current-password"' in html and 'action="/can-bo/dang-nhap"' in html


def test_demo_reception_account_signs_in_to_the_counter_screen(client):
    response = sign_in(client, "tiepnhan", "tthc-demo")
    assert response.status_code == 303 and response.location == "/can-bo/quay"
    assert client.get("/can-bo/quay").status_code == 200


@pytest.mark.parametrize("username, start, title", [
    ("chuyenmon", "/can-bo/viec-cua-toi", "Hồ sơ tôi đang giải quyết"),
    ("lanhdao", "/can-bo/viec-cua-toi", "Chờ ký"),
    ("quantri", "/can-bo", "Trang cán bộ"),
])
def test_other_demo_accounts_land_on_their_start_page(client, username, start, title):
    """Specialists and leaders start on their own work; the admin on the staff home."""
    response = sign_in(client, username, "tthc-demo")
    assert response.location == start
    page = client.get(start)
    assert page.status_code == 200 and title in page.get_data(as_text=True)


def test_username_is_case_and_space_insensitive(client, account):
    assert sign_in(client, "  TiepNhan2 ", factories.PASSWORD).status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(client, account):
    wrong = sign_in(client, "tiepnhan2", "not-the-password")
    unknown = sign_in(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert GENERIC in strip(wrong)


def test_disabled_account_cannot_sign_in_and_its_session_ends(client, app, account):
    factories.login(client, account)
    assert client.get("/can-bo").status_code == 200
    with app.app_context():
        db.session.get(Staff, account).active = False
        db.session.commit()
    assert client.get("/can-bo").status_code == 303
    fresh = app.test_client()
    assert sign_in(fresh, "tiepnhan2", factories.PASSWORD).status_code == 422


def test_login_is_rate_limited(database_url, tmp_path):
    app = make_app(database_url, tmp_path,
                   TTHC_LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    # Other usernames each time: the database's slow-down per username stays out of it.
    codes = [sign_in(client, f"x-nobody{i}", "wrong-password").status_code for i in range(4)]
    assert codes == [422, 422, 422, 429]
    assert "Quá nhiều yêu cầu" in sign_in(client, "x", "y").get_data(as_text=True)
    assert client.get("/can-bo/dang-nhap").status_code == 200  # only POSTs count


def test_next_is_followed_only_within_the_site(client, account):
    assert sign_in(client, "tiepnhan2", factories.PASSWORD, "/can-bo").location == "/can-bo"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        c = client.application.test_client()
        assert sign_in(c, "tiepnhan2", factories.PASSWORD, evil).location == "/can-bo/quay"


def test_anonymous_staff_page_redirects_to_login_and_back(client, account):
    response = client.get("/can-bo/quay")
    assert response.status_code == 303
    assert response.location == "/can-bo/dang-nhap?next=/can-bo/quay"
    page = client.get(response.location).get_data(as_text=True)
    assert 'name="next" value="/can-bo/quay"' in page
    assert sign_in(client, "tiepnhan2", factories.PASSWORD, "/can-bo/quay").location == \
        "/can-bo/quay"


def test_anonymous_htmx_poll_is_told_to_reload_the_login_page(client):
    response = client.get("/can-bo/quay", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/can-bo/dang-nhap")


def test_signed_in_visit_to_the_login_page_goes_to_work(client, account):
    factories.login(client, account)
    assert client.get("/can-bo/dang-nhap").location == "/can-bo/quay"


def test_logout_is_a_post_and_ends_the_session(client, account):
    sign_in(client, "tiepnhan2", factories.PASSWORD)
    assert client.get("/can-bo/dang-xuat").status_code == 405
    response = client.post("/can-bo/dang-xuat", data={"csrf_token": factories.csrf(client)})
    assert response.status_code == 303 and response.location == "/can-bo/dang-nhap"
    assert "Đã đăng xuất." in client.get("/can-bo/dang-nhap").get_data(as_text=True)
    assert client.get("/can-bo").status_code == 303


def test_logout_without_token_is_refused(client, account):
    factories.login(client, account)
    assert client.post("/can-bo/dang-xuat").status_code == 400
    assert client.get("/can-bo").status_code == 200


def test_login_without_csrf_token_gets_the_expired_page(client):
    response = client.post("/can-bo/dang-nhap", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "Trang đã hết hạn" in response.get_data(as_text=True)


def test_staff_session_lasts_the_configured_hours(database_url, tmp_path):
    app = make_app(database_url, tmp_path, TTHC_STAFF_SESSION_HOURS=2)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(hours=2)
    client = app.test_client()
    response = sign_in(client, "tiepnhan", "tthc-demo")
    cookie = response.headers["Set-Cookie"]
    expires = dt.datetime.strptime(re.search(r"Expires=([^;]+)", cookie).group(1),
                                   "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.timezone.utc)
    left = expires - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(hours=1, minutes=59) < left <= dt.timedelta(hours=2)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_default_session_lifetime_is_a_working_day(app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(hours=10)


def test_signing_in_keeps_the_chosen_language(client, account):
    client.get("/can-bo/dang-nhap?lang=en")
    sign_in(client, "tiepnhan2", factories.PASSWORD)
    assert 'lang="en"' in client.get("/can-bo").get_data(as_text=True)


def test_the_signed_in_officer_is_read_fresh_on_every_request(app, client, account):
    """A role or counter changed by the admin applies at the next click; a disabled account
    is signed out at its next click."""
    sign_in(client, "tiepnhan2", factories.PASSWORD)
    home = client.get("/can-bo").get_data(as_text=True)
    assert "Cán bộ tiếp nhận" in home and "Lãnh đạo" not in home
    with app.app_context():
        row = db.session.get(Staff, account)
        row.roles, row.counter = ["reception", "leader"], 3
        db.session.commit()
    assert "Lãnh đạo" in client.get("/can-bo").get_data(as_text=True)
    assert "Quầy số 3" in client.get("/can-bo/quay").get_data(as_text=True)
    with app.app_context():
        db.session.get(Staff, account).active = False
        db.session.commit()
    response = client.get("/can-bo")
    assert response.status_code == 303 and "/can-bo/dang-nhap" in response.location


def test_the_staff_home_names_the_ledger_form_of_the_framework_in_force(app, client, account):
    """The ledger is Form 07 under Circular 03/2025 (in force today) and Form 06 while the
    2018 forms are: the office admin's day for Circular 03/2025, read at each visit; another
    office's day changes nothing here."""
    from tthc.models import Setting

    sign_in(client, "tiepnhan2", factories.PASSWORD)
    assert "Mẫu số 07" in client.get("/can-bo").get_data(as_text=True)
    key, later = "framework.date.nd118-2025-tt03", "2099-01-01"
    with app.app_context():
        other = factories.make_office("khac")
        db.session.add(Setting(office_id=other.id, key=key, value=later))
        db.session.commit()
    assert "Mẫu số 07" in client.get("/can-bo").get_data(as_text=True)
    with app.app_context():
        db.session.add(Setting(office_id=factories.demo_office().id, key=key, value=later))
        db.session.commit()
    assert "Mẫu số 06" in client.get("/can-bo").get_data(as_text=True)


@pytest.mark.parametrize("evil", ["/can-bo\r\nSet-Cookie: x=1", "/can-bo\nLocation: //evil",
                                  "/can-bo\x00", "/can-bo\t", "/can-bo\x7f", "http://[::1"])
def test_control_characters_in_next_are_dropped_never_a_500(client, account, evil):
    """CR/LF would split the Location header: such a next= is dropped, on the page and after
    the sign-in; an unparsable URL likewise."""
    page = client.get("/can-bo/dang-nhap", query_string={"next": evil})
    assert page.status_code == 200 and 'name="next" value=""' in page.get_data(as_text=True)
    response = sign_in(client, "tiepnhan2", factories.PASSWORD, evil)
    assert response.status_code == 303 and response.location == "/can-bo/quay"
    assert client.get("/can-bo/dang-nhap", query_string={"next": evil}).location == \
        "/can-bo/quay"
