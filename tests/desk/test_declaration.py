"""The desk prints the filled declaration form (tờ khai) for walk-ins and assisted filing."""

from __future__ import annotations

from sqlalchemy import select

from tests.desk.conftest import COPY, SINGLE, Officer
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog

BIRTH = "dang-ky-khai-sinh"


def prints(app, dossier_id: int) -> list[AccessLog]:
    with app.app_context():
        rows = db.session.scalars(select(AccessLog).filter_by(
            dossier_id=dossier_id, action="print").order_by(AccessLog.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_walk_ins_answers_print_on_the_official_form_and_the_print_is_logged(app, reception,
                                                                              demo):
    created = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": BIRTH, "kenh": "1"})
    assert created.status_code == 303
    dossier_id = int(created.location.split("/can-bo/ho-so/")[1].split("#")[0])
    reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", {
        "applicant_full_name": "Nguyễn Thị Hoà", "child_full_name": "Lê Bảo Ngọc",
        "child_birth_date": "15/03/2024", "mother_full_name": "Nguyễn Thị Hoà"})
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    link = f'href="/can-bo/ho-so/{dossier_id}/to-khai"'
    assert link in page  # on the dossier page, before reception: print, sign, then receive
    before = len(prints(app, dossier_id))
    response = reception.get(f"/can-bo/ho-so/{dossier_id}/to-khai")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in html and "Lê Bảo Ngọc" in html
    assert "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi bốn" in html
    assert "UBND phường Mẫu" in html  # Kính gửi: the dossier's office
    assert "declaration-blank" in html  # what was not typed is left to complete by hand
    assert "In tờ khai" in html and f'href="/can-bo/ho-so/{dossier_id}"' in html
    logged = prints(app, dossier_id)[before:]
    assert [(e.action, e.detail, e.staff_id, e.office_id) for e in logged] == [
        ("print", "tờ khai", reception.staff_id, demo["office"])]


def test_every_desk_role_may_print_it_and_the_admin_may_not(app, dossier, demo):
    dossier_id = dossier(SINGLE)
    for username in ("tiepnhan", "chuyenmon", "lanhdao"):
        officer = Officer(app, demo["staff"][username])
        response = officer.get(f"/can-bo/ho-so/{dossier_id}/to-khai")
        assert response.status_code == 200, username
        assert "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" in response.get_data(as_text=True)
    admin = Officer(app, demo["staff"]["quantri"])
    assert admin.get(f"/can-bo/ho-so/{dossier_id}/to-khai").status_code == 403
    assert len(prints(app, dossier_id)) == 3
    anonymous = app.test_client().get(f"/can-bo/ho-so/{dossier_id}/to-khai")
    assert anonymous.status_code == 303 and "/can-bo/dang-nhap" in anonymous.location


def test_another_office_gets_404_and_nothing_is_logged(app, dossier, other_office):
    dossier_id = dossier(SINGLE)
    theirs = Officer(app, other_office["staff"]["reception"])
    response = theirs.get(f"/can-bo/ho-so/{dossier_id}/to-khai")
    assert response.status_code == 404
    assert "Nguyễn Thị Hoà" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AccessLog).filter_by(
            staff_id=other_office["staff"]["reception"]).count() == 0


def test_a_procedure_without_a_form_has_no_link_and_404_unlogged(app, reception, dossier):
    dossier_id = dossier(COPY)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert f"/can-bo/ho-so/{dossier_id}/to-khai" not in page
    assert reception.get(f"/can-bo/ho-so/{dossier_id}/to-khai").status_code == 404
    assert prints(app, dossier_id) == []
    assert reception.get("/can-bo/ho-so/2147483647/to-khai").status_code == 404


def test_the_form_prints_in_vietnamese_on_an_english_desk(app, reception, dossier):
    dossier_id = dossier(BIRTH)
    html = reception.get(f"/can-bo/ho-so/{dossier_id}/to-khai?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Print declaration form" in html
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in html and "Tôi cam đoan" in html
    assert "SOCIALIST REPUBLIC" not in html

