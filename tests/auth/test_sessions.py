"""A session ends for good: a saved cookie replayed after sign-out, after a new password
(command line or admin page), after disabling, after idling or past the day's limit, is
refused (tthc/auth/sessions.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.auth import factories
from tests.auth.test_login import sign_in
from tests.desk.conftest import Officer
from tthc.auth import services, sessions
from tthc.auth.cli import users_cli
from tthc.extensions import db
from tthc.models import Staff

NEW_PASSWORD = "mot-mat-khau-moi-42"


class Clock:
    """The sessions' clock (tthc.auth.sessions reads utcnow), moved by hand."""

    def __init__(self, monkeypatch):
        self.at = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)
        monkeypatch.setattr(sessions, "utcnow", lambda: self.at)

    def move(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def account(app):
    with app.app_context():
        return factories.make_staff(factories.demo_office(), "tiepnhan2").id


def saved_cookie(client) -> str:
    return client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]).value


def replay(app, cookie: str):
    """A request from another computer carrying a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return thief.get("/can-bo")


def signed_in(app, client) -> str:
    assert sign_in(client, "tiepnhan2", factories.PASSWORD).status_code == 303
    assert client.get("/can-bo").status_code == 200
    cookie = saved_cookie(client)
    assert replay(app, cookie).status_code == 200  # the copy works while the session lives
    return cookie


def refused(response) -> bool:
    return response.status_code == 303 and "/can-bo/dang-nhap" in response.location


def test_a_saved_cookie_does_not_work_after_sign_out(app, client, account):
    cookie = signed_in(app, client)
    client.post("/can-bo/dang-xuat", data={"csrf_token": factories.csrf(client)})
    assert refused(replay(app, cookie))


def test_signing_out_ends_the_accounts_other_sessions_too(app, client, account):
    other = app.test_client()
    signed_in(app, other)
    signed_in(app, client)
    client.post("/can-bo/dang-xuat", data={"csrf_token": factories.csrf(client)})
    response = other.get("/can-bo")
    assert refused(response)
    page = other.get(response.location).get_data(as_text=True)
    assert "Phiên làm việc đã kết thúc (đã đăng xuất hoặc đổi mật khẩu)" in page
    assert "Phiên làm việc đã kết thúc" not in other.get("/can-bo/dang-nhap").get_data(
        as_text=True)  # said once


def test_a_saved_cookie_does_not_work_after_a_password_change_by_command_line(
        app, client, account):
    cookie = signed_in(app, client)
    result = app.test_cli_runner().invoke(users_cli, ["password", "--password", NEW_PASSWORD,
                                                      "tiepnhan2"])
    assert result.exit_code == 0, result.output
    assert refused(replay(app, cookie))
    assert refused(client.get("/can-bo"))
    assert sign_in(app.test_client(), "tiepnhan2", NEW_PASSWORD).status_code == 303


def test_a_saved_cookie_does_not_work_after_the_admins_reset(app, client, account, demo):
    cookie = signed_in(app, client)
    admin = Officer(app, demo["staff"]["quantri"])
    response = admin.post(f"/can-bo/quan-tri/can-bo/{account}/mat-khau",
                          {"mat_khau": NEW_PASSWORD})
    assert response.status_code == 200
    assert refused(replay(app, cookie))
    assert admin.get("/can-bo").status_code == 200  # the admin's own session goes on


def test_disabling_ends_sessions_even_once_enabled_again(app, client, account):
    cookie = signed_in(app, client)
    with app.app_context():
        staff = db.session.get(Staff, account)
        services.set_active(staff, False)
        services.set_active(staff, True)
    assert refused(replay(app, cookie))


def test_a_cookie_without_the_counter_is_refused(app, account):
    """A cookie of the old form ("id" alone, before 0008a) signs nobody in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(account)
        session[sessions.SINCE] = session[sessions.SEEN] = sessions.stamp()
    assert refused(client.get("/can-bo"))


def test_idle_staff_are_signed_out_after_the_configured_minutes(app, client, account, clock):
    cookie = signed_in(app, client)
    clock.move(minutes=29)
    assert client.get("/can-bo").status_code == 200  # a click: seen again
    clock.move(minutes=29)
    assert client.get("/can-bo").status_code == 200
    clock.move(minutes=31)
    response = client.get("/can-bo")
    assert refused(response)
    assert "Đã quá 30 phút không thao tác" in client.get(response.location).get_data(
        as_text=True)
    assert refused(replay(app, cookie))


def test_idling_is_counted_from_the_last_click_the_cookie_carries(app, client, account, clock):
    """A thief's copy made before the last clicks idles out from its own stamp."""
    cookie = signed_in(app, client)
    clock.move(minutes=20)
    client.get("/can-bo")
    clock.move(minutes=15)
    assert client.get("/can-bo").status_code == 200
    assert refused(replay(app, cookie))


def test_htmx_polls_do_not_keep_a_session_alive(app, client, account, clock, htmx_headers):
    signed_in(app, client)
    for _ in range(6):
        clock.move(minutes=5)
        assert client.get("/can-bo/quay", headers=htmx_headers).status_code == 200
    clock.move(minutes=1)
    assert client.get("/can-bo/quay", headers=htmx_headers).status_code == 401


def test_the_idle_limit_is_configurable(database_url, tmp_path, clock):
    from tests.conftest import make_app

    app = make_app(database_url, tmp_path, TTHC_STAFF_IDLE_MINUTES=5)
    client = app.test_client()
    assert sign_in(client, "tiepnhan", "tthc-demo").status_code == 303
    clock.move(minutes=4)
    assert client.get("/can-bo").status_code == 200
    clock.move(minutes=6)
    assert refused(client.get("/can-bo"))


def test_the_cookie_is_sent_again_at_most_once_a_minute(app, client, account, clock):
    signed_in(app, client)
    clock.move(seconds=30)
    assert "Set-Cookie" not in client.get("/can-bo").headers
    clock.move(seconds=31)
    assert "Set-Cookie" in client.get("/can-bo").headers
    clock.move(seconds=10)
    assert "Set-Cookie" not in client.get("/can-bo").headers


def test_activity_does_not_extend_the_limit_from_sign_in(app, client, account, clock):
    signed_in(app, client)
    for _ in range(10 * 3 - 1):  # a click every 20 minutes for almost 10 hours
        clock.move(minutes=20)
        assert client.get("/can-bo").status_code == 200
    clock.move(minutes=21)
    response = client.get("/can-bo")
    assert refused(response)
    assert "Phiên làm việc đã hết thời hạn" in client.get(response.location).get_data(
        as_text=True)


@pytest.mark.postgres
def test_a_saved_cookie_does_not_work_after_sign_out_on_postgres(pg_app):
    client = pg_app.test_client()
    assert sign_in(client, "tiepnhan", "tthc-demo").status_code == 303
    cookie = saved_cookie(client)
    assert replay(pg_app, cookie).status_code == 200
    client.post("/can-bo/dang-xuat", data={"csrf_token": factories.csrf(client)})
    assert refused(replay(pg_app, cookie))
    assert sign_in(client, "tiepnhan", "tthc-demo").status_code == 303
    assert client.get("/can-bo").status_code == 200
