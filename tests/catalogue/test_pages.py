"""The public catalogue pages, in Vietnamese and English, with good and bad input."""

import unicodedata

import pytest

from tests.html import check_page

PAGES = ["/", "/thu-tuc", "/thu-tuc?q=khai+sinh", "/thu-tuc/dang-ky-khai-sinh",
         "/thu-tuc/chung-thuc-ban-sao", "/thu-tuc/chung-thuc-ban-sao/giay-to",
         "/nop-truoc", "/lay-so", "/tra-cuu", "/ho-so-cua-toi"]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_both_languages(client, path, lang):
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}lang={lang}")
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert page.html_lang == lang


def test_vietnamese_is_the_default_and_english_is_remembered(client):
    assert 'lang="vi"' in client.get("/thu-tuc").get_data(as_text=True)
    assert 'lang="en"' in client.get("/thu-tuc?lang=en").get_data(as_text=True)
    page = client.get("/thu-tuc").get_data(as_text=True)
    assert 'lang="en"' in page and "Administrative procedures" in page
    assert 'lang="vi"' in client.get("/thu-tuc?lang=vi").get_data(as_text=True)


def test_an_unknown_language_falls_back_to_vietnamese(client):
    response = client.get("/thu-tuc?lang=fr")
    assert response.status_code == 200
    assert 'lang="vi"' in response.get_data(as_text=True)


def test_the_language_switch_keeps_the_search(client):
    page = client.get("/thu-tuc?q=khai+sinh").get_data(as_text=True)
    assert "q=khai+sinh" in page and "lang=en" in page


def _names(response):
    return [line for line in response.get_data(as_text=True).splitlines()
            if 'href="/thu-tuc/' in line and "giay-to" not in line]


@pytest.mark.parametrize("query", [
    "dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ky khai sinh",
    unicodedata.normalize("NFD", "Đăng ký khai sinh"), "  khai   SINH ",
])
def test_search_ignores_case_and_diacritics(client, query):
    response = client.get("/thu-tuc", query_string={"q": query})
    assert response.status_code == 200
    links = _names(response)
    assert any("/thu-tuc/dang-ky-khai-sinh" in line for line in links)
    assert not any("/thu-tuc/chung-thuc-chu-ky" in line for line in links)


def test_search_matches_either_tone_mark_placement(client):
    # "hoà"/"hòa" are two NFC spellings of one syllable; "chứng thực" typed with the
    # mark on another letter of "ư" is not possible, so check the folding on a real match:
    # "giám hộ" typed as "giam hô" and with a decomposed "ộ" finds the same procedure.
    old = _names(client.get("/thu-tuc", query_string={"q": "hoà"}))
    new = _names(client.get("/thu-tuc", query_string={"q": "hòa"}))
    assert old == new
    plain = _names(client.get("/thu-tuc", query_string={"q": "giam ho"}))
    nfd = _names(client.get("/thu-tuc", query_string={"q": unicodedata.normalize("NFD", "giám hộ")}))
    assert plain == nfd and any("dang-ky-giam-ho" in line for line in plain)


def test_filter_by_field(client):
    links = _names(client.get("/thu-tuc", query_string={"linh-vuc": "chung-thuc"}))
    assert links and all("chung-thuc" in line or "ban-sao" in line for line in links)
    assert not any("khai-sinh" in line for line in links)


def test_no_match_gets_a_helpful_message(client):
    response = client.get("/thu-tuc", query_string={"q": "xây nhà cao tầng"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Không tìm thấy thủ tục phù hợp" in text and "xây nhà cao tầng" in text
    assert "Xem tất cả thủ tục" in text


def test_a_huge_query_is_refused_clearly_and_kept(client):
    query = "khai sinh " * 1000
    response = client.get("/thu-tuc", query_string={"q": query})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Từ khóa tìm kiếm quá dài" in text
    assert 'aria-invalid="true"' in text
    check_page(text)


def test_search_fragment_for_htmx_and_page_without(client, htmx_headers):
    page = client.get("/thu-tuc?q=khai+sinh")
    fragment = client.get("/thu-tuc?q=khai+sinh", headers=htmx_headers)
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "/thu-tuc/dang-ky-khai-sinh" in body
    assert "HX-Request" in fragment.headers["Vary"]
    restore = client.get("/thu-tuc?q=khai+sinh",
                         headers={**htmx_headers, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_detail_shows_papers_fee_time_and_basis(client):
    text = client.get("/thu-tuc/chung-thuc-ban-sao").get_data(as_text=True)
    assert "Giấy tờ cần nộp" in text
    assert "2.000\xa0₫" in text and "200.000\xa0₫" in text
    assert "Trong ngày" in text
    assert '<p class="badge badge-large">Giải quyết trong ngày</p>' in text
    assert "Căn cứ pháp lý" in text and "23/2015" in text
    assert 'href="/nop-truoc?thu_tuc=chung-thuc-ban-sao"' in text


def test_detail_of_a_multi_day_procedure_says_working_days(client):
    text = client.get("/thu-tuc/xac-nhan-tinh-trang-hon-nhan").get_data(as_text=True)
    assert "3 ngày làm việc" in text
    assert "Giải quyết trong ngày" not in text
    english = client.get("/thu-tuc/xac-nhan-tinh-trang-hon-nhan?lang=en").get_data(as_text=True)
    assert "3 working days" in english


def test_an_unknown_code_gives_the_404_page(client):
    response = client.get("/thu-tuc/khong-co-thu-tuc-nay")
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in text and "<html" in text
    check_page(text)


def test_home_lists_popular_procedures_and_next_steps(client):
    text = client.get("/").get_data(as_text=True)
    assert "Thứ Hai – ngày không giấy hẹn" in text
    for target in ("/thu-tuc", "/nop-truoc", "/lay-so", "/tra-cuu", "/ho-so-cua-toi"):
        assert f'href="{target}"' in text
    assert "/thu-tuc/chung-thuc-ban-sao" in text
