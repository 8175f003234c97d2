"""The admin's start page lists the admin pages, and only for admins."""

from __future__ import annotations

from tests.auth import factories


def test_admin_home_lists_the_settings_pages(app, demo):
    client = app.test_client()
    factories.login(client, demo["staff"]["quantri"])
    response = client.get("/can-bo/quan-tri")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/can-bo/tiep-nhan/cai-dat"' in page
    assert 'href="/can-bo/hang-doi/cai-dat"' in page
    assert response.headers["Cache-Control"] == "no-store"


def test_admin_home_is_for_admins_only(app, demo):
    client = app.test_client()
    factories.login(client, demo["staff"]["tiepnhan"])
    assert client.get("/can-bo/quan-tri").status_code == 403
    anonymous = app.test_client().get("/can-bo/quan-tri")
    assert anonymous.status_code == 303
    assert anonymous.location.startswith("/can-bo/dang-nhap")
