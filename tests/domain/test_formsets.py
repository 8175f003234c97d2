"""The official forms as data (tthc/data/forms.toml): what the file says, and what it refuses."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest

from tthc.domain.formsets import (FORMS_FILE, OPTIONAL, PRODUCED, FormSetError, load_formsets_file,
                                  parse_formsets)


@pytest.fixture(scope="module")
def raw():
    with open(FORMS_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def sets():
    return load_formsets_file()


def refusal(raw, change) -> FormSetError:
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(FormSetError) as caught:
        parse_formsets(data)
    return caught.value


# --- what the file says -------------------------------------------------------------------


def test_the_2018_set_is_article_9_of_circular_01_2018(sets):
    # domain.md §11.2, Art 9 [V]: six forms, A5 except No. 06 on A4; effective 06/01/2019 (§1.2)
    old = sets["tt01-2018"]
    assert old.effective_from == dt.date(2019, 1, 6)
    assert [(f.number, f.kind, f.title_vi, f.paper) for f in old.forms] == [
        ("01", "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "A5"),
        ("02", "supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "A5"),
        ("03", "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "A5"),
        ("04", "apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "A5"),
        ("05", "control", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "A5"),
        ("06", "ledger", "Sổ theo dõi hồ sơ", "A4"),
    ]
    assert old.unverified == () and not old.any_unverified
    assert all(f.checked["content"] == "S" for f in old.forms)  # reproductions, not the appendix
    assert "01/2018/TT-VPCP" in old.printed_basis


def test_the_2025_set_is_annex_i_of_circular_03_2025_with_its_unverified_facts(sets):
    new = sets["tt03-2025"]
    assert [(f.number, f.kind, f.title_vi) for f in new.forms] == [  # domain.md §11.5 [V]
        ("01", "receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        ("02", "supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        ("03", "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        ("04", "apology", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
        ("05", "stop", "Thông báo dừng giải quyết hồ sơ"),
        ("06", "control", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        ("07", "ledger", "Sổ theo dõi hồ sơ"),
    ]
    assert "15/09/2025" in new.legal_basis and "118/2025/NĐ-CP" in new.legal_basis
    assert new.unverified == ("effective_from",) and "hiệu lực" in new.note_vi
    assert [f.kind for f in new.forms if not f.produced] == []  # "stop" is produced too
    for form in new.forms:
        assert form.checked["number"] == form.checked["title"] == "V"
        assert set(form.unverified) == {"paper", "content"} and form.note_vi


def test_both_sets_have_every_kind_the_app_prints_once(sets):
    for form_set in sets.sets:
        kinds = [f.kind for f in form_set.forms if f.produced]
        assert len(kinds) == len(set(kinds)), form_set.key
        assert set(PRODUCED) <= set(kinds) <= set(PRODUCED) | set(OPTIONAL), form_set.key
        assert all(f.title_en for f in form_set.forms)


def test_the_2018_set_is_the_set_of_unrecorded_dossiers(sets):
    # Dossiers decided before sets were recorded printed TT 01/2018, the only set then.
    assert sets.unrecorded == "tt01-2018"
    assert sets.for_dossier(None).key == "tt01-2018"
    assert sets.for_dossier("tt03-2025").key == "tt03-2025"


def test_a_form_is_found_by_kind_and_by_number(sets):
    new = sets["tt03-2025"]
    assert new.form("control").number == "06" and new.by_number("06").kind == "control"
    assert new.by_number("08") is None and not sets["tt01-2018"].has("stop")
    with pytest.raises(KeyError):
        sets["tt01-2018"].form("stop")


# --- what the parser refuses, naming the set and the form -----------------------------------


def _form(data, key, number):
    found = next(s for s in data["set"] if s["key"] == key)
    return next(f for f in found["form"] if f["number"] == number)


def test_an_unknown_kind_names_the_set_and_form(raw):
    error = refusal(raw, lambda d: _form(d, "tt03-2025", "04").update(kind="apologies"))
    assert (error.set_key, error.form, error.field) == ("tt03-2025", "04", "kind")
    assert "tt03-2025" in str(error) and "'04'" in str(error)


def test_two_forms_with_one_number_or_one_kind_are_refused(raw):
    error = refusal(raw, lambda d: _form(d, "tt01-2018", "02").update(number="01"))
    assert error.set_key == "tt01-2018" and error.field == "number"
    error = refusal(raw, lambda d: _form(d, "tt01-2018", "02").update(kind="receipt"))
    assert error.set_key == "tt01-2018" and error.field == "kind"


def test_a_set_without_a_kind_the_app_prints_is_refused(raw):
    def drop_ledger(data):
        found = next(s for s in data["set"] if s["key"] == "tt03-2025")
        found["form"] = [f for f in found["form"] if f["kind"] != "ledger"]

    error = refusal(raw, drop_ledger)
    assert error.set_key == "tt03-2025" and "ledger" in error.problem


def test_the_stop_notice_is_optional_and_can_be_switched_off(raw):
    data = copy.deepcopy(raw)
    found = next(s for s in data["set"] if s["key"] == "tt03-2025")
    found["form"] = [f for f in found["form"] if f["kind"] != "stop"]
    assert not parse_formsets(data)["tt03-2025"].has("stop")  # a set may lack it
    data = copy.deepcopy(raw)
    _form(data, "tt03-2025", "05")["produced"] = False
    off = parse_formsets(data)["tt03-2025"].form("stop")
    assert off.number == "05" and off.produced is False


def test_an_unverified_fact_needs_a_note(raw):
    error = refusal(raw, lambda d: _form(d, "tt03-2025", "06").pop("note_vi"))
    assert (error.set_key, error.form, error.field) == ("tt03-2025", "06", "note_vi")

    def untag(data):  # an untagged fact counts as unverified
        found = next(s for s in data["set"] if s["key"] == "tt01-2018")
        found["checked"] = {"legal_basis": "V"}
        found.pop("note_vi")

    error = refusal(raw, untag)
    assert (error.set_key, error.form, error.field) == ("tt01-2018", "", "note_vi")


@pytest.mark.parametrize("change, field", [
    (lambda f: f.update(checked={"title": "maybe"}), "checked.title"),
    (lambda f: f.update(checked={"colour": "V"}), "checked.colour"),
    (lambda f: f.update(paper="A3"), "paper"),
    (lambda f: f.update(titel_vi="typo"), "titel_vi"),
    (lambda f: f.update(title_vi="  "), "title_vi"),
    (lambda f: f.pop("title_en"), "title_en"),
])
def test_a_bad_field_of_a_form_is_named(raw, change, field):
    error = refusal(raw, lambda d: change(_form(d, "tt01-2018", "03")))
    assert (error.set_key, error.form, error.field) == ("tt01-2018", "03", field)


def test_a_form_number_is_two_digits_in_quotes(raw):
    error = refusal(raw, lambda d: _form(d, "tt01-2018", "03").update(number=3))
    assert (error.set_key, error.form, error.field) == ("tt01-2018", "#3", "number")


@pytest.mark.parametrize("change, field", [
    (lambda s: s.update(effective_from="2019-01-06"), "effective_from"),
    (lambda s: s.pop("printed_basis"), "printed_basis"),
    (lambda s: s.update(form=[]), "form"),
    (lambda s: s.update(replaces="tt01-2018"), "replaces"),
])
def test_a_bad_field_of_a_set_is_named(raw, change, field):
    error = refusal(raw, lambda d: change(next(s for s in d["set"] if s["key"] == "tt03-2025")))
    assert (error.set_key, error.form, error.field) == ("tt03-2025", "", field)


def test_set_keys_are_unique_and_the_unrecorded_set_must_exist(raw):
    error = refusal(raw, lambda d: d["set"][1].update(key="tt01-2018"))
    assert error.set_key == "tt01-2018" and error.field == "key"
    error = refusal(raw, lambda d: d.update(default="tt01-2018"))  # no office default now
    assert error.field == "default"
    error = refusal(raw, lambda d: d.update(unrecorded="tt99-2030"))
    assert error.field == "unrecorded"
    error = refusal(raw, lambda d: d.pop("unrecorded"))
    assert error.field == "unrecorded"
    error = refusal(raw, lambda d: d["set"][0].update(key="TT 01/2018"))
    assert error.field == "key"
