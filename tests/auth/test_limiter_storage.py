"""Limits shared by every worker: the sign-in slow-down lives in the database, and
Flask-Limiter's counts in the store RATELIMIT_STORAGE_URI names (Redis here). Each test
plays two workers: another process, then this one, on the same database."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, make_app

WORKER = """
import json, re, sys
from pathlib import Path
from tests.conftest import make_app
uri, folder, storage, usernames = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
app = make_app(uri, Path(folder), TTHC_LOGIN_RATE_LIMIT="3 per minute",
               RATELIMIT_STORAGE_URI=storage)
client = app.test_client()
codes = []
for username in usernames:
    page = client.get("/can-bo/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    codes.append(client.post("/can-bo/dang-nhap", data={
        "csrf_token": token, "username": username, "password": "wrong-password"}).status_code)
print(json.dumps(codes))
"""


def other_worker(uri: str, folder, storage: str, *usernames: str) -> list[int]:
    """Sign-in attempts made by another process (a second gunicorn worker)."""
    done = subprocess.run([sys.executable, "-c", WORKER, uri, str(folder), storage, *usernames],
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def this_worker(uri: str, folder, storage: str, *usernames: str) -> list[int]:
    app = make_app(uri, folder, TTHC_LOGIN_RATE_LIMIT="3 per minute",
                   RATELIMIT_STORAGE_URI=storage)
    client = app.test_client()
    codes = []
    for username in usernames:
        page = client.get("/can-bo/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        codes.append(client.post("/can-bo/dang-nhap", data={
            "csrf_token": token, "username": username, "password": "wrong-password"}
        ).status_code)
    return codes


@pytest.fixture
def database(database_url) -> str:
    """The run's engine: both workers share it, as they would in production."""
    return database_url


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server of our own on a free loopback port, stopped at the end."""
    server = shutil.which("redis-server", path="/usr/bin:/usr/local/bin:" + os.defpath)
    if server is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server` (Debian; "
                    "scripts/system-deps.sh installs it as root), then run the tests again.")
    try:
        import redis  # noqa: F401  (the client Flask-Limiter's redis:// storage uses)
    except ImportError:
        pytest.fail("the Python package redis is missing: pip install -e '.[test]'")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield url
    client.close()
    process.terminate()
    process.wait(timeout=10)


def test_with_memory_storage_each_worker_counts_alone(database, tmp_path):
    """Why production with several workers must set RATELIMIT_STORAGE_URI: in memory, four
    attempts split over two workers all pass a limit of three."""
    assert other_worker(database, tmp_path, "memory://", "a-1", "a-2") == [422, 422]
    assert this_worker(database, tmp_path, "memory://", "a-3", "a-4") == [422, 422]


def test_with_redis_the_workers_share_the_count(database, tmp_path, redis_url):
    import redis

    assert other_worker(database, tmp_path, redis_url, "a-1", "a-2") == [422, 422]
    assert this_worker(database, tmp_path, redis_url, "a-3", "a-4") == [422, 429]
    assert redis.Redis.from_url(redis_url).keys("*")  # the counts are there, not in memory


def test_the_sign_in_slow_down_is_shared_without_redis(database, tmp_path):
    """The database counts a username's failures from one address whichever worker saw
    them: the fourth attempt waits, though each worker saw fewer than three."""
    assert other_worker(database, tmp_path, "memory://", "tiepnhan", "tiepnhan") == [422, 422]
    codes = this_worker(database, tmp_path, "memory://", "tiepnhan", "tiepnhan")
    assert codes == [422, 429]


def test_a_store_that_is_down_does_not_break_sign_in(database, tmp_path):
    """Redis unreachable: Flask-Limiter falls back to counting in memory (the configured
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) instead of answering every sign-in with a 500."""
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    codes = this_worker(database, tmp_path, f"redis://127.0.0.1:{closed}/0",
                        "a-1", "a-2", "a-3", "a-4")
    assert codes == [422, 422, 422, 429]  # wrong passwords, then the limit, counted in memory
