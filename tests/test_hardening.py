"""Production start-up refuses plain HTTP unless told; static files carry the security
headers; X-Forwarded-* is trusted only from as many proxies as configured."""

from __future__ import annotations

import shutil

import pytest
from flask import request

from tests.conftest import make_app
from tthc import ConfigurationError
from tthc.extensions import db


@pytest.fixture
def database(seeded_sqlite, tmp_path):
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    return f"sqlite:///{path}"


def production(database, tmp_path, **config):
    """The app as gunicorn serves it: not testing, not debug (TTHC_DEMO: the seed's accounts)."""
    return make_app(database, tmp_path, TESTING=False, TTHC_DEMO=True, **config)


def dispose(app):
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_to_start_without_secure_cookies(database, tmp_path):
    with pytest.raises(ConfigurationError, match="TTHC_SESSION_COOKIE_SECURE=1"):
        production(database, tmp_path)
    with pytest.raises(ConfigurationError, match="HSTS"):
        production(database, tmp_path, SESSION_COOKIE_SECURE=True, TTHC_HSTS_SECONDS=0)


def test_production_behind_https_sends_hsts_and_secure_cookies(database, tmp_path):
    app = production(database, tmp_path, SESSION_COOKIE_SECURE=True)
    try:
        assert app.config["REMEMBER_COOKIE_SECURE"] is True  # follows the session cookie
        client = app.test_client()
        page = client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "Secure" in page.headers["Set-Cookie"]
        static = client.get("/static/js/site.js")
        assert static.status_code == 200
        assert static.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        dispose(app)


def test_plain_http_on_purpose_starts_without_hsts(database, tmp_path):
    app = production(database, tmp_path, TTHC_PLAIN_HTTP=True)  # make run
    try:
        page = app.test_client().get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")
        assert page.status_code == 200
        assert "Strict-Transport-Security" not in page.headers
        assert "Secure" not in page.headers["Set-Cookie"]  # the cookie works on http://
    finally:
        dispose(app)


def test_static_files_carry_nosniff_and_the_csp(client):
    for path in ("/static/js/site.js", "/static/css/site.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert len(response.headers.getlist("X-Content-Type-Options")) == 1


def _address_app(database, tmp_path, **config):
    app = make_app(database, tmp_path, **config)

    @app.get("/_adresse")
    def address():
        return f"{request.remote_addr} {request.scheme}"

    return app


def test_forwarded_headers_are_ignored_without_a_named_proxy(database, tmp_path):
    app = _address_app(database, tmp_path)
    answer = app.test_client().get("/_adresse", headers={
        "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert answer.get_data(as_text=True) == "198.51.100.1 http"
    dispose(app)


def test_forwarded_headers_are_trusted_from_one_named_proxy(database, tmp_path):
    app = _address_app(database, tmp_path, TTHC_PROXY_FIX=1)
    answer = app.test_client().get("/_adresse", headers={
        "X-Forwarded-For": "198.51.100.9, 203.0.113.7", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"})
    # One proxy: only the address it added is believed, not what the client wrote before.
    assert answer.get_data(as_text=True) == "203.0.113.7 https"
    dispose(app)


@pytest.mark.parametrize("value", ["yes", "-1", True])
def test_a_proxy_count_that_is_not_a_count_refuses_to_start(database, tmp_path, value):
    with pytest.raises(ConfigurationError, match="TTHC_PROXY_FIX"):
        make_app(database, tmp_path, TTHC_PROXY_FIX=value)
