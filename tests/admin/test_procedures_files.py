"""The catalogue file out and in: the export reads back to the same law as the file, and an
import is checked by the loader, shown, then loaded whole or not at all."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import tomllib

from sqlalchemy import select

from tests.admin.test_procedures import COPY, URL, form_values, new_version, tomorrow
from tests.admin.test_procedures import admin  # noqa: F401  (fixture)
from tthc import timeutil
from tthc.admin import procedures_toml
from tthc.catalogue.services import DEFAULT_FILE
from tthc.domain.catalogue import parse_catalogue
from tthc.extensions import db
from tthc.models import AccessLog, ProcedureVersion


def hashes(text: str) -> list[tuple[str, dt.date, str]]:
    return [(p.code, p.version, p.content_hash())
            for p in parse_catalogue(tomllib.loads(text))]


def stored(app) -> set[tuple[str, dt.date, str]]:
    with app.app_context():
        return {(v.procedure.code, v.effective_from, v.content_hash)
                for v in db.session.scalars(select(ProcedureVersion))}


def test_the_export_reads_back_to_the_files_content_hashes(admin):
    response = admin.get(f"{URL}/xuat")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    exported = response.get_data(as_text=True)
    assert hashes(exported) == hashes(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_export_of_versions_in_force_leaves_out_those_to_come(admin):
    new_version(admin, name_vi="Chứng thực bản sao (mẫu mới)")
    everything = hashes(admin.get(f"{URL}/xuat").get_data(as_text=True))
    in_force = hashes(admin.get(f"{URL}/xuat?pham_vi=hieu-luc").get_data(as_text=True))
    assert (COPY, tomorrow()) in {(c, d) for c, d, _ in everything}
    assert (COPY, tomorrow()) not in {(c, d) for c, d, _ in in_force}
    assert len(everything) == len(in_force) + 1


def _upload(admin, text: str):
    page = admin.get(f"{URL}/nhap").get_data(as_text=True)
    values = form_values(page, f"{URL}/nhap")
    values["tep"] = (io.BytesIO(text.encode()), "catalogue.toml")
    return admin.post(f"{URL}/nhap", values, content_type="multipart/form-data")


def test_an_import_shows_what_it_adds_then_loads_it_on_confirmation(app, admin):
    new_version(admin, name_vi="Chứng thực bản sao (mẫu mới)")
    exported = admin.get(f"{URL}/xuat").get_data(as_text=True)
    with app.app_context():  # the new version is gone: the file brings it back
        row = db.session.scalars(select(ProcedureVersion).filter_by(
            effective_from=tomorrow())).one()
        db.session.delete(row)
        db.session.commit()
    before = stored(app)
    checked = _upload(admin, exported)
    assert checked.status_code == 200
    page = checked.get_data(as_text=True)
    assert "Chứng thực bản sao (mẫu mới)" in page
    assert "áp dụng ngay" not in page  # from tomorrow
    assert stored(app) == before  # nothing stored before the admin confirms
    values = form_values(page, f"{URL}/nhap")
    assert values["buoc"] == ["nhap"]
    assert base64.b64decode(values["noi_dung"][0]).decode() == exported
    assert admin.post(f"{URL}/nhap", values).status_code == 303
    assert stored(app) == set(hashes(exported))
    with app.app_context():
        entry = db.session.scalars(select(AccessLog).filter_by(action="catalogue")
                                   .order_by(AccessLog.id.desc())).first()
        assert entry.detail == "import: 1 versions added, 12 unchanged"


def test_the_unchanged_file_adds_nothing(app, admin):
    before = stored(app)
    response = _upload(admin, DEFAULT_FILE.read_text(encoding="utf-8"))
    assert response.status_code == 200
    assert "Không có phiên bản nào mới." in response.get_data(as_text=True)
    assert stored(app) == before


def test_an_import_says_when_a_version_applies_at_once(app, admin):
    data = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    today = timeutil.today()
    entry = dict(data["procedure"][0], version=today - dt.timedelta(days=1),
                 name_vi="Bản từ hôm qua")
    page = _upload(admin, procedures_toml.catalogue([entry])).get_data(as_text=True)
    assert re.search(r"Bản từ hôm qua · [^<]*<strong>ngày này đã đến: áp dụng ngay", page)


def test_a_file_that_rewrites_a_stored_version_is_refused_whole(app, admin):
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    added = dict(data["procedure"][0], version=dt.date(2030, 1, 1))  # a new version: fine
    changed = dict(data["procedure"][1], name_vi="Tên khác")  # a stored one, rewritten
    bad = procedures_toml.catalogue([added, changed])
    before = stored(app)
    response = _upload(admin, bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "đã có với nội dung khác" in page
    assert 'name="buoc" value="nhap"' not in page
    assert stored(app) == before  # not even the new version of the first procedure
    # Forcing the confirmation step with that file is refused the same way.
    values = form_values(page, f"{URL}/nhap")
    values.update(buoc=["nhap"], noi_dung=[base64.b64encode(bad.encode()).decode()])
    assert admin.post(f"{URL}/nhap", values).status_code == 422
    assert stored(app) == before


def test_a_file_that_is_not_toml_is_refused_in_vietnamese(app, admin):
    response = _upload(admin, "schema = 1\n[[procedure]\n")
    assert response.status_code == 422
    assert "Tệp không đúng cú pháp TOML" in response.get_data(as_text=True)
    response = _upload(admin, "")
    assert response.status_code == 422
    assert "Chọn tệp danh mục" in response.get_data(as_text=True)


def test_the_toml_writer_reads_back_what_it_wrote():
    data = {"code": "x", "version": "2026-01-02", "text": 'a "quoted" \\ back\nslash\ttab',
            "vi": "Giấy chứng nhận – “đặc biệt”", "n": 3, "flag": False, "list": ["a", "b"],
            "when": {"a": [1, 2], "b": {"within_days": 60}, "c": "x y"},
            "rows": [{"k": "one", "choices": [{"value": "v", "label_vi": "nhãn"}]},
                     {"k": "two"}],
            "control": "\x01", "empty": []}
    text = procedures_toml.catalogue([data])
    back = tomllib.loads(text)["procedure"][0]
    assert back["version"] == dt.date(2026, 1, 2)
    assert {**back, "version": "2026-01-02"} == data
    assert re.search(r"^version = 2026-01-02$", text, re.M)
