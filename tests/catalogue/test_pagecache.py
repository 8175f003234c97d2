"""Public pages are cached briefly per URL and language, never with personal data."""

import time

from tthc import pagecache


def test_a_cached_page_answers_304_to_a_phone_that_has_it(client):
    first = client.get("/thu-tuc")
    etag = first.headers["ETag"]
    again = client.get("/thu-tuc", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_languages_and_fragments_are_cached_apart(client):
    vi = client.get("/thu-tuc").get_data(as_text=True)
    en = client.get("/thu-tuc?lang=en").get_data(as_text=True)
    fragment = client.get("/thu-tuc", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'lang="vi"' in vi and 'lang="en"' in en and "<html" not in fragment
    # the choice of English is remembered even when the page came from the cache
    assert 'lang="en"' in client.get("/thu-tuc").get_data(as_text=True)


def test_cached_pages_carry_no_csrf_token_or_session_specific_content(client):
    client.get("/thu-tuc")
    body = client.get("/thu-tuc").get_data(as_text=True)
    assert "X-CSRFToken" not in body and "csrf" not in body.lower()


def test_errors_are_not_cached(client):
    assert client.get("/thu-tuc", query_string={"q": "x" * 500}).status_code == 400
    assert client.get("/thu-tuc/khong-co").status_code == 404
    with client.application.app_context():
        store = client.application.extensions.get("tthc_pagecache", {})
        assert not any("x" * 500 in key[0] or "khong-co" in key[0] for key in store)
    client.get("/thu-tuc")
    assert len(client.application.extensions["tthc_pagecache"]) == 1  # the check can fail


def test_a_change_shows_once_the_entry_expires(app, monkeypatch):
    from sqlalchemy import update

    from tthc.extensions import db
    from tthc.models import ProcedureVersion

    client = app.test_client()
    assert "Đăng ký khai sinh" in client.get("/thu-tuc").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(ProcedureVersion)
                           .where(ProcedureVersion.name_vi == "Đăng ký khai sinh")
                           .values(name_vi="Đăng ký khai sinh (mới)"))
        db.session.commit()
    assert "(mới)" not in client.get("/thu-tuc").get_data(as_text=True)  # still cached
    real = time.monotonic
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: real() + 3600)
    assert "Đăng ký khai sinh (mới)" in client.get("/thu-tuc").get_data(as_text=True)


def test_the_cache_can_be_turned_off(app):
    app.config["TTHC_PAGE_CACHE_SECONDS"] = 0
    client = app.test_client()
    client.get("/thu-tuc")
    assert not app.extensions.get("tthc_pagecache")
