"""Failed sign-ins slow down one (username, address) pair, never lock the desk out: counted
in the database (shared by workers), the same for unknown usernames, cleared by a success
or an admin's unlock (tthc/auth/throttle.py)."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.auth.test_login import GENERIC, token
from tests.conftest import make_app
from tthc.auth import passwords, services, throttle
from tthc.auth.cli import users_cli
from tthc.extensions import db
from tthc.models import LoginFailure, Staff

HOME, ELSEWHERE = "192.0.2.10", "198.51.100.7"


class Clock:
    """The slow-down's clock (tthc.auth.throttle reads utcnow), moved by hand."""

    def __init__(self, monkeypatch):
        self.at = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)
        monkeypatch.setattr(throttle, "utcnow", lambda: self.at)

    def move(self, **delta) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def account(app):
    with app.app_context():
        return factories.make_staff(factories.demo_office(), "tiepnhan2").id


def retry_after(response) -> int:
    """The Retry-After header: ours, or Flask-Limiter's window end when that is later (its
    headers take the later of the two)."""
    return int(response.headers["Retry-After"])


def attempt(client, username, password, address=HOME):
    return client.post("/can-bo/dang-nhap", environ_base={"REMOTE_ADDR": address}, data={
        "csrf_token": token(client), "username": username, "password": password})


def test_three_failures_are_free_then_each_attempt_waits_longer(client, account, clock):
    for _ in range(2):
        response = attempt(client, "tiepnhan2", "wrong-password")
        assert response.status_code == 422 and "vui lòng chờ" not in response.text
    third = attempt(client, "tiepnhan2", "wrong-password")
    assert third.status_code == 422
    assert GENERIC in third.text and "vui lòng chờ 2 giây rồi thử lại" in third.text
    # Too soon: refused before any password check, even the right one; told when.
    early = attempt(client, "tiepnhan2", factories.PASSWORD)
    assert early.status_code == 429 and retry_after(early) >= 2
    assert "Đã nhập sai nhiều lần: vui lòng chờ 2 giây rồi thử lại." in early.text
    for wait in (2, 4, 8, 16):
        clock.move(seconds=wait)
        assert attempt(client, "tiepnhan2", "wrong-password").status_code == 422
        refused = attempt(client, "tiepnhan2", "wrong-password")
        assert refused.status_code == 429
        assert f"vui lòng chờ {wait * 2} giây rồi thử lại" in refused.text
        assert retry_after(refused) >= wait * 2
    clock.move(seconds=32)
    assert attempt(client, "tiepnhan2", factories.PASSWORD).status_code == 303


def test_the_wait_is_capped_and_said_in_minutes(client, account, clock):
    for _ in range(3 + 12):
        attempt(client, "tiepnhan2", "wrong-password")
        clock.move(seconds=900)
    clock.move(seconds=-900)
    response = attempt(client, "tiepnhan2", "wrong-password")
    assert response.status_code == 429 and retry_after(response) in (899, 900)  # s rounded
    assert "vui lòng chờ 15 phút rồi thử lại" in response.text


def test_another_address_is_not_slowed_so_the_desk_is_never_locked_out(client, account, clock):
    for _ in range(10):
        attempt(client, "tiepnhan2", "wrong-password")  # an attacker somewhere
    assert attempt(client, "tiepnhan2", "wrong-password").status_code == 429
    desk = client.application.test_client()
    assert attempt(desk, "tiepnhan2", factories.PASSWORD, ELSEWHERE).status_code == 303


def test_a_success_clears_the_pairs_count(app, client, account, clock):
    for _ in range(2):
        attempt(client, "tiepnhan2", "wrong-password")
    assert attempt(client, "tiepnhan2", factories.PASSWORD).status_code == 303
    with app.app_context():
        assert throttle.account_failures("tiepnhan2") == 0
        assert db.session.get(Staff, account).last_login_at is not None
    fresh = app.test_client()
    for _ in range(3):
        assert attempt(fresh, "tiepnhan2", "wrong-password").status_code == 422


def test_unknown_usernames_get_the_same_answers_and_waits(client, account, clock):
    def strip(response) -> str:  # the CSRF tokens carry a time stamp
        return re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.text)

    known = [attempt(client, "tiepnhan2", "wrong-password") for _ in range(4)]
    unknown = [attempt(client, "khong-co-ai", "wrong-password") for _ in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] \
        == [422, 422, 422, 429]
    assert [strip(r) for r in known] == [strip(r) for r in unknown]
    assert retry_after(known[3]) >= 2 and retry_after(unknown[3]) >= 2


def test_an_unknown_username_costs_a_full_scrypt_check(app, monkeypatch):
    checked = []
    real = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash",
                        lambda h, p: checked.append(h) or real(h, p))
    with app.test_request_context():
        assert services.authenticate("khong-co-ai", "wrong-password", HOME) is None
    assert len(checked) == 1 and checked[0].startswith("scrypt:131072:8:1$")


def test_the_table_holds_no_username_as_typed(app, client):
    attempt(client, "my-secret-password-typed-here", "x")
    with app.app_context():
        rows = db.session.scalars(select(LoginFailure)).all()
    assert rows and not any("secret" in r.account for r in rows)
    assert {r.address for r in rows} == {HOME}


def test_an_address_failing_on_many_usernames_waits(database_url, tmp_path, clock):
    app = make_app(database_url, tmp_path,
                   TTHC_LOGIN_ADDRESS_FREE_FAILURES=5)
    client = app.test_client()
    assert attempt(client, "tiepnhan", "tthc-demo").status_code == 303  # a success is free
    client = app.test_client()
    codes = [attempt(client, f"doan-{i}", "wrong-password").status_code for i in range(6)]
    assert codes == [422] * 5 + [429]
    assert attempt(client, "tiepnhan", "tthc-demo").status_code == 429
    assert attempt(client, "tiepnhan", "tthc-demo", ELSEWHERE).status_code == 303


def test_counts_are_forgotten_after_the_window(client, account, clock):
    for _ in range(3):
        attempt(client, "tiepnhan2", "wrong-password")
    clock.move(minutes=61)
    for _ in range(3):  # free again
        assert attempt(client, "tiepnhan2", "wrong-password").status_code == 422


def test_the_admins_unlock_and_the_command_line_clear_the_counts(app, client, account, clock):
    for address in (HOME, ELSEWHERE):
        for _ in range(4):
            attempt(client, "tiepnhan2", "wrong-password", address)
    with app.app_context():
        staff = db.session.get(Staff, account)
        assert services.is_locked(staff) and staff.failed_logins == 6
        assert services.unlock(staff) is True
        assert not services.is_locked(staff) and staff.failed_logins == 0
    assert attempt(client, "tiepnhan2", factories.PASSWORD).status_code == 303
    for _ in range(4):
        attempt(app.test_client(), "tiepnhan2", "wrong-password")
    result = app.test_cli_runner().invoke(users_cli, ["unlock", "tiepnhan2"])
    assert result.exit_code == 0, result.output
    assert attempt(app.test_client(), "tiepnhan2", factories.PASSWORD).status_code == 303


def _parallel_claims(app, n: int = 12) -> list[int]:
    """*n* attempts of one pair at once, each in its own thread and session (workers)."""
    results: list[int] = []
    start = threading.Barrier(n)

    def one():
        with app.app_context():
            start.wait()
            results.append(throttle.claim("tiepnhan", HOME))
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _assert_counted_once_each(app, results: list[int]) -> None:
    # The first three attempts are charged and may be checked; the fourth set a wait that
    # every later one meets: no guess slips past the count, none is counted twice.
    assert sorted(r == 0 for r in results).count(True) == 3
    with app.app_context():
        rows = {r.account: r.failures for r in db.session.scalars(select(LoginFailure))}
        assert rows[throttle.account_key("tiepnhan")] == 3 and rows[throttle.ANY_ACCOUNT] == 3


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_parallel_attempts_are_counted_exactly_on_sqlite(app):
    _assert_counted_once_each(app, _parallel_claims(app))


@pytest.mark.postgres
def test_parallel_attempts_are_counted_exactly_on_postgres(pg_app):
    _assert_counted_once_each(pg_app, _parallel_claims(pg_app))
    with pg_app.test_request_context():
        staff = db.session.scalar(select(Staff).filter_by(username="tiepnhan"))
        assert services.is_locked(staff) and staff.failed_logins == 3
        assert services.unlock(staff) and staff.failed_logins == 0
