"""Real-browser tests: Debian's Chromium driven by Playwright, the app served in-process.

The live server serves the test's `app`, so the browser tests run on the run's database:
SQLite, then the throwaway PostgreSQL cluster with `--database=postgres` (make test runs both).
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_executable() -> str | None:
    """CHROMIUM, then Debian's /usr/bin/chromium, then Playwright's own build (None)."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = chromium_executable()
    args = {**browser_type_launch_args, "args": ARGS}
    if executable:
        args["executable_path"] = executable
    return args


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def phone(browser):
    """A cheap Android phone's screen: 360×640, touch."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="vi-VN")
    yield context.new_page()
    context.close()
