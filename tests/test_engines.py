"""The run's engine: the PostgreSQL run says which SQLite-only tests it leaves out, and why."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _collect(*args: str, status: int = 0) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TTHC_TEST_DATABASE", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "--collect-only", *args, "tests/test_private_files.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == status, done.stdout + done.stderr
    return done.stdout


def test_the_postgres_run_lists_what_it_leaves_out_and_why():
    out = _collect("--database=postgres", status=5)  # 5: nothing left to run
    assert "2 SQLite-only tests left out on PostgreSQL" in out
    assert "file modes of the SQLite database file" in out
    assert "test_a_new_instance_database_and_uploads_are_private" in out.split("left out")[1]


def test_the_sqlite_run_keeps_them():
    out = _collect("--database=sqlite")
    assert "left out" not in out and "2 tests collected" in out
