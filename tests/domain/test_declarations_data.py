"""The seed declaration forms (tthc/data/declarations.toml) parse and fit their procedures."""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from pathlib import Path

import pytest

from tthc.domain.catalogue import parse_catalogue
from tthc.domain.declarations import (DECLARATIONS_FILE, check_procedure, in_force,
                                      load_declarations_file)

CATALOGUE = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"
WITH_FORM = {"dang-ky-khai-sinh", "dang-ky-ket-hon", "dang-ky-khai-tu", "trich-luc-ho-tich",
             "xac-nhan-tinh-trang-hon-nhan", "dang-ky-giam-ho", "nhan-cha-me-con",
             "thay-doi-cai-chinh-ho-tich"}


@pytest.fixture(scope="module")
def forms():
    return load_declarations_file()


@pytest.fixture(scope="module")
def versions():
    with open(CATALOGUE, "rb") as fh:
        procedures = parse_catalogue(tomllib.load(fh))
    found: dict[str, list] = {}
    for procedure in procedures:
        found.setdefault(procedure.code, []).append(procedure)
    return found


def test_the_file_parses_with_one_form_per_procedure_that_has_one(forms, versions):
    served = {code for form in forms for code in form.procedures}
    assert served == WITH_FORM
    named = {code for code, vs in versions.items()
             if any(v.declaration_form or any(p.generated for p in v.papers) for v in vs)}
    assert named == WITH_FORM  # every procedure that names or generates a tờ khai has one


def test_every_form_reads_only_fields_of_each_of_its_procedures_versions(forms, versions):
    for form in forms:
        for code in form.procedures:
            assert code in versions, (form.id, code)
            for version in versions[code]:
                check_procedure(form, version)  # raises DeclarationError naming the line


def test_every_procedure_version_has_a_form_in_force_when_it_starts(forms, versions):
    for code in WITH_FORM:
        for version in versions[code]:
            assert in_force(forms, code, version.version) is not None, code


def test_every_form_has_the_official_frame_and_says_what_is_unverified(forms):
    for form in forms:
        assert form.title == form.title.upper() and form.title.startswith("TỜ KHAI"), form.id
        assert "04/2020/TT-BTP" in form.legal_basis, form.id
        assert form.source, form.id
        kinds = [line.kind for line in form.lines]
        assert kinds[0] == "addressee", form.id
        commitment = next(line.text for line in form.lines if line.kind == "commitment")
        assert "cam đoan" in commitment and "chịu trách nhiệm trước pháp luật" in commitment
        place = next(line.text for line in form.lines if line.kind == "place_date")
        assert place.startswith("Làm tại") and "ngày" in place and "năm" in place
        signers = next(line.signers for line in form.lines if line.kind == "signature")
        assert all("Ký, ghi rõ họ, chữ đệm, tên" in s.caption for s in signers), form.id
        if not form.verified:  # nothing is passed off as checked against the official text
            assert {"lines", "notes"} <= set(form.unconfirmed), form.id


def test_the_birth_form_has_its_well_known_shape(forms):
    birth = in_force(forms, "dang-ky-khai-sinh", dt.date(2025, 7, 1))
    labels = [part.label for line in birth.lines for part in line.parts]
    for label in ("Họ, chữ đệm, tên người yêu cầu", "Nơi cư trú", "Giấy tờ tùy thân",
                  "Quan hệ với người được khai sinh", "Ngày, tháng, năm sinh", "ghi bằng chữ",
                  "Giới tính", "Dân tộc", "Quốc tịch", "Nơi sinh", "Quê quán",
                  "Họ, chữ đệm, tên người mẹ", "Năm sinh", "Họ, chữ đệm, tên người cha"):
        assert label in labels, label
    words = next(p for line in birth.lines for p in line.parts if p.label == "ghi bằng chữ")
    assert words.format == "date_words" and words.fields == ("child_birth_date",)
    copies = next(line for line in birth.lines if line.kind == "choice")
    assert copies.text == "Đề nghị cấp bản sao" and copies.count.fields == ("copies",)


def test_the_marriage_form_is_a_two_sided_table_signed_by_both(forms):
    marriage = in_force(forms, "dang-ky-ket-hon", dt.date(2025, 7, 1))
    table = next(line for line in marriage.lines if line.kind == "table")
    assert table.columns == ("Thông tin", "Bên nữ", "Bên nam")
    signers = next(line.signers for line in marriage.lines if line.kind == "signature")
    assert [s.title for s in signers] == ["Bên nữ", "Bên nam"]


def test_the_text_is_nfc(forms):
    raw = DECLARATIONS_FILE.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw
