"""A long form one section a page (issue 12): the task list, the steps, "check your answers",
the compact panel, the applicant who is the mother, dates, a supplement, JavaScript off."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from tests.html import check_page
from tthc.extensions import db
from tthc.models import Dossier

from .conftest import APPLICANT, BIRTH, complete_answers, papers_to_bring, procedure

BIRTH_STEPS = ["Thông tin người nộp hồ sơ", "Thông tin người được khai sinh",
               "Thông tin người mẹ", "Thông tin người cha", "Đề nghị cấp bản sao",
               "Miễn lệ phí", "Giấy tờ"]
MOTHER = {"mother_full_name": "Lê Thị Mai", "mother_birth_date": "02/02/1992",
          "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
          "mother_residence": "Số 1 phố Huế, Hà Nội"}


@pytest.fixture
def draft(citizen):
    return citizen.start()  # a birth registration: six sections and the papers


def text_of(html: str) -> str:
    """What a reader sees: the page without its tags (and their attributes)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


def state_of(page: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}" value="([^"]*)"', page)[1]
            for name in ("_msgs", "_hidden", "_panel", "_part")}


# --- 1. the panel counts what it lists -----------------------------------------------------


def panel_items(text: str) -> tuple[int, list[str]]:
    """The panel's count and the links of its list (one per gap)."""
    count = int(re.search(r"Còn thiếu (\d+) mục", text)[1])
    listed = re.search(r'<ul class="gaps">(.*?)</ul>', text, re.S)[1]
    return count, re.findall(r'<a href="([^"]+)"', listed)


def test_fields_after_a_wrong_answer_are_listed_and_the_count_adds_up(citizen, draft):
    data = {**APPLICANT, "applicant_email": "khong-co-a-cong"}  # wrong, right before the role
    text = citizen.post(draft + "/kiem-tra", data, htmx=True).get_data(as_text=True)
    count, links = panel_items(text)
    assert "#applicant_role" in links and "#relationship" in links
    assert len(links) == count  # "Còn thiếu 16 mục" with 14 listed, no more
    assert len(set(links)) == count  # and each once
    # the email's message names its field, away from it
    assert "Thư điện tử (Thông tin người nộp hồ sơ): " in text


def test_a_field_without_a_group_is_filed_under_the_section_the_page_shows_it_in(citizen, draft):
    text = citizen.post(draft + "/kiem-tra", APPLICANT, htmx=True).get_data(as_text=True)
    line = re.search(r"<li>Chưa điền \(([^)]*)\): <a href=\"#applicant_role\"", text)
    assert line and line[1] == "Thông tin người nộp hồ sơ"  # not "Thông tin chung"
    page = citizen.client.get(draft + "/phan/1").get_data(as_text=True)
    assert 'id="applicant_role"' in page and 'id="relationship"' in page


# --- 2. a task list, one section a page, a panel in view, check your answers ---------------


def test_a_long_form_opens_on_its_task_list(citizen, draft):
    response = citizen.client.get(draft)
    page = response.get_data(as_text=True)
    check_page(page)
    assert 'id="dossier-form"' not in page  # not twelve screens of fields
    titles = re.findall(r'<a class="task-name" href="[^"]+"[^>]*>([^<]+)</a>', page)
    assert titles == BIRTH_STEPS + ["Kiểm tra lại và nộp"]
    for number in range(1, 8):
        assert f'href="{draft}/phan/{number}"' in page
    assert page.count("Còn thiếu") >= 3 and "Chưa thể nộp" in page


def test_a_step_shows_its_section_with_the_panel_above_and_saves_on_continue(citizen, draft):
    citizen.post(draft + "/phan/1", APPLICANT)
    response = citizen.client.get(draft + "/phan/3")
    page = response.get_data(as_text=True)
    check_page(page)
    assert "<h1>Thông tin người mẹ</h1>" in page and "Phần 3/7" in page
    assert 'id="mother_full_name"' in page and 'id="child_full_name"' not in page
    assert 'id="applicant_full_name"' not in page and 'id="file_giay_to_tuy_than"' not in page
    # the panel comes before the fields, sticky, with the count and the next thing to do
    panel = page.index('id="completeness"')
    assert panel < page.index('id="mother_full_name"') and "panel-sticky" in page
    assert re.search(r'Tiếp theo: <a href="#mother_full_name">', page)
    assert state_of(page)["_part"] == "3"
    saved = citizen.post(draft + "/phan/3", MOTHER)
    assert saved.status_code == 303 and saved.headers["Location"] == draft + "/phan/4"
    answers = citizen.dossier(draft).answers
    assert answers["mother_full_name"] == "Lê Thị Mai"
    assert answers["applicant_full_name"] == APPLICANT["applicant_full_name"]  # kept
    assert answers.get("child_full_name", "") == ""
    tasks = citizen.client.get(draft).get_data(as_text=True)
    mother = re.search(r'phan/3"[^>]*>Thông tin người mẹ</a>\s*<strong[^>]*>([^<]+)<', tasks)
    assert mother[1] == "Đã xong"


def test_the_last_step_goes_to_check_your_answers(citizen, draft):
    response = citizen.post(draft + "/phan/7", {"papers_confirmed": ["giay_to_tuy_than"]})
    assert response.status_code == 303
    assert response.headers["Location"] == draft + "/kiem-tra-lai"
    assert citizen.dossier(draft).papers_confirmed == ["giay_to_tuy_than"]
    # a step of fields never touches the papers promised
    citizen.post(draft + "/phan/1", APPLICANT)
    assert citizen.dossier(draft).papers_confirmed == ["giay_to_tuy_than"]
    assert citizen.client.get(draft + "/phan/8").status_code == 404


def test_a_wrong_answer_keeps_the_step_with_its_error_summary(citizen, draft):
    response = citizen.post(draft + "/phan/1", {**APPLICANT, "applicant_id_number": "12"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    assert "<title>Lỗi: " in page and 'href="#applicant_id_number"' in page
    assert 'value="12"' in page and "<h1>Thông tin người nộp hồ sơ</h1>" in page
    assert citizen.dossier(draft).answers["applicant_id_number"] == "12"  # saved anyway


def test_the_live_check_of_a_step_saves_only_its_fields(citizen, draft):
    citizen.post(draft + "/phan/3", MOTHER)
    state = state_of(citizen.client.get(draft + "/phan/2").get_data(as_text=True))
    response = citizen.post(draft + "/kiem-tra", {**state, "child_full_name": "Trần Minh An"},
                            htmx=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    check_page(text, full_page=False)
    answers = citizen.dossier(draft).answers
    assert answers["child_full_name"] == "Trần Minh An"
    assert answers["mother_full_name"] == "Lê Thị Mai"  # another step's answers stay
    # a gap on another step links to that step's page
    assert f'href="{draft}/phan/1#applicant_full_name"' in text
    assert 'href="#child_birth_date"' in text
    # nothing of the other steps is swapped into this page
    assert "applicant_id_number-error" not in text and "giay-to-" not in text.split("</details>")[1]


def test_check_your_answers_then_send(app, citizen, draft):
    spec = procedure(app, "dang-ky-khai-sinh")
    answers = complete_answers(spec)
    review = citizen.client.get(draft + "/kiem-tra-lai").get_data(as_text=True)
    check_page(review)
    assert "Nộp trước" not in text_of(review)  # nothing to send yet
    refused = citizen.action(draft + "/nop")
    assert refused.status_code == 422
    assert "Hồ sơ chưa đủ để nộp" in refused.get_data(as_text=True)
    citizen.post(draft + "/luu", {**answers, "papers_confirmed": papers_to_bring(spec, answers)})
    review = citizen.client.get(draft + "/kiem-tra-lai").get_data(as_text=True)
    check_page(review)
    assert "Trần Minh An" in review and APPLICANT["applicant_address"] in review
    assert f'href="{draft}/phan/3#mother_full_name"' in review  # «Thay đổi»
    assert "Sẽ mang đến khi nộp" in review
    assert re.search(r'<form method="post" action="[^"]*/nop">', review)
    sent = citizen.action(draft + "/nop")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/da-nop")


def test_a_short_form_stays_one_page(citizen):
    path = citizen.start("chung-thuc-ban-sao")
    page = citizen.client.get(path).get_data(as_text=True)
    assert 'id="dossier-form"' in page and 'class="task-list"' not in page
    assert citizen.client.get(path + "/phan/1").status_code == 303


# --- 3. the applicant who is the mother types her details once ------------------------------


def test_the_applicant_who_is_the_mother_fills_the_mothers_fields(citizen, draft):
    citizen.post(draft + "/phan/3", {"mother_ethnicity": "Kinh"})
    response = citizen.post(draft + "/phan/1", {**APPLICANT, "applicant_role": "self",
                                                "relationship": "me"})
    assert response.status_code == 303
    answers = citizen.dossier(draft).answers
    assert answers["mother_full_name"] == APPLICANT["applicant_full_name"]
    assert answers["mother_birth_date"] == APPLICANT["applicant_birth_date"]
    assert answers["mother_id_number"] == APPLICANT["applicant_id_number"]
    assert answers["mother_residence"] == APPLICANT["applicant_address"]
    assert answers.get("father_full_name", "") == ""
    page = citizen.client.get(draft + "/phan/3").get_data(as_text=True)
    assert f'value="{APPLICANT["applicant_full_name"]}"' in page  # shown, and editable
    # the applicant corrects her own answer: the copy follows
    citizen.post(draft + "/phan/1", {**APPLICANT, "applicant_role": "self", "relationship": "me",
                                     "applicant_address": "Số 14 phố Thụy Khuê, Hà Nội"})
    assert citizen.dossier(draft).answers["mother_residence"] == "Số 14 phố Thụy Khuê, Hà Nội"
    # what is typed there stays, whatever the applicant's answers
    citizen.post(draft + "/phan/3", {**MOTHER, "mother_full_name": "Nguyễn Thị Hoà B"})
    citizen.post(draft + "/phan/1", {**APPLICANT, "applicant_role": "self", "relationship": "me"})
    assert citizen.dossier(draft).answers["mother_full_name"] == "Nguyễn Thị Hoà B"


def test_the_one_page_form_carries_the_map_its_script_fills_at_once(citizen, draft):
    # the whole form (as an old page posts it) answers with the one-page form
    page = citizen.post(draft + "/kiem-tra", {**APPLICANT, "applicant_id_number": "12"})
    html = page.get_data(as_text=True)
    fill = re.search(r'data-fill="([^"]+)"', html)[1].replace("&#34;", '"')
    assert '"me":{' in fill and '"applicant_full_name":"mother_full_name"' in fill


# --- 4. dates as a phone's keypad types them ---------------------------------------------------


@pytest.mark.parametrize("typed", ["12051995", "12 05 1995", "12-05-1995", "12.05.1995"])
def test_dates_typed_without_slashes_are_read_and_kept_as_dd_mm_yyyy(citizen, draft, typed):
    citizen.post(draft + "/phan/1", {**APPLICANT, "applicant_birth_date": typed,
                                     "applicant_id_number": "001195012345"})
    assert citizen.dossier(draft).answers["applicant_birth_date"] == "12/05/1995"
    page = citizen.client.get(draft + "/phan/1").get_data(as_text=True)
    assert re.search(r'<input type="text" id="applicant_birth_date" name="applicant_birth_date" '
                     r'value="12/05/1995"[^>]* inputmode="numeric"', page)


def test_a_parents_year_of_birth_alone_is_enough(citizen, draft):
    response = citizen.post(draft + "/phan/3", {**MOTHER, "mother_birth_date": "1992"})
    assert response.status_code == 303
    assert citizen.dossier(draft).answers["mother_birth_date"] == "1992"
    child = citizen.post(draft + "/phan/2", {"child_birth_date": "2024"})
    assert child.status_code == 422  # the child's full date is on the birth certificate
    declaration = citizen.client.get(draft + "/to-khai").get_data(as_text=True)
    assert re.search(r"Năm sinh:</span> <span class=\"declaration-value\">1992<", declaration)


def test_a_date_error_names_its_field_in_the_summary(citizen, draft):
    response = citizen.post(draft + "/phan/3", {**MOTHER, "mother_birth_date": "31/02/1992"})
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</ul>', response.get_data(as_text=True),
                        re.S)[0]
    assert "Ngày, tháng, năm sinh (Thông tin người mẹ): Không có ngày 31/02/1992" in summary


# --- 5. after a supplement request --------------------------------------------------------------


def ask_again(app, path, targets, reason="Ảnh bị mờ, chụp lại rõ nét."):
    from tthc.intake.services import change_status, hash_secret

    token = path.rstrip("/").split("/")[2]
    with app.app_context():
        dossier = db.session.scalar(db.select(Dossier).filter_by(token_hash=hash_secret(token)))
        change_status(dossier, "request_supplement", "staff")
        dossier.supplement_items = [{"target": t, "label": "", "reason": reason}
                                    for t in targets]
        papers = {t.removeprefix("paper:") for t in targets}
        dossier.papers_confirmed = [k for k in dossier.papers_confirmed if k not in papers]
        dossier.supplement_requested_at = dt.datetime.now(dt.timezone.utc)
        db.session.commit()


def photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(buf, "JPEG")
    return buf.getvalue()


def test_a_supplement_says_what_to_fix_and_marks_the_file_sent_back(app, citizen, draft):
    answers = citizen.fill_complete(draft)
    brought = papers_to_bring(procedure(app, BIRTH), answers)
    citizen.post(f"{draft}/giay-to/giay_chung_sinh",
                 {**answers, "papers_confirmed": brought,
                  "file_giay_chung_sinh": (io.BytesIO(photo()), "anh.jpg")},
                 content_type="multipart/form-data")
    assert citizen.action(draft + "/nop").status_code == 303
    ask_again(app, draft, ["paper:giay_chung_sinh"])
    page = citizen.client.get(draft).get_data(as_text=True)
    check_page(page)
    seen = text_of(page)
    assert "Nộp bổ sung" in seen and "Nộp trước" not in seen
    assert "Hồ sơ đã đủ" not in seen
    assert "Còn 1 mục cần bổ sung" in seen and "Ảnh bị mờ, chụp lại rõ nét." in seen
    assert "Giấy chứng sinh" in seen and "Bị trả lại" in seen
    assert 'class="upload-rejected"' in page
    # a new photo: the panel says to send the supplement
    citizen.post(f"{draft}/giay-to/giay_chung_sinh",
                 {"file_giay_chung_sinh": (io.BytesIO(photo()), "anh2.jpg")},
                 content_type="multipart/form-data")
    seen = text_of(citizen.client.get(draft).get_data(as_text=True))
    assert "Đã bổ sung đủ" in seen and "Bấm «Nộp bổ sung»" in seen
    assert "Có thể bấm «Nộp trước»" not in seen


# --- 6. with JavaScript off, nothing claims to save by itself ------------------------------------


@pytest.mark.parametrize("where", ["", "/phan/1"])
def test_without_a_script_the_page_does_not_say_it_saves_by_itself(citizen, draft, where):
    page = citizen.client.get(draft + where).get_data(as_text=True)
    assert "Mọi thứ được lưu tự động" not in text_of(page)
    assert "data-js-text=" in page  # the script's sentence, put in only where it runs
    short = citizen.client.get(citizen.start("chung-thuc-ban-sao")).get_data(as_text=True)
    assert "Mọi thứ được lưu tự động" not in text_of(short) and "Bấm «Lưu»" in text_of(short)
