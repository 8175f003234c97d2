"""Two app servers behind one address behave as one (issue 13, "A city on PostgreSQL").

Two real gunicorn instances on two loopback ports, each with its own instance folder (as on
two machines), share only what two servers share: the PostgreSQL database, the Redis store
of Flask-Limiter (RATELIMIT_STORAGE_URI) and the SECRET_KEY. A load balancer may send any
request to either, so each test hops between them on purpose, with one cookie jar.
"""

from __future__ import annotations

import copy
import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.conftest import ROOT, make_app, migrate_and_seed
from tthc.extensions import db
from tthc.models import Ticket

PASSWORD = "tthc-demo"  # the demo accounts' password, accepted with TTHC_DEMO=1
LOOKUP_LIMIT = 4  # per address and minute, both servers together


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(folder: Path):
    server = shutil.which("redis-server", path="/usr/bin:/usr/local/bin:" + os.defpath)
    if server is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (Debian; "
                    "scripts/system-deps.sh installs it as root)", pytrace=False)
    import redis

    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
             f"127.0.0.1:{port}", "--control-socket", str(log.with_suffix(".ctl")),
             "wsgi:app"], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process, base
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    stop(process)
    pytest.fail(f"gunicorn did not start:\n{log.read_text()[-3000:]}", pytrace=False)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class City:
    """Two instances A and B, and the app object on the same database for the checks."""

    def __init__(self, app, a: str, b: str, logs: list[Path]):
        self.app, self.a, self.b, self.logs = app, a, b, logs


@pytest.fixture(scope="module")
def city(postgres_server, tmp_path_factory):
    """One PostgreSQL database (migrated, demo data), one Redis, two gunicorn instances."""
    import psycopg

    folder = tmp_path_factory.mktemp("city")
    name = "city_" + uuid.uuid4().hex[:10]
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{postgres_server}/{name}"
    app = make_app(url, folder)
    migrate_and_seed(app)
    redis_process, redis_url = start_redis(folder)
    servers, logs = [], []
    try:
        for label in ("a", "b"):
            instance = folder / f"instance-{label}"  # nothing shared on disk
            instance.mkdir()
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
                   "DATABASE_URL": url, "SECRET_KEY": "one-key-for-every-server",
                   "TTHC_INSTANCE_PATH": str(instance), "TTHC_DEMO": "1",
                   "TTHC_PLAIN_HTTP": "1",  # loopback HTTP on purpose (no TLS in front)
                   "TTHC_QUEUE_OPENING_HOURS": "0", "TTHC_TICKETS_PER_PHONE_PER_DAY": "0",
                   "TTHC_RATELIMIT_STORAGE_URI": redis_url,
                   "TTHC_LOOKUP_RATE_LIMIT": f"{LOOKUP_LIMIT} per minute"}
            logs.append(folder / f"gunicorn-{label}.log")
            servers.append(start_gunicorn(env, logs[-1]))
        yield City(app, servers[0][1], servers[1][1], logs)
    finally:
        for process, _ in servers:
            stop(process)
        redis_process.terminate()
        redis_process.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for log in logs:  # every answer of the module was checked; no traceback hid behind one
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar sent to whichever server a URL names, as behind a load balancer."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        response.text = response.read().decode()
        return response

    def csrf(self, url: str) -> str:
        page = self.request(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, url: str, data: dict, token_from: str | None = None):
        """POST with a CSRF token read from *token_from* (default: the look-up page of the
        same server)."""
        base = re.match(r"https?://[^/]+", url).group(0)
        token = self.csrf(token_from or base + "/tra-cuu")
        return self.request(url, {"csrf_token": token, **data})

    def sign_in(self, base: str, username: str, password: str = PASSWORD):
        return self.post(base + "/can-bo/dang-nhap", {"username": username,
                                                     "password": password},
                         token_from=base + "/can-bo/dang-nhap")


def take_ticket(city: City, base: str, priority: str = "") -> Ticket:
    """A phone takes a number in group A at *base*; the ticket as stored."""
    with city.app.app_context():
        group_id = factories.groups(factories.demo_office().id)[0].id
    phone = Browser()
    taken = phone.post(base + "/lay-so", {"nhom": group_id, "uu_tien": priority})
    assert taken.status == 303, taken.text[:500]
    token = taken.headers["Location"].rstrip("/").split("/")[-1]
    with city.app.app_context():
        ticket = db.session.scalar(select(Ticket).filter_by(token=token))
        db.session.expunge(ticket)
        return ticket


def board(base: str):
    return Browser().request(base + "/man-hinh", headers={"HX-Request": "true"})


def test_a_sign_in_on_one_server_works_on_the_other_and_a_sign_out_ends_it_on_both(city):
    officer = Browser()
    assert officer.sign_in(city.a, "tiepnhan").status == 303
    assert officer.request(city.b + "/can-bo/quay").status == 200  # same cookie, server B
    saved = Browser()  # a copy of the signed-in cookie, kept by whoever saw it
    for cookie in officer.jar:
        saved.jar.set_cookie(copy.copy(cookie))
    assert saved.request(city.a + "/can-bo/quay").status == 200
    # A form of server A posted to server B: the CSRF token is good on both.
    assert officer.post(city.b + "/can-bo/dang-xuat", {},
                        token_from=city.a + "/can-bo/quay").status == 303
    for base in (city.a, city.b):  # the saved cookie no longer works, on either server
        refused = saved.request(base + "/can-bo/quay")
        assert refused.status in (302, 303) and "dang-nhap" in refused.headers["Location"]


def test_a_ticket_taken_on_one_server_is_called_on_the_other_in_the_order_set_on_either(city):
    officer, admin = Browser(), Browser()
    assert officer.sign_in(city.a, "tiepnhan").status == 303
    assert admin.sign_in(city.b, "quantri").status == 303
    # Server B has read the queue (and so the call order) before anything changes.
    assert officer.request(city.b + "/can-bo/quay").status == 200

    plain = take_ticket(city, city.a)
    urgent = take_ticket(city, city.b, "elderly")
    called = officer.post(city.b + "/can-bo/quay/goi-tiep", {})
    assert called.headers["X-Queue-Called"] == urgent.label  # priority first, the default

    # The admin changes the call order on server A; server B calls in the new order at once.
    changed = admin.post(city.a + "/can-bo/hang-doi/cai-dat", {"thu_tu": "arrival"})
    assert changed.status == 303
    later_urgent = take_ticket(city, city.a, "elderly")
    called = officer.post(city.b + "/can-bo/quay/goi-tiep", {})
    assert called.headers["X-Queue-Called"] == plain.label  # by arrival now
    with city.app.app_context():
        assert db.session.get(Ticket, later_urgent.id).status == "waiting"

    # Both boards show the same queue: the same state, the same page, the same tag.
    on_a, on_b = board(city.a), board(city.b)
    assert on_a.status == on_b.status == 200
    assert plain.label in on_a.text
    assert on_a.text == on_b.text and on_a.headers["ETag"] == on_b.headers["ETag"]
    # The citizen's ticket page, on either server, says it is called.
    pages = [Browser().request(f"{base}/so/{plain.token}", headers={"HX-Request": "true"})
             for base in (city.a, city.b)]
    assert pages[0].status == pages[1].status == 200
    assert "Mời đến quầy 1" in pages[0].text
    assert pages[0].text == pages[1].text and pages[0].headers["ETag"] == pages[1].headers["ETag"]

    admin.post(city.b + "/can-bo/hang-doi/cai-dat", {"thu_tu": "priority"})  # as it was


def test_a_queue_group_added_on_one_server_is_offered_and_called_on_the_other(city):
    admin, officer = Browser(), Browser()
    assert admin.sign_in(city.a, "quantri").status == 303
    assert officer.sign_in(city.b, "tiepnhan").status == 303
    assert "Đất đai" not in Browser().request(city.b + "/lay-so").text  # B has read the groups
    added = admin.post(city.a + "/can-bo/quan-tri/co-quan/nhom/them", {
        "chu": "D", "ten": "Đất đai", "ten_en": "Land", "thu_tu": "4", "phut": "5"})
    assert added.status == 303, added.text[:500]
    assert "Đất đai" in Browser().request(city.b + "/lay-so").text  # the kiosk of B offers it
    with city.app.app_context():
        group = next(g for g in factories.groups(factories.demo_office().id) if g.prefix == "D")
    taken = Browser().post(city.b + "/lay-so", {"nhom": group.id, "uu_tien": ""})
    assert taken.status == 303
    called = officer.post(city.a + "/can-bo/quay/goi-tiep",
                          {"chon_nhom": "1", "nhom": [str(group.id)]})
    assert called.headers["X-Queue-Called"] == "D-001"


def test_the_look_up_limit_counts_the_requests_to_both_servers(city):
    phone = Browser()
    codes = []
    for n in range(LOOKUP_LIMIT + 1):
        base = (city.a, city.b)[n % 2]
        codes.append(phone.post(base + "/tra-cuu", {"code": "KHONG-CO", "last4": "0000"}).status)
    assert all(code != 429 for code in codes[:LOOKUP_LIMIT]), codes
    assert codes[LOOKUP_LIMIT] == 429, codes  # 2 on A + 2 on B, the fifth is one too many
    # Each server alone has seen fewer than the limit: the count is in the shared store.
    assert phone.post(city.a + "/tra-cuu", {"code": "KHONG-CO", "last4": "0000"}).status == 429


def test_the_sign_in_slow_down_counts_failures_on_both_servers(city):
    """Three failures of one username from one address cost nothing, the fourth waits,
    whichever server saw them (TTHC_LOGIN_FREE_FAILURES = 3)."""
    codes = [Browser().sign_in(base, "lanhdao", "wrong-password").status
             for base in (city.a, city.b, city.a, city.b)]
    assert codes == [422, 422, 422, 429], codes
    # And the right password waits too, on the other server: the account is slowed down.
    assert Browser().sign_in(city.a, "lanhdao").status == 429
