"""A throwaway PostgreSQL cluster for the tests, and template databases copied per test.

The cluster is started once per test session from Debian's binaries (no systemd, no service
running beforehand) and removed at the end; TTHC_TEST_POSTGRES_URL names a running server
instead. Missing binaries are an error, not a skip: `make test` installs them
(apt-get install postgresql).

A database per test is a copy of a template database migrated (and seeded) once per session:
``CREATE DATABASE … TEMPLATE …`` copies its files, far faster than migrating again.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import queue
import tempfile
import threading
import uuid

import pytest


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if not path:
        pytest.fail(f"PostgreSQL's {name} was not found: run `apt-get install -y postgresql` "
                    "(make test does this when run as root)", pytrace=False)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; run the server as the postgres user in that case.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_server():
    """Start a cluster on a free port; yield its base URL without a database name."""
    if os.environ.get("TTHC_TEST_POSTGRES_URL"):
        yield os.environ["TTHC_TEST_POSTGRES_URL"].rstrip("/")
        return
    folder = tempfile.mkdtemp(prefix="tthc-pg-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    data, port = os.path.join(folder, "data"), _free_port()
    subprocess.run(_as_postgres([_bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    # A whole test run opens many connections at once (threads of the concurrency tests,
    # engines of earlier tests not yet collected): allow more than the default 100.
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
    subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", data, "-l", os.path.join(folder, "log"),
                                 "-w", "-o", options, "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _admin(server_url: str, statement: str) -> None:
    import psycopg

    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
        conn.execute(statement)


def create_database(server_url: str, template: str | None = None) -> str:
    """Create a database (a copy of `template` when given); return its URL."""
    name = "t_" + uuid.uuid4().hex[:12]
    copy = f' TEMPLATE "{template}"' if template else ""
    _admin(server_url, f'CREATE DATABASE "{name}"{copy}')
    return f"{server_url}/{name}"


def drop_database(url: str) -> None:
    """Drop a database made by create_database, closing whatever still holds it."""
    server_url, name = url.rsplit("/", 1)
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Copies:
    """Copies of one template database made ahead in a thread while the tests run, and
    dropped in the same thread after use: a test's set-up then waits for nothing."""

    def __init__(self, server_url: str, template: str, ahead: int = 2):
        self.server_url, self.template = server_url, template
        self._ready: queue.Queue = queue.Queue(maxsize=ahead)
        self._used: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, daemon=True, name=f"copies-{template}")
        self._thread.start()

    def _work(self) -> None:
        made = None
        while not self._stop.is_set():
            try:  # drop what the tests gave back first: it frees the server
                drop_database(self._used.get_nowait())
                continue
            except queue.Empty:
                pass
            try:
                made = made or create_database(self.server_url, self.template)
            except Exception as error:  # handed to the test that takes it
                made = error
            try:
                self._ready.put(made, timeout=0.05)
                made = None
            except queue.Full:
                pass
        if isinstance(made, str):
            drop_database(made)

    def take(self) -> str:
        """A fresh copy's URL; give it back after the test."""
        made = self._ready.get(timeout=120)
        if isinstance(made, Exception):
            raise made
        return made

    def give_back(self, url: str) -> None:
        self._used.put(url)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        for pending in (self._ready, self._used):
            while not pending.empty():
                item = pending.get_nowait()
                if isinstance(item, str):
                    drop_database(item)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the session's cluster."""
    url = create_database(postgres_server)
    yield url
    drop_database(url)
