"""The data-protection page: the admin reads the office's access log by dossier, person or
officer; searches go by POST (no ID number or phone in a URL), lists mask the phone, other
offices' lines never show, and every reading of the log is itself logged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from tests.desk.conftest import Officer, clock, make_dossier  # noqa: F401 (clock: autouse)
from tests.html import check_page
from tthc.admin.dataprotection import PER_PAGE
from tthc.extensions import db
from tthc.models import AccessLog, Dossier

PAGE = "/can-bo/quan-tri/bao-ve-du-lieu"
ID_A, PHONE_A = "001190054321", "0987 654 321"
ID_B, PHONE_B = "079095001122", "0903 111 222"


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def set_applicant(app, dossier_id: int, id_number: str, phone: str) -> str:
    """Give the dossier this applicant; return its code as the desk shows it."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        answers = {**dossier.answers, "applicant_id_number": id_number,
                   "applicant_phone": phone}
        db.session.execute(update(Dossier).where(Dossier.id == dossier_id).values(
            answers=answers, phone_last4=re.sub(r"\D", "", phone)[-4:]))
        db.session.commit()
        return dossier.code or dossier.prefiling_code


def rows(page: str) -> list[str]:
    """The log table's rows, as text."""
    return [re.sub(r"<[^>]+>|\s+", " ", row) for row in
            re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.S)]


@pytest.fixture
def reception(app, demo):
    return Officer(app, demo["staff"]["tiepnhan"])


@pytest.fixture
def specialist(app, demo):
    return Officer(app, demo["staff"]["chuyenmon"])


def dossier(app, **kwargs) -> int:
    return make_dossier(app, **kwargs)


@pytest.fixture
def scene(app, reception, specialist, other_office):
    """Two dossiers of the demo office read by different officers, one of another office."""
    a = dossier(app, state="received")
    b = dossier(app)
    code_a = set_applicant(app, a, ID_A, PHONE_A)
    code_b = set_applicant(app, b, ID_B, PHONE_B)
    assert reception.get(f"/can-bo/ho-so/{a}").status_code == 200
    assert specialist.get(f"/can-bo/ho-so/{b}").status_code == 200
    other = dossier(app, office_id=other_office["id"], staff_id=other_office["staff"]["reception"])
    set_applicant(app, other, ID_A, PHONE_A)  # the same person, at another office
    outsider = Officer(app, other_office["staff"]["reception"])
    assert outsider.get(f"/can-bo/ho-so/{other}").status_code == 200
    return {"a": a, "b": b, "code_a": code_a, "code_b": code_b, "other": other}


def search(admin, **data):
    return admin.post(PAGE, data)


def test_the_admin_finds_who_read_a_persons_dossiers_by_id_number_or_phone(app, admin, scene,
                                                                          reception):
    for key in (ID_A, PHONE_A, "+84987654321"):
        response = search(admin, theo="nguoi", giay_to=key)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        found = rows(page)
        assert found and all(scene["code_a"] in r for r in found)
        assert any("tiepnhan" in r and "Xem hồ sơ" in r for r in found)
        assert scene["code_b"] not in page
    check_page(page)  # the page is valid HTML, and lists the phone masked
    assert "+84 *** *** 321" in page and "987 654" not in " ".join(found)


def test_by_dossier_code_and_by_officer(app, admin, scene, specialist):
    page = search(admin, theo="ho_so", ma_ho_so=scene["code_b"].lower()).get_data(as_text=True)
    found = rows(page)
    assert found and all(scene["code_b"] in r for r in found)
    page = search(admin, theo="can_bo", can_bo=str(specialist.staff_id)).get_data(as_text=True)
    found = rows(page)
    assert found and all("Xem hồ sơ" in r and scene["code_b"] in r for r in found)


def test_another_offices_lines_and_officers_are_out_of_reach(app, admin, scene, other_office):
    page = admin.get(PAGE).get_data(as_text=True)
    assert "khac-reception" not in page
    response = search(admin, theo="can_bo", can_bo=str(other_office["staff"]["reception"]))
    assert response.status_code == 422
    with app.app_context():
        other_code = db.session.get(Dossier, scene["other"]).prefiling_code
    page = search(admin, theo="ho_so", ma_ho_so=other_code).get_data(as_text=True)
    assert rows(page) == []


def test_no_personal_data_in_urls_and_each_reading_is_logged_without_it(app, admin, scene):
    page = search(admin, theo="nguoi", giay_to=ID_A).get_data(as_text=True)
    for url in re.findall(r'(?:href|action)="([^"]*)"', page):
        assert ID_A not in url and "987" not in url
    assert 'method="post"' in page and 'method="get"' not in page.lower()
    admin.get(PAGE)
    with app.app_context():
        audits = db.session.scalars(select(AccessLog).filter_by(
            action="audit", staff_id=admin.staff_id).order_by(AccessLog.id)).all()
        assert [a.detail.split(",")[0] for a in audits] == [
            f"nhật ký truy cập theo người nộp: hồ sơ #{scene['a']}", "nhật ký truy cập mới nhất"]
        for entry in audits:
            assert ID_A not in entry.detail and "654" not in entry.detail


def test_a_wrong_search_is_a_message_beside_its_field(app, admin):
    response = search(admin, theo="nguoi", giay_to="12ab")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="giay_to-error"' in page and "Số định danh cá nhân" in page
    assert 'value="12ab"' in page  # what was typed is kept
    check_page(page)


def test_pages_of_a_search_are_posted_again(app, admin, scene, reception):
    for _ in range(PER_PAGE + 5):
        reception.get(f"/can-bo/ho-so/{scene['a']}")
    page = search(admin, theo="nguoi", giay_to=PHONE_A).get_data(as_text=True)
    assert len(rows(page)) == PER_PAGE
    assert 'name="trang" value="2"' in page
    second = search(admin, theo="nguoi", giay_to=PHONE_A, trang="2").get_data(as_text=True)
    assert 0 < len(rows(second)) < PER_PAGE
    assert all(scene["code_a"] in r for r in rows(second))


def test_only_the_admin_reads_the_log(app, reception, admin):
    assert reception.get(PAGE).status_code == 403
    assert admin.get(PAGE).status_code == 200
    home = admin.get("/can-bo/quan-tri").get_data(as_text=True)
    assert PAGE in home


def test_the_person_search_reads_the_answers_on_postgresql_too(pg_app):
    from tthc.admin.dataprotection import dossiers_of_person, person_key

    a = make_dossier(pg_app)
    make_dossier(pg_app)
    set_applicant(pg_app, a, "001 190 054321", PHONE_A)  # the ID as typed, with spaces
    with pg_app.app_context():
        office = db.session.get(Dossier, a).office_id
        assert dossiers_of_person(office, person_key(ID_A)) == [a]
        assert dossiers_of_person(office, person_key("+84 987 654 321")) == [a]
        assert dossiers_of_person(office, person_key(ID_B)) == []
