"""The factory, configuration layering, health check, error pages and response headers."""

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_app
from tests.html import check_page
from tthc import ConfigurationError
from tthc.config import from_environ, normalise_database_url

ROOT = Path(__file__).resolve().parent.parent


def test_configuration_layers_defaults_instance_environment_tests(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance'\nTTHC_SEARCH_MAX = 50\nTTHC_OFFICE = 'instance-office'\n"
    )
    monkeypatch.setenv("TTHC_OFFICE", "env-office")
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path, TTHC_SEARCH_MAX=70)
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"  # default
    assert app.config["TTHC_OFFICE"] == "env-office"  # environment over instance
    assert app.config["TTHC_SEARCH_MAX"] == 70  # tests over everything
    monkeypatch.delenv("TTHC_OFFICE")
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path, SECRET_KEY=None)
    # SECRET_KEY=None in the test mapping is falsy: testing mode gives a dev key
    assert app.config["TTHC_OFFICE"] == "instance-office"


def test_environment_mapping():
    config = from_environ({"DATABASE_URL": "postgres://u@h/db", "SECRET_KEY": "s",
                           "TTHC_SEARCH_MAX": "120", "TTHC_SESSION_COOKIE_SECURE": "1",
                           "TTHC_SEARCH_MAX_BAD": "x", "PATH": "/bin"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert config["SECRET_KEY"] == "s"
    assert config["TTHC_SEARCH_MAX"] == 120
    assert config["SESSION_COOKIE_SECURE"] is True
    assert "PATH" not in config
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_production_start_without_secret_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    from tthc import create_app

    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_domain_imports_no_web_or_database_library():
    code = (
        "import pkgutil, importlib, sys, tthc.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__): importlib.import_module('tthc.domain.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('flask', 'sqlalchemy', 'wtforms', 'flask_wtf', 'flask_babel', 'werkzeug', 'jinja2'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == ""
    # and it did import the domain modules (the check is not vacuous)
    listed = subprocess.run([sys.executable, "-c", "import pkgutil, tthc.domain as d; "
                             "print(len(list(pkgutil.iter_modules(d.__path__))))"],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    assert int(listed.stdout) >= 5


def test_healthz_answers_200_with_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["database"] == "ok"


def test_healthz_answers_503_without_one(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite'}", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"


def test_404_page_in_english(client):
    response = client.get("/khong-co?lang=en")
    assert response.status_code == 404
    text_ = response.get_data(as_text=True)
    assert "Page not found" in text_ and 'lang="en"' in text_


def test_405_page_inside_the_layout(client):
    response = client.post("/thu-tuc", data={})
    # CSRF is checked before routing gets to say 405: send a token-less POST to a GET-only
    # route and expect either the CSRF page or 405, never a bare error.
    assert response.status_code in (400, 405)
    assert "<html" in response.get_data(as_text=True)
    app_client = make_app("sqlite://", Path("/tmp"), WTF_CSRF_ENABLED=False).test_client()
    response = app_client.post("/thu-tuc")
    assert response.status_code == 405
    assert "Thao tác không được hỗ trợ" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


def test_413_page(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path, MAX_CONTENT_LENGTH=10,
                   WTF_CSRF_ENABLED=False)

    @app.post("/_upload")
    def upload():
        from flask import request

        return str(len(request.form))

    response = app.test_client().post("/_upload", data={"a": "x" * 100})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_expired_csrf_token_gets_a_clear_page_and_fragment(app, htmx_headers):
    @app.post("/_save")
    def save():
        return "saved"

    client = app.test_client()
    response = client.post("/_save", data={"csrf_token": "stale"})
    assert response.status_code == 400
    assert "Trang đã hết hạn" in response.get_data(as_text=True)
    fragment = client.post("/_save", data={"csrf_token": "stale"}, headers=htmx_headers)
    assert fragment.status_code == 400
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#flash"


def test_500_rolls_back_and_renders_in_the_layout(tmp_path, database_url):
    app = make_app(database_url, tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from tthc.extensions import db

    @app.get("/_boom")
    def boom():
        db.session.execute(text("UPDATE office SET name = 'half-done'"))
        raise RuntimeError("boom")

    client = app.test_client()
    response = client.get("/_boom")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.get_data(as_text=True)
    check_page(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.execute(text("SELECT name FROM office")).scalar() != "half-done"
    fragment = client.get("/_boom", headers={"HX-Request": "true"})
    assert fragment.status_code == 500 and "<html" not in fragment.get_data(as_text=True)


def test_pages_are_compressed_and_carry_security_headers(client):
    response = client.get("/thu-tuc", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] in ("gzip", "br")
    body = gzip.decompress(response.get_data())
    assert b"<html" in body
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_versioned_and_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    vendored = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"
    digest = hashlib.sha256(vendored.read_bytes()).hexdigest()[:12]
    assert f"/static/vendor/htmx-2.0.11.min.js?v={digest}" in page
    response = client.get(f"/static/vendor/htmx-2.0.11.min.js?v={digest}")
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "cdn" not in page.lower() and "googleapis" not in page


def test_vendored_htmx_is_the_pinned_release():
    import base64

    data = (ROOT / "static" / "vendor" / "htmx-2.0.11.min.js").read_bytes()
    sri = base64.b64encode(hashlib.sha384(data).digest()).decode()
    assert sri == "2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def test_migrations_build_the_schema_without_create_all(empty_app):
    from tthc.extensions import db

    with empty_app.app_context():
        tables = set(db.inspect(db.engine).get_table_names())
    assert {"office", "procedure", "procedure_version", "alembic_version"} <= tables


@pytest.mark.sqlite_only("holds the SQLite file's write lock through sqlite3")
def test_a_busy_database_is_a_503_that_says_nothing_was_saved(tmp_path, seeded_sqlite):
    """SQLite stays locked by another writer: serialised() gives up, the answer says so."""
    import shutil
    import sqlite3

    from tthc.extensions import db
    from tthc.transactions import serialised

    path = tmp_path / "db.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path, WTF_CSRF_ENABLED=False,
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.01}})

    @app.post("/_rename")
    def rename():
        with serialised(attempts=2) as session:
            session.execute(text("UPDATE office SET name = 'renamed'"))
        return "saved"

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        client = app.test_client()
        page = client.post("/_rename?lang=vi")
        assert page.status_code == 503 and page.headers["Retry-After"] == "2"
        body = page.get_data(as_text=True)
        assert "<html" in body and "chưa được lưu" in body
        check_page(body)
        fragment = client.post("/_rename", headers={"HX-Request": "true"})
        assert fragment.status_code == 503 and fragment.headers["Retry-After"] == "2"
        assert "<html" not in fragment.get_data(as_text=True)
        assert "chưa được lưu" in fragment.get_data(as_text=True)
        assert fragment.headers["HX-Retarget"] == "#flash"
    finally:
        other.rollback()
        other.close()
    with app.app_context():
        assert db.session.execute(text("SELECT name FROM office")).scalar() != "renamed"
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_app(request, tmp_path):
    from flask_migrate import upgrade

    from tthc.extensions import db

    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'times.sqlite'}"
    else:
        uri = request.getfixturevalue("postgres_url")
    app = make_app(uri, tmp_path)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_stored_datetimes_come_back_aware_and_equal(migrated_app):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from tthc.extensions import db
    from tthc.models import Office, Staff

    hanoi = dt.datetime(2026, 3, 2, 7, 45, 12, 345000, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with migrated_app.app_context():
        office = Office(code="x", name="UBND phường X", province="Hà Nội")
        db.session.add(office)
        db.session.flush()
        db.session.add(Staff(office_id=office.id, username="a", full_name="A", password_hash="-",
                             last_login_at=hanoi))
        # A naive value is taken to be UTC.
        db.session.add(Staff(office_id=office.id, username="b", full_name="B", password_hash="-",
                             last_login_at=dt.datetime(2026, 3, 2, 0, 45, 12)))
        db.session.commit()
        db.session.expunge_all()
        a, b = (db.session.scalar(select(Staff).filter_by(username=u)) for u in ("a", "b"))
        for staff in (a, b):
            assert staff.last_login_at.utcoffset() == dt.timedelta(0)
            assert staff.created_at.tzinfo is not None  # the column default too
        assert a.last_login_at == hanoi and a.last_login_at.hour == 0
        assert b.last_login_at == hanoi.replace(microsecond=0)
        # Comparisons in SQL see the same instant whatever zone the parameter is in.
        later = hanoi.astimezone(dt.timezone(dt.timedelta(hours=-5))) + dt.timedelta(seconds=1)
        found = db.session.scalars(select(Staff.username).where(Staff.last_login_at < later)
                                   .order_by(Staff.username)).all()
        assert found == ["a", "b"]
        assert db.session.scalars(select(Staff.username).where(
            Staff.last_login_at > hanoi - dt.timedelta(milliseconds=100))).all() == ["a"]
