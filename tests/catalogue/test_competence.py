"""The catalogue after the 2025 reform (issue 11, domain.md §12 items 5, 6, 8): the ward's
competence as it is now, each fact with its source and, when not verified, marked for the
administrator only; the same-day list; the national procedure codes."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from tests.html import check_page
from tthc.domain.catalogue import parse_catalogue

CATALOGUE = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"
# Words that would send a citizen to a tier of government that no longer exists.
DISTRICT = re.compile(r"cấp huyện|\bhuyện\b|\bquận\b|Phòng Tư pháp|\bdistricts?\b", re.IGNORECASE)
SAME_DAY = {  # domain.md §12 item 6: §5 items 1, 2, 4, 5, 6, 7, 8
    "chung-thuc-ban-sao", "chung-thuc-chu-ky", "cap-ban-sao-so-goc", "dang-ky-khai-sinh",
    "dang-ky-ket-hon", "dang-ky-khai-tu", "trich-luc-ho-tich",
}
ADMIN_ONLY = {"source", "sources", "unconfirmed"}


@pytest.fixture(scope="module")
def procedures():
    with open(CATALOGUE, "rb") as f:
        return {p.code: p for p in parse_catalogue(tomllib.load(f))}


def _citizen_texts(value, key=""):
    """Every text a citizen can read in a parsed procedure (not the admin's source notes)."""
    if key in ADMIN_ONLY:
        return
    if isinstance(value, str):
        yield key, value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _citizen_texts(getattr(value, f.name), f.name)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _citizen_texts(item, key)
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _citizen_texts(item, f"{key}.{k}")


def test_no_citizen_text_sends_anyone_to_a_district(procedures):
    for code, p in procedures.items():
        for key, text in _citizen_texts(p):
            assert not DISTRICT.search(text), (code, key, text)


def test_the_ward_is_no_longer_limited_to_under_14_or_refuses_translators(procedures):
    change = procedures["thay-doi-cai-chinh-ho-tich"]
    for text in (change.summary_vi, change.summary_en, change.who_vi, change.who_en):
        assert "14" not in text, text
    assert "từ đủ 14 tuổi trở lên" in change.competence_vi
    assert "competence_vi" in change.unconfirmed  # [U]: the admin confirms it
    signature = procedures["chung-thuc-chu-ky"]
    assert "người dịch" not in signature.summary_vi and "translator" not in signature.summary_en
    assert "chữ ký người dịch" in signature.competence_vi
    assert "competence_vi" in signature.unconfirmed


def test_every_procedure_says_who_decides_with_a_source(procedures):
    for code, p in procedures.items():
        assert p.competence_vi and p.competence_en, code
        source = p.sources.get("competence_vi", "")
        assert source, code
        unverified = "[U]" in source or "[S" in source or "120/2025" in source
        assert unverified == ("competence_vi" in p.unconfirmed), code
        if "competence_vi" not in p.unconfirmed:
            assert "[V" in source, code


def test_same_day_flags_are_the_list_of_domain_md_12_6(procedures):
    assert {code for code, p in procedures.items() if p.monday_same_day} == SAME_DAY


def test_domain_md_codes_are_kept_and_no_code_is_invented(procedures):
    assert procedures["cap-ban-sao-so-goc"].national_code == "2.000908"
    assert procedures["trich-luc-ho-tich"].national_code == "2.000635"
    assert procedures["chung-thuc-hop-dong"].national_code == ""
    for code, p in procedures.items():
        if p.national_code:
            assert "national_code" in p.unconfirmed, code  # [S], never [V]
            assert "[S]" in p.sources["national_code"], code


def test_the_parser_refuses_a_source_for_an_unknown_fact_and_half_a_competence():
    from tthc.domain.catalogue import CatalogueError, parse_procedure

    with open(CATALOGUE, "rb") as f:
        raw = dict(tomllib.load(f)["procedure"][0])
    with pytest.raises(CatalogueError, match="sources"):
        parse_procedure({**raw, "sources": {"no_such_fact": "x"}})
    with pytest.raises(CatalogueError, match="sources"):
        parse_procedure({**raw, "sources": {"competence_vi": ""}})
    with pytest.raises(CatalogueError, match="sources"):
        parse_procedure({**raw, "sources": "x"})
    with pytest.raises(CatalogueError, match="competence"):
        parse_procedure({**raw, "competence_en": ""})


@pytest.mark.parametrize("code", sorted(SAME_DAY | {
    "chung-thuc-hop-dong", "xac-nhan-tinh-trang-hon-nhan", "dang-ky-giam-ho",
    "nhan-cha-me-con", "thay-doi-cai-chinh-ho-tich"}))
def test_the_detail_page_shows_competence_and_code_but_no_admin_caveat(client, procedures, code):
    p = procedures[code]
    text = client.get(f"/thu-tuc/{code}").get_data(as_text=True)
    check_page(text)
    assert "Cơ quan thực hiện" in text and p.competence_vi in text
    if p.national_code:
        assert f"<dd>{p.national_code}</dd>" in text
    for admin_word in ("chưa kiểm chứng", "chờ cơ quan xác nhận", "[S", "[U]", "[V",
                       "maThuTuc", "domain.md", "120/2025"):
        assert admin_word not in text, admin_word
    english = client.get(f"/thu-tuc/{code}?lang=en").get_data(as_text=True)
    assert p.competence_en.replace("'", "&#39;") in english
