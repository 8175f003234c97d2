"""New offices from the browser: a city admin adds a ward with its hours, queue groups,
holiday table and first admin, who signs in and configures it; plain admins cannot."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.auth import factories
from tests.desk.conftest import Officer
from tests.html import check_page
from tthc import offices
from tthc.extensions import db
from tthc.models import AccessLog, Holiday, Office, ServiceGroup, Staff

PAGE = "/can-bo/quan-tri/don-vi"
GOOD = "mot-mat-khau-tot-42"
WARD = {"ma": "thuy-khue", "ten": "UBND phường Thụy Khuê", "ten_en": "Thuy Khue Ward",
        "tinh": "Hà Nội", "ma_don_vi": "000.00.21.H26-TK", "dia_chi": "Số 2 Thụy Khuê",
        "dien_thoai": "024 3847 0000", "ten_dang_nhap": "quantri.tk",
        "ho_ten": "Phạm Thu Trang", "mat_khau": ""}


@pytest.fixture
def city_admin(app, demo):
    with app.app_context():
        staff = db.session.get(Staff, demo["staff"]["quantri"])
        staff.roles = ["admin", "city_admin"]
        db.session.commit()
    return Officer(app, demo["staff"]["quantri"])


def test_a_city_admin_adds_a_ward_whose_admin_signs_in_and_configures_it(app, city_admin):
    page = city_admin.get(PAGE)
    assert page.status_code == 200
    check_page(page.get_data(as_text=True))
    assert 'href="/can-bo/quan-tri/don-vi"' in city_admin.get("/can-bo/quan-tri").get_data(
        as_text=True)
    response = city_admin.post(PAGE, WARD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    check_page(html)
    password = re.search(r'id="mat-khau-moi">([^<]+)<', html).group(1)
    with app.app_context():
        office = db.session.scalar(select(Office).filter_by(code="thuy-khue"))
        assert (office.name, office.province, office.unit_code, office.is_default) == \
            ("UBND phường Thụy Khuê", "Hà Nội", "000.00.21.H26-TK", False)
        assert office.schedule["mon"] == ["07:30-11:30", "13:30-17:00"]
        assert [g.prefix for g in factories.groups(office.id)] == ["A", "B", "C"]
        assert db.session.scalar(select(func.count(Holiday.id)).filter_by(
            office_id=office.id)) > 20
        admin = db.session.scalar(select(Staff).filter_by(username="quantri.tk"))
        assert (admin.office_id, admin.roles) == (office.id, ["admin"])
        details = db.session.scalars(select(AccessLog.detail)).all()
        assert "office thuy-khue created" in details
        assert not any(password in d for d in details)
        office_id = office.id
    # The new admin signs in with the password shown once, and sees their own office.
    client = app.test_client()
    signed_in = client.post("/can-bo/dang-nhap", data={
        "csrf_token": factories.csrf(client), "username": "quantri.tk", "password": password})
    assert signed_in.status_code == 303
    own = client.get("/can-bo/quan-tri/co-quan").get_data(as_text=True)
    assert 'value="UBND phường Thụy Khuê"' in own
    staff_list = client.get("/can-bo/quan-tri/can-bo").get_data(as_text=True)
    assert "quantri.tk" in staff_list and "tiepnhan" not in staff_list
    assert client.get(PAGE).status_code == 403  # a ward admin adds no offices
    # A deployment serving it (TTHC_OFFICE) shows it to citizens, with its hours.
    app.config["TTHC_OFFICE"] = "thuy-khue"
    home = app.test_client().get("/").get_data(as_text=True)
    assert "UBND phường Thụy Khuê" in home and "07:30 – 11:30, 13:30 – 17:00" in home
    with app.app_context():
        # Its own holiday table, copied from the seed: National Day is off.
        assert not offices.calendar(office_id).is_working_day(dt.date(2026, 9, 2))


@pytest.mark.parametrize("changes, field, message", [
    ({"ma": "demo"}, "ma", "đã có đơn vị dùng"),
    ({"ma": "Thụy Khuê"}, "ma", "chữ thường không dấu"),
    ({"ten": ""}, "ten", "Nhập tên đơn vị"),
    ({"tinh": ""}, "tinh", "Nhập tỉnh"),
    ({"ma_don_vi": "000.00.21.H26"}, "ma_don_vi", "đã thuộc một đơn vị khác"),
    ({"ma_don_vi": ""}, "ma_don_vi", "Nhập mã định danh"),
    ({"ten_dang_nhap": "tiepnhan"}, "ten_dang_nhap", "đã có người dùng"),
    ({"ho_ten": ""}, "ho_ten", "Nhập họ và tên"),
    ({"mat_khau": "ngan"}, "mat_khau", "ít nhất 10 ký tự"),
])
def test_a_wrong_office_is_refused_beside_its_field_and_nothing_is_created(
        app, city_admin, changes, field, message):
    response = city_admin.post(PAGE, {**WARD, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert message in html.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert 'value="Số 2 Thụy Khuê"' in html
    with app.app_context():
        assert db.session.scalar(select(Office).filter_by(name_en="Thuy Khue Ward")) is None
        assert db.session.scalar(select(Staff).filter_by(username="quantri.tk")) is None


def test_a_plain_admin_neither_sees_nor_adds_offices(app, demo):
    admin = Officer(app, demo["staff"]["quantri"])
    assert admin.get(PAGE).status_code == 403
    assert admin.post(PAGE, {**WARD, "mat_khau": GOOD}).status_code == 403
    assert 'href="/can-bo/quan-tri/don-vi"' not in admin.get("/can-bo/quan-tri").get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Office).filter_by(code="thuy-khue")) is None
        assert db.session.scalar(select(ServiceGroup).filter_by(prefix="A").join(
            Office, Office.id == ServiceGroup.office_id).where(Office.code == "thuy-khue")) \
            is None


def test_every_page_of_the_office_holidays_staff_and_offices_is_guarded(app):
    """Each route of these four pages needs the admin role (new offices: the city admin)."""
    modules = ("tthc.admin.office", "tthc.admin.holidays", "tthc.admin.staff",
               "tthc.admin.offices")
    seen = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "__module__", "") not in modules:
            continue
        seen.add(view.__module__)
        assert rule.rule.startswith("/can-bo/quan-tri/"), rule.rule
        expected = ("city_admin",) if view.__module__ == "tthc.admin.offices" else ("admin",)
        assert getattr(view, "staff_roles", None) == expected, rule.endpoint
    assert seen == set(modules)
