import copy
import datetime as dt
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
                           {"value": "self", "label_vi": "Bản thân", "label_en": "Self"},
                           {"value": "representative", "label_vi": "Người được ủy quyền",
                            "label_en": "Representative"}]}]
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


# --- fields, conditions and fee rules that the completeness rules read --------------------


def _with_fields(data):
    """The mini catalogue's signature procedure, with a small form."""
    proc = data["procedure"][0]
    proc["fields"] = [
        {"name": "applicant_role", "label_vi": "Vai trò", "label_en": "Role", "type": "choice",
         "choices": [{"value": "self", "label_vi": "Bản thân", "label_en": "Self"},
                     {"value": "representative", "label_vi": "Người được ủy quyền",
                      "label_en": "Representative"}]},
        {"name": "event_date", "label_vi": "Ngày", "label_en": "Date", "type": "date",
         "options": {"not_future": True}},
        {"name": "documents", "label_vi": "Số giấy tờ", "label_en": "Documents", "type": "int",
         "options": {"minimum": 1, "maximum": 20}},
        {"name": "foreign", "label_vi": "Tiếng nước ngoài", "label_en": "Foreign",
         "type": "bool", "required": False},
        {"name": "nationality", "label_vi": "Quốc tịch", "label_en": "Nationality",
         "options": {"max_length": 50, "default": "Việt Nam"}},
    ]
    return proc


def _refused(data):
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    return raised.value


def test_generated_papers(data):
    data["procedure"][1]["papers"][0]["generated"] = True
    death = parse_catalogue(data)[1]
    assert death.papers[0].generated
    assert not parse_catalogue(data)[0].papers[0].generated  # default
    data["procedure"][1]["papers"][0]["generated"] = "yes"
    assert _refused(data).field == "papers[0].generated"


def test_a_fee_multiplies_by_its_per_fields(data):
    proc = _with_fields(data)
    proc["fees"][0]["per"] = ["documents"]
    assert parse_catalogue(data)[0].fees[0].per == ("documents",)
    proc["fees"][0]["per"] = ["nationality"]  # text, not a number
    error = _refused(data)
    assert (error.procedure, error.field) == ("chung-thuc-chu-ky", "fees[0].per")
    assert "nationality" in error.problem
    proc["fees"][0]["per"] = ["copies"]  # not declared
    assert _refused(data).field == "fees[0].per"
    proc["fees"][0]["per"] = ["documents", "documents"]
    assert _refused(data).field == "fees[0].per"
    proc["fees"][0]["per"] = "documents"
    assert _refused(data).field == "fees[0].per"


def test_per_is_not_checked_without_fields(data):
    data["procedure"][0]["fees"][0]["per"] = ["documents"]
    assert parse_catalogue(data)[0].fees[0].per == ("documents",)


def test_a_per_page_rule_needs_a_pages_field(data):
    proc = _with_fields(data)
    proc["fees"][0].update(kind="per_page", amount=2000, first_pages=2, amount_after=1000)
    assert _refused(data).field == "fees[0]"
    proc["fields"].append({"name": "pages", "label_vi": "Số trang", "label_en": "Pages",
                           "type": "int", "options": {"minimum": 1, "maximum": 500}})
    assert parse_catalogue(data)[0].fees[0].kind == "per_page"


def test_free_rules_have_no_per_and_are_not_separate(data):
    data["procedure"][1]["fees"][0]["separate"] = True
    assert _refused(data).field == "fees[0]"


def test_date_windows(data):
    proc = _with_fields(data)
    proc["fees"].append({"kind": "free", "when": {"event_date": {"within_days": 15}},
                         "wording_vi": "Miễn", "legal_basis": "Luật Hộ tịch 2014, Điều 11"})
    proc["fees"].append({"kind": "provincial", "when": {"event_date": {"after_days": 15}},
                         "wording_vi": "Theo HĐND", "legal_basis": "TT 85/2019"})
    within, after = parse_catalogue(data)[0].fees[1:]
    today = dt.date(2026, 3, 20)
    for day, inside in [(dt.date(2026, 3, 5), True), (dt.date(2026, 3, 4), False),
                        (dt.date(2026, 3, 20), True), (dt.date(2026, 4, 1), True)]:
        answers = {"event_date": day}
        assert within.when.holds(answers, today=today) is inside, day
        assert after.when.holds(answers, today=today) is (not inside), day
    for missing in ({}, {"event_date": None}, {"event_date": "05/03/2026"}):
        assert not within.when.holds(missing, today=today)
        assert not after.when.holds(missing, today=today)
    assert within.when.names == ("event_date",)
    # a datetime is read as its date; today may be a datetime too
    assert within.when.holds({"event_date": dt.datetime(2026, 3, 5, 23, 0)},
                             today=dt.datetime(2026, 3, 20, 8, 0))


@pytest.mark.parametrize(
    "when, field",
    [
        ({"event_date": {"within_days": -1}}, "fees[1].when.event_date.within_days"),
        ({"event_date": {"within_days": "60"}}, "fees[1].when.event_date.within_days"),
        ({"event_date": {"before_days": 3}}, "fees[1].when.event_date"),
        ({"event_date": {"within_days": 3, "after_days": 1}}, "fees[1].when.event_date"),
        ({"documents": {"within_days": 3}}, "fees.1.when.documents"),
        ({"event_date": "2026-01-01"}, "fees.1.when.event_date"),
    ],
)
def test_bad_date_windows_are_refused(data, when, field):
    proc = _with_fields(data)
    proc["fees"].append({"kind": "free", "when": when, "wording_vi": "Miễn",
                         "legal_basis": "Luật Hộ tịch 2014, Điều 11"})
    error = _refused(data)
    assert (error.procedure, error.field) == ("chung-thuc-chu-ky", field)


@pytest.mark.parametrize(
    "when, field",
    [
        ({"applicant_role": "nguoi_than"}, "papers.van_ban_uy_quyen.when.applicant_role"),
        ({"applicant_role": ["self", "Self"]}, "papers.van_ban_uy_quyen.when.applicant_role"),
        ({"foreign": "true"}, "papers.van_ban_uy_quyen.when.foreign"),
        ({"foreign": 1}, "papers.van_ban_uy_quyen.when.foreign"),
        ({"documents": "2"}, "papers.van_ban_uy_quyen.when.documents"),
        ({"nationality": 1}, "papers.van_ban_uy_quyen.when.nationality"),
        ({"applicant_role": []}, "papers[1].when.applicant_role"),
    ],
)
def test_condition_values_must_fit_the_field(data, when, field):
    proc = _with_fields(data)
    proc["papers"][1]["when"] = when
    error = _refused(data)
    assert (error.procedure, error.field) == ("chung-thuc-chu-ky", field)
    assert "chung-thuc-chu-ky" in str(error) and field in str(error)


def test_valid_condition_values_parse(data):
    proc = _with_fields(data)
    proc["papers"][1]["when"] = {"applicant_role": "representative", "foreign": False}
    paper = parse_catalogue(data)[0].papers[1]
    assert paper.applies({"applicant_role": "representative", "foreign": False})
    assert not paper.applies({"applicant_role": "representative", "foreign": True})


def test_a_field_condition_reads_only_fields_above_it(data):
    proc = _with_fields(data)
    proc["fields"][1]["when"] = {"foreign": True}  # foreign is declared below event_date
    error = _refused(data)
    assert error.field == "fields.event_date.when" and "above" in error.problem
    proc["fields"][1]["when"] = {"applicant_role": "self"}
    assert parse_catalogue(data)[0].fields[1].when.holds({"applicant_role": "self"})


def test_field_defaults_are_for_the_form_only(data):
    proc = _with_fields(data)
    nationality = parse_catalogue(data)[0].fields[4]
    assert nationality.default == "Việt Nam"
    assert nationality.validator_options == {"max_length": 50}
    proc["fields"][0]["options"] = {"default": "representative"}
    assert parse_catalogue(data)[0].fields[0].default == "representative"
    proc["fields"][0]["options"] = {"default": "nguoi_than"}
    assert _refused(data).field == "fields[0].options.default"
    proc["fields"][0]["options"] = {}
    proc["fields"][4]["options"] = {"default": 3}
    assert _refused(data).field == "fields[4].options.default"


@pytest.mark.parametrize(
    "index, options, field",
    [
        (1, {"not_future": "yes"}, "fields[1].options.not_future"),
        (1, {"max_length": 10}, "fields[1].options.max_length"),
        (2, {"minimum": 1.5}, "fields[2].options.minimum"),
        (3, {"not_future": True}, "fields[3].options.not_future"),
        (4, {"maxlength": 50}, "fields[4].options.maxlength"),
    ],
)
def test_field_options_must_be_the_validator_s(data, index, options, field):
    proc = _with_fields(data)
    proc["fields"][index]["options"] = options
    assert _refused(data).field == field


def test_group_en(data):
    proc = _with_fields(data)
    proc["fields"][0].update(group="Thông tin người nộp", group_en="Applicant")
    assert parse_catalogue(data)[0].fields[0].group_en == "Applicant"


def test_base_rules(data):
    signature, death = parse_catalogue(data)
    assert signature.fees[0].is_base
    assert not death.fees[0].is_base  # text condition: the desk decides
