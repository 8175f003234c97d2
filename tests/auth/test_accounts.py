"""Accounts from the command line, the demo accounts, the demo-password start-up check,
and the helpers other blueprints reuse (office_scoped, scoped_get_or_404, log_access)."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from tests.auth import factories
from tests.conftest import make_app
from tthc import ConfigurationError, create_app
from tthc.auth import log_access, office_scoped, scoped_get_or_404
from tthc.auth.passwords import password_problem
from tthc.cli import demo_load, demo_logins
from tthc.extensions import db
from tthc.models import AccessLog, ServiceGroup, Staff, Ticket
from tthc.queue import services

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD = "Quầy-số-1-an-toàn"


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def account(app, username):
    with app.app_context():
        return db.session.scalar(select(Staff).filter_by(username=username))


# --------------------------------------------------------------------------- flask users

def test_create_with_password_option(app):
    result = cli(app, "users", "create", "--office", "demo", "--role", "reception",
                 "--counter", "2", "--name", "Lê Thị Hoa", "--password", GOOD, "hoa.le")
    assert result.exit_code == 0, result.output
    staff = account(app, "hoa.le")
    assert (staff.roles, staff.counter, staff.full_name) == (["reception"], 2, "Lê Thị Hoa")
    assert staff.password_hash.startswith("scrypt:") and GOOD not in staff.password_hash


def test_create_prompts_twice_and_retries_a_weak_password(app):
    result = cli(app, "users", "create", "--office", "demo", "--role", "leader",
                 "--role", "admin", "truong", input=f"short\nshort\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Refused" in result.output
    assert account(app, "truong").roles == ["leader", "admin"]


def test_create_prompt_mismatch_asks_again(app):
    result = cli(app, "users", "create", "--office", "demo", "--role", "specialist", "cm2",
                 input=f"{GOOD}\nother-thing-1\n{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert account(app, "cm2") is not None


@pytest.mark.parametrize("password, reason", [
    ("tthc-demo", "demo"), ("short1", "10 characters"), ("1234567890", "common"),
    ("aaaaaaaaaaaa", "5 different"), ("9876543210987", "digits only"),
    ("nguoidung-xyz-1", "username"), ("my-tthc-demo-2", "demo password"),
])
def test_weak_passwords_are_refused(app, password, reason):
    result = cli(app, "users", "create", "--office", "demo", "--role", "reception",
                 "--password", password, "nguoidung")
    assert result.exit_code != 0
    assert reason in result.output
    assert account(app, "nguoidung") is None


@pytest.mark.parametrize("args, message", [
    (["--office", "nowhere", "--role", "reception"], "no office"),
    (["--office", "demo", "--role", "boss"], "Invalid value"),
    (["--office", "demo", "--role", "reception", "--counter", "0"], "counter"),
])
def test_create_refuses_bad_options(app, args, message):
    result = cli(app, "users", "create", *args, "--password", GOOD, "ok-name")
    assert result.exit_code != 0 and message in result.output


def test_create_refuses_taken_and_malformed_usernames(app):
    assert "taken" in cli(app, "users", "create", "--office", "demo", "--role", "reception",
                          "--password", GOOD, "TiepNhan").output
    assert "username" in cli(app, "users", "create", "--office", "demo", "--role",
                             "reception", "--password", GOOD, "có dấu").output


def test_password_list_and_disable(app):
    assert cli(app, "users", "password", "--password", GOOD, "tiepnhan").exit_code == 0
    assert "tthc-demo" in cli(app, "users", "password", "--password", "tthc-demo",
                              "tiepnhan").output  # refused, and says why
    listing = cli(app, "users", "list").output
    assert "tiepnhan\tdemo\treception\tcounter 1\tactive" in listing
    assert cli(app, "users", "disable", "quantri").exit_code == 0
    assert "quantri\tdemo\tadmin\t-\tdisabled" in cli(app, "users", "list").output
    assert cli(app, "users", "disable", "nobody").exit_code != 0


def test_password_problem_accepts_a_reasonable_passphrase():
    assert password_problem("mùa thu Hà Nội 2026", "tiepnhan") is None


# --------------------------------------------------------------------------- demo data

def test_demo_load_is_idempotent_and_creates_groups_and_accounts(app):
    result = app.test_cli_runner().invoke(demo_load)
    assert "queue groups: 0 added; staff accounts: 0 added" in result.output
    with app.app_context():
        prefixes = db.session.scalars(select(ServiceGroup.prefix).order_by(ServiceGroup.prefix))
        assert list(prefixes) == ["A", "B", "C"]
        roles = {s.username: s.roles for s in db.session.scalars(select(Staff))}
        assert roles == {"tiepnhan": ["reception"], "chuyenmon": ["specialist"],
                         "lanhdao": ["leader"], "quantri": ["admin"]}


def test_demo_logins_prints_the_accounts(app):
    output = app.test_cli_runner().invoke(demo_logins).output
    for username in ("tiepnhan", "chuyenmon", "lanhdao", "quantri", "tthc-demo"):
        assert username in output


def test_make_run_serves_the_demo_on_purpose():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "TTHC_DEMO=1" in run and "flask demo logins" in run


# --------------------------------------------------------------------------- start-up check

def _production(database_url, tmp_path, monkeypatch, **config):
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TTHC_DEMO", raising=False)
    # TTHC_PLAIN_HTTP: served over plain HTTP on purpose (tests/test_hardening.py checks the
    # refusal without it).
    return create_app({"SECRET_KEY": "real", "SQLALCHEMY_DATABASE_URI": database_url,
                       "TTHC_PLAIN_HTTP": True, **config})


def test_production_start_refuses_demo_passwords(database_url, tmp_path, monkeypatch):
    with pytest.raises(ConfigurationError, match="tiepnhan.*demo password"):
        _production(database_url, tmp_path, monkeypatch)


def test_demo_mode_debug_and_tests_may_start(database_url, tmp_path, monkeypatch):
    assert _production(database_url, tmp_path, monkeypatch, TTHC_DEMO=True)
    assert _production(database_url, tmp_path, monkeypatch, DEBUG=True)
    assert _production(database_url, tmp_path, monkeypatch, TESTING=True)


def test_production_starts_once_demo_passwords_are_gone(database_url, tmp_path, monkeypatch):
    app = make_app(database_url, tmp_path)
    for username in ("tiepnhan", "chuyenmon", "lanhdao"):
        assert cli(app, "users", "password", "--password", GOOD, username).exit_code == 0
    assert cli(app, "users", "disable", "quantri").exit_code == 0
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    assert create_app({"SECRET_KEY": "real", "TTHC_PLAIN_HTTP": True,
                       "SQLALCHEMY_DATABASE_URI": database_url})


def test_production_start_on_an_unmigrated_database_is_left_to_db_upgrade(tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    assert create_app({"SECRET_KEY": "real", "TTHC_PLAIN_HTTP": True,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite'}"})


# --------------------------------------------------------------------------- helpers

def test_office_scoped_and_scoped_get(app, other_office):
    with app.app_context():
        office = factories.demo_office()
        mine = services.issue_ticket(office, factories.groups(office.id)[0]).id
        theirs = services.issue_ticket(other_office["id"], other_office["groups"][0]).id
    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(Staff, other_office["staff"]["reception"]))
        ids = db.session.scalars(office_scoped(select(Ticket.id).select_from(Ticket), Ticket))
        assert list(ids) == [theirs]
        assert list(db.session.scalars(office_scoped(select(Ticket)))) == \
            [db.session.get(Ticket, theirs)]
        assert scoped_get_or_404(Ticket, theirs).id == theirs
        with pytest.raises(NotFound):
            scoped_get_or_404(Ticket, mine)
        with pytest.raises(NotFound):
            scoped_get_or_404(Ticket, 99999)


def test_log_access_appends_with_the_officers_office(app, other_office):
    with app.test_request_context():
        from flask_login import login_user

        login_user(db.session.get(Staff, other_office["staff"]["specialist"]))
        entry = log_access(None, "view", "danh sách hồ sơ")
        db.session.commit()
        log_access(None, "print", commit=True)
        rows = db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
        assert [(r.action, r.office_id, r.staff_id) for r in rows] == [
            ("view", other_office["id"], other_office["staff"]["specialist"]),
            ("print", other_office["id"], other_office["staff"]["specialist"])]
        assert entry.detail == "danh sách hồ sơ"
        assert db.session.scalar(select(func.count()).select_from(AccessLog)) == 2


def test_rush_accounts_count_as_demo_accounts(database_url, tmp_path, monkeypatch):
    app = make_app(database_url, tmp_path)
    for username in ("tiepnhan", "chuyenmon", "lanhdao", "quantri"):
        cli(app, "users", "disable", username)
    cli(app, "demo", "rush", "--officers", "1", "--tickets", "0")
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="demo-quay-01"):
        create_app({"SECRET_KEY": "real", "TTHC_PLAIN_HTTP": True,
                    "SQLALCHEMY_DATABASE_URI": database_url})
