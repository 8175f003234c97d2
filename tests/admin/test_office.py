"""The office in the admin's browser: facts, weekly hours (the one source of the footer, the
kiosk and the desk's days), counters and queue groups; refusals beside their fields; another
office's admin changes nothing here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.desk.conftest import Officer
from tests.html import check_page
from tests.queue.helpers import hanoi, set_clock
from tthc.extensions import db
from tthc.models import AccessLog, Office, ServiceGroup

PAGE = "/can-bo/quan-tri/co-quan"
WEEK = {"gio_mon": "07:30-11:30, 13:30-17:00", "gio_tue": "07:30-11:30, 13:30-17:00",
        "gio_wed": "07:30-11:30, 13:30-17:00", "gio_thu": "07:30-11:30, 13:30-17:00",
        "gio_fri": "07:30-11:30, 13:30-17:00", "gio_sat": "", "gio_sun": "", "gio_makeup": ""}


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def _form(**changes) -> dict:
    return {"ten": "UBND phường Mẫu", "ten_en": "Demo Ward", "bo_phan": "Bộ phận Một cửa",
            "dia_chi": "Số 1 phố Mẫu", "dien_thoai": "024 3825 0000", "so_quay": "3",
            **WEEK, **changes}


def _office(app, office_id: int) -> Office:
    with app.app_context():
        office = db.session.get(Office, office_id)
        db.session.expunge(office)
        return office


def test_the_page_shows_the_office_and_links_the_desk_settings(admin):
    page = admin.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    assert 'value="UBND phường Mẫu (dữ liệu minh họa)"' in html
    assert 'value="07:30-11:30, 13:30-17:00"' in html
    assert 'href="/can-bo/tiep-nhan/cai-dat"' in html  # the cut-off lives there, not here
    assert "gio_chot" not in html
    assert "Người cao tuổi" in html and "không sửa được" in html  # priority reasons, read-only
    assert 'href="/can-bo/quan-tri/co-quan/nhom/' in html


def test_saving_new_hours_changes_the_footer_and_the_kiosk(app, client, demo, admin,
                                                           monkeypatch):
    response = admin.post(PAGE, _form(gio_sat="08:00-11:00", dien_thoai="024 1111 2222",
                                      so_quay="4"))
    assert response.status_code == 303
    office = _office(app, demo["office"])
    assert office.schedule["sat"] == ["08:00-11:00"]
    assert "sun" not in office.schedule
    assert (office.phone, office.counters) == ("024 1111 2222", 4)
    assert ["Thứ Bảy", "Saturday", "08:00 – 11:00"] in office.opening_hours
    home = client.get("/").get_data(as_text=True)
    assert "Thứ Bảy: 08:00 – 11:00" in home and "024 1111 2222" in home
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    set_clock(monkeypatch, hanoi("2026-12-12 09:00"))  # a Saturday, open now
    kiosk = client.get("/lay-so").get_data(as_text=True)
    assert "Ngoài giờ làm việc" not in kiosk and "kiosk-button" in kiosk
    set_clock(monkeypatch, hanoi("2026-12-12 11:30"))
    assert "Ngoài giờ làm việc" in client.get("/lay-so").get_data(as_text=True)
    with app.app_context():
        details = db.session.scalars(select(AccessLog.detail).filter_by(action="settings")).all()
    assert any("office.schedule" in d and "office.phone" in d for d in details)


@pytest.mark.parametrize("changes, field, message", [
    ({"ten": ""}, "ten", "Nhập tên cơ quan"),
    ({"gio_mon": "7h30 đến 11h"}, "gio_mon", "Nhập các khoảng giờ"),
    ({"gio_tue": "07:30-11:30, 11:00-17:00"}, "gio_tue", "khoảng sau bắt đầu"),
    ({"gio_wed": "17:00-07:30"}, "gio_wed", "Nhập các khoảng giờ"),
    ({"so_quay": "0"}, "so_quay", "Nhập số quầy từ 1 đến 50"),
    ({"dien_thoai": "gọi tôi"}, "dien_thoai", "Số điện thoại chỉ gồm"),
    ({k: "" for k in WEEK}, "gio_mon", "ít nhất một ngày"),
])
def test_wrong_values_are_refused_beside_their_field_and_kept(app, demo, admin, changes,
                                                              field, message):
    before = _office(app, demo["office"])
    response = admin.post(PAGE, _form(dia_chi="Địa chỉ đã gõ", **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    error = html.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert message in error
    assert 'value="Địa chỉ đã gõ"' in html
    for value in changes.values():
        if value:
            assert f'value="{value}"' in html
    after = _office(app, demo["office"])
    assert (after.schedule, after.address, after.counters) == \
        (before.schedule, before.address, before.counters)


def test_a_queue_group_is_added_and_edited(app, demo, admin):
    page = admin.get(PAGE + "/nhom/them")
    assert page.status_code == 200
    check_page(page.get_data(as_text=True))
    response = admin.post(PAGE + "/nhom/them", {"chu": "d", "ten": "Đất đai", "ten_en": "",
                                                "thu_tu": "4", "phut": "12"})
    assert response.status_code == 303
    with app.app_context():
        group = db.session.scalar(select(ServiceGroup).filter_by(office_id=demo["office"],
                                                                 prefix="D"))
        assert (group.name_vi, group.name_en, group.fields, group.position,
                group.minutes_per_ticket) == ("Đất đai", "Đất đai", [], 4, 12)
        a_group = db.session.scalar(select(ServiceGroup).filter_by(office_id=demo["office"],
                                                                   prefix="A"))
    response = admin.post(f"{PAGE}/nhom/{a_group.id}", {
        "chu": "A", "ten": "Chứng thực bản sao", "ten_en": "Certified copies",
        "linh_vuc": "chung-thuc", "thu_tu": "1", "phut": "6"})
    assert response.status_code == 303
    with app.app_context():
        a_group = db.session.get(ServiceGroup, a_group.id)
        assert (a_group.name_vi, a_group.fields, a_group.minutes_per_ticket) == \
            ("Chứng thực bản sao", ["chung-thuc"], 6)


@pytest.mark.parametrize("data, field, message", [
    ({"chu": "B"}, "chu", "đã dùng cho nhóm khác"),
    ({"chu": "Đ"}, "chu", "chữ cái không dấu"),
    ({"ten": ""}, "ten", "Nhập tên nhóm"),
    ({"linh_vuc": "ho-tich"}, "linh_vuc", "Mỗi lĩnh vực chỉ thuộc một nhóm"),
    ({"thu_tu": "x"}, "thu_tu", "Nhập thứ tự"),
    ({"phut": "0"}, "phut", "Nhập số phút"),
])
def test_a_wrong_group_is_refused_beside_its_field(app, demo, admin, data, field, message):
    posted = {"chu": "D", "ten": "Đất đai", "ten_en": "Land", "thu_tu": "4", "phut": "10",
              **data}
    response = admin.post(PAGE + "/nhom/them", posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert message in html.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert 'value="Land"' in html
    with app.app_context():
        assert db.session.scalar(select(ServiceGroup).filter_by(name_en="Land")) is None


def test_another_offices_admin_sees_and_changes_only_their_own(app, demo, admin, other_office):
    theirs = Officer(app, other_office["staff"]["admin"])
    html = theirs.get(PAGE).get_data(as_text=True)
    assert "UBND phường khac" in html and "phường Mẫu" not in html
    with app.app_context():
        our_group = db.session.scalar(select(ServiceGroup).filter_by(office_id=demo["office"],
                                                                     prefix="C"))
    assert theirs.get(f"{PAGE}/nhom/{our_group.id}").status_code == 404
    response = theirs.post(f"{PAGE}/nhom/{our_group.id}", {
        "chu": "Z", "ten": "Đổi", "thu_tu": "1", "phut": "5"})
    assert response.status_code == 404
    before = _office(app, demo["office"])
    assert theirs.post(PAGE, _form(ten="Phường của họ")).status_code == 303
    assert _office(app, demo["office"]).name == before.name
    assert _office(app, other_office["id"]).name == "Phường của họ"


@pytest.mark.parametrize("role", ["reception", "specialist", "leader"])
def test_only_admins_open_the_office_page(app, other_office, role):
    officer = Officer(app, other_office["staff"][role])
    assert officer.get(PAGE).status_code == 403
    assert officer.post(PAGE, _form()).status_code == 403
    assert officer.get(PAGE + "/nhom/them").status_code == 403
