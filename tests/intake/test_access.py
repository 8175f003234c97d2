"""Nobody opens a dossier, or learns anything about it, without its link token."""

import pytest

from .conftest import APPLICANT, CSRF

GET_PATHS = ["", "/da-nop", "/to-khai", "/tep/1"]
POST_PATHS = ["/kiem-tra", "/luu", "/nop", "/sua", "/rut", "/giay-to/giay_chung_sinh",
              "/tep/1/xoa", "/quen-thong-tin"]
BAD_TOKENS = ["x" * 32, "short", "a" * 65]  # well-formed but unknown; malformed; too long


@pytest.fixture
def filled(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    return path


def _no_personal_data(text: str) -> None:
    for value in ("Nguyễn Thị Hoà", "001190012345", "0912 345 678", "345 678", "Trần Minh An"):
        assert value not in text
    assert "Đăng ký khai sinh" not in text  # not even which procedure


@pytest.mark.parametrize("token", BAD_TOKENS)
@pytest.mark.parametrize("suffix", GET_PATHS)
def test_a_wrong_token_is_404_with_nothing_personal(other_phone, filled, token, suffix):
    response = other_phone.client.get(f"/ho-so/{token}{suffix}")
    assert response.status_code == 404
    _no_personal_data(response.get_data(as_text=True))


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("suffix", POST_PATHS)
def test_posting_with_a_wrong_token_is_404_and_changes_nothing(citizen, filled, suffix, htmx):
    before = citizen.dossier(filled)
    response = citizen.post("/ho-so/" + "Z" * 32 + suffix,
                            {"applicant_full_name": "Kẻ Lạ"}, htmx=htmx)
    assert response.status_code == 404
    _no_personal_data(response.get_data(as_text=True))
    after = citizen.dossier(filled)
    assert after.answers == before.answers and after.status == before.status


def test_the_right_token_opens_it_from_any_phone(other_phone, filled):
    # The link (or its QR) is the key: a second phone with the link sees the draft.
    page = other_phone.client.get(filled + "/phan/1").get_data(as_text=True)
    assert APPLICANT["applicant_full_name"] in page


def test_a_token_opens_only_its_own_files(citizen, filled):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    response = citizen.post(filled + "/giay-to/giay_chung_sinh",
                            {"file_giay_chung_sinh": (io.BytesIO(buf.getvalue()), "a.jpg")},
                            content_type="multipart/form-data")
    assert response.status_code == 303
    upload_id = citizen.dossier(filled).uploads[0].id
    assert citizen.client.get(f"{filled}/tep/{upload_id}").status_code == 200
    second = citizen.start()
    assert citizen.client.get(f"{second}/tep/{upload_id}").status_code == 404
    assert citizen.post(f"{second}/tep/{upload_id}/xoa").status_code == 404
    assert len(citizen.dossier(filled).uploads) == 1


def test_over_https_the_pages_posts_carry_what_csrf_needs(app, citizen):
    """The token pages keep the Referer for their own site only: over HTTPS, Flask-WTF needs
    a same-origin Referer on every POST, and another site must never see the token."""
    from tthc.intake.views import TOKEN_PAGE_REFERRER_POLICY

    https = "https://localhost"
    client = app.test_client()
    page = client.get(f"{https}/nop-truoc?thu_tuc=dang-ky-khai-sinh").get_data(as_text=True)
    token = CSRF.search(page)[1]
    data = {"csrf_token": token, "thu_tuc": "dang-ky-khai-sinh"}
    assert client.post(f"{https}/nop-truoc", data=data).status_code == 400  # no Referer
    created = client.post(f"{https}/nop-truoc", data=data,
                          headers={"Referer": f"{https}/nop-truoc"})
    assert created.status_code == 303
    draft = https + created.headers["Location"]
    response = client.get(draft)
    assert response.headers["Referrer-Policy"] == TOKEN_PAGE_REFERRER_POLICY == "same-origin"
    # what a browser sends under that policy from the draft page: the page's own URL
    saved = client.post(draft + "/luu", data={"csrf_token": token, "_form": "dossier"},
                        headers={"Referer": draft})
    assert saved.status_code == 303
