"""Public catalogue pages are cached by HTTP (ETag, Cache-Control), keyed by what they show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.auth import factories
from tthc.catalogue import services
from tthc.cli import catalogue_load
from tthc.extensions import db
from tthc.models import Office

PUBLIC = ["/", "/thu-tuc", "/thu-tuc/dang-ky-khai-sinh", "/thu-tuc/dang-ky-khai-sinh/giay-to"]


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("path", PUBLIC)
def test_a_phone_that_has_the_page_gets_a_bodyless_304(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]  # always asks before reuse
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_languages_and_fragments_have_their_own_etag(client):
    vi = client.get("/thu-tuc")
    fragment = client.get("/thu-tuc", headers={"HX-Request": "true"})
    en = client.get("/thu-tuc?lang=en")
    assert len({vi.headers["ETag"], fragment.headers["ETag"], en.headers["ETag"]}) == 3
    assert "<html" not in fragment.get_data(as_text=True)
    # The Vietnamese copy a phone holds is not "still valid" once it has chosen English.
    asked = client.get("/thu-tuc", headers={"If-None-Match": vi.headers["ETag"]})
    assert asked.status_code == 200 and 'lang="en"' in asked.get_data(as_text=True)
    # Language lives in the session cookie and pages answer htmx with fragments.
    vary = {v.strip() for v in vi.headers["Vary"].split(",")}
    assert {"Cookie", "HX-Request"} <= vary


def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client):
    response = client.get("/thu-tuc")
    assert "csrf" not in response.get_data(as_text=True).lower()
    assert "Set-Cookie" not in response.headers


def test_errors_get_no_etag(client):
    assert "ETag" not in client.get("/thu-tuc", query_string={"q": "x" * 500}).headers
    assert "ETag" not in client.get("/thu-tuc/khong-co").headers


def _another_office():
    office = factories.make_office("khac")
    office.name = "UBND phường Khác Hẳn"
    db.session.commit()
    return office


@pytest.mark.parametrize("how", ["default flag", "TTHC_OFFICE"])
@pytest.mark.parametrize("path", PUBLIC)
def test_one_office_page_is_never_served_for_another(app, path, how):
    """Two offices on one deployment: the page shows the office served now, never the other."""
    with app.app_context():
        _another_office()
    client = app.test_client()
    first = client.get(path)
    assert "UBND" in title(first.get_data(as_text=True))
    assert "Khác Hẳn" not in first.get_data(as_text=True)
    if how == "default flag":  # written by another worker, read from the database
        with app.app_context():
            db.session.execute(update(Office).values(is_default=Office.code == "khac"))
            db.session.commit()
    else:
        app.config["TTHC_OFFICE"] = "khac"
    second = client.get(path)
    assert "Khác Hẳn" in title(second.get_data(as_text=True))
    assert second.headers["ETag"] != first.headers["ETag"]
    revalidated = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 200
    assert "Khác Hẳn" in title(revalidated.get_data(as_text=True))


def test_a_change_to_the_office_shows_at_once(app):
    client = app.test_client()
    first = client.get("/thu-tuc")
    with app.app_context():
        db.session.execute(update(Office).values(phone="0243 999 999"))
        db.session.commit()
    again = client.get("/thu-tuc", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "0243 999 999" in again.get_data(as_text=True)


def test_flask_catalogue_load_of_a_changed_procedure_shows_at_once(app, tmp_path):
    client = app.test_client()
    paths = ["/", "/thu-tuc", "/thu-tuc/dang-ky-khai-sinh"]
    before = {path: client.get(path) for path in paths}
    assert "Đăng ký khai sinh (sửa đổi)" not in before["/thu-tuc"].get_data(as_text=True)
    seed = Path(services.DEFAULT_FILE).read_text(encoding="utf-8")
    changed = seed.replace(
        'code = "dang-ky-khai-sinh"\nversion = 2025-07-01\nname_vi = "Đăng ký khai sinh"',
        'code = "dang-ky-khai-sinh"\nversion = 2026-01-01\n'
        'name_vi = "Đăng ký khai sinh (sửa đổi)"')
    assert changed != seed
    path = tmp_path / "catalogue.toml"
    path.write_text(changed, encoding="utf-8")
    result = app.test_cli_runner().invoke(catalogue_load, [str(path)])
    assert result.exit_code == 0 and "1 version(s) added" in result.output
    for page, old in before.items():
        now = client.get(page, headers={"If-None-Match": old.headers["ETag"]})
        assert now.status_code == 200, page
        assert "Đăng ký khai sinh (sửa đổi)" in now.get_data(as_text=True), page
        assert now.headers["ETag"] != old.headers["ETag"]


def test_a_compressed_page_revalidates_under_its_own_tag(client):
    headers = {"Accept-Encoding": "br, gzip"}
    first = client.get("/thu-tuc/dang-ky-khai-sinh", headers=headers)
    assert first.headers["Content-Encoding"] == "br"
    tag = first.headers["ETag"]
    assert tag.endswith(':br"') and not tag.startswith("W/")
    again = client.get("/thu-tuc/dang-ky-khai-sinh",
                       headers={**headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
