"""The ticket page's validator follows its rating: a rated or re-rated ticket's page is never
answered 304 with the page of before (a rating does not bump the ticket's revision)."""

from __future__ import annotations

from tests.feedback.conftest import Phone, finished_ticket  # noqa: F401  (fixture)


def _page(phone: Phone, token: str, etag: str | None = None, *, htmx: bool = False):
    headers = {"If-None-Match": etag} if etag else {}
    if htmx:
        headers["HX-Request"] = "true"
    return phone.get(f"/so/{token}", headers=headers)


def test_a_rating_changes_the_ticket_pages_etag(app, finished_ticket):
    phone = Phone(app.test_client())
    _, _, token = finished_ticket()
    first = _page(phone, token)
    etag = first.headers["ETag"]
    assert "Chạm vào một mức" in first.get_data(as_text=True)
    assert _page(phone, token, etag).status_code == 304  # unchanged: still a 304

    assert phone.post(f"/danh-gia/so/{token}", {"muc": "2"}).status_code == 303
    rated = _page(phone, token, etag)
    assert rated.status_code == 200 and rated.headers["ETag"] != etag
    html = rated.get_data(as_text=True)
    assert "Ông/Bà đã đánh giá: Rất hài lòng." in html and "Chạm vào một mức" not in html
    assert _page(phone, token, rated.headers["ETag"]).status_code == 304

    # A change of the rating (within its 7 days) changes the page again.
    assert phone.post(f"/danh-gia/so/{token}", {"muc": "0"}).status_code == 303
    changed = _page(phone, token, rated.headers["ETag"])
    assert changed.status_code == 200
    assert "Ông/Bà đã đánh giá: Không hài lòng." in changed.get_data(as_text=True)


def test_the_fragment_follows_the_rating_too(app, finished_ticket):
    phone = Phone(app.test_client())
    _, _, token = finished_ticket()
    etag = _page(phone, token, htmx=True).headers["ETag"]
    phone.post(f"/danh-gia/so/{token}", {"muc": "1"})
    fragment = _page(phone, token, etag, htmx=True)
    assert fragment.status_code == 286  # final: htmx stops polling
    assert "Ông/Bà đã đánh giá: Hài lòng." in fragment.get_data(as_text=True)


def test_a_staff_browser_does_not_share_the_citizens_validator(app, demo, finished_ticket):
    from tests.desk.conftest import Officer

    phone = Phone(app.test_client())
    _, _, token = finished_ticket()
    etag = _page(phone, token).headers["ETag"]
    officer = Officer(app, demo["staff"]["tiepnhan"])
    seen = officer.get(f"/so/{token}", headers={"If-None-Match": etag})
    assert seen.status_code == 200  # the officer's page has no buttons: not the same page
    assert f'action="/danh-gia/so/{token}"' not in seen.get_data(as_text=True)
