"""The seed catalogue (tthc/data/catalogue.toml) parses and says what the law says."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
import unicodedata
from pathlib import Path

import pytest

from tthc.domain.catalogue import CatalogueError, Procedure, parse_catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"

CODES = {
    "chung-thuc-ban-sao",
    "chung-thuc-chu-ky",
    "chung-thuc-hop-dong",
    "cap-ban-sao-so-goc",
    "dang-ky-khai-sinh",
    "dang-ky-ket-hon",
    "dang-ky-khai-tu",
    "trich-luc-ho-tich",
    "xac-nhan-tinh-trang-hon-nhan",
    "dang-ky-giam-ho",
    "nhan-cha-me-con",
    "thay-doi-cai-chinh-ho-tich",
}
CHUNG_THUC = {
    "chung-thuc-ban-sao", "chung-thuc-chu-ky", "chung-thuc-hop-dong", "cap-ban-sao-so-goc",
}
# domain.md §5 and §9: decided the same day, so eligible for the Monday no-slip day.
SAME_DAY = {
    "chung-thuc-ban-sao",
    "chung-thuc-chu-ky",
    "cap-ban-sao-so-goc",
    "dang-ky-khai-sinh",
    "dang-ky-ket-hon",
    "dang-ky-khai-tu",
    "trich-luc-ho-tich",
}
MULTI_DAY = {
    "chung-thuc-hop-dong": 2,
    "xac-nhan-tinh-trang-hon-nhan": 3,
    "dang-ky-giam-ho": 3,
    "nhan-cha-me-con": 3,
    "thay-doi-cai-chinh-ho-tich": 3,
}
HANOI_COUNCIL_RATE = "Theo mức thu do Hội đồng nhân dân thành phố Hà Nội quy định"
# domain.md §2 gives 2.000908 and 2.000635; the others are from public sources (issue 11),
# all [S]. The contract entry covers several national procedures and has none.
NATIONAL_CODES = {
    "chung-thuc-ban-sao": "2.000815", "chung-thuc-chu-ky": "2.000884",
    "cap-ban-sao-so-goc": "2.000908", "dang-ky-khai-sinh": "1.001193",
    "dang-ky-ket-hon": "1.000894", "dang-ky-khai-tu": "1.000656",
    "trich-luc-ho-tich": "2.000635", "xac-nhan-tinh-trang-hon-nhan": "1.004873",
    "dang-ky-giam-ho": "1.004837", "nhan-cha-me-con": "1.001022",
    "thay-doi-cai-chinh-ho-tich": "1.004859",
}
# The shared applicant profile carries these; procedure forms must not ask them again.
PROFILE_FIELD_NAMES = {
    "full_name", "name", "birth_date", "date_of_birth", "sex", "id_number", "phone",
    "email", "address", "residence", "applicant_name", "applicant_phone",
}


@pytest.fixture(scope="module")
def raw() -> dict:
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def procedures(raw) -> dict[str, Procedure]:
    return {p.code: p for p in parse_catalogue(raw)}


def _strings(value):
    """Every string in a parsed TOML document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _conditions(procedure: Procedure):
    for paper in procedure.papers:
        if paper.when:
            yield f"papers.{paper.key}", paper.when
    for index, rule in enumerate(procedure.fees):
        if rule.when:
            yield f"fees.{index}", rule.when
    for form_field in procedure.fields:
        if form_field.when:
            yield f"fields.{form_field.name}", form_field.when


def _fee_per_copy(rule, pages: int) -> int:
    first = min(pages, rule.first_pages) * rule.amount
    after = max(pages - rule.first_pages, 0) * rule.amount_after
    return min(first + after, rule.cap_per_copy)


# --- the file as a whole ----------------------------------------------------------------


def test_the_file_parses_with_schema_1(raw, procedures):
    assert raw["schema"] == 1
    assert len(procedures) == len(raw["procedure"])


def test_it_lists_exactly_the_twelve_ward_procedures(raw, procedures):
    assert set(procedures) == CODES
    assert len(raw["procedure"]) == 12  # one version each, no duplicates


def test_every_version_starts_with_two_tier_local_government(procedures):
    for procedure in procedures.values():
        assert procedure.version == dt.date(2025, 7, 1), procedure.code


def test_every_string_is_nfc(raw):
    for text in _strings(raw):
        assert unicodedata.is_normalized("NFC", text), text


def test_every_name_is_nfc_and_bilingual(procedures):
    for p in procedures.values():
        names = [p.name_vi, p.name_en, p.summary_vi, p.summary_en, p.who_vi, p.result_vi]
        names += [x.name_vi for x in p.papers] + [x.name_en for x in p.papers]
        names += [f.label_vi for f in p.fields] + [f.label_en for f in p.fields]
        names += [label for f in p.fields for _, vi, en in f.choices for label in (vi, en)]
        for name in names:
            assert name and unicodedata.is_normalized("NFC", name), (p.code, name)
        assert p.name_vi != p.name_en


# --- each procedure ---------------------------------------------------------------------


def test_every_procedure_has_papers_fees_and_fields(procedures):
    for p in procedures.values():
        assert p.papers, p.code
        assert p.fees, p.code
        assert p.fields, p.code
        assert p.legal_basis and p.source, p.code


def test_fields_of_law(procedures):
    for code, p in procedures.items():
        assert p.field == ("chung-thuc" if code in CHUNG_THUC else "ho-tich"), code


def test_only_the_national_codes_a_source_gives(procedures):
    for code, p in procedures.items():
        assert p.national_code == NATIONAL_CODES.get(code, ""), code
        if p.national_code:  # every code is [S]: sourced and marked for the admin
            assert p.sources.get("national_code") and "national_code" in p.unconfirmed, code


def test_same_day_procedures_have_no_statutory_days(procedures):
    for code in SAME_DAY:
        p = procedures[code]
        assert p.statutory_days == 0, code
        assert p.monday_same_day, code
        assert p.cutoff == "15:00"
        assert "15" in p.time_note_vi or "ngay" in p.time_note_vi, code


def test_multi_day_procedures_keep_their_deadline_and_get_a_slip(procedures):
    for code, days in MULTI_DAY.items():
        p = procedures[code]
        assert p.statutory_days == days, code
        assert not p.monday_same_day, code
    assert "statutory_days" in procedures["chung-thuc-hop-dong"].unconfirmed  # [U] in §5


def test_time_notes_explain_the_nuances(procedures):
    assert "02 ngày làm việc" in procedures["chung-thuc-ban-sao"].time_note_vi
    assert "05 ngày làm việc" in procedures["dang-ky-ket-hon"].time_note_vi
    assert "03 ngày làm việc" in procedures["thay-doi-cai-chinh-ho-tich"].time_note_vi
    for p in procedures.values():
        assert p.time_note_vi and p.time_note_en, p.code


def test_online_levels_are_marked_for_confirmation(procedures):
    for p in procedures.values():
        assert "online_level" in p.unconfirmed, p.code
        if "online" in p.return_channels:
            assert "return_channels" in p.unconfirmed, p.code


# --- conditions -------------------------------------------------------------------------


def test_all_conditions_refer_to_declared_fields(procedures):
    for p in procedures.values():
        names = {f.name for f in p.fields}
        for where, condition in _conditions(p):
            assert set(condition.names) <= names, (p.code, where)


def test_the_parser_refuses_a_condition_on_an_undeclared_field(raw):
    broken = copy.deepcopy(raw)
    birth = next(p for p in broken["procedure"] if p["code"] == "dang-ky-khai-sinh")
    birth["papers"][0]["when"] = {"late": True}
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(broken)
    assert caught.value.procedure == "dang-ky-khai-sinh"
    assert "late" in caught.value.problem


def test_conditions_match_choice_values(procedures):
    """A condition on a choice field names values that field offers."""
    for p in procedures.values():
        fields = {f.name: f for f in p.fields}
        for where, condition in _conditions(p):
            for name, values in condition.equals.items():
                form_field = fields[name]
                if form_field.type == "choice":
                    offered = {value for value, _, _ in form_field.choices}
                    assert set(values) <= offered, (p.code, where, values)
                elif form_field.type == "bool":
                    assert all(isinstance(v, bool) for v in values), (p.code, where)


def test_birth_registration_papers_follow_the_answers(procedures):
    papers = {x.key: x for x in procedures["dang-ky-khai-sinh"].papers}
    with_certificate = {"has_birth_certificate": True, "applicant_role": "self"}
    witness = {"has_birth_certificate": False, "has_witness": True, "applicant_role": "self"}
    alone = {"has_birth_certificate": False, "has_witness": False,
             "applicant_role": "representative"}
    assert papers["giay_chung_sinh"].applies(with_certificate)
    assert not papers["van_ban_lam_chung"].applies(with_certificate)
    assert papers["van_ban_lam_chung"].applies(witness)
    assert not papers["giay_cam_doan"].applies(witness)
    assert papers["giay_cam_doan"].applies(alone)
    assert papers["van_ban_uy_quyen"].applies(alone)
    assert not papers["van_ban_uy_quyen"].applies(witness)
    assert papers["to_khai"].applies({}) and papers["giay_to_tuy_than"].applies({})


# --- fees -------------------------------------------------------------------------------


def test_every_fee_rule_is_worded_and_grounded(procedures):
    for p in procedures.values():
        for rule in p.fees:
            assert rule.wording_vi and rule.legal_basis, p.code


def test_copy_certification_fee_is_tt_226_2016(procedures):
    p = procedures["chung-thuc-ban-sao"]
    rule = p.fees[0]
    assert (rule.kind, rule.amount, rule.first_pages, rule.amount_after, rule.cap_per_copy) == (
        "per_page", 2000, 2, 1000, 200000,
    )
    assert rule.when is None and not rule.unconfirmed
    assert "226/2016" in rule.legal_basis
    assert [_fee_per_copy(rule, n) for n in (1, 2, 3, 5)] == [2000, 4000, 5000, 7000]
    assert _fee_per_copy(rule, 300) == 200000
    assert {f.name: f.type for f in p.fields if f.name in {"documents", "pages", "copies"}} == {
        "documents": "int", "pages": "int", "copies": "int",
    }


def test_signature_and_contract_fees_are_tt_226_2016(procedures):
    signature = procedures["chung-thuc-chu-ky"].fees
    assert [(r.kind, r.amount) for r in signature] == [("fixed", 10000)]
    assert "trường hợp" in signature[0].wording_vi
    contract = procedures["chung-thuc-hop-dong"].fees
    by_kind = {r.when.equals["request_kind"]: r.amount for r in contract}
    assert by_kind == {("chung_thuc",): 50000, ("sua_doi",): 30000, ("sua_loi",): 25000}
    for rule in signature + contract:
        assert "226/2016" in rule.legal_basis and not rule.unconfirmed


def test_extract_copies_cost_8000_per_copy(procedures):
    p = procedures["trich-luc-ho-tich"]
    assert [(r.kind, r.amount) for r in p.fees] == [("fixed", 8000)]
    assert "281/2016" in p.fees[0].legal_basis
    names = {f.name: f for f in p.fields}
    assert names["copies"].type == "int"
    assert {"khai_sinh", "ket_hon", "khai_tu"} <= {v for v, _, _ in names["event_type"].choices}


def test_free_civil_status_matters(procedures):
    for code in ("dang-ky-ket-hon", "dang-ky-giam-ho"):
        assert procedures[code].is_free, code
    birth = procedures["dang-ky-khai-sinh"]
    assert birth.fees[0].kind == "free" and "60 ngày" in birth.fees[0].when_vi
    death = procedures["dang-ky-khai-tu"]
    assert death.fees[0].kind == "free" and "15 ngày" in death.fees[0].when_vi


def test_provincial_fees_are_unconfirmed_and_invent_no_amount(procedures):
    seen = 0
    for p in procedures.values():
        for rule in p.fees:
            if rule.kind == "provincial":
                seen += 1
                assert rule.unconfirmed and rule.amount is None, p.code
    assert seen >= 6


def test_hanoi_council_rate_wording(procedures):
    for code in ("xac-nhan-tinh-trang-hon-nhan", "nhan-cha-me-con", "thay-doi-cai-chinh-ho-tich"):
        rule = procedures[code].fees[0]
        assert rule.kind == "provincial"
        assert rule.wording_vi == HANOI_COUNCIL_RATE


def test_chargeable_civil_status_matters_offer_the_article_11_exemption(procedures):
    for code in ("dang-ky-khai-sinh", "dang-ky-khai-tu", "xac-nhan-tinh-trang-hon-nhan",
                 "nhan-cha-me-con", "thay-doi-cai-chinh-ho-tich"):
        rules = [r for r in procedures[code].fees if r.kind == "free" and r.when is not None]
        assert any(r.when.holds({"fee_exemption": "ho_ngheo"}) for r in rules), code
        assert not any(r.when.holds({"fee_exemption": "khong"}) for r in rules), code


# --- form fields ------------------------------------------------------------------------


def test_forms_leave_the_applicant_profile_out(procedures):
    for p in procedures.values():
        for f in p.fields:
            assert f.name not in PROFILE_FIELD_NAMES, (p.code, f.name)
            assert f.type not in {"phone", "email"}, (p.code, f.name)


def test_dates_of_birth_and_death_cannot_be_in_the_future(procedures):
    for p in procedures.values():
        for f in p.fields:
            if f.type == "date" and f.name.endswith(("birth_date", "death_date")):
                assert f.options.get("not_future") is True, (p.code, f.name)


def test_field_options_are_validator_options(procedures):
    allowed = {
        "date": {"not_future", "year_alone"},
        "int": {"minimum", "maximum"},
        "text": {"max_length"}, "name": {"max_length"}, "textarea": {"max_length"},
    }
    for p in procedures.values():
        for f in p.fields:
            assert set(f.options) - {"default"} <= allowed.get(f.type, set()), (p.code, f.name)
            assert "default" not in f.validator_options, (p.code, f.name)
            if f.type == "int":
                assert f.options["minimum"] <= f.options["maximum"], (p.code, f.name)


def test_sex_choices_match_the_id_validator(procedures):
    for p in procedures.values():
        for f in p.fields:
            if f.name.endswith("_sex"):
                assert [v for v, _, _ in f.choices] == ["nam", "nu"], (p.code, f.name)


def test_representatives_are_offered_where_the_law_allows(procedures):
    in_person = {"chung-thuc-chu-ky", "chung-thuc-hop-dong", "dang-ky-ket-hon", "nhan-cha-me-con"}
    for code, p in procedures.items():
        roles = {f.name: f for f in p.fields}.get("applicant_role")
        if code in in_person:
            assert roles is None, code
        elif code != "chung-thuc-ban-sao":
            assert roles is not None and "self" in {v for v, _, _ in roles.choices}, code


def test_birth_registration_asks_what_the_declaration_asks(procedures):
    p = procedures["dang-ky-khai-sinh"]
    fields = {f.name: f for f in p.fields}
    for name in ("child_full_name", "child_birth_date", "child_sex", "child_birth_place",
                 "child_ethnicity", "child_nationality", "has_birth_certificate",
                 "mother_full_name", "mother_birth_date", "mother_id_number",
                 "father_full_name", "relationship"):
        assert name in fields, name
    assert not fields["mother_id_number"].required
    assert not any(f.required for n, f in fields.items() if n.startswith("father_"))
    assert p.declaration_form.startswith("Tờ khai đăng ký khai sinh")


def test_popularity_puts_copies_and_births_first(procedures):
    ranked = sorted(procedures.values(), key=lambda p: -p.popularity)
    assert {ranked[0].code, ranked[1].code} == {"chung-thuc-ban-sao", "dang-ky-khai-sinh"}


def test_unconfirmed_facts_are_named(procedures):
    assert "fees" in procedures["cap-ban-sao-so-goc"].unconfirmed  # none [S], Hanoi 663
    assert procedures["cap-ban-sao-so-goc"].fees[0].unconfirmed
    assert "papers.hop_dong_da_chung_thuc" in procedures["chung-thuc-hop-dong"].unconfirmed
    assert "result_vi" in procedures["xac-nhan-tinh-trang-hon-nhan"].unconfirmed  # 6 months


# --- what the completeness and fee rules read ---------------------------------------------


def test_the_declaration_forms_are_generated_by_the_app(procedures):
    for p in procedures.values():
        for paper in p.papers:
            assert paper.generated == (paper.key == "to_khai"), (p.code, paper.key)
        if p.declaration_form:
            assert any(paper.generated for paper in p.papers), p.code


def test_on_time_registration_is_free_by_date(procedures):
    today = dt.date(2026, 3, 2)
    for code, date_field, days in (("dang-ky-khai-sinh", "child_birth_date", 60),
                                   ("dang-ky-khai-tu", "death_date", 15)):
        free, late = procedures[code].fees[:2]
        assert (free.kind, late.kind) == ("free", "provincial"), code
        on_time = {date_field: today - dt.timedelta(days=days)}
        too_late = {date_field: today - dt.timedelta(days=days + 1)}
        assert free.when.holds(on_time, today=today) and not late.when.holds(on_time, today=today)
        assert late.when.holds(too_late, today=today) and not free.when.holds(too_late, today=today)
        assert free.when_vi and late.when_vi  # still shown in words


def test_counted_fees_name_their_multipliers(procedures):
    per = {code: {i: r.per for i, r in enumerate(p.fees) if r.per}
           for code, p in procedures.items()}
    assert per["chung-thuc-ban-sao"] == {0: ("documents", "copies")}
    assert per["chung-thuc-chu-ky"] == {0: ("documents",)}
    assert per["trich-luc-ho-tich"] == {0: ("copies",)}
    assert per["dang-ky-khai-sinh"] == {3: ("copies",)}
    assert per["dang-ky-khai-tu"] == {3: ("copies",)}
    for code in ("dang-ky-khai-sinh", "dang-ky-khai-tu"):
        copies = procedures[code].fees[3]
        assert copies.separate and copies.amount == 8000, code  # an exemption keeps it


def test_every_fee_rule_can_be_estimated(procedures):
    for p in procedures.values():
        assert any(r.is_base or r.when is not None for r in p.fees), p.code
        for rule in p.fees:
            assert rule.when is not None or rule.is_base, (p.code, rule.wording_vi)


def test_grouped_fields_are_bilingual(procedures):
    for p in procedures.values():
        for f in p.fields:
            assert bool(f.group) == bool(f.group_en), (p.code, f.name)


def test_nationality_defaults_to_viet_nam(procedures):
    for code, name in (("dang-ky-khai-sinh", "child_nationality"),
                       ("dang-ky-khai-sinh", "mother_nationality"),
                       ("dang-ky-ket-hon", "bride_nationality"),
                       ("dang-ky-ket-hon", "groom_nationality"),
                       ("dang-ky-khai-tu", "deceased_nationality")):
        assert {f.name: f for f in procedures[code].fields}[name].default == "Việt Nam"
