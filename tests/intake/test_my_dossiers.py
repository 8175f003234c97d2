"""/ho-so-cua-toi: the drafts and dossiers a phone keeps, with the consent of the remembered
details only, so that a lost link is not a lost draft."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.html import check_page
from tthc.extensions import db
from tthc.intake import mine
from tthc.models import Dossier, DossierLink

from .conftest import APPLICANT, BIRTH
from .desk_steps import OFFICIAL_CODE, receive
from .test_profile import COOKIE, remember_me

PAGE = "/ho-so-cua-toi"


def listed(citizen) -> str:
    response = citizen.client.get(PAGE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    check_page(page)
    return page


def shown_code(dossier: Dossier) -> str:
    return f"{dossier.prefiling_code[:4]}-{dossier.prefiling_code[4:]}"


def test_nothing_is_listed_without_the_remembered_details(citizen):
    path = citizen.start()
    citizen.post(path + "/luu", {**APPLICANT, "_remember_shown": "1"})  # box left unticked
    page = listed(citizen)
    assert "chưa ghi nhớ hồ sơ nào" in page
    assert path not in page and shown_code(citizen.dossier(path)) not in page
    assert "Quên điện thoại này" not in page  # nothing to forget


def test_the_phone_lists_its_drafts_with_their_links(app, citizen, other_phone):
    first = citizen.start()
    remember_me(citizen, first)  # the consent, on the first draft
    second = citizen.start("trich-luc-ho-tich")  # started on the phone that remembers
    page = listed(citizen)
    for path in (first, second):
        assert f'href="{path}"' in page
        assert shown_code(citizen.dossier(path)) in page
    assert "Đăng ký khai sinh" in page and "Cấp bản sao trích lục hộ tịch" in page
    assert page.count("Bản nháp") == 2
    # the last change first: the second draft, until the first one is saved again
    assert page.index(second) < page.index(first)
    citizen.post(first + "/luu", {**APPLICANT, "_remember_shown": "1", "remember": "1",
                                  "child_full_name": "An"})
    page = listed(citizen)
    assert page.index(first) < page.index(second)
    # nothing about the applicant: the list is the phone's, whoever holds it
    assert APPLICANT["applicant_full_name"] not in page
    assert APPLICANT["applicant_id_number"] not in page
    # another phone sees none of them, even once it remembers its own details
    other = other_phone.start()
    remember_me(other_phone, other)
    page = listed(other_phone)
    assert f'href="{other}"' in page
    assert first not in page and second not in page


def test_a_lost_link_is_not_a_lost_draft(citizen):
    path = citizen.start()
    remember_me(citizen, path, applicant_phone="0987 654 321")
    # the citizen closed the tab and lost the address: the phone still has it
    link = re.search(r'href="(/ho-so/[\w-]+)"', listed(citizen))[1]
    assert link == path
    # a long form opens on its task list; the applicant's details are its first step
    page = citizen.client.get(link + "/phan/1").get_data(as_text=True)
    assert 'value="0987 654 321"' in page


def test_a_received_dossier_shows_its_official_code_and_status(app, citizen):
    path = citizen.start()
    citizen.fill_complete(path, remember="1", _remember_shown="1")
    citizen.action(path + "/nop")
    receive(app, citizen.dossier(path).id)
    page = listed(citizen)
    assert OFFICIAL_CODE in page and "Được tiếp nhận" in page
    assert f'href="{path}"' in page


def test_unticking_remember_takes_the_draft_off_the_list(citizen):
    kept = citizen.start()
    remember_me(citizen, kept)
    dropped = citizen.start()
    assert dropped in listed(citizen)
    citizen.post(dropped + "/luu", {**APPLICANT, "_remember_shown": "1"})
    page = listed(citizen)
    assert dropped not in page and kept in page


def test_forgetting_the_phone_empties_the_list_and_keeps_the_dossiers(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    assert "Quên điện thoại này" in listed(citizen)
    assert citizen.action(PAGE + "/quen", csrf=False).status_code == 400
    assert path in listed(citizen)
    response = citizen.action(PAGE + "/quen")
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    assert citizen.client.get_cookie(COOKIE) is None
    page = listed(citizen)
    assert "Đã xóa thông tin người nộp và danh sách hồ sơ" in page
    assert path not in page
    # the dossier itself is untouched and opens by its link as before
    assert citizen.dossier(path).answers["applicant_full_name"] == APPLICANT["applicant_full_name"]
    assert citizen.client.get(path).status_code == 200


def test_a_guessed_cookie_lists_nothing(app, citizen, other_phone):
    path = citizen.start()
    remember_me(citizen, path)
    other_phone.client.set_cookie(COOKIE, "x" * 43)
    page = listed(other_phone)
    assert "chưa ghi nhớ hồ sơ nào" in page and path not in page


def test_the_link_is_kept_sealed_and_opens_only_with_the_server_key(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    token = path.rsplit("/", 1)[1]
    dossier = citizen.dossier(path)
    other = citizen.dossier(citizen.start())
    with app.app_context():
        sealed = db.session.scalar(select(DossierLink.sealed).filter_by(dossier_id=dossier.id))
        assert token not in sealed and token.encode().hex() not in sealed
        assert mine.open_link(db.session.get(Dossier, dossier.id), sealed) == token
        # a seal opens for its own dossier only
        assert mine.open_link(db.session.get(Dossier, other.id), sealed) is None
    # a new server key: the seal no longer opens, unless the old key is kept as a fallback
    app.config["SECRET_KEY"] = "another key"
    page = listed(citizen)
    assert f'href="{path}"' not in page and shown_code(dossier) in page
    assert "Mở bằng đường dẫn hoặc mã QR đã lưu" in page
    app.config["SECRET_KEY_FALLBACKS"] = ["test"]
    assert f'href="{path}"' in listed(citizen)


def test_the_home_page_and_the_pre_filing_start_link_the_list(client):
    for url in ("/", "/nop-truoc", f"/nop-truoc?thu_tuc={BIRTH}"):
        assert f'href="{PAGE}"' in client.get(url).get_data(as_text=True), url
