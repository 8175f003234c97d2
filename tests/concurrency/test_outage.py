"""The database unreachable, the upload disk full (issue 13): a clear 503 (or 507), nothing
typed lost, and the app works again as soon as the database is back, without a restart.

- SQLite: the file (and its WAL) moved away and a directory put in its place, so that no
  connection can open it; the pool is emptied, as for a worker started during the outage
  (a connection opened before keeps the moved file: it would go on working).
- PostgreSQL: a cluster of this test's own, stopped (fast shutdown) and started again.
- Uploads: the upload folder is a 64 KiB tmpfs filled up, a real ENOSPC (this needs root, as
  ``make test`` is run; without it the test fails and says so).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import make_app, migrate_and_seed
from tests.intake.conftest import APPLICANT, Citizen
from tests.postgres import _as_postgres, _bin, _free_port
from tthc.extensions import db

ADDRESS = "Số 99 ngõ 1 phố Thụy Khuê, Hà Nội"  # typed during the outage


def _save(citizen: Citizen, path: str):
    """An htmx save of the draft with a new address, as the page's autosave sends it."""
    return citizen.post(path + "/luu", {**APPLICANT, "applicant_address": ADDRESS}, htmx=True)


def _refused_in_place(response) -> None:
    """503 with Retry-After, the message in the page's message area: the form stays."""
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.headers["HX-Retarget"] == "#flash"
    assert "chưa được lưu" in response.get_data(as_text=True)


def _outage_and_back(app, citizen: Citizen, path: str, stop, start) -> None:
    stop()
    _refused_in_place(_save(citizen, path))
    page = citizen.client.get(path)
    assert page.status_code == 503 and "Hệ thống tạm ngừng" in page.get_data(as_text=True)
    # without JavaScript: what was typed comes back in a form to send again
    kept = citizen.post(path + "/luu", {**APPLICANT, "applicant_address": ADDRESS})
    html = kept.get_data(as_text=True)
    assert kept.status_code == 503 and kept.headers["Retry-After"]
    assert f'action="{path}/luu"' in html and f'value="{ADDRESS}"' in html
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    start()
    response = citizen.client.post(path + "/luu", data=again)  # «Gửi lại», not restarted
    assert response.status_code == 303, response.status_code
    assert citizen.dossier(path).answers["applicant_address"] == ADDRESS
    assert _save(citizen, path).status_code < 400  # and the page's own saves go on


@pytest.mark.sqlite_only("moves the SQLite file away; test_postgresql_stopped_then_back "
                         "is its PostgreSQL twin")
def test_sqlite_unreachable_then_back(app):
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    files = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm")]
    with app.app_context():
        db.engine.dispose()  # the WAL is checkpointed: the main file holds everything

    def stop():
        for f in files:
            if f.exists():
                f.rename(f.with_name(f.name + ".away"))
        database.mkdir()  # nothing can open it, nothing creates an empty database there

    def start():
        database.rmdir()
        for f in files:
            if f.with_name(f.name + ".away").exists():
                f.with_name(f.name + ".away").rename(f)

    _outage_and_back(app, citizen, path, stop, start)


@pytest.fixture
def own_cluster():
    """A PostgreSQL cluster for this test alone (it is stopped in the middle): (url, pg_ctl)."""
    folder = tempfile.mkdtemp(prefix="tthc-pg-outage-")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = os.path.join(folder, "data"), _free_port()
    subprocess.run(_as_postgres([_bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def pg_ctl(*args: str) -> None:
        subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", data, "-l",
                                     os.path.join(folder, "log"), "-w", *args]),
                       check=True, capture_output=True)

    pg_ctl("-o", options, "start")
    try:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}", pg_ctl, options
    finally:
        subprocess.run(_as_postgres([_bin("pg_ctl"), "-D", data, "-m", "immediate", "-w",
                                     "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
def test_postgresql_stopped_then_back(own_cluster, tmp_path):
    url, pg_ctl, options = own_cluster
    app = make_app(url, tmp_path)
    migrate_and_seed(app)
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    try:
        _outage_and_back(app, citizen, path, lambda: pg_ctl("-m", "fast", "stop"),
                         lambda: pg_ctl("-o", options, "start"))
    finally:
        with app.app_context():
            db.engine.dispose()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def full_upload_disk(app):
    """The app's upload folder on a 64 KiB tmpfs, filled up."""
    folder = Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.fail(f"a full disk is simulated with a tmpfs, which needs root: "
                    f"{mounted.stderr.strip()}", pytrace=False)
    try:
        try:
            with open(folder / "filler", "wb") as f:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
        except OSError:
            pass  # ENOSPC: full
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_upload_disk_says_so_and_keeps_the_draft(app, full_upload_disk):
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    response = citizen.post(f"{path}/giay-to/giay_chung_sinh",
                            {**APPLICANT, "applicant_address": ADDRESS,
                             "file_giay_chung_sinh": (io.BytesIO(_jpeg()), "anh.jpg")},
                            content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    assert "không lưu được tệp" in page and ADDRESS in page  # said, and what was typed shown
    dossier = citizen.dossier(path)
    assert dossier.answers["applicant_address"] == ADDRESS and not dossier.uploads
    assert sorted(p.name for p in full_upload_disk.iterdir()) == ["filler"]  # no half file
