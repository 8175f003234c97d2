"""Exports open in openpyxl and the csv module with the right rows, Vietnamese intact, and
nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tthc.extensions import db
from tthc.models import AccessLog
from tthc.reports import exports

from .conftest import dossier, vn
from .scene import PAPER, RISKY_LABEL, build_march

NAME = "=cmd|' /C calc'!A0"  # what a citizen could type as a name


@pytest.fixture
def march(app, demo, other_office, frozen):
    frozen(vn(2026, 4, 15, 10))
    with app.app_context():
        ids = build_march(demo["office"], other_office["id"])
        dossier(demo["office"], received=vn(2026, 3, 20, 9), status=2, channel=1,
                due_at=vn(2026, 3, 25, 17),
                answers={"applicant_full_name": NAME, "applicant_address": "+84 Hà Nội",
                         "applicant_phone": "0912345678"})
        return ids


@pytest.fixture
def leader(demo, staff_client):
    return staff_client(demo["staff"]["lanhdao"])


def sheet_rows(data: bytes):
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    return sheet, [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_table_as_xlsx_keeps_text_as_text(leader, march):
    response = leader.get("/can-bo/bao-cao/bang/thieu-giay-to.xlsx?thang=03/2026")
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX
    assert "bao-cao-thieu-giay-to-2026-03.xlsx" in response.headers["Content-Disposition"]
    sheet, rows = sheet_rows(response.get_data())
    assert rows[0][0] == "Giấy tờ, nội dung thường phải bổ sung"
    assert rows[2][0] == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    header = rows.index(["Nội dung yêu cầu bổ sung", "Số lần"])
    assert rows[header + 1:] == [[PAPER, 2], [RISKY_LABEL, 1]]
    risky = sheet.cell(row=header + 3, column=1)
    assert risky.value == RISKY_LABEL and risky.data_type == "s"  # text, not a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_table_as_csv(leader, march):
    response = leader.get("/can-bo/bao-cao/bang/thieu-giay-to.csv?thang=03/2026")
    assert response.mimetype == "text/csv"
    rows = csv_rows(response.get_data())
    header = rows.index(["Nội dung yêu cầu bổ sung", "Số lần"])
    assert rows[header + 1:] == [[PAPER, "2"], ["'" + RISKY_LABEL, "1"]]


def test_channels_and_queue_tables_keep_numbers(leader, march):
    rows = csv_rows(leader.get("/can-bo/bao-cao/bang/kenh.csv?thang=03/2026").get_data())
    header = rows.index(["Kênh", "Số hồ sơ", "Tỷ lệ (%)"])
    # Ten received in March now (the scene's nine and the dossier added above, at the desk).
    assert rows[header + 1] == ["Trực tiếp tại quầy", "7", "70.0"]
    _, xrows = sheet_rows(leader.get("/can-bo/bao-cao/bang/kenh.xlsx?thang=03/2026").get_data())
    assert ["Trực tiếp tại quầy", 7, 70.0] in xrows


def test_unknown_table_is_404(leader, march):
    assert leader.get("/can-bo/bao-cao/bang/khong-co.csv").status_code == 404


def test_ledger_streamed_as_xlsx_with_form_06_columns(app, leader, march):
    response = leader.get("/can-bo/bao-cao/so-theo-doi.xlsx?thang=03/2026")
    assert response.status_code == 200 and response.is_streamed
    sheet, rows = sheet_rows(response.get_data())
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ"
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header][1:3] == ["Mã hồ sơ", "Tên thủ tục hành chính"]
    lines = rows[header + 1:]
    assert len(lines) == 10  # received in March: A–I and the one above
    assert [line[0] for line in lines] == list(range(lines[0][0], lines[0][0] + 10))
    named = next(line for line in lines if line[4] == NAME)
    assert named[5] == "+84 Hà Nội" and named[6] != "0912345678"  # the phone stays masked
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    with app.app_context():
        exported = db.session.scalars(select(AccessLog.dossier_id).filter_by(action="export"))
        assert len(set(exported)) == 10


def test_ledger_as_csv(leader, march):
    rows = csv_rows(leader.get("/can-bo/bao-cao/so-theo-doi.csv?thang=03/2026").get_data())
    header = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    lines = rows[header + 1:]
    assert len(lines) == 10
    named = next(line for line in lines if line[4].endswith(NAME))
    assert named[4] == "'" + NAME and named[5] == "'+84 Hà Nội"


@pytest.mark.parametrize("username, status", [("tiepnhan", 200), ("lanhdao", 200),
                                              ("chuyenmon", 403), ("quantri", 403)])
def test_ledger_export_roles_are_the_ledgers(demo, march, staff_client, username, status):
    response = staff_client(demo["staff"][username]).get(
        "/can-bo/bao-cao/so-theo-doi.csv?thang=03/2026")
    assert response.status_code == status


def test_csv_neutralises_every_risky_start():
    lines = b"".join(exports.csv_lines([], ["a"], [[v] for v in
                                                  ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok")]))
    rows = csv_rows(lines)
    assert rows[1:] == [["'=1+1"], ["'+1"], ["'-1"], ["'@SUM(A1)"], ["'\tx"], ["ok"]]
    assert exports.csv_text(-1) == -1  # numbers stay numbers
