"""No link token and no personal data in any log: the app's, gunicorn's, nginx's.

A link token (/ho-so/<token>, /so/<token>) opens and changes a citizen's dossier or ticket:
whoever reads a log line with one could. SQLAlchemy's error messages carry the statement's
parameters (names, ID numbers) unless the engine hides them.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tthc.domain.codes import new_token
from tthc.extensions import db
from tthc.logs import mask_tokens
from tthc.models import Office

HOST = "127.0.0.1"


def test_every_url_with_a_token_is_masked(app):
    """Every rule with a <token> argument: its URLs, plain or percent-encoded, lose it."""
    adapter = app.url_map.bind("localhost")
    checked = []
    for rule in app.url_map.iter_rules():
        if "token" not in rule.arguments:
            continue
        token = new_token()
        url = _build(adapter, rule, token)
        masked = mask_tokens(url)
        assert token not in masked and "***" in masked, (rule.rule, masked)
        encoded = mask_tokens("/dang-nhap?next=" + url.replace("/", "%2F"))
        assert token not in encoded, (rule.rule, encoded)
        checked.append(rule.rule)
    assert len(checked) >= 20  # /ho-so/<token>/…, /so/<token>, /danh-gia/…, /phan-anh/…
    assert any(rule.startswith("/so/") for rule in checked)


def _build(adapter, rule, token):
    """A URL of the rule with the token and a value each other converter accepts."""
    method = next(iter(rule.methods - {"HEAD", "OPTIONS"}))
    others = sorted(rule.arguments - {"token"})
    for candidate in ("1", "so", "ho-so"):
        values = {"token": token, **{name: candidate for name in others}}
        try:
            return adapter.build(rule.endpoint, values, method=method)
        except Exception:  # noqa: BLE001 - a converter refused this candidate
            continue
    raise AssertionError(f"cannot build {rule.rule}")


def test_mask_keeps_the_desk_ids_and_other_paths():
    assert mask_tokens("/can-bo/ho-so/123/phieu/04") == "/can-bo/ho-so/123/phieu/04"
    assert mask_tokens("/thu-tuc/khai-sinh?q=so") == "/thu-tuc/khai-sinh?q=so"
    token = new_token()
    assert mask_tokens(f"GET /tim?q={token} HTTP/1.1") == "GET /tim?q=*** HTTP/1.1"


def test_the_apps_own_error_lines_have_no_token(app, caplog):
    @app.get("/ho-so/<token>/_hong")
    def broken(token):
        raise RuntimeError("broken view")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: logged, then a 500 page
    token = new_token()
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(f"/ho-so/{token}/_hong")
    assert response.status_code == 500
    assert "Exception on /ho-so/***/_hong" in caplog.text  # the line is there, masked
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in logging.Formatter().format(record)


def test_a_failed_write_does_not_log_its_parameters(app, caplog):
    """hide_parameters: the statement is logged, the citizen's name in it is not."""
    name = "Nguyễn Thị Bí Mật"

    @app.post("/_ghi")
    def write():
        db.session.add(Office(code="demo", name=name, province="Hà Nội"))  # code is unique
        db.session.commit()
        return "saved"

    app.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().post("/_ghi")
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text and "INSERT INTO office" in caplog.text
    assert "hide_parameters" in caplog.text  # SQLAlchemy says they were left out
    assert name not in caplog.text and "Bí Mật" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------- gunicorn

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn(seeded_sqlite, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py, as `make run` serves it; its log files."""
    shutil.copy(seeded_sqlite, tmp_path / "tthc.sqlite")
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TTHC_")}
    # The seed has the demo accounts: TTHC_DEMO=1, as `make run`.
    env.update(PYTHONPATH=str(ROOT), SECRET_KEY="logs-test", TTHC_PLAIN_HTTP="1", TTHC_DEMO="1",
               TTHC_INSTANCE_PATH=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/tthc.sqlite")
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    # Every atom that can carry a path: the request line, path, query, Referer, raw URI.
    log_format = '%(r)s | %(U)s | %(q)s | %(f)s | %({raw_uri}e)s | %(s)s'
    proc = subprocess.Popen(
        [gunicorn_bin, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "1",
         "--bind", f"{HOST}:{port}", "--access-logfile", str(access), "--error-logfile",
         str(errors), "--access-logformat", log_format, "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get_quietly(base + "/healthz") != 200:
            assert proc.poll() is None and time.monotonic() < deadline, errors.read_text()
            time.sleep(0.3)
        yield base, access, errors
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


def _get_quietly(url: str) -> int | None:
    try:
        return _get(url)
    except OSError:
        return None


def test_gunicorn_access_log_has_no_token(gunicorn):
    base, access, errors = gunicorn
    token, ticket = new_token(), new_token()
    _get(f"{base}/ho-so/{token}/da-nop?next=%2Fho-so%2F{token}%2Fluu",
         Referer=f"{base}/so/{ticket}")
    _get(f"{base}/so/{ticket}")
    time.sleep(0.5)  # the worker writes the line after the answer
    log = access.read_text()
    assert "/ho-so/***/da-nop" in log and "/so/***" in log  # the lines are there
    assert token not in log and ticket not in log
    assert token not in errors.read_text() and ticket not in errors.read_text()


# --------------------------------------------------------------------------- nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is not installed")
def test_nginx_map_masks_tokens(tmp_path):
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};
    fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};
    include {ROOT}/deploy/nginx-tokens.conf;
    server {{
        listen {HOST}:{port};
        access_log {tmp_path}/access.log tthc_masked;
        location / {{ return 204; }}
    }}
}}
""")
    subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], check=True,
                   capture_output=True)
    subprocess.run([NGINX, "-c", str(conf), "-p", str(tmp_path)], check=True)
    token, ticket = new_token(), new_token()
    try:
        deadline = time.monotonic() + 10
        while _get_quietly(f"http://{HOST}:{port}/") != 204:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        base = f"http://{HOST}:{port}"
        _get(f"{base}/ho-so/{token}/luu?next=%2Fho-so%2F{token}", Referer=f"{base}/so/{ticket}")
        _get(f"{base}/danh-gia/so/{ticket}")
        _get(f"{base}/can-bo/ho-so/123/phieu/04")
    finally:
        subprocess.run([NGINX, "-c", str(conf), "-p", str(tmp_path), "-s", "stop"], check=True)
    time.sleep(0.3)
    log = (tmp_path / "access.log").read_text()
    assert "/ho-so/***/luu" in log and "/danh-gia/so/***" in log and "/so/***" in log
    assert "/can-bo/ho-so/123/phieu/04" in log  # ids are not secrets
    assert token not in log and ticket not in log


def test_gunicorn_error_log_has_no_token(tmp_path):
    """gunicorn's own error lines ("Error handling request /ho-so/…") are masked as well."""
    import runpy

    from gunicorn.config import Config

    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = settings["logger_class"](config)
    token = new_token()
    try:
        raise OSError("connection reset")
    except OSError:
        logger.exception("Error handling request %s", f"/ho-so/{token}/luu")
    logger.error("Error handling request %s", f"/so/{token}")
    text = (tmp_path / "error.log").read_text()
    assert "Error handling request /ho-so/***/luu" in text and "/so/***" in text
    assert "connection reset" in text and token not in text
