"""The leader's report pages: who may open them, which office they show, what is logged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tthc.extensions import db
from tthc.models import AccessLog

from .conftest import dossier, vn
from .scene import build_march

REPORT = "/can-bo/bao-cao?thang=03/2026"
PAGES = (REPORT, "/can-bo/bao-cao/den-han", "/can-bo/bao-cao/bang/kenh.csv?thang=03/2026",
         "/can-bo/bao-cao/den-han.xlsx")


@pytest.fixture
def march(app, demo, other_office, frozen):
    frozen(vn(2026, 4, 15, 10))
    with app.app_context():
        return build_march(demo["office"], other_office["id"])


def logged(app, action: str) -> list[AccessLog]:
    with app.app_context():
        return list(db.session.scalars(select(AccessLog).filter_by(action=action)))


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_goes_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert "/can-bo/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("username, status", [("tiepnhan", 403), ("chuyenmon", 403),
                                              ("lanhdao", 200), ("quantri", 200)])
def test_roles(app, demo, march, staff_client, path, username, status):
    response = staff_client(demo["staff"][username]).get(path)
    assert response.status_code == status
    if status == 200:
        assert response.headers["Cache-Control"] == "no-store"


def test_report_shows_the_office_figures_with_charts_and_tables(app, demo, march, staff_client):
    html = staff_client(demo["staff"]["lanhdao"]).get(REPORT).get_data(as_text=True)
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    # Received by channel: 6 walk-in, 1 pre-filed, 1 assisted, 1 by post; 50 % on time.
    assert '<th scope="row">Trực tiếp tại quầy</th><td class="num">6</td>' in html
    assert '<th scope="row">Tỷ lệ giải quyết trước hạn, đúng hạn</th><td class="num">50,0</td>' \
        in html
    assert html.count('<svg class="report-chart"') >= 3  # each followed by its table
    assert html.count('aria-hidden="true" xmlns="http://www.w3.org/2000/svg"') >= 3
    # 13 tables; the five of the queue have nothing (no ticket in this scene).
    assert html.count("<table") == 8
    assert html.count("Không có số liệu trong kỳ này.") == 5
    # No personal data in the report: names and phone numbers stay in the dossiers.
    assert "Nguyễn Văn Thử" not in html and "0912345678" not in html
    entries = logged(app, "report")
    assert [(e.staff_id, e.dossier_id, e.detail) for e in entries] == \
        [(demo["staff"]["lanhdao"], None, "báo cáo 2026-03")]


def test_another_office_leader_sees_only_that_office(app, demo, other_office, march,
                                                     staff_client):
    html = staff_client(other_office["staff"]["leader"]).get(REPORT).get_data(as_text=True)
    assert '<th scope="row">Trực tiếp tại quầy</th><td class="num">1</td>' in html
    assert '<th scope="row">Hồ sơ tiếp nhận</th><td class="num">1</td>' in html


@pytest.mark.parametrize("query, field", [("thang=13/2026", "thang"), ("tu=31/03/2026", "den"),
                                          ("tu=01/03/2026&den=01/02/2026", "den"),
                                          ("tu=01/01/2025&den=01/03/2026", "den"),
                                          ("tu=ngay&den=01/03/2026", "tu")])
def test_a_wrong_period_is_a_message_beside_its_field(demo, march, staff_client, query, field):
    response = staff_client(demo["staff"]["lanhdao"]).get(f"/can-bo/bao-cao?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="field-msg" id="{field}-error"><span class="field-error">' in html
    assert f'href="#{field}"' in html  # the error summary points at it


def test_a_range_of_days(demo, march, staff_client):
    html = staff_client(demo["staff"]["lanhdao"]).get(
        "/can-bo/bao-cao?tu=02/03/2026&den=03/03/2026").get_data(as_text=True)
    # A, B (Mon 02/03) and C (Tue 03/03).
    assert '<th scope="row">Hồ sơ tiếp nhận</th><td class="num">3</td>' in html


def test_due_list_overdue_and_due_soon_logged(app, demo, march, staff_client, frozen):
    frozen(vn(2026, 3, 31, 10))  # Tue: the next two working days are Wed 01/04, Thu 02/04
    with app.app_context():
        soon = dossier(demo["office"], received=vn(2026, 3, 30, 9), status=4,
                       due_at=vn(2026, 4, 2, 17))
        soon_code, soon_id = soon.code, soon.id
        with_d = db.session.get(type(soon), march["D"]).code
        later = dossier(demo["office"], received=vn(2026, 3, 31, 9), status=4,
                        due_at=vn(2026, 4, 3, 17)).code
    html = staff_client(demo["staff"]["lanhdao"]).get("/can-bo/bao-cao/den-han") \
        .get_data(as_text=True)
    assert html.index(with_d) < html.index(soon_code)
    assert later not in html
    assert "Quá hạn" in html and "Sắp đến hạn" in html
    assert "Nguyễn Văn Thử" not in html
    assert sorted(e.dossier_id for e in logged(app, "list")) == sorted([march["D"], soon_id])
    with app.app_context():
        assert db.session.scalar(select(func.count(AccessLog.id))) == 2


ROLES_BY_ENDPOINT = {
    "reports.index": {"leader", "admin"}, "reports.table": {"leader", "admin"},
    "reports.due": {"leader", "admin"}, "reports.due_export": {"leader", "admin"},
    "reports.ledger_export": {"reception", "leader"},  # the desk's ledger roles
}


def test_every_staff_route_of_the_reports_is_guarded_with_its_roles(app):
    seen = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("reports."):
            continue
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/can-bo"):
            assert set(view.staff_roles) == ROLES_BY_ENDPOINT[rule.endpoint], rule.endpoint
            seen.add(rule.endpoint)
        else:
            assert rule.rule.startswith("/cong-khai") and not hasattr(view, "staff_roles")
    assert seen == set(ROLES_BY_ENDPOINT)
