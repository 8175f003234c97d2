"""Every page the tests render is valid HTML for the Nu HTML Checker (vnu)."""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

from tests.htmlcheck import Pages

VALID = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang</title></head>
<body><form action="/a" method="post" data-hx-post="/a"><label for="x">X</label>
<input id="x" name="x"><input type="hidden" name="csrf_token" value="{token}"></form>
</body></html>"""
TOKEN = "IjQ5YzVhMmFkNjE0ZTJmOGM5NDAwNzE2ZWE2ZTI1NmIwYzJkNGE1MTEi.aTGbWw.{}-Yk1Zx8ePAlHqV0S0r3pZ3o"
INVALID = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang</title></head>
<body><div hx-get="/a"><p>Một <div>khối</div> trong đoạn</p></div>
<label for="missing">?</label></body></html>"""


def test_the_checker_finds_errors_in_an_invalid_page_and_none_in_a_valid_one(tmp_path):
    pages = Pages(tmp_path)
    pages.add(VALID.format(token=TOKEN.format("a")), "GET /valid → 200")
    pages.add(INVALID, "GET /invalid → 200")
    pages.add('<p id="x" data-hx-swap-oob="true">Đúng</p>', "POST /fragment → 200")
    pages.add("<li>Lạc chỗ</li><p hx-swap-oob='true'>", "POST /bad-fragment → 422")
    # The same page for another client (another CSRF token): checked once.
    pages.add(VALID.format(token=TOKEN.format("b")), "GET /valid → 200")
    assert len(pages.pages) == 4

    found = defaultdict(list)
    for error in pages.check():
        found[error.label].append(error)

    assert set(found) == {"GET /invalid → 200", "POST /bad-fragment → 422 (fragment)"}
    invalid = found["GET /invalid → 200"]
    assert any(e.htmx_attribute and "“hx-get”" in e.message for e in invalid)
    assert any(not e.htmx_attribute and "“p”" in e.message for e in invalid)
    assert any("“for” attribute" in e.message for e in invalid)
    bad = found["POST /bad-fragment → 422 (fragment)"]
    assert any("“li”" in e.message and e.line == 1 for e in bad)
    assert any(e.htmx_attribute for e in bad)


def test_pages_the_tests_receive_are_recorded_once(client, rendered_pages):
    def counts():
        return len(rendered_pages.pages), sum(p.seen for p in rendered_pages.pages.values())

    pages, seen = counts()
    client.get("/thu-tuc")
    client.get("/thu-tuc")  # another CSRF token or none: the same page
    client.get("/thu-tuc", headers={"Accept-Encoding": "gzip"})  # compressed: read all the same
    client.get("/static/css/site.css")  # no HTML
    now_pages, now_seen = counts()
    assert now_seen == seen + 3
    assert now_pages <= pages + 1
    assert any(p.label == "GET /thu-tuc → 200" for p in rendered_pages.pages.values())


def summary(errors, checked: int) -> str:
    """Each distinct message once, with the first source it was found in and up to three pages."""
    where, source = defaultdict(list), {}
    for e in errors:
        where[e.message].append(e.label + (f" line {e.line}" if e.line else ""))
        source.setdefault(e.message, e.extract[:160])
    htmx = sum(1 for e in errors if e.htmx_attribute)
    lines = [f"{len(errors)} errors ({htmx} only an hx-* attribute, {len(errors) - htmx} other) "
             f"in {len({e.label for e in errors})} of {checked} pages; distinct messages:"]
    for message, labels in sorted(where.items()):
        more = f" (+{len(labels) - 3} more)" if len(labels) > 3 else ""
        lines.append(f"- {message}  [{source[message]}]\n    on {'; '.join(labels[:3])}{more}")
    return "\n".join(lines)


@pytest.mark.html_batch
def test_every_page_the_tests_rendered_is_valid_html(rendered_pages, request):
    if not rendered_pages.pages:
        pytest.skip("no test in this session rendered a page to check")
    errors = rendered_pages.check()
    if os.environ.get("TTHC_HTML_REPORT"):  # every error as JSON lines, for fixing in bulk
        with open(os.environ["TTHC_HTML_REPORT"], "w", encoding="utf-8") as out:
            for e in errors:
                out.write(json.dumps(vars(e), ensure_ascii=False) + "\n")
    if errors:
        pytest.fail(summary(errors, len(rendered_pages.pages)), pytrace=False)
