"""The search terms file (tthc/data/search_terms.toml) and the relevance score, without a
database: the shipped file parses and names real procedures; a bad file is refused whole."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from tthc.domain.catalogue import parse_catalogue
from tthc.domain.relevance import (
    EXACT, NAME_PHRASE, NAME_WORDS, SYNONYM, TEXT_PHRASE, TEXT_WORDS, Entry, rank, score,
    stands_in,
)
from tthc.domain.search_terms import (
    TERMS_FILE, SearchTermsError, load_terms, parse_terms, words,
)

DATA = Path(__file__).resolve().parents[2] / "tthc" / "data"


@pytest.fixture(scope="module")
def catalogue():
    with open(DATA / "catalogue.toml", "rb") as f:
        return parse_catalogue(tomllib.load(f))


@pytest.fixture(scope="module")
def raw():
    with open(TERMS_FILE, "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def entries(catalogue):
    terms = load_terms(known_codes=[p.code for p in catalogue])
    return [Entry(p.code, (words(p.name_vi), words(p.name_en)), words(p.search_key),
                  terms.phrases_for(p.code), p.national_code, p.popularity, p.name_vi)
            for p in catalogue]


def _first(entries, query):
    ranked = rank(query, entries)
    return ranked[0][0].item if ranked else None


def test_the_shipped_file_names_only_procedures_of_the_catalogue(catalogue, raw):
    terms = parse_terms(raw, known_codes=[p.code for p in catalogue])
    assert {s.procedure for s in terms.synonyms} <= {p.code for p in catalogue}
    assert {e.key for e in terms.elsewhere} == {"can-cuoc", "cu-tru"}
    for entry in terms.elsewhere:
        assert "Công an cấp xã" in entry.message_vi
        assert "http" not in entry.message_vi + entry.message_en  # no link, not even as text
        assert entry.source and set(entry.unconfirmed) <= {"message_vi", "message_en"}


def test_words_fold_accents_case_and_d():
    assert words("Đăng ký, KẾT HÔN!") == ("dang", "ky", "ket", "hon")
    assert words("đ Đ") == ("d", "d")
    assert words("Mã 2.000908.") == ("ma", "2.000908")


@pytest.mark.parametrize("mutate, where, key", [
    (lambda d: d.update(schema=2), "(file)", "schema"),
    (lambda d: d.update(extra=1), "(file)", "extra"),
    (lambda d: d["synonym"][0].update(procedure="Not A Code"), "synonym[0]", "procedure"),
    (lambda d: d["synonym"][0].update(procedure="khong-co"), "synonym[0]", "procedure"),
    (lambda d: d["synonym"][0].update(words=[]), "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(words=["  "]), "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(words=["!!"]), "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(words=["sao y", "SAO Ý"]), "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(words="sao y"), "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(words=["một hai ba bốn năm sáu bảy tám chín"]),
     "synonym[0]", "words"),
    (lambda d: d["synonym"][0].update(note="x"), "synonym[0]", "note"),
    (lambda d: d["synonym"][0].update(words=["căn cước"]), "synonym[0]", "words"),
    (lambda d: d["elsewhere"][0].pop("message_vi"), "elsewhere[0]", "message_vi"),
    (lambda d: d["elsewhere"][0].update(message_en=""), "elsewhere[0]", "message_en"),
    (lambda d: d["elsewhere"][0].update(source=3), "elsewhere[0]", "source"),
    (lambda d: d["elsewhere"][0].update(unconfirmed=["link"]), "elsewhere[0]", "unconfirmed"),
    (lambda d: d["elsewhere"][1].update(words=["cccd"]), "elsewhere[1]", "words"),
    (lambda d: d["elsewhere"].append("text"), "elsewhere[2]", "(table)"),
    (lambda d: d.pop("synonym"), "(file)", "synonym"),
])
def test_a_bad_file_is_refused_whole_naming_the_fault(raw, catalogue, mutate, where, key):
    broken = copy.deepcopy(raw)
    mutate(broken)
    with pytest.raises(SearchTermsError) as caught:
        parse_terms(broken, known_codes=[p.code for p in catalogue])
    assert (caught.value.where, caught.value.key) == (where, key)


def test_a_syntax_error_is_a_search_terms_error(tmp_path):
    bad = tmp_path / "terms.toml"
    bad.write_text("schema = 1\n[[synonym]\n", encoding="utf-8")
    with pytest.raises(SearchTermsError, match="syntax"):
        load_terms(bad)


def test_the_app_refuses_to_start_with_a_bad_terms_file(monkeypatch, tmp_path):
    from tthc.catalogue import bp
    import tthc.catalogue as catalogue_package

    bad = tmp_path / "terms.toml"
    bad.write_text("schema = 1\n", encoding="utf-8")
    monkeypatch.setattr(catalogue_package, "load_terms", lambda: load_terms(bad))
    from flask import Flask
    with pytest.raises(SearchTermsError):
        Flask("probe").register_blueprint(bp)


def test_stands_in_words_glued_and_unfinished():
    name = words("Đăng ký khai sinh")
    assert stands_in(words("khai sinh"), name)
    assert stands_in(words("khaisinh"), name)
    assert stands_in(words("khai si"), name)
    assert not stands_in(words("khai si"), name, unfinished=False)
    assert not stands_in(words("sinh khai"), name)
    assert not stands_in(words("k"), name)  # one letter is not a start of a word


def test_the_tiers_in_order(entries):
    by_code = {e.item: e for e in entries}
    ket_hon = by_code["dang-ky-ket-hon"]
    assert score(words("Đăng ký kết hôn"), ket_hon).tier == EXACT
    assert score(words("ket hon"), ket_hon).tier == NAME_PHRASE
    assert score(words("hon ket"), ket_hon).tier == NAME_WORDS
    assert score(words("giay xac nhan doc than"),
                 by_code["xac-nhan-tinh-trang-hon-nhan"]).tier == TEXT_PHRASE
    assert score(words("hai ben kết hôn"), ket_hon).tier == TEXT_WORDS
    assert score(words("sao y cccd"), by_code["chung-thuc-ban-sao"]).tier == SYNONYM
    assert score(words("xay nha"), ket_hon) is None
    assert EXACT > NAME_PHRASE > NAME_WORDS > TEXT_PHRASE > TEXT_WORDS > SYNONYM


def test_relevance_beats_popularity(entries):
    by_code = {e.item: e for e in entries}
    assert by_code["dang-ky-khai-sinh"].popularity > by_code["dang-ky-ket-hon"].popularity
    assert _first(entries, "ket hon") == "dang-ky-ket-hon"


def test_ties_go_to_the_more_used_procedure_then_the_name(entries):
    ranked = [e.item for e, _ in rank("chung thuc", entries)]
    assert ranked == ["chung-thuc-ban-sao", "chung-thuc-chu-ky", "chung-thuc-hop-dong"]
    same = [Entry(code, (("a",),), ("a",), (), "", 5, name) for code, name in
            (("b", "Bê"), ("a", "A"))]
    assert [e.item for e, _ in rank("a", same)] == ["a", "b"]


def test_the_ranking_is_deterministic(entries):
    for query in ("ket hon", "ho", "khai", "ban sao", ""):
        assert rank(query, entries) == rank(query, list(reversed(entries)))
