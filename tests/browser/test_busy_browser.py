"""A busy database while a citizen types: the page says so, keeps the text, saves it later.

Another writer holds the lock the save needs: SQLite's write lock, or on PostgreSQL the
draft's row (``FOR UPDATE`` from a second connection). The live check's save waits its
busy timeout (TTHC_DB_BUSY_MS, 5 s: SQLite's busy timeout, PostgreSQL's lock_timeout) and
gets the honest 503 in the page's message area. The script tries the save once more after
Retry-After: with the lock gone by then, the answer is saved and the message goes.
"""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_intake_browser import start_birth, wait_idle
from tests.test_busy import row_locked
from tthc.extensions import db
from tthc.intake.services import hash_secret
from tthc.models import Dossier


def test_a_busy_save_is_retried_once_and_nothing_typed_is_lost(app, browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = context.new_page()
    draft_url = start_birth(page, live_server) + "/phan/2"
    page.goto(draft_url)
    wait_idle(page)
    token = draft_url.removeprefix(live_server).split("/")[2]
    with app.app_context():
        dossier_id = db.session.scalar(select(Dossier.id).filter_by(token_hash=hash_secret(token)))
    with row_locked(app, Dossier, dossier_id, at_most=60):
        page.locator("#child_full_name").press_sequentially("Trần Minh An")
        expect(page.locator("#flash")).to_contain_text("Hệ thống đang bận", timeout=20000)
        expect(page.locator("#child_full_name")).to_have_value("Trần Minh An")  # kept
    # The lock goes before the retry (Retry-After: 2 s).
    expect(page.locator("#flash")).not_to_contain_text("Hệ thống đang bận", timeout=20000)
    again = context.new_page()
    again.goto(draft_url)
    expect(again.locator("#child_full_name")).to_have_value("Trần Minh An")  # saved
    context.close()
