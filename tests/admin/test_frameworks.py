"""The admin's page of the legal framework: the versions by date, their rules with citations
and check marks (shown here only), and the day of an unverified version, checked and logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Setting

PAGE = "/can-bo/quan-tri/van-ban"
TT03 = "nd118-2025-tt03"


class Admin:
    def __init__(self, app, staff_id: int):
        self.client = app.test_client()
        factories.login(self.client, staff_id)
        self.token = factories.csrf(self.client)

    def get(self, path: str = PAGE):
        return self.client.get(path)

    def post(self, data: dict, path: str = PAGE):
        return self.client.post(path, data={"csrf_token": self.token, **data})


@pytest.fixture
def admin(app, demo):
    return Admin(app, demo["staff"]["quantri"])


def settings_log(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AccessLog.detail).filter_by(action="settings")))


def test_the_page_lists_the_versions_rules_citations_and_checks(admin):
    response = admin.get()
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_page(html)
    names = re.findall(r'<h2 id="vb-([a-z0-9-]+)-title">', html)
    assert names == ["nd61-2018", "nd118-2025", TT03]  # in the order of their dates
    for date in ("06/01/2019", "01/07/2025", "15/09/2025"):
        assert date in html
    assert "Nghị định số 61/2018/NĐ-CP, Điều 17 khoản 4" in html
    assert "Nghị định số 61/2018/NĐ-CP, Điều 19 khoản 9" in html
    assert "Số ngày trước ngày hết hạn: 1; Số lần tối đa: 1" in html
    assert "Giờ chốt: 15:00" in html and "Số ngày làm việc: 3; Tính lại thời hạn từ đầu: có" \
        in html
    assert "Nghị định số 118/2025/NĐ-CP" in html
    assert "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" in html
    # The marks: here, and only here.
    assert "Chưa kiểm chứng" in html and "Đã kiểm chứng" in html
    assert "tạm áp dụng theo: Nghị định 61/2018/NĐ-CP" in html
    assert re.search(r'id="vb-nd118-2025-tt03-title">[^<]*<span class="tag">đang áp dụng', html)
    # Only the unverified day has a form.
    assert html.count('name="phien_ban"') == 1 and f'value="{TT03}"' in html
    assert 'value="15/09/2025"' in html


def test_the_start_page_links_here(admin):
    assert f'href="{PAGE}"' in admin.get("/can-bo/quan-tri").get_data(as_text=True)


@pytest.mark.parametrize("role", ["tiepnhan", "chuyenmon", "lanhdao"])
def test_only_the_admin(app, demo, role):
    officer = Admin(app, demo["staff"][role])
    assert officer.get().status_code == 403
    response = officer.post({"phien_ban": TT03, "ngay": "01/10/2025"})
    assert response.status_code == 403
    assert settings_log(app) == []


def test_setting_the_day_is_stored_for_the_office_and_logged(app, admin, demo):
    response = admin.post({"phien_ban": TT03, "ngay": "01/10/2025"})
    assert response.status_code == 303 and response.location == PAGE
    html = admin.get().get_data(as_text=True)
    assert "Đã lưu ngày có hiệu lực" in html and 'value="01/10/2025"' in html
    assert "ngày do quản trị viên đặt; dữ liệu ghi 15/09/2025" in html
    with app.app_context():
        row = db.session.scalar(select(Setting).filter_by(key=f"framework.date.{TT03}"))
        assert (row.office_id, row.value) == (demo["office"], "2025-10-01")
        from tthc import offices

        versions = offices.frameworks(demo["office"])
        assert versions.in_force(dt.date(2025, 9, 30)).key == "nd118-2025"
        assert versions.in_force(dt.date(2025, 10, 1)).key == TT03
    assert settings_log(app) == [f"framework.date.{TT03}: 2025-09-15 → 2025-10-01"]
    assert admin.post({"phien_ban": TT03, "ngay": "1/10/2025"}).status_code == 303
    assert len(settings_log(app)) == 1  # the same day: nothing changed, nothing logged


@pytest.mark.parametrize("typed, message", [
    ("", "Nhập ngày có hiệu lực"),
    ("31/02/2025", "Không có ngày 31/02/2025"),  # the date rule's own message
    ("30/06/2025", "trước ngày ban hành thông tư của bộ biểu mẫu (15/09/2025)"),
    ("14/09/2025", "trước ngày ban hành thông tư của bộ biểu mẫu (15/09/2025)"),
])
def test_a_wrong_day_is_refused_beside_the_field_and_kept(app, admin, typed, message):
    response = admin.post({"phien_ban": TT03, "ngay": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    error = re.search(rf'id="ngay-{TT03}-error">(.*?)</p>', html, re.S).group(1)
    assert message in error
    assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    assert f'href="#ngay-{TT03}"' in html  # the error summary links to the field
    assert settings_log(app) == []


def test_a_verified_day_cannot_be_changed_and_an_unknown_version_is_404(app, admin):
    response = admin.post({"phien_ban": "nd118-2025", "ngay": "02/07/2025"})
    assert response.status_code == 422
    assert "đã được kiểm chứng" in response.get_data(as_text=True)
    assert admin.post({"phien_ban": "nd999", "ngay": "02/07/2025"}).status_code == 404
    assert settings_log(app) == []


def test_the_english_page(admin):
    html = admin.get(PAGE + "?lang=en").get_data(as_text=True)
    check_page(html)
    assert "Nghị định số 61/2018/NĐ-CP, Điều 17 khoản 4" in html  # citations stay Vietnamese
