"""Issue 11 at the desk: one code per dossier (the portal's when it has one, else ours), how
the citizen was told of a new date (Form 04), and scanning at the desk (papers at reception,
the electronic result at the end) through the citizens' safe upload path."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.desk.conftest import COPY, MONDAY, SINGLE, check_all, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Dossier

PORTAL = "G22.99.21-260302-0003"


def logs(app, dossier_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.action, row.detail) for row in db.session.scalars(
            select(AccessLog).where(AccessLog.dossier_id == dossier_id).order_by(AccessLog.id))]


# --- the dossier's code ------------------------------------------------------------------------


def test_the_portals_code_is_the_dossiers_code_and_none_is_issued(app, reception, dossier):
    assisted = dossier()
    assert reception.post(f"/can-bo/ho-so/{assisted}/kenh",
                          {"kenh": "2", "ma_dvc": PORTAL}).status_code == 303
    check_all(reception, app, assisted)
    assert reception.post(f"/can-bo/ho-so/{assisted}/tiep-nhan", {}).status_code == 303
    stored = load(app, assisted)
    assert stored.status == 2 and stored.code == PORTAL and stored.portal_code == PORTAL
    # the office's daily sequence was not used: the next desk dossier is its first code
    walk_in = dossier()
    check_all(reception, app, walk_in)
    reception.post(f"/can-bo/ho-so/{walk_in}/tiep-nhan", {})
    assert load(app, walk_in).code == f"000.00.21.H26-{MONDAY:%y%m%d}-0001"
    page = reception.get(f"/can-bo/ho-so/{assisted}").get_data(as_text=True)
    assert f'id="ma-ho-so">{PORTAL}<' in page


def test_no_second_code_once_the_dossier_has_one(app, reception, dossier):
    dossier_id = dossier()
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    ours = load(app, dossier_id).code
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/kenh", {"kenh": "2", "ma_dvc": PORTAL})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Hồ sơ đã có mã {ours} từ khi tiếp nhận" in html and f'value="{PORTAL}"' in html
    stored = load(app, dossier_id)
    assert (stored.code, stored.portal_code) == (ours, "")


def test_a_portal_code_is_one_dossiers_only(app, reception):
    first = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "2",
                                                     "ma_dvc": PORTAL})
    assert first.status_code == 303
    again = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": SINGLE, "kenh": "2",
                                                     "ma_dvc": PORTAL.lower()})
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    check_page(html)
    assert "Cơ quan đã có hồ sơ mang mã" in html and f'value="{PORTAL.lower()}"' in html
    with app.app_context():
        assert db.session.query(Dossier).filter(Dossier.portal_code != "").count() == 1


def test_the_database_refuses_one_code_for_two_dossiers_of_an_office(app, dossier):
    first, second = dossier(), dossier()
    with app.app_context():
        db.session.get(Dossier, first).code = PORTAL
        db.session.get(Dossier, second).code = PORTAL
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_a_portal_code_of_other_characters_is_refused_beside_the_field(app, reception, dossier):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/kenh",
                              {"kenh": "2", "ma_dvc": "G22<script>"})
    assert response.status_code == 422
    assert "Mã hồ sơ trên Cổng Dịch vụ công gồm 4 đến 40 chữ cái" in response.get_data(as_text=True)
    assert load(app, dossier_id).portal_code == ""


def test_look_up_works_with_either_code(app, reception, dossier, client):
    from tests.auth import factories

    assisted, walk_in = dossier(), dossier()
    reception.post(f"/can-bo/ho-so/{assisted}/kenh", {"kenh": "2", "ma_dvc": PORTAL})
    for dossier_id in (assisted, walk_in):
        check_all(reception, app, dossier_id)
        reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    token = factories.csrf(client)
    for code in (PORTAL, PORTAL.lower(), load(app, walk_in).code):
        page = client.post("/tra-cuu", data={"code": code, "last4": load(app, walk_in)
                                             .phone_last4, "csrf_token": token}).get_data(
            as_text=True)
        assert "Được tiếp nhận" in page, code
    # the desk opens it by the portal's code too
    opened = reception.post("/can-bo/tiep-nhan/mo", {"ma": PORTAL.lower()})
    assert opened.location.endswith(f"/can-bo/ho-so/{assisted}")


# --- Form 04: how the citizen was told -------------------------------------------------------


def test_the_new_date_needs_how_the_citizen_was_told(app, leader, dossier, clock):
    from tests.desk.test_matrix import working_day_from

    dossier_id = dossier(SINGLE, state="progress")
    due = load(app, dossier_id).due_at.astimezone(MONDAY.tzinfo)
    clock(due - dt.timedelta(days=2))
    new_day = working_day_from(due.date() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    reason = "Chờ kết quả xác minh của nơi cư trú trước đây."
    missing = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                          {"ngay": new_day, "ly_do_tre": reason, "bao_tin": "fax"})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    check_page(html)
    assert "Chọn cách đã báo ngày hẹn mới cho công dân" in html and reason in html
    assert not load(app, dossier_id).rescheduled
    done = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                       {"ngay": new_day, "ly_do_tre": reason, "bao_tin": ["zalo", "phone"]})
    assert done.status_code == 303
    event = load(app, dossier_id).events[-1]
    assert (event.action, event.detail) == ("reschedule", {"told": ["zalo", "phone"]})
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert 'id="bao-tin">Zalo, Gọi điện thoại<' in page
    assert "đã báo công dân qua: Zalo, Gọi điện thoại" in page  # the history line
    letter = leader.get(done.location).get_data(as_text=True)
    assert "Ngày hẹn mới đã được báo cho Ông/Bà qua: Zalo, Gọi điện thoại" in letter
    assert ("update", "hẹn lại ngày trả kết quả, báo qua zalo, phone") in logs(app, dossier_id)


# --- scanning at the desk ----------------------------------------------------------------------


def photo(size=(1200, 900)) -> tuple[io.BytesIO, str]:
    image = Image.new("RGB", size, "white")
    exif = Image.Exif()
    exif[0x0110] = "Desk scanner model"  # Model: must not survive the re-encoding
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return io.BytesIO(out.getvalue()), "scan.jpg"


def pdf() -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"), "ket-qua.pdf"


def test_papers_scanned_at_reception_are_stored_safely_and_logged(app, reception, dossier):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/quet",
                              {"giay_to": "ban_chinh", "tep": [photo(), photo((800, 600))]})
    assert response.status_code == 303 and response.location.endswith("#quet")
    stored = load(app, dossier_id)
    scans = [u for u in stored.uploads if u.staff_id is not None]
    assert len(scans) == 2 and {u.kind for u in scans} == {"paper"}
    assert {u.content_type for u in scans} == {"image/jpeg"}
    with app.app_context():
        from tthc.intake.uploads import path_of

        data = path_of(scans[0].stored_name).read_bytes()
    assert b"Desk scanner model" not in data  # re-encoded without metadata
    uploads = [d for a, d in logs(app, dossier_id) if a == "upload"]
    assert uploads == [f"quét giấy tờ ban_chinh, tệp {u.id}" for u in scans]
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    section = page[page.index('id="quet"'):]
    assert section.count(f"/can-bo/ho-so/{dossier_id}/tep/") == 2
    assert "Công dân đã tải lên" not in page  # a scan is not the citizen's upload


@pytest.mark.parametrize("data, field, message", [
    ({"giay_to": "ban_chinh"}, "tep", "Chọn ảnh chụp hoặc tệp quét"),
    ({"giay_to": "khong-co", "tep": photo}, "giay_to", "Chọn giấy tờ được quét"),
    ({"giay_to": "ban_chinh", "tep": lambda: (io.BytesIO(b"MZ\x90 not a paper"), "a.exe")},
     "tep", "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF"),
])
def test_a_wrong_scan_is_refused_beside_its_field(app, reception, dossier, data, field,
                                                  message):
    dossier_id = dossier()
    posted = {k: v() if callable(v) else v for k, v in data.items()}
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/quet", posted)
    html = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    check_page(html)
    assert message in html and f'id="{field}-error"' in html
    assert not load(app, dossier_id).uploads
    assert not [d for a, d in logs(app, dossier_id) if a == "upload"]


def test_scanning_is_the_counters_and_only_before_the_result(app, specialist, reception,
                                                           dossier):
    dossier_id = dossier()
    assert specialist.post(f"/can-bo/ho-so/{dossier_id}/quet",
                           {"giay_to": "ban_chinh", "tep": photo()}).status_code == 403
    done = dossier(state="resolved")
    refused = reception.post(f"/can-bo/ho-so/{done}/quet",
                             {"giay_to": "ban_chinh", "tep": photo()})
    assert refused.status_code == 409 and not load(app, done).uploads


def test_the_electronic_result_only_once_ready_and_only_a_pdf(app, specialist, dossier):
    early = dossier(state="progress")
    refused = specialist.post(f"/can-bo/ho-so/{early}/ket-qua-dien-tu", {"ket_qua": pdf()})
    assert refused.status_code == 409
    assert "Chỉ đính kèm kết quả điện tử khi hồ sơ đã có kết quả" in refused.get_data(as_text=True)
    ready = dossier(state="resolved")
    image = specialist.post(f"/can-bo/ho-so/{ready}/ket-qua-dien-tu", {"ket_qua": photo()})
    assert image.status_code == 415 and "Chỉ nhận tệp PDF" in image.get_data(as_text=True)
    assert not load(app, ready).uploads


def test_the_citizen_downloads_the_result_only_with_the_link(app, reception, prefiled, client):
    from tests.auth import factories

    dossier_id, citizen, path = prefiled()
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    reception.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {})
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/ket-qua-dien-tu", {"ket_qua": pdf()})
    assert response.status_code == 303
    result = next(u for u in load(app, dossier_id).uploads if u.kind == "result")
    assert ("upload", f"kết quả điện tử, tệp {result.id}") in logs(app, dossier_id)
    page = citizen.client.get(path).get_data(as_text=True)
    check_page(page)
    link = re.search(r'id="ket-qua-dien-tu">.*?href="([^"]+)"', page, re.S)[1]
    download = citizen.client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.get_data().startswith(b"%PDF-")
    # the public look-up, even with the phone's last digits, never lists it
    code = load(app, dossier_id).code
    lookup = client.post("/tra-cuu", data={"code": code, "last4": "5678",
                                           "csrf_token": factories.csrf(client)})
    html = lookup.get_data(as_text=True)
    assert lookup.status_code == 200 and "Đã xử lý xong" in html
    assert "ket-qua-dien-tu" not in html and "/tep/" not in html
    # another dossier's link does not open it
    other_id, other, other_path = prefiled()
    wrong = other.client.get(link.replace(path.split("/")[-1], other_path.split("/")[-1]))
    assert wrong.status_code == 404


def test_the_citizen_cannot_delete_the_offices_scan(app, reception, prefiled):
    dossier_id, citizen, path = prefiled()
    reception.post(f"/can-bo/ho-so/{dossier_id}/quet", {"giay_to": "ban_chinh", "tep": photo()})
    scan = load(app, dossier_id).uploads[-1]
    reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Bổ sung bản sao có chứng thực."})
    assert load(app, dossier_id).status == 5  # the citizen's to edit again
    assert f"/tep/{scan.id}" not in citizen.client.get(path).get_data(as_text=True)
    assert citizen.action(f"{path}/tep/{scan.id}/xoa").status_code == 404
    assert [u.id for u in load(app, dossier_id).uploads] == [scan.id]
