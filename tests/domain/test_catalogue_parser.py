import copy
import tomllib
from pathlib import Path

import pytest

from tthc.domain.catalogue import CatalogueError, parse_catalogue, in_force

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_catalogue.toml"


@pytest.fixture
def data():
    with open(MINI, "rb") as f:
        return tomllib.load(f)


def test_parses_the_small_catalogue(data):
    procedures = parse_catalogue(data)
    assert [p.code for p in procedures] == ["chung-thuc-chu-ky", "dang-ky-khai-tu"]
    signature = procedures[0]
    assert signature.fees[0].amount == 10000
    assert signature.papers[1].when_vi == "Khi nộp thay qua người đại diện"
    assert "chung thuc chu ky" in signature.search_key


@pytest.mark.parametrize(
    "change, procedure, field",
    [
        (lambda d: d["procedure"][0].pop("name_vi"), "chung-thuc-chu-ky", "name_vi"),
        (lambda d: d["procedure"][1].update(field="dat-dai"), "dang-ky-khai-tu", "field"),
        (lambda d: d["procedure"][0].update(statutory_days=-1), "chung-thuc-chu-ky", "statutory_days"),
        (lambda d: d["procedure"][0].update(statutory_days="ba"), "chung-thuc-chu-ky", "statutory_days"),
        (lambda d: d["procedure"][0]["fees"][0].pop("amount"), "chung-thuc-chu-ky", "fees[0].amount"),
        (lambda d: d["procedure"][0]["papers"][0].update(form="photo"), "chung-thuc-chu-ky", "papers[0].form"),
        (lambda d: d["procedure"][1].update(version="01/07/2025"), "dang-ky-khai-tu", "version"),
        (lambda d: d["procedure"][1].update(code="Đăng ký"), "Đăng ký", "code"),
        (lambda d: d["procedure"][0].update(unconfirmed=["nothing_here"]), "chung-thuc-chu-ky", "unconfirmed"),
        (lambda d: d["procedure"][0].update(statutory_days=3), "chung-thuc-chu-ky", "monday_same_day"),
        (lambda d: d["procedure"][1]["papers"].append(dict(d["procedure"][1]["papers"][0])),
         "dang-ky-khai-tu", "papers"),
    ],
)
def test_errors_name_the_procedure_and_the_field(data, change, procedure, field):
    change(data)
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    assert raised.value.procedure == procedure
    assert raised.value.field == field
    assert procedure in str(raised.value) and field in str(raised.value)


def test_a_condition_must_name_a_declared_field(data):
    proc = data["procedure"][0]
    proc["fields"] = [{"name": "applicant_role", "label_vi": "Vai trò", "label_en": "Role",
                       "type": "choice", "choices": [
                           {"value": "self", "label_vi": "Bản thân", "label_en": "Self"}]}]
    proc["papers"][1]["when"] = {"representative": True}
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    assert raised.value.field == "papers.van_ban_uy_quyen.when"
    proc["papers"][1]["when"] = {"applicant_role": "representative"}
    assert parse_catalogue(data)[0].papers[1].applies({"applicant_role": "representative"})
    assert not parse_catalogue(data)[0].papers[1].applies({"applicant_role": "self"})


def test_file_level_errors(data):
    with pytest.raises(CatalogueError, match="schema"):
        parse_catalogue({**data, "schema": 2})
    with pytest.raises(CatalogueError, match="no \\[\\[procedure\\]\\]"):
        parse_catalogue({"schema": 1})
    twice = copy.deepcopy(data)
    twice["procedure"].append(copy.deepcopy(data["procedure"][0]))
    with pytest.raises(CatalogueError, match="listed twice"):
        parse_catalogue(twice)


def test_the_version_in_force_is_the_latest_started(data):
    import datetime as dt

    old = parse_catalogue(data)[0]
    newer_data = copy.deepcopy(data)
    newer_data["procedure"][0]["version"] = dt.date(2026, 3, 1)
    newer_data["procedure"][0]["fees"][0]["amount"] = 12000
    newer = parse_catalogue(newer_data)[0]
    assert in_force([old, newer], dt.date(2026, 2, 28)) is old
    assert in_force([old, newer], dt.date(2026, 3, 1)) is newer
    assert in_force([old, newer], dt.date(2025, 1, 1)) is None
    assert old.content_hash() != newer.content_hash()
