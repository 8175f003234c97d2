"""The desk's rules: the officer's verdicts decide which papers count, Form 02's items, and
the configuration checks (a daily sequence needs the date; a new date is a working day)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tthc.domain import reception
from tthc.domain.catalogue import parse_catalogue
from tthc.domain.reception import INVALID, MISSING, ORIGINAL, PaperCheck
from tthc.domain.workdays import VN_TZ, load_calendar_file

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def copy_procedure():
    import tomllib

    data = tomllib.loads((ROOT / "tthc" / "data" / "catalogue.toml").read_text())
    return next(p for p in parse_catalogue(data) if p.code == "chung-thuc-ban-sao")


ANSWERS = {
    "applicant_full_name": "Nguyễn Thị Hoà", "applicant_birth_date": "15/03/1990",
    "applicant_sex": "nu", "applicant_id_number": "001190012345",
    "applicant_phone": "0912345678", "applicant_address": "Số 12 phố Thụy Khuê, Hà Nội",
    "documents": "1", "pages": "2", "copies": "1", "has_copies": "1",
}


def test_stored_checks_are_read_tolerantly():
    checks = reception.read_checks({
        "a": {"verdict": "original", "note": "ok", "quantity": 2},
        "b": {"verdict": "maybe"}, "c": "copy", 7: {"verdict": "copy"},
        "d": {"verdict": "copy", "quantity": 1000, "note": 5},
    })
    assert checks == {"a": PaperCheck("original", "ok", 2), "d": PaperCheck("copy", "", 1)}
    assert reception.read_checks(None) == {}
    assert reception.provided(checks) == {"a", "d"}


def test_nothing_counts_until_the_officer_has_a_verdict(copy_procedure):
    desk = reception.check(copy_procedure, ANSWERS, {}, today=TODAY)
    assert not desk.receivable
    assert {p.key for p in desk.unchecked} == {"ban_chinh", "ban_sao"}
    assert {g.target for g in desk.completeness.gaps} == {"paper:ban_chinh", "paper:ban_sao"}


def test_seen_papers_make_it_receivable_and_an_invalid_one_blocks(copy_procedure):
    seen = {"ban_chinh": PaperCheck(ORIGINAL), "ban_sao": PaperCheck("copy", quantity=3)}
    assert reception.check(copy_procedure, ANSWERS, seen, today=TODAY).receivable
    invalid = {**seen, "ban_sao": PaperCheck(INVALID, "mờ")}
    desk = reception.check(copy_procedure, ANSWERS, invalid, today=TODAY)
    assert not desk.receivable and [p.key for p in desk.invalid] == ["ban_sao"]
    assert desk.problems == 1  # one paper found invalid: one problem, not two (issue 12)


def test_a_paper_that_does_not_apply_needs_no_verdict(copy_procedure):
    answers = {**ANSWERS, "has_copies": ""}  # the office makes the copies
    desk = reception.check(copy_procedure, answers, {"ban_chinh": PaperCheck(ORIGINAL)},
                           today=TODAY)
    assert desk.receivable and not desk.unchecked


def test_form_02_lists_each_problem_once_in_form_order(copy_procedure):
    answers = {**ANSWERS, "applicant_id_number": "12345", "applicant_address": ""}
    checks = {"ban_chinh": PaperCheck(MISSING, "quên ở nhà"), "ban_sao": PaperCheck(INVALID)}
    desk = reception.check(copy_procedure, answers, checks, today=TODAY)
    items = reception.supplement_items(copy_procedure, desk)
    assert [i.target for i in items] == ["applicant_id_number", "applicant_address",
                                        "paper:ban_chinh", "paper:ban_sao"]
    reasons = [str(i.reason) for i in items]
    assert "12 chữ số" in reasons[0]
    assert reasons[2] == "Bổ sung «Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản " \
                         "sao»: quên ở nhà"
    assert reasons[3] == "«Bản chụp cần chứng thực» không hợp lệ; nộp lại giấy tờ hợp lệ."
    assert items[0].label_vi == "Số định danh cá nhân"


def test_every_field_and_paper_can_be_a_target(copy_procedure):
    targets = [t for t, _, _ in reception.supplement_targets(copy_procedure)]
    assert targets[0] == "applicant_full_name" and "paper:ban_sao" in targets
    assert len(targets) == len(set(targets))


@pytest.mark.parametrize("pattern", ["{unit}-{yymmdd}-{seq:04d}", "{unit}/{yyyymmdd}/{seq}",
                                     "{unit}-{yy}{mm}{dd}-{seq:05d}"])
def test_patterns_with_the_date_are_fine(pattern):
    assert reception.dossier_pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern, words", [
    ("{unit}-{seq:04d}", "ngày tiếp nhận"), ("{unit}-{mm}{dd}-{seq}", "ngày tiếp nhận"),
    ("{unit}-{yymmdd}", "bắt buộc có {seq}"), ("{don_vi}-{seq}", "chỉ được dùng"),
    ("{unit", "chỉ được dùng"),
])
def test_patterns_that_cannot_number_dossiers_are_explained(pattern, words):
    assert words in str(reception.dossier_pattern_problem(pattern))


def test_a_new_date_must_be_a_working_day():
    calendar = load_calendar_file(ROOT / "tthc" / "data" / "holidays.toml")

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(17), tzinfo=VN_TZ)

    assert reception.new_due_problem(at(dt.date(2026, 3, 3)), calendar) is None
    assert "08/03/2026" in str(reception.new_due_problem(at(dt.date(2026, 3, 8)), calendar))
    assert reception.new_due_problem(at(dt.date(2026, 2, 17)), calendar) is not None  # Tết
    assert reception.new_due_problem(at(dt.date(2026, 1, 10)), calendar) is None  # làm bù
