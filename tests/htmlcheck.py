"""Pytest plugin: every HTML page the tests receive is checked by the Nu HTML Checker, once.

While the session runs, each text/html response the app sends (through the Flask test
client, and the browser tests' in-process server) is written to a temporary folder,
deduplicated; the test marked ``html_batch`` runs last and hands the folder to vnu in one
run (starting Java costs a second or two; one run keeps the whole check well under a minute).

Fragments: a body that does not start with ``<!doctype`` is an htmx fragment, not a
document. It is checked too, wrapped in the smallest valid document (``FRAGMENT_HEAD`` on
line 1, the fragment from line 2 on), so the errors reported are the fragment's own.

vnu.jar comes from the npm package vnu-jar (``make vnu``, installed with --ignore-scripts
into .venv/vnu: its post-install step would download a JDK; Debian's JRE runs it), or from
the path in TTHC_VNU_JAR.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import request, request_finished

ROOT = Path(__file__).resolve().parent.parent
# Where `make vnu` puts it: beside the virtualenv the tests run in.
VNU_JAR = Path(sys.prefix) / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FRAGMENT_HEAD = ('<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                 "<title>fragment</title></head><body>\n")
FRAGMENT_TAIL = "\n</body></html>\n"
MARKER = "html_batch"
# Signed CSRF tokens differ per client: ignore them when deciding two pages are the same.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}")
_HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")


def vnu_jar() -> Path:
    return Path(os.environ.get("TTHC_VNU_JAR") or VNU_JAR)


def is_document(body: str) -> bool:
    return body.lstrip().lower().startswith("<!doctype")


@dataclass
class Page:
    """One distinct body: where it was first seen and how often."""

    label: str
    fragment: bool
    seen: int = 1


@dataclass
class Error:
    label: str
    line: int | None
    message: str
    extract: str  # the highlighted source: a start tag, an end tag, a text run

    @property
    def htmx_attribute(self) -> bool:
        """Only an `hx-*` attribute: the `data-hx-*` spelling fixes it."""
        return bool(_HTMX_ATTRIBUTE.match(self.message))

    def __str__(self) -> str:
        where = f" line {self.line}" if self.line else ""
        return f"{self.label}{where}: {self.message}  [{self.extract}]"


@dataclass
class Pages:
    """The distinct HTML bodies of a session, written to `folder` as they arrive."""

    folder: Path
    pages: dict[str, Page] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, body: str, label: str) -> None:
        key = hashlib.sha1(_TOKEN.sub("T", body).encode()).hexdigest()[:16]
        with self.lock:
            if key in self.pages:
                self.pages[key].seen += 1
                return
            fragment = not is_document(body)
            self.pages[key] = Page(label, fragment)
        text = f"{FRAGMENT_HEAD}{body}{FRAGMENT_TAIL}" if fragment else body
        (self.folder / f"{key}.html").write_text(text, encoding="utf-8")

    def label(self, name: str) -> str:
        page = self.pages[name]
        return page.label + (" (fragment)" if page.fragment else "")

    def check(self) -> list[Error]:
        """Run vnu once over the folder; every error, with the page it was found on."""
        if not self.pages:
            return []
        messages = run_vnu(self.folder)
        errors = []
        for m in messages:
            name = Path(m.get("url", "")).stem
            page = self.pages.get(name)
            line = m.get("lastLine")
            if page and page.fragment and line:
                line -= 1
            label = self.label(name) if page else m.get("url", "?")
            extract = m.get("extract", "")
            start, length = m.get("hiliteStart"), m.get("hiliteLength")
            if start is not None and length:
                extract = extract[start:start + length]
            errors.append(Error(label, line, m.get("message", ""), " ".join(extract.split())))
        return errors


def run_vnu(folder: Path) -> list[dict]:
    jar = vnu_jar()
    if not jar.exists():
        pytest.fail(f"The Nu HTML Checker is missing ({jar}): run `make vnu` (npm package "
                    "vnu-jar) or set TTHC_VNU_JAR to a vnu.jar.")
    java = shutil.which("java")
    if not java:
        pytest.fail("The Nu HTML Checker needs Java: run `make system-deps` "
                    "(Debian: apt-get install default-jre-headless).")
    done = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--no-langdetect", "--format", "json",
         "--stdout", "--exit-zero-always", str(folder)],
        capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no report (exit {done.returncode}): {done.stderr[-2000:]}")
    return [m for m in report.get("messages", []) if m.get("type") != "info"]


def _body(response) -> str | None:
    """The response's HTML as text, or None when it is no HTML page we can read."""
    if response.mimetype != "text/html" or response.is_streamed:
        return None
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        data = gzip.decompress(data)
    elif encoding == "deflate":
        data = zlib.decompress(data)
    elif encoding == "br":
        import brotli

        data = brotli.decompress(data)
    elif encoding:
        return None
    text = data.decode(response.mimetype_params.get("charset", "utf-8"), errors="replace")
    return text if text.strip() else None


STASH = pytest.StashKey[Pages]()
RECEIVER = pytest.StashKey[object]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARKER}: checks the session's pages in one batch; runs after every other test")
    folder = Path(tempfile.mkdtemp(prefix="tthc-html-"))
    pages = Pages(folder)

    def record(sender, response, **extra):
        body = _body(response)
        if body is not None:
            pages.add(body, f"{request.method} {request.full_path.rstrip('?')} → "
                            f"{response.status_code}")

    config.stash[STASH] = pages
    config.stash[RECEIVER] = record
    request_finished.connect(record, weak=False)


def pytest_unconfigure(config):
    if STASH in config.stash:
        request_finished.disconnect(config.stash[RECEIVER])
        shutil.rmtree(config.stash[STASH].folder, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Move the batch check after every other test, whatever the file order."""
    last = [item for item in items if item.get_closest_marker(MARKER)]
    items[:] = [item for item in items if not item.get_closest_marker(MARKER)] + last


@pytest.fixture
def rendered_pages(request) -> Pages:
    return request.config.stash[STASH]
