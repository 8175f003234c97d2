"""A busy database while a citizen types: the page says so, keeps the text, saves it later.

Another writer holds SQLite's write lock; the live check's save waits its busy timeout and
gets the honest 503 in the page's message area. The script tries the save once more after
Retry-After: with the lock gone by then, the answer is saved and the message goes.
"""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.test_intake_browser import start_birth, wait_idle


@pytest.mark.sqlite_only("holds the SQLite file's write lock through sqlite3")
def test_a_busy_save_is_retried_once_and_nothing_typed_is_lost(app, browser, live_server):
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = context.new_page()
    draft_url = start_birth(page, live_server) + "/phan/2"
    page.goto(draft_url)
    wait_idle(page)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        page.locator("#child_full_name").press_sequentially("Trần Minh An")
        expect(page.locator("#flash")).to_contain_text("Hệ thống đang bận", timeout=20000)
        expect(page.locator("#child_full_name")).to_have_value("Trần Minh An")  # kept
    finally:
        other.execute("ROLLBACK")  # the lock goes before the retry (Retry-After: 2 s)
        other.close()
    expect(page.locator("#flash")).not_to_contain_text("Hệ thống đang bận", timeout=20000)
    again = context.new_page()
    again.goto(draft_url)
    expect(again.locator("#child_full_name")).to_have_value("Trần Minh An")  # saved
    context.close()
