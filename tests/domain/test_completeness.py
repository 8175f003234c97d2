"""Completeness rules: which fields and papers apply, what is missing, what is wrong."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tthc.domain.applicant import APPLICANT_FIELDS, PROFILE_KEYS
from tthc.domain.catalogue import FormField, Procedure, parse_catalogue
from tthc.domain.completeness import (
    BRING_FORMS,
    CompletenessReport,
    Gap,
    assess,
    form_fields,
    normalise_answers,
)
from tthc.domain.i18n import Message

CATALOGUE = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"
TODAY = dt.date(2026, 3, 2)

with CATALOGUE.open("rb") as _f:
    PROCEDURES: dict[str, Procedure] = {p.code: p for p in parse_catalogue(tomllib.load(_f))}
CODES = sorted(PROCEDURES)

# One person throughout: a woman born 15/03/1990, so her ID digits 4–6 read "1", "90".
BIRTH = "15/03/1990"
ID_NUMBER = "001190012345"


def valid_answer(form_field: FormField, *, yes: bool = True, last_choice: bool = False) -> str:
    """A valid raw answer (as a browser sends it) for any field type."""
    kind = form_field.type
    if kind == "choice":
        values = [value for value, _, _ in form_field.choices]
        if form_field.name.endswith("sex"):
            return "nu"
        return values[-1] if last_choice else values[0]
    if kind == "bool":
        return "1" if yes else ""
    if kind == "int":
        return str(max(form_field.options.get("minimum", 1), 1))
    return {
        "name": "Nguyễn Thị Hoà",
        "date": BIRTH,
        "id_number": ID_NUMBER,
        "phone": "0912 345 678",
        "email": "hoa@example.vn",
        "textarea": "Nội dung đề nghị\nghi trên hai dòng",
    }.get(kind, form_field.default or "Phường Thụy Khuê, Hà Nội")


def valid_answers(procedure: Procedure, **variant) -> dict[str, str]:
    return {f.name: valid_answer(f, **variant) for f in form_fields(procedure)}


def all_papers(procedure: Procedure) -> set[str]:
    return {paper.key for paper in procedure.papers}


def complete_case(procedure: Procedure, **variant) -> tuple[dict[str, str], CompletenessReport]:
    answers = valid_answers(procedure, **variant)
    return answers, assess(procedure, answers, all_papers(procedure), today=TODAY)


VARIANTS = [{"yes": True}, {"yes": False, "last_choice": True}]


# --- every seed procedure ----------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS, ids=["yes-first", "no-last"])
@pytest.mark.parametrize("code", CODES)
def test_a_valid_answer_set_is_complete(code, variant):
    procedure = PROCEDURES[code]
    _, report = complete_case(procedure, **variant)
    assert report.complete, [(g.target, str(g.message)) for g in report.gaps]
    assert report.gaps == ()
    assert not report.field_errors and not report.field_warnings
    assert report.fields[: len(APPLICANT_FIELDS)] == APPLICANT_FIELDS
    assert report.fee is not None
    # generated papers (the tờ khai) count as provided once the form is filled
    for paper in report.papers:
        assert paper.key in report.provided


@pytest.mark.parametrize("variant", VARIANTS, ids=["yes-first", "no-last"])
@pytest.mark.parametrize("code", CODES)
def test_removing_a_required_field_gives_exactly_that_gap(code, variant):
    procedure = PROCEDURES[code]
    answers, report = complete_case(procedure, **variant)
    required = [f for f in report.fields if f.required and f.type != "bool"]
    assert required
    for form_field in required:
        partial = {k: v for k, v in answers.items() if k != form_field.name}
        gaps = assess(procedure, partial, all_papers(procedure), today=TODAY).gaps
        assert [(g.target, g.kind) for g in gaps] == [(form_field.name, "missing_field")]
        params = gaps[0].message.params
        assert params["label"] == form_field.label_vi
        assert params["label_en"] == form_field.label_en


@pytest.mark.parametrize("code", CODES)
def test_a_blank_string_is_missing_like_an_absent_answer(code):
    procedure = PROCEDURES[code]
    answers, report = complete_case(procedure)
    name = next(f.name for f in report.fields if f.required and f.type != "bool")
    blank = assess(procedure, {**answers, name: "  \u200b "}, all_papers(procedure), today=TODAY)
    assert [g.target for g in blank.gaps] == [name]


@pytest.mark.parametrize("code", CODES)
def test_removing_a_required_paper_gives_exactly_that_gap(code):
    procedure = PROCEDURES[code]
    answers, report = complete_case(procedure)
    for paper in report.papers:
        if paper.generated or not paper.required:
            continue
        provided = all_papers(procedure) - {paper.key}
        gaps = assess(procedure, answers, provided, today=TODAY).gaps
        assert [(g.target, g.kind) for g in gaps] == [(f"paper:{paper.key}", "missing_paper")]
        assert gaps[0].message.params == {"paper": paper.name_vi, "paper_en": paper.name_en}


def test_an_empty_form_lists_fields_in_form_order_then_papers_in_catalogue_order():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    report = assess(procedure, {}, set(), today=TODAY)
    targets = [g.target for g in report.gaps]
    field_targets = [t for t in targets if not t.startswith("paper:")]
    paper_targets = [t for t in targets if t.startswith("paper:")]
    assert targets == field_targets + paper_targets
    order = [f.name for f in report.fields]
    assert field_targets == sorted(field_targets, key=order.index)
    keys = [p.key for p in procedure.papers]
    assert paper_targets == sorted(paper_targets, key=lambda t: keys.index(t[6:]))
    assert field_targets[0] == "applicant_full_name"
    assert "applicant_email" not in field_targets  # optional


# --- conditions --------------------------------------------------------------------------


def _birth(**changes) -> CompletenessReport:
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    answers = {**valid_answers(procedure), **changes}
    return assess(procedure, answers, {"giay_to_tuy_than"}, today=TODAY)


def _paper_gaps(report: CompletenessReport) -> list[str]:
    return [g.target for g in report.gaps if g.kind == "missing_paper"]


def test_birth_registration_with_a_birth_certificate_needs_it():
    report = _birth(has_birth_certificate="on")
    assert _paper_gaps(report) == ["paper:giay_chung_sinh"]
    assert "has_witness" not in {f.name for f in report.fields}


def test_birth_registration_without_a_certificate_needs_a_witness_statement_or_a_commitment():
    witness = _birth(has_birth_certificate="", has_witness="1")
    assert _paper_gaps(witness) == ["paper:van_ban_lam_chung"]
    alone = _birth(has_birth_certificate="0", has_witness="false")
    assert _paper_gaps(alone) == ["paper:giay_cam_doan"]
    unticked = _birth(has_birth_certificate=None, has_witness=None)  # absent checkboxes
    assert _paper_gaps(unticked) == ["paper:giay_cam_doan"]
    assert unticked.values["has_birth_certificate"] is False


def test_a_hidden_field_is_ignored_even_with_a_stale_answer():
    # has_witness only applies without a birth certificate: its old answer must not count
    report = _birth(has_birth_certificate="1", has_witness="1")
    assert "has_witness" not in report.values
    assert _paper_gaps(report) == ["paper:giay_chung_sinh"]
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    values = normalise_answers(
        procedure, {"want_copies": "", "copies": "3"}, today=TODAY
    )
    assert "copies" not in values and values["want_copies"] is False
    values = normalise_answers(procedure, {"want_copies": "yes", "copies": "3"}, today=TODAY)
    assert values["copies"] == 3


def test_a_conditional_required_field_appears_with_its_condition():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    answers = {**valid_answers(procedure), "want_copies": "1"}
    del answers["copies"]
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert [g.target for g in report.gaps] == ["copies"]
    answers["want_copies"] = ""
    assert assess(procedure, answers, all_papers(procedure), today=TODAY).complete


@pytest.mark.parametrize(
    "code", ["dang-ky-khai-sinh", "dang-ky-khai-tu", "trich-luc-ho-tich",
             "xac-nhan-tinh-trang-hon-nhan", "dang-ky-giam-ho", "thay-doi-cai-chinh-ho-tich"],
)
def test_a_representative_needs_the_authorisation_letter(code):
    procedure = PROCEDURES[code]
    answers = {**valid_answers(procedure), "applicant_role": "representative"}
    provided = all_papers(procedure) - {"van_ban_uy_quyen"}
    report = assess(procedure, answers, provided, today=TODAY)
    assert [g.target for g in report.gaps] == ["paper:van_ban_uy_quyen"]
    assert assess(procedure, answers, provided | {"van_ban_uy_quyen"}, today=TODAY).complete
    answers["applicant_role"] = "self"
    report = assess(procedure, answers, provided, today=TODAY)
    assert report.complete
    assert "van_ban_uy_quyen" not in {p.key for p in report.papers}


def test_a_supplement_request_limits_the_gaps_to_its_targets():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    report = assess(procedure, {"applicant_id_number": "12"}, set(), today=TODAY,
                    only={"child_full_name", "paper:giay_to_tuy_than", "applicant_phone"})
    assert [g.target for g in report.gaps] == [
        "applicant_phone", "child_full_name", "paper:giay_to_tuy_than",
    ]
    assert not report.field_errors  # the bad ID number is not part of the request
    assert not report.complete
    done = assess(procedure, {"child_full_name": "Lê Văn An"}, {"giay_to_tuy_than"},
                  today=TODAY, only={"child_full_name", "paper:giay_to_tuy_than"})
    assert done.complete
    assert assess(procedure, {}, set(), today=TODAY, only=set()).complete


# --- invalid answers and warnings -------------------------------------------------------


def test_an_invalid_id_number_is_an_invalid_field_gap_and_a_field_error():
    procedure = PROCEDURES["dang-ky-ket-hon"]
    answers, _ = complete_case(procedure)
    answers["bride_id_number"] = "0011900123"  # 10 digits
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert [(g.target, g.kind) for g in report.gaps] == [("bride_id_number", "invalid_field")]
    assert report.gaps[0].message == report.field_errors["bride_id_number"][0]
    assert "12 chữ số" in str(report.gaps[0].message)
    assert "bride_id_number" not in report.values
    assert set(report.field_errors) == {"bride_id_number"}


def test_id_digits_that_disagree_with_the_birth_date_warn_but_do_not_block():
    procedure = PROCEDURES["trich-luc-ho-tich"]
    answers, _ = complete_case(procedure)
    answers["applicant_birth_date"] = "15/03/1985"  # the ID says 1990
    answers["applicant_sex"] = "nam"  # the ID says female
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert report.complete
    assert not report.field_errors
    warnings = report.field_warnings["applicant_id_number"]
    assert len(warnings) == 2 and all(isinstance(w, Message) for w in warnings)
    assert report.values["applicant_id_number"] == ID_NUMBER


def test_other_people_s_id_numbers_are_checked_against_their_own_birth_dates():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    answers, _ = complete_case(procedure)
    answers["mother_birth_date"] = "01/01/1970"
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert report.complete
    assert set(report.field_warnings) == {"mother_id_number"}


def test_a_choice_outside_the_list_is_invalid():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    answers, _ = complete_case(procedure)
    answers["child_sex"] = "khac"
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert [(g.target, g.kind) for g in report.gaps] == [("child_sex", "invalid_field")]


def test_checkbox_answers():
    procedure = PROCEDURES["dang-ky-khai-tu"]
    for word, value in [("1", True), ("on", True), ("YES", True), ("true", True), ("có", True),
                        ("", False), ("0", False), ("false", False), ("off", False)]:
        values = normalise_answers(procedure, {"has_death_notice": word}, today=TODAY)
        assert values["has_death_notice"] is value, word
    assert normalise_answers(procedure, {}, today=TODAY)["has_death_notice"] is False
    report = assess(procedure, {"has_death_notice": "maybe"}, set(), today=TODAY)
    assert report.gap_for("has_death_notice").kind == "invalid_field"
    assert "has_death_notice" not in report.values


def test_a_future_date_of_death_is_refused_against_the_given_today():
    procedure = PROCEDURES["dang-ky-khai-tu"]
    answers, _ = complete_case(procedure)
    answers["death_date"] = "03/03/2026"
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert report.gap_for("death_date").kind == "invalid_field"
    answers["death_date"] = "02/03/2026"
    assert assess(procedure, answers, all_papers(procedure), today=TODAY).complete


def test_values_are_normalised():
    procedure = PROCEDURES["thay-doi-cai-chinh-ho-tich"]
    answers, report = complete_case(procedure)
    answers["reason"] = "  Dòng một  \r\n\r\n\r\n  dòng   hai \n\n"
    values = assess(procedure, answers, all_papers(procedure), today=TODAY).values
    assert values["applicant_phone"] == "+84912345678"
    assert values["applicant_birth_date"] == dt.date(1990, 3, 15)
    assert values["applicant_sex"] == "nu"
    assert values["reason"] == "Dòng một\n\ndòng hai"
    assert values["subject_age_9_plus"] is True


def test_defaults_are_for_the_form_not_for_the_validators():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    nationality = {f.name: f for f in procedure.fields}["child_nationality"]
    assert nationality.default == "Việt Nam"
    assert "default" not in nationality.validator_options
    answers, _ = complete_case(procedure)
    del answers["child_nationality"]  # a default is not an answer
    report = assess(procedure, answers, all_papers(procedure), today=TODAY)
    assert [g.target for g in report.gaps] == ["child_nationality"]


# --- papers ------------------------------------------------------------------------------


def test_the_declaration_form_is_generated_never_a_gap_and_not_to_bring():
    procedure = PROCEDURES["dang-ky-khai-tu"]
    empty = assess(procedure, {}, set(), today=TODAY)
    assert "paper:to_khai" not in {g.target for g in empty.gaps}
    assert "to_khai" not in empty.provided  # not until the form is filled
    assert "to_khai" in {p.key for p in empty.papers}
    assert "to_khai" not in {p.key for p in empty.to_bring}
    answers, full = complete_case(procedure)
    assert "to_khai" in full.provided


def test_to_bring_lists_the_originals_the_desk_must_see_in_order():
    procedure = PROCEDURES["cap-ban-sao-so-goc"]
    answers = {**valid_answers(procedure), "applicant_role": "relative", "submit_by_post": ""}
    report = assess(procedure, answers, set(), today=TODAY)
    assert [p.key for p in report.to_bring] == ["giay_to_tuy_than", "giay_to_quan_he"]
    by_post = assess(procedure, {**answers, "submit_by_post": "1"}, set(), today=TODAY)
    # by post: a certified copy and an envelope; the relationship proof is still shown
    assert [p.key for p in by_post.papers] == [
        "ban_sao_giay_to_tuy_than", "giay_to_quan_he", "phong_bi",
    ]
    for paper in by_post.to_bring:
        assert paper.form in BRING_FORMS


def test_provided_papers_may_be_named_as_gap_targets():
    procedure = PROCEDURES["trich-luc-ho-tich"]
    answers, _ = complete_case(procedure)
    report = assess(procedure, answers, {"paper:giay_to_tuy_than"}, today=TODAY)
    assert report.complete


def test_an_optional_paper_is_listed_but_never_a_gap():
    procedure = PROCEDURES["chung-thuc-chu-ky"]
    answers = {**valid_answers(procedure), "foreign_language": "1"}
    report = assess(procedure, answers, {"giay_to_tuy_than", "giay_to_can_ky"}, today=TODAY)
    assert report.complete
    assert "ban_dich" in {p.key for p in report.papers}


# --- the applicant -----------------------------------------------------------------------


def test_the_applicant_fields_come_first_and_can_be_left_out():
    assert PROFILE_KEYS == (
        "applicant_full_name", "applicant_birth_date", "applicant_sex", "applicant_id_number",
        "applicant_phone", "applicant_address", "applicant_email",
    )
    procedure = PROCEDURES["dang-ky-giam-ho"]
    without = assess(procedure, {}, set(), today=TODAY, include_applicant=False)
    assert not {f.name for f in without.fields} & set(PROFILE_KEYS)
    assert not {g.target for g in without.gaps} & set(PROFILE_KEYS)
    report = assess(procedure, {}, set(), today=TODAY)
    assert report.gaps[0].target == "applicant_full_name"
    assert report.gaps[0].message.params["group_en"] == "Applicant"


def test_applicant_labels_follow_the_glossary():
    labels = {f.name: (f.label_vi, f.label_en, f.type, f.required) for f in APPLICANT_FIELDS}
    assert labels["applicant_full_name"] == ("Họ, chữ đệm và tên", "Full name", "name", True)
    assert labels["applicant_birth_date"][:3] == ("Ngày, tháng, năm sinh", "Date of birth", "date")
    assert labels["applicant_id_number"][0] == "Số định danh cá nhân"
    assert labels["applicant_address"][0] == "Nơi cư trú"
    assert labels["applicant_phone"][0] == "Số điện thoại"
    assert labels["applicant_email"] == ("Thư điện tử", "Email", "email", False)
    sex = next(f for f in APPLICANT_FIELDS if f.name == "applicant_sex")
    assert sex.choices == (("nam", "Nam", "Male"), ("nu", "Nữ", "Female"))
    birth = next(f for f in APPLICANT_FIELDS if f.name == "applicant_birth_date")
    assert birth.options["not_future"] is True
    assert {(f.group, f.group_en) for f in APPLICANT_FIELDS} == {
        ("Thông tin người nộp hồ sơ", "Applicant"),
    }


def test_no_procedure_asks_the_applicant_profile_again():
    for procedure in PROCEDURES.values():
        assert not {f.name for f in procedure.fields} & set(PROFILE_KEYS), procedure.code


def test_missing_messages_name_the_field_in_both_languages():
    procedure = PROCEDURES["dang-ky-khai-sinh"]
    report = assess(procedure, {}, set(), today=TODAY)
    gap = report.gap_for("child_sex")
    assert str(gap.message) == "Chọn «Giới tính» trong phần «Thông tin người được khai sinh»."
    assert gap.message.params["label_en"] == "Sex"
    assert gap.message.params["group_en"] == "The child"
    role = report.gap_for("applicant_role")
    assert str(role.message) == "Chọn «Người nộp hồ sơ là»."
    assert str(report.gap_for("paper:giay_to_tuy_than").message).startswith("Còn thiếu «")


# --- never raises ------------------------------------------------------------------------

_NAMES = sorted({f.name for p in PROCEDURES.values() for f in form_fields(p)})
_ANSWER = st.one_of(
    st.none(),
    st.text(),
    st.text(st.characters(exclude_categories=())),  # lone surrogates, controls…
    st.text(alphabet="0123456789/-. :onyesfalsetruenamnu"),
    st.sampled_from(["1", "", "on", "15/03/1990", "2026-01-01", "001190012345", "nu", "self",
                     "representative", "ket_hon", "khac", "thay_doi", "duong_nhien", "0"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.sampled_from(CODES),
    answers=st.dictionaries(st.one_of(st.sampled_from(_NAMES), st.text(max_size=8)), _ANSWER),
    papers=st.frozensets(st.text(max_size=12) | st.sampled_from(
        ["to_khai", "giay_to_tuy_than", "paper:giay_chung_sinh", "van_ban_uy_quyen"])),
    only=st.none() | st.frozensets(st.sampled_from(_NAMES) | st.text(max_size=8)),
    today=st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)),
)
def test_assess_never_raises(code, answers, papers, only, today):
    procedure = PROCEDURES[code]
    report = assess(procedure, answers, papers, today=today, only=only)
    assert report.complete == (not report.gaps)
    for gap in report.gaps:
        assert isinstance(gap, Gap) and isinstance(gap.message, Message)
        assert gap.kind in {"missing_field", "invalid_field", "missing_paper"}
        str(gap.message)  # the params fit the text
        if only is not None:
            assert gap.target in only
    assert set(report.values) <= {f.name for f in report.fields}
    assert set(report.field_errors) <= {f.name for f in report.fields}
    assert report.fee is not None


# --- sections: one rule for the page, the panel and a long form's steps (issue 12) ----------


def test_a_field_without_a_group_belongs_to_the_section_above_it():
    from tthc.domain.completeness import form_sections

    birth = PROCEDURES["dang-ky-khai-sinh"]
    sections = form_sections(form_fields(birth))
    first = sections[0]
    assert first.title == "Thông tin người nộp hồ sơ"
    assert first.fields[-2:] == ("applicant_role", "relationship")
    # every field in exactly one section, in form order
    assert [n for s in sections for n in s.fields] == [f.name for f in form_fields(birth)]
    assert len({s.title for s in sections}) == len(sections)


def test_the_report_carries_the_sections_and_each_ones_gaps():
    birth = PROCEDURES["dang-ky-khai-sinh"]
    report = assess(birth, {"applicant_email": "khong-co-a-cong"}, set(), today=TODAY)
    assert report.section_of("relationship") == 0
    assert report.section_of("mother_full_name") == 2
    first = report.section_gaps(0)
    assert [g.target for g in first][-3:] == ["applicant_email", "applicant_role", "relationship"]
    assert sum(len(report.section_gaps(i)) for i in range(len(report.sections))) \
        == len([g for g in report.gaps if g.kind != "missing_paper"])


def test_the_applicant_who_is_the_mother_fills_her_fields_once():
    from tthc.domain.applicant import fill_from_applicant, fill_map

    names = {f.name for f in form_fields(PROCEDURES["dang-ky-khai-sinh"])}
    answers = {"applicant_full_name": "Nguyễn Thị Hoà", "applicant_birth_date": BIRTH,
               "applicant_id_number": ID_NUMBER, "applicant_address": "Số 12 Thụy Khuê",
               "relationship": "me", "mother_residence": "Số 1 phố Huế"}
    filled = fill_from_applicant(names, answers)
    assert filled["mother_full_name"] == "Nguyễn Thị Hoà"
    assert filled["mother_birth_date"] == BIRTH and filled["mother_id_number"] == ID_NUMBER
    assert filled["mother_residence"] == "Số 1 phố Huế"  # typed: kept
    assert "father_full_name" not in filled
    assert fill_from_applicant(names, {**answers, "relationship": "ong_ba"}) == \
        {**answers, "relationship": "ong_ba"}
    father = fill_from_applicant(names, {**answers, "relationship": "cha"})
    assert father["father_full_name"] == "Nguyễn Thị Hoà" and "mother_full_name" not in father
    # the applicant corrects their own answer: the copy follows, what was typed does not
    fixed = {**filled, "applicant_id_number": "001190099999"}
    again = fill_from_applicant(names, fixed, previous=filled)
    assert again["mother_id_number"] == "001190099999"
    assert again["mother_residence"] == "Số 1 phố Huế"
    # a form without a mother's fields has nothing to fill
    assert fill_map({"relationship", "applicant_full_name"}) == {}
