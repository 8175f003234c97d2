"""Request-wide wiring in tthc.web: the session cookie and the headers every response gets."""

from __future__ import annotations


def test_an_unchanged_session_is_not_sent_again_but_varies_on_the_cookie(client):
    first = client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")  # stores a CSRF token
    assert "Set-Cookie" in first.headers and first.status_code == 200
    client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")  # Flask-Login notes "_fresh" once
    again = client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers  # nothing changed: not re-sent
    assert "Cookie" in again.headers["Vary"] and "HX-Request" in again.headers["Vary"]


def test_a_changed_session_is_sent_and_a_new_key_ends_the_old_cookie(app, client):
    client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")
    changed = client.get("/thu-tuc?lang=en")  # the language is remembered in the session
    assert "session=" in changed.headers.get("Set-Cookie", "")
    assert "Cookie" in changed.headers["Vary"]
    assert 'lang="en"' in client.get("/thu-tuc").get_data(as_text=True)
    app.secret_key = "another key"
    # The old cookie no longer opens a session signed with the new key.
    assert client.get("/thu-tuc").get_data(as_text=True).count('lang="vi"') == 1


def test_security_headers_are_added_once_and_never_override(client):
    response = client.get("/thu-tuc")
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                 "X-Frame-Options"):
        assert len(response.headers.getlist(name)) == 1
    # A token page sets its own Referrer-Policy and Cache-Control: they stay.
    page = client.get("/nop-truoc?thu_tuc=dang-ky-khai-sinh")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    draft = client.post("/nop-truoc", data={"csrf_token": token, "thu_tuc": "dang-ky-khai-sinh"})
    shown = client.get(draft.location)
    assert shown.headers.getlist("Cache-Control") == ["no-store"]
    assert shown.headers.getlist("Referrer-Policy") == ["same-origin"]
